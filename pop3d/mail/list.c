/* LIST [msg] -- RFC 1939 section 5. */
#include "config.h"

#include "pop3d/common/reply.h"
#include "pop3d/mail/maildrop.h"
#include "pop3d/mail/trans_commands.h"

enum cmd_result
cmd_list(struct session *s, int argc, char **argv)
{
	struct mail_session *m = mail_session(s);
	const struct mu_message_info *info;
	size_t idx, count, total;
	uint64_t octets;

	if (argc == 1) {
		if (msg_lookup(m, argv[0], &idx) < 0)
			return CMD_OK;  /* msg_lookup answered */
		info = mu_mailbox_info(m->mbox, idx);
		reply_ok(s, "%zu %llu", idx + 1,
			 (unsigned long long)info->size);
		return CMD_OK;
	}
	maildrop_totals(m, &count, &octets);
	reply_ok(s, "%zu message%s (%llu octets)", count, PLURAL(count),
		 (unsigned long long)octets);
	total = mu_mailbox_count(m->mbox);
	for (idx = 0; idx < total; idx++) {
		info = mu_mailbox_info(m->mbox, idx);
		if (!info->deleted)
			reply_line(s, "%zu %llu", idx + 1,
				   (unsigned long long)info->size);
	}
	reply_end_multi(s);
	return CMD_OK;
}
