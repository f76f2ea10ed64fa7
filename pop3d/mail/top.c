/* TOP msg n -- RFC 1939 section 7: the header, the blank line that ends
 * it, then n lines of the body.  TOP does not mark a message as seen. */
#include "config.h"

#include "libmu/log.h"
#include "pop3d/common/cmd.h"
#include "pop3d/common/reply.h"

int
cmd_top(struct session *s, int argc, char **argv)
{
	struct mu_msgstream st;
	const char *error = "unknown reason";
	uint64_t lines, sent;
	size_t idx;
	int r;

	if (msg_lookup(s, argv[0], &idx) < 0)
		return 0;
	/* "a non-negative number of lines": digits only, any size */
	if (!parse_number(argv[1], &lines))
		return reply_err(s, "invalid number of lines");
	if (mu_msgstream_open(s->mbox, idx, &st, &error) < 0) {
		mu_log(MU_LOG_ERR, "TOP %zu: cannot read message: %s",
		       idx + 1, error);
		return reply_err(s, "[SYS/TEMP] cannot read message %zu",
				 idx + 1);
	}
	reply_ok(s, "top of message %zu follows", idx + 1);
	r = reply_message(s, &st, lines, &sent);
	mu_msgstream_close(&st);
	if (r < 0)
		return -1;
	reply_end_multi(s);
	return 0;
}
