/* Helpers over the open maildrop shared by the TRANSACTION commands:
 * strict message numbers and the totals of undeleted messages. */
#include "config.h"

#include <stdint.h>

#include "pop3d/common/reply.h"
#include "pop3d/mail/maildrop.h"

bool
parse_number(const char *text, uint64_t *value_r)
{
	uint64_t v = 0;

	/* popa3d's rule: digits only.  strtoul would take "+1", " 1",
	 * "-1" (wrapped) and "1x", and silently clamp an overflow */
	if (*text == '\0')
		return false;
	for (const char *p = text; *p != '\0'; p++) {
		unsigned d;

		if (*p < '0' || *p > '9')
			return false;
		d = (unsigned)(*p - '0');
		if (v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*value_r = v;
	return true;
}

int
msg_lookup(struct mail_session *m, const char *arg, size_t *idx_r)
{
	struct session *s = &m->core;
	const struct mu_message_info *info;
	uint64_t n;
	bool digits_only = *arg != '\0';

	for (const char *p = arg; *p != '\0'; p++)
		if (*p < '0' || *p > '9')
			digits_only = false;
	if (!digits_only) {
		reply_error(s, ERR_BAD_MSGNO);
		return -1;
	}
	/* all digits but too big for 64 bits is simply not a message */
	if (!parse_number(arg, &n) || n == 0 ||
	    n > mu_mailbox_count(m->mbox)) {
		reply_error(s, ERR_NO_SUCH_MESSAGE);
		return -1;
	}
	info = mu_mailbox_info(m->mbox, (size_t)(n - 1));
	if (info->deleted) {
		reply_err(s, "message %llu is deleted", (unsigned long long)n);
		return -1;
	}
	*idx_r = (size_t)(n - 1);
	return 0;
}

void
maildrop_totals(const struct mail_session *m, size_t *count_r,
		uint64_t *octets_r)
{
	size_t count = 0;
	uint64_t octets = 0;
	size_t total = mu_mailbox_count(m->mbox);

	/* RFC 1939 section 5 (STAT): deleted messages are not counted */
	for (size_t i = 0; i < total; i++) {
		const struct mu_message_info *info = mu_mailbox_info(m->mbox, i);

		if (!info->deleted) {
			count++;
			octets += info->size;
		}
	}
	*count_r = count;
	*octets_r = octets;
}
