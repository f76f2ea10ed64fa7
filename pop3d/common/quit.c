/* QUIT -- RFC 1939 sections 5 (AUTHORIZATION) and 6 (the UPDATE state). */
#include "config.h"

#include <time.h>

#include "libmu/log.h"
#include "pop3d/common/cmd.h"
#include "pop3d/mail/lifecycle.h"
#include "pop3d/common/reply.h"

int
cmd_quit(struct session *s, int argc, char **argv)
{
	const char *error = "unknown reason";
	size_t count, total;
	uint64_t octets;

	s->closing = true;
	session_end_set(s, SESSION_END_QUIT);
	if (s->state == STATE_AUTHORIZATION)
		return reply_ok(s, "%s POP3 server signing off", s->host_id);

	/* Section 6: deletions happen in UPDATE, and only on QUIT; the +OK
	 * comes after they are done, so a client that saw it knows */
	s->state = STATE_UPDATE;
	/* RFC 2449 section 6.7.  The precise clock: time() reads a coarse
	 * one that may still show the second before, while a client (or
	 * mu-sieve) reading the exact time has seen the next one */
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	maildrop_expire(s, now.tv_sec);
	maildrop_totals(s, &count, &octets);
	total = mu_mailbox_count(s->mbox);
	if (mu_mailbox_commit(s->mbox, &error) < 0) {
		mu_log(MU_LOG_ERR, "QUIT: commit of mailbox %s failed: %s",
		       s->mailbox_url, error);
		return reply_err(s, "[SYS/TEMP] some deleted messages not "
				 "removed");
	}
	mu_log(MU_LOG_INFO, "QUIT: %zu of %zu messages deleted, %zu left",
	       total - count, total, count);
	s->deleted_count = total - count;       /* for the summary line */
	if (count == 0)
		return reply_ok(s, "%s POP3 server signing off (maildrop empty)",
				s->host_id);
	return reply_ok(s, "%s POP3 server signing off (%zu message%s left)",
			s->host_id, count, PLURAL(count));
}
