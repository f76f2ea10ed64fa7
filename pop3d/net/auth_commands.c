/* The AUTHORIZATION state's command table (auth_commands.h): what a
 * client may send before it is logged in, RFC 1939 section 4 and the
 * extensions that belong to this state. */
#include "config.h"

#include "pop3d/net/auth_commands.h"
#include "pop3d/net/tls.h"

/* pop3_force_tls: credentials are refused before TLS, before any
 * backend sees them and before their arguments are checked */
static bool
credentials_guard(struct session *s, enum cmd_result *result_r)
{
	if (tls_login_allowed(s))
		return true;
	tls_refuse_login(s);
	*result_r = CMD_OK;
	return false;
}

static const struct command commands[] = {
	/* RFC 1939 section 7 (optional commands), 2449 section 5 (CAPA) */
	{ "USER", cmd_user, 1, 1, CMD_CREDENTIALS },
	{ "PASS", cmd_pass, 1, CMD_ARGS_REST, CMD_CREDENTIALS },
	{ "APOP", cmd_apop, 2, 2, CMD_CREDENTIALS },
	/* RFC 5034: the mechanism and an initial response */
	{ "AUTH", cmd_auth, 0, 2, CMD_CREDENTIALS },
	{ "CAPA", cmd_capa_authorization, 0, 0, 0 },
	/* RFC 2595 section 4 */
	{ "STLS", cmd_stls, 0, 0, 0 },
	/* RFC 1939 section 5 */
	{ "QUIT", cmd_quit_authorization, 0, 0, 0 },
};

const struct cmd_table authorization_commands = {
	commands, sizeof commands / sizeof commands[0], credentials_guard,
};
