/* RSET -- RFC 1939 section 5: unmark every message marked deleted. */
#include "config.h"

#include "pop3d/common/cmd.h"
#include "pop3d/common/reply.h"

int
cmd_rset(struct session *s, int argc, char **argv)
{
	size_t total = mu_mailbox_count(s->mbox), count;
	uint64_t octets;

	/* a deletion mark another program left stays (undelete.c) */
	for (size_t i = 0; i < total; i++)
		mu_mailbox_set_deleted(s->mbox, i,
				       mu_mailbox_info(s->mbox, i)->delete_mark);
	maildrop_totals(s, &count, &octets);
	return reply_ok(s, "maildrop has %zu message%s (%llu octets)", count,
			PLURAL(count), (unsigned long long)octets);
}
