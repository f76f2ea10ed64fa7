/* USER name, PASS string -- RFC 1939 section 7. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "libmu/log.h"
#include "libmu/util.h"
#include "pop3d/common/reply.h"
#include "pop3d/monitor/privsep.h"
#include "pop3d/net/auth_commands.h"
#include "pop3d/net/net_session.h"

enum cmd_result
cmd_user(struct session *s, int argc, char **argv)
{
	struct net_session *n = net_session(s);

	/* The reply never tells whether the user exists: that would help
	 * an attacker guess names.  A later USER replaces an earlier one. */
	net_forget_pending_user(n);
	n->pending_user = mu_xstrdup(argv[0]);
	reply_ok(s, "send PASS");
	return CMD_OK;
}

enum cmd_result
cmd_pass(struct session *s, int argc, char **argv)
{
	struct net_session *n = net_session(s);
	enum privsep_verdict v;

	if (n->pending_user == NULL) {
		reply_err(s, "USER first");
		return CMD_OK;
	}
	/* the monitor decides, and answers failures after the same delay
	 * whether the user exists or not (doc/privsep.md) */
	v = privsep_login_pass(n, n->pending_user, argv[0]);
	/* RFC 1939: after a failed PASS the client starts again with USER */
	net_forget_pending_user(n);
	explicit_bzero(argv[0], strlen(argv[0]));
	/* logged in: the transaction process has the session, relayed once
	 * the command loop ends (net_session.c) */
	return privsep_cmd_result(v);
}
