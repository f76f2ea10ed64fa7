/* NOOP -- RFC 1939 section 5. */
#include "config.h"

#include "pop3d/common/cmd.h"
#include "pop3d/common/reply.h"

int
cmd_noop(struct session *s, int argc, char **argv)
{
	return reply_ok(s, "%s", "");
}
