/* UIDL [msg] -- RFC 1939 section 7.  The unique ids come from the
 * mailbox scan (doc/uidl.md); pop3d never writes them into messages. */
#include "config.h"

#include "pop3d/common/cmd.h"
#include "pop3d/common/reply.h"

int
cmd_uidl(struct session *s, int argc, char **argv)
{
	const struct mu_message_info *info;
	size_t idx, total;

	if (argc == 1) {
		if (msg_lookup(s, argv[0], &idx) < 0)
			return 0;
		info = mu_mailbox_info(s->mbox, idx);
		return reply_ok(s, "%zu %s", idx + 1, info->uidl);
	}
	reply_ok(s, "unique-id listing follows");
	total = mu_mailbox_count(s->mbox);
	for (idx = 0; idx < total; idx++) {
		info = mu_mailbox_info(s->mbox, idx);
		if (!info->deleted)
			reply_line(s, "%zu %s", idx + 1, info->uidl);
	}
	reply_end_multi(s);
	return 0;
}
