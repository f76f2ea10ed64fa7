/* LIST [msg] -- RFC 1939 section 5. */
#include "config.h"

#include "pop3d/common/cmd.h"
#include "pop3d/common/reply.h"

int
cmd_list(struct session *s, int argc, char **argv)
{
	const struct mu_message_info *info;
	size_t idx, count, total;
	uint64_t octets;

	if (argc == 1) {
		if (msg_lookup(s, argv[0], &idx) < 0)
			return 0;       /* msg_lookup answered */
		info = mu_mailbox_info(s->mbox, idx);
		return reply_ok(s, "%zu %llu", idx + 1,
				(unsigned long long)info->size);
	}
	maildrop_totals(s, &count, &octets);
	reply_ok(s, "%zu message%s (%llu octets)", count, PLURAL(count),
		 (unsigned long long)octets);
	total = mu_mailbox_count(s->mbox);
	for (idx = 0; idx < total; idx++) {
		info = mu_mailbox_info(s->mbox, idx);
		if (!info->deleted)
			reply_line(s, "%zu %llu", idx + 1,
				   (unsigned long long)info->size);
	}
	reply_end_multi(s);
	return 0;
}
