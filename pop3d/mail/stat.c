/* STAT -- RFC 1939 section 5. */
#include "config.h"

#include "pop3d/common/reply.h"
#include "pop3d/mail/maildrop.h"
#include "pop3d/mail/trans_commands.h"

enum cmd_result
cmd_stat(struct session *s, int argc, char **argv)
{
	struct mail_session *m = mail_session(s);
	size_t count;
	uint64_t octets;

	maildrop_totals(m, &count, &octets);
	reply_ok(s, "%zu %llu", count, (unsigned long long)octets);
	return CMD_OK;
}
