/* NOOP -- RFC 1939 section 5. */
#include "config.h"

#include "pop3d/common/reply.h"
#include "pop3d/mail/maildrop.h"
#include "pop3d/mail/trans_commands.h"

enum cmd_result
cmd_noop(struct session *s, int argc, char **argv)
{
	reply_ok(s, "%s", "");
	return CMD_OK;
}
