/* CAPA in AUTHORIZATION (RFC 2449 section 5): what a client may use to
 * log in, here and now. */
#include "config.h"

#include "pop3d/common/capa.h"
#include "pop3d/monitor/privsep.h"
#include "pop3d/net/auth_commands.h"
#include "pop3d/net/net_session.h"
#include "pop3d/net/tls.h"

enum cmd_result
cmd_capa_authorization(struct session *s, int argc, char **argv)
{
	char mechs[SESSION_SASL_MECHS_MAX];

	/* -PLUS only over TLS (privsep_sasl_list) */
	privsep_sasl_list(net_session(s), mechs, sizeof mechs);
	/* pop3_force_tls hides USER and SASL while credentials would cross
	 * in clear */
	capa_reply(s, tls_login_allowed(s), mechs, tls_stls_offered(s));
	return CMD_OK;
}
