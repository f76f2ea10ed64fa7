/* QUIT in TRANSACTION -- RFC 1939 section 6: the UPDATE state. */
#include "config.h"

#include <time.h>

#include "libmu/log.h"
#include "libmu/util.h"
#include "pop3d/common/reply.h"
#include "pop3d/mail/lifecycle.h"
#include "pop3d/mail/mail_session.h"
#include "pop3d/mail/maildrop.h"
#include "pop3d/mail/trans_commands.h"

enum cmd_result
cmd_quit_transaction(struct session *s, int argc, char **argv)
{
	struct mail_session *m = mail_session(s);
	const char *error = "unknown reason";
	size_t count, total;
	uint64_t octets;

	s->closing = true;
	session_end_set(s, SESSION_END_QUIT);
	/* Deletions happen in UPDATE, and only on QUIT; the +OK comes
	 * after they are done, so a client that saw it knows */
	s->state = STATE_UPDATE;
	/* RFC 2449 section 6.7.  The precise clock: time() reads a coarse
	 * one that may still show the second before, while a client (or
	 * mu-sieve) reading the exact time has seen the next one */
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	maildrop_expire(s->cfg, m->mbox, now.tv_sec);
	maildrop_totals(m, &count, &octets);
	total = mu_mailbox_count(m->mbox);
	if (mu_mailbox_commit(m->mbox, &error) < 0) {
		mu_log(MU_LOG_ERR, "QUIT: commit of mailbox %s failed: %s",
		       m->mailbox_url, error);
		reply_err(s, "[SYS/TEMP] some deleted messages not removed");
		return CMD_OK;
	}
	mu_log(MU_LOG_INFO, "QUIT: %zu of %zu messages deleted, %zu left",
	       total - count, total, count);
	m->tally.deleted_count = total - count;
	if (count == 0)
		reply_ok(s, "%s POP3 server signing off (maildrop empty)",
			 s->host_id);
	else
		reply_ok(s, "%s POP3 server signing off (%zu message%s left)",
			 s->host_id, count, PLURAL(count));
	return CMD_OK;
}
