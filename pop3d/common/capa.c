/* CAPA -- RFC 2449 section 5: the reply, which each state's handler
 * (net/auth_capa.c, mail/trans_capa.c) fills with what applies now.
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

#include "pop3d/common/capa.h"
#include "pop3d/common/reply.h"

void
capa_reply(struct session *s, bool logins, const char *mechanisms,
	   bool stls)
{
	const struct mu_config *cfg = s->cfg;

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
	if (logins && mechanisms[0] != '\0')
		reply_line(s, "SASL %s", mechanisms);
	if (stls)
		reply_line(s, "STLS");          /* RFC 2595 section 4 */
	if (cfg->enable_capa_implementation)
		reply_line(s, "IMPLEMENTATION %s-%s", PACKAGE, VERSION);
	reply_end_multi(s);
}
