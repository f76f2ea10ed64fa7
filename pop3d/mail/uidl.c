/* UIDL [msg] -- RFC 1939 section 7.  The unique ids come from the
 * mailbox scan (doc/uidl.md); pop3d never writes them into messages. */
#include "config.h"

#include "pop3d/common/reply.h"
#include "pop3d/mail/maildrop.h"
#include "pop3d/mail/trans_commands.h"

enum cmd_result
cmd_uidl(struct session *s, int argc, char **argv)
{
	struct mail_session *m = mail_session(s);
	const struct mu_message_info *info;
	size_t idx, total;

	if (argc == 1) {
		if (msg_lookup(m, argv[0], &idx) < 0)
			return CMD_OK;
		info = mu_mailbox_info(m->mbox, idx);
		reply_ok(s, "%zu %s", idx + 1, info->uidl);
		return CMD_OK;
	}
	reply_ok(s, "unique-id listing follows");
	total = mu_mailbox_count(m->mbox);
	for (idx = 0; idx < total; idx++) {
		info = mu_mailbox_info(m->mbox, idx);
		if (!info->deleted)
			reply_line(s, "%zu %s", idx + 1, info->uidl);
	}
	reply_end_multi(s);
	return CMD_OK;
}
