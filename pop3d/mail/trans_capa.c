/* CAPA in TRANSACTION (RFC 2449 section 5): the AUTHORIZATION
 * capabilities are announced here too.  The logins were accepted, so
 * pop3_force_tls let them; the SASL list is the one the monitor handed
 * over (sasl_list_after_login()).  STLS is left out: RFC 2595 section 4
 * makes it an AUTHORIZATION command. */
#include "config.h"

#include "pop3d/common/capa.h"
#include "pop3d/mail/mail_session.h"
#include "pop3d/mail/trans_commands.h"

enum cmd_result
cmd_capa_transaction(struct session *s, int argc, char **argv)
{
	capa_reply(s, true, mail_session(s)->sasl_mechanisms, false);
	return CMD_OK;
}
