/* RSET -- RFC 1939 section 5: unmark every message marked deleted. */
#include "config.h"

#include "pop3d/common/reply.h"
#include "pop3d/mail/maildrop.h"
#include "pop3d/mail/trans_commands.h"

enum cmd_result
cmd_rset(struct session *s, int argc, char **argv)
{
	struct mail_session *m = mail_session(s);
	size_t total = mu_mailbox_count(m->mbox), count;
	uint64_t octets;

	/* a deletion mark another program left stays (undelete.c) */
	for (size_t i = 0; i < total; i++)
		mu_mailbox_set_deleted(m->mbox, i,
				       mu_mailbox_info(m->mbox, i)->delete_mark);
	maildrop_totals(m, &count, &octets);
	reply_ok(s, "maildrop has %zu message%s (%llu octets)", count,
		 PLURAL(count), (unsigned long long)octets);
	return CMD_OK;
}
