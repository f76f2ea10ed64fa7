/* APOP name digest -- RFC 1939 section 7. */
#include "config.h"

#include <ctype.h>
#include <string.h>

#include "libmu/log.h"
#include "libmu/util.h"
#include "pop3d/cmd.h"
#include "pop3d/reply.h"

int
cmd_apop(struct session *s, int argc, char **argv)
{
	struct auth_user user;
	enum auth_result r;
	const char *error = "unknown reason";
	char digest[MU_MD5_HEX_LEN + 1];
	char name[64];

	/* No timestamp in the greeting, no APOP (RFC 1939 section 7) */
	if (s->apop_timestamp[0] == '\0')
		return reply_err(s, "APOP is not offered");
	/* A digest is 32 hex digits; compare case-insensitively by
	 * lowering it, since MD5 hex is conventionally lower case */
	if (strlen(argv[1]) != MU_MD5_HEX_LEN)
		return reply_err(s, "malformed APOP digest");
	for (size_t i = 0; i < MU_MD5_HEX_LEN; i++) {
		if (!isxdigit((unsigned char)argv[1][i]))
			return reply_err(s, "malformed APOP digest");
		digest[i] = (char)tolower((unsigned char)argv[1][i]);
	}
	digest[MU_MD5_HEX_LEN] = '\0';
	log_quote(argv[0], name, sizeof name);
	session_forget_pending_user(s);     /* APOP replaces USER/PASS */

	memset(&user, 0, sizeof user);
	r = auth_apop(s->cfg, argv[0], s->apop_timestamp, digest, &user, &error);
	switch (r) {
	case AUTH_OK:
		return session_login(s, &user);
	case AUTH_TEMPFAIL:
		mu_log(MU_LOG_ERR, "APOP for \"%s\": authentication "
		       "unavailable: %s", name, error);
		return reply_error(s, ERR_AUTH_TEMPFAIL);
	case AUTH_FAIL:
		break;
	}
	mu_log(MU_LOG_NOTICE, "APOP failed for \"%s\": %s", name, error);
	session_auth_fail_delay();
	return reply_error(s, ERR_AUTH_FAILED);
}
