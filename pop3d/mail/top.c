/* TOP msg n -- RFC 1939 section 7: the header, the blank line that ends
 * it, then n lines of the body.  TOP does not mark a message as seen. */
#include "config.h"

#include "libmu/log.h"
#include "pop3d/common/reply.h"
#include "pop3d/mail/maildrop.h"
#include "pop3d/mail/trans_commands.h"

enum cmd_result
cmd_top(struct session *s, int argc, char **argv)
{
	struct mail_session *m = mail_session(s);
	struct mu_msgstream st;
	const char *error = "unknown reason";
	uint64_t lines, sent;
	size_t idx;
	int r;

	if (msg_lookup(m, argv[0], &idx) < 0)
		return CMD_OK;
	/* "a non-negative number of lines": digits only, any size */
	if (!parse_number(argv[1], &lines)) {
		reply_err(s, "invalid number of lines");
		return CMD_OK;
	}
	if (mu_msgstream_open(m->mbox, idx, &st, &error) < 0) {
		mu_log(MU_LOG_ERR, "TOP %zu: cannot read message: %s",
		       idx + 1, error);
		reply_err(s, "[SYS/TEMP] cannot read message %zu", idx + 1);
		return CMD_OK;
	}
	reply_ok(s, "top of message %zu follows", idx + 1);
	r = reply_message(s, &st, lines, &sent);
	mu_msgstream_close(&st);
	if (r < 0)
		return CMD_CLOSE;
	reply_end_multi(s);
	return CMD_OK;
}
