/* DELE msg -- RFC 1939 section 5.  Only a mark: the message goes away
 * at QUIT (section 6), never on a dropped connection. */
#include "config.h"

#include "pop3d/common/cmd.h"
#include "pop3d/common/reply.h"

int
cmd_dele(struct session *s, int argc, char **argv)
{
	size_t idx;

	if (msg_lookup(s, argv[0], &idx) < 0)
		return 0;       /* also for a message already deleted */
	mu_mailbox_set_deleted(s->mbox, idx, true);
	return reply_ok(s, "message %zu deleted", idx + 1);
}
