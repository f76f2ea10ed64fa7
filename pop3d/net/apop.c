/* APOP name digest -- RFC 1939 section 7. */
#include "config.h"

#include <ctype.h>
#include <string.h>

#include "libmu/log.h"
#include "libmu/util.h"
#include "pop3d/common/reply.h"
#include "pop3d/monitor/privsep.h"
#include "pop3d/net/auth_commands.h"
#include "pop3d/net/net_session.h"

/* A digest is 32 hex digits; the monitor checks it again, against the
 * timestamp it made itself */
static bool
well_formed_digest(const char *digest)
{
	if (strlen(digest) != MU_MD5_HEX_LEN)
		return false;
	for (size_t i = 0; i < MU_MD5_HEX_LEN; i++)
		if (!isxdigit((unsigned char)digest[i]))
			return false;
	return true;
}

enum cmd_result
cmd_apop(struct session *s, int argc, char **argv)
{
	struct net_session *n = net_session(s);

	/* No timestamp in the greeting, no APOP (RFC 1939 section 7) */
	if (n->apop_timestamp[0] == '\0') {
		reply_err(s, "APOP is not offered");
		return CMD_OK;
	}
	if (!well_formed_digest(argv[1])) {
		reply_err(s, "malformed APOP digest");
		return CMD_OK;
	}
	net_forget_pending_user(n);         /* APOP replaces USER/PASS */
	return privsep_cmd_result(privsep_login_apop(n, argv[0], argv[1]));
}
