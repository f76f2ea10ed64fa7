/* USER name, PASS string -- RFC 1939 section 7. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "libmu/log.h"
#include "libmu/util.h"
#include "pop3d/common/cmd.h"
#include "pop3d/monitor/privsep.h"
#include "pop3d/common/reply.h"

int
cmd_user(struct session *s, int argc, char **argv)
{
	/* The reply never tells whether the user exists: that would help
	 * an attacker guess names.  A later USER replaces an earlier one. */
	session_forget_pending_user(s);
	s->pending_user = mu_xstrdup(argv[0]);
	return reply_ok(s, "send PASS");
}

int
cmd_pass(struct session *s, int argc, char **argv)
{
	enum privsep_verdict v;

	if (s->pending_user == NULL)
		return reply_err(s, "USER first");
	/* the monitor decides, and answers failures after the same delay
	 * whether the user exists or not (doc/privsep.md) */
	v = privsep_login_pass(s, s->pending_user, argv[0]);
	/* RFC 1939: after a failed PASS the client starts again with USER */
	session_forget_pending_user(s);
	explicit_bzero(argv[0], strlen(argv[0]));
	/* logged in: the transaction process has the session, relayed once
	 * the command loop ends (session.c) */
	return v == PRIVSEP_LOGGED_IN || v == PRIVSEP_END ? -1 : 0;
}
