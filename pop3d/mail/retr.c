/* RETR msg -- RFC 1939 section 5. */
#include "config.h"

#include "libmu/log.h"
#include "pop3d/common/reply.h"
#include "pop3d/mail/maildrop.h"
#include "pop3d/mail/trans_commands.h"

enum cmd_result
cmd_retr(struct session *s, int argc, char **argv)
{
	struct mail_session *m = mail_session(s);
	const struct mu_message_info *info;
	struct mu_msgstream st;
	const char *error = "unknown reason";
	uint64_t sent;
	size_t idx;
	int r;

	if (msg_lookup(m, argv[0], &idx) < 0)
		return CMD_OK;
	info = mu_mailbox_info(m->mbox, idx);
	if (mu_msgstream_open(m->mbox, idx, &st, &error) < 0) {
		mu_log(MU_LOG_ERR, "RETR %zu: cannot read message: %s",
		       idx + 1, error);
		reply_err(s, "[SYS/TEMP] cannot read message %zu", idx + 1);
		return CMD_OK;
	}
	reply_ok(s, "%llu octets", (unsigned long long)info->size);
	r = reply_message(s, &st, UINT64_MAX, &sent);
	mu_msgstream_close(&st);
	if (r < 0)
		return CMD_CLOSE;
	/* The size was announced by STAT/LIST and in the +OK line.  If the
	 * file changed under us the copy is wrong: end the connection
	 * without the final "." so the client cannot take it for good. */
	if (sent != info->size) {
		mu_log(MU_LOG_ERR, "RETR %zu: message changed on disk: sent "
		       "%llu octets, expected %llu; closing", idx + 1,
		       (unsigned long long)sent,
		       (unsigned long long)info->size);
		return CMD_CLOSE;
	}
	reply_end_multi(s);
	mu_mailbox_set_seen(m->mbox, idx);
	m->tally.retr_count++;          /* for the summary line */
	m->tally.retr_octets += sent;
	return CMD_OK;
}
