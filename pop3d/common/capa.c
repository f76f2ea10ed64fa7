/* CAPA -- RFC 2449 section 5.  Lists what applies now, in this state.
 *
 * Section 5 also says that the capabilities of the AUTHORIZATION state
 * are announced in both states: a client that asks only after login
 * learns USER, AUTH-RESP-CODE and SASL all the same.  After login CAPA is
 * answered by the transaction process (privsep.h), which has neither the
 * client's TLS nor the monitor's mechanisms: the monitor hands it the
 * SASL list (sasl_list_after_login(): the -PLUS ones only after a SASL
 * login over TLS).  STLS is the one capability left out after login:
 * RFC 2595 section 4 makes it an AUTHORIZATION command, refused in
 * TRANSACTION, and whether TLS already runs is not known there. */
#include "config.h"

#include <stdio.h>

#include "pop3d/common/cmd.h"
#include "pop3d/monitor/privsep.h"
#include "pop3d/common/reply.h"
#include "pop3d/net/tls.h"

int
cmd_capa(struct session *s, int argc, char **argv)
{
	const struct mu_config *cfg = s->cfg;
	bool auth = s->state == STATE_AUTHORIZATION;
	/* pop3_force_tls hides USER and SASL while credentials would cross
	 * in clear; after login they were accepted, so it let them */
	bool logins = !auth || tls_login_allowed(s);

	reply_ok(s, "Capability list follows");
	reply_line(s, "TOP");
	reply_line(s, "UIDL");
	if (logins)
		reply_line(s, "USER");          /* RFC 2449 section 6.8 */
	reply_line(s, "RESP-CODES");            /* RFC 2449 section 6.4 */
	reply_line(s, "AUTH-RESP-CODE");        /* RFC 3206 section 6 */
	reply_line(s, "PIPELINING");            /* RFC 2449 section 6.6 */
	/* RFC 2449 section 6.7: days a retrieved message may stay */
	if (cfg->expire < 0)
		reply_line(s, "EXPIRE NEVER");
	else
		reply_line(s, "EXPIRE %ld", cfg->expire);
	/* RFC 2449 section 6.5: seconds between logins */
	if (cfg->login_delay > 0)
		reply_line(s, "LOGIN-DELAY %u", cfg->login_delay);
	/* RFC 5034 section 6: what AUTH takes (-PLUS only over TLS) */
	if (logins) {
		char mechs[SESSION_SASL_MECHS_MAX];

		if (auth)
			privsep_sasl_list(s, mechs, sizeof mechs);
		else
			snprintf(mechs, sizeof mechs, "%s", s->sasl_mechanisms);
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
