/* DELE msg -- RFC 1939 section 5.  Only a mark: the message goes away
 * at QUIT (section 6), never on a dropped connection. */
#include "config.h"

#include "pop3d/common/reply.h"
#include "pop3d/mail/maildrop.h"
#include "pop3d/mail/trans_commands.h"

enum cmd_result
cmd_dele(struct session *s, int argc, char **argv)
{
	struct mail_session *m = mail_session(s);
	size_t idx;

	if (msg_lookup(m, argv[0], &idx) < 0)
		return CMD_OK;  /* also for a message already deleted */
	mu_mailbox_set_deleted(m->mbox, idx, true);
	reply_ok(s, "message %zu deleted", idx + 1);
	return CMD_OK;
}
