/* CAPA -- RFC 2449 section 5.  Lists what applies now, in this state. */
#include "config.h"

#include "pop3d/cmd.h"
#include "pop3d/privsep.h"
#include "pop3d/reply.h"
#include "pop3d/tls.h"

int
cmd_capa(struct session *s, int argc, char **argv)
{
	const struct mu_config *cfg = s->cfg;
	bool auth = s->state == STATE_AUTHORIZATION;

	reply_ok(s, "Capability list follows");
	reply_line(s, "TOP");
	reply_line(s, "UIDL");
	if (auth && tls_login_allowed(s))
		reply_line(s, "USER");          /* RFC 2449 section 6.8 */
	reply_line(s, "RESP-CODES");            /* RFC 2449 section 6.4 */
	if (auth)
		reply_line(s, "AUTH-RESP-CODE");   /* RFC 3206 section 6 */
	reply_line(s, "PIPELINING");            /* RFC 2449 section 6.6 */
	/* RFC 2449 section 6.7: days a retrieved message may stay */
	if (cfg->expire < 0)
		reply_line(s, "EXPIRE NEVER");
	else
		reply_line(s, "EXPIRE %ld", cfg->expire);
	/* RFC 2449 section 6.5: seconds between logins */
	if (cfg->login_delay > 0)
		reply_line(s, "LOGIN-DELAY %u", cfg->login_delay);
	/* RFC 5034 section 6: what AUTH takes now (-PLUS only over TLS);
	 * none while pop3_force_tls refuses credentials */
	if (auth && tls_login_allowed(s)) {
		char mechs[SESSION_SASL_MECHS_MAX];

		privsep_sasl_list(s, mechs, sizeof mechs);
		if (mechs[0] != '\0')
			reply_line(s, "SASL %s", mechs);
	}
	if (tls_stls_offered(s))
		reply_line(s, "STLS");          /* RFC 2595 section 4 */
	if (cfg->enable_capa_implementation)
		reply_line(s, "IMPLEMENTATION %s-%s", PACKAGE, VERSION);
	reply_end_multi(s);
	return 0;
}
