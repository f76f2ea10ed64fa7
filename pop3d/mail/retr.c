/* RETR msg -- RFC 1939 section 5. */
#include "config.h"

#include "libmu/log.h"
#include "pop3d/common/cmd.h"
#include "pop3d/common/reply.h"

int
cmd_retr(struct session *s, int argc, char **argv)
{
	const struct mu_message_info *info;
	struct mu_msgstream st;
	const char *error = "unknown reason";
	uint64_t sent;
	size_t idx;
	int r;

	if (msg_lookup(s, argv[0], &idx) < 0)
		return 0;
	info = mu_mailbox_info(s->mbox, idx);
	if (mu_msgstream_open(s->mbox, idx, &st, &error) < 0) {
		mu_log(MU_LOG_ERR, "RETR %zu: cannot read message: %s",
		       idx + 1, error);
		return reply_err(s, "[SYS/TEMP] cannot read message %zu",
				 idx + 1);
	}
	reply_ok(s, "%llu octets", (unsigned long long)info->size);
	r = reply_message(s, &st, UINT64_MAX, &sent);
	mu_msgstream_close(&st);
	if (r < 0)
		return -1;
	/* The size was announced by STAT/LIST and in the +OK line.  If the
	 * file changed under us the copy is wrong: end the connection
	 * without the final "." so the client cannot take it for good. */
	if (sent != info->size) {
		mu_log(MU_LOG_ERR, "RETR %zu: message changed on disk: sent "
		       "%llu octets, expected %llu; closing", idx + 1,
		       (unsigned long long)sent,
		       (unsigned long long)info->size);
		return -1;
	}
	reply_end_multi(s);
	mu_mailbox_set_seen(s->mbox, idx);
	s->retr_count++;                /* for the summary line */
	s->retr_octets += sent;
	return 0;
}
