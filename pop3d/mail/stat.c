/* STAT -- RFC 1939 section 5. */
#include "config.h"

#include "pop3d/common/cmd.h"
#include "pop3d/common/reply.h"

int
cmd_stat(struct session *s, int argc, char **argv)
{
	size_t count;
	uint64_t octets;

	maildrop_totals(s, &count, &octets);
	return reply_ok(s, "%zu %llu", count, (unsigned long long)octets);
}
