/* Deletion marks left in the mailbox by other programs (libmu/delmark.h:
 * "Status: d" of GNU Mailutils, "X-Status: D" of c-client and Dovecot's
 * mbox, Maildir's T flag) -- the IMAP \Deleted flag of a message nobody
 * expunged.
 *
 * GNU Mailutils pop3d counts such a message as deleted (pop3d_is_deleted
 * looks at the mailbox's own deleted attribute as well as at DELE's
 * mark): STAT, LIST and UIDL leave it out, RETR refuses it, RSET does not
 * bring it back, and the QUIT that commits removes it.  So do we, with
 * one difference: such a message is not numbered at all.  Mailutils
 * leaves a gap in the numbering (1 and 3 listed, STAT 2), and RFC 1939
 * section 5 numbers a maildrop 1..N: a client that fetches 1..STAT would
 * miss the last message.  With `undelete`, the marks are cleared from the
 * storage at login, before anything is listed, and those messages are
 * served like any other. */
#include "config.h"

#include "libmu/log.h"
#include "pop3d/mail/lifecycle.h"

void
maildrop_undelete(const struct mu_config *cfg, struct mu_mailbox *mb)
{
	const char *error = "unknown reason";
	size_t marked = 0;

	if (!cfg->undelete)
		return;
	for (size_t i = 0; i < mu_mailbox_count(mb); i++) {
		if (mu_mailbox_info(mb, i)->delete_mark) {
			mu_mailbox_clear_delete_mark(mb, i);
			marked++;
		}
	}
	if (marked == 0)
		return;
	/* committed now, not at QUIT: the marks are gone for every other
	 * program too, even if this session ends without QUIT */
	if (mu_mailbox_commit(mb, &error) < 0) {
		mu_log(MU_LOG_ERR, "undelete: cannot clear the deletion marks: %s",
		       error);
		return;
	}
	mu_log(MU_LOG_INFO, "undelete: cleared the deletion marks of %zu "
	       "message%s", marked, marked == 1 ? "" : "s");
}

void
maildrop_apply_delete_marks(struct mu_mailbox *mb)
{
	size_t hidden = mu_mailbox_hide_marked(mb);

	if (hidden > 0)
		mu_log(MU_LOG_INFO, "%zu message%s marked deleted by another "
		       "program: not listed, removed at QUIT", hidden,
		       hidden == 1 ? "" : "s");
}
