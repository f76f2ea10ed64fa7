/* APOP name digest -- RFC 1939 section 7. */
#include "config.h"

#include <ctype.h>
#include <string.h>

#include "libmu/log.h"
#include "libmu/util.h"
#include "pop3d/common/cmd.h"
#include "pop3d/monitor/privsep.h"
#include "pop3d/common/reply.h"

int
cmd_apop(struct session *s, int argc, char **argv)
{
	enum privsep_verdict v;

	/* No timestamp in the greeting, no APOP (RFC 1939 section 7) */
	if (s->apop_timestamp[0] == '\0')
		return reply_err(s, "APOP is not offered");
	/* A digest is 32 hex digits; the monitor checks it again, against
	 * the timestamp it made itself */
	if (strlen(argv[1]) != MU_MD5_HEX_LEN)
		return reply_err(s, "malformed APOP digest");
	for (size_t i = 0; i < MU_MD5_HEX_LEN; i++)
		if (!isxdigit((unsigned char)argv[1][i]))
			return reply_err(s, "malformed APOP digest");
	session_forget_pending_user(s);     /* APOP replaces USER/PASS */
	v = privsep_login_apop(s, argv[0], argv[1]);
	return v == PRIVSEP_LOGGED_IN || v == PRIVSEP_END ? -1 : 0;
}
