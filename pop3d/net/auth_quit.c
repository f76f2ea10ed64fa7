/* QUIT in AUTHORIZATION -- RFC 1939 section 5: sign off, nothing to
 * commit. */
#include "config.h"

#include "pop3d/common/reply.h"
#include "pop3d/net/auth_commands.h"

enum cmd_result
cmd_quit_authorization(struct session *s, int argc, char **argv)
{
	s->closing = true;
	session_end_set(s, SESSION_END_QUIT);
	reply_ok(s, "%s POP3 server signing off", s->host_id);
	return CMD_OK;
}
