/* Auto-expire at QUIT: RFC 2449 section 6.7 (EXPIRE), the way of GNU
 * Mailutils' `expire` and `delete_expired`.
 *
 * A message sent by RETR in this session gets "X-Expire-Timestamp: <now>"
 * when it has no stamp yet (the first retrieval counts); TOP does not
 * count, so a client that previews with TOP does not start the clock.
 * The header goes in through the driver's commit, crash-safely and
 * without changing the UIDL (the field is outside the UIDL hash).
 *
 * With delete_expired (implied by expire = 0), a message whose stamp is
 * at least `expire` days old is deleted in the same commit -- stamps of
 * earlier sessions as well as of this one, so with expire = 0 every
 * message retrieved in this session, and every one retrieved before,
 * goes at this QUIT: nothing retrieved is left on the server.  Messages
 * never retrieved carry no stamp and stay.  A stamp that is not a decimal
 * number of seconds (another program's) never expires. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>

#include "libmu/log.h"
#include "libmu/scan.h"
#include "pop3d/mail/lifecycle.h"

#define SECONDS_PER_DAY 86400

/* The stamp of a message whose header was not read at open (a Maildir
 * file sized by its name): read the header now.  0 (with *ts_r, 0 for
 * none), or -1 with *error_r. */
static int
read_expire_ts(struct mu_mailbox *mb, size_t idx, int64_t *ts_r,
	       const char **error_r)
{
	struct mu_msgstream st;
	const char *data;
	size_t len;
	bool eol, line_start = true;
	int rc;

	*ts_r = 0;
	if (mu_msgstream_open(mb, idx, &st, error_r) < 0)
		return -1;
	while ((rc = mu_msgstream_next(&st, &data, &len, &eol)) > 0) {
		if (line_start && eol) {
			if (len == 0)
				break;          /* the end of the header */
			if (mu_expire_ts_parse(data, len, ts_r))
				break;
		}
		line_start = eol;
	}
	mu_msgstream_close(&st);
	if (rc < 0) {
		*error_r = "cannot read the message header";
		return -1;
	}
	return 0;
}

void
maildrop_expire(const struct mu_config *cfg, struct mu_mailbox *mb,
		time_t now)
{
	bool delete = cfg->delete_expired || cfg->expire == 0;
	int64_t max_age = (int64_t)cfg->expire * SECONDS_PER_DAY;
	size_t stamped = 0, expired = 0;
	char stamp[64];

	if (cfg->expire < 0)
		return;                 /* unset: EXPIRE NEVER */
	snprintf(stamp, sizeof stamp, "X-Expire-Timestamp: %" PRId64,
		 (int64_t)now);
	for (size_t i = 0; i < mu_mailbox_count(mb); i++) {
		const struct mu_message_info *info = mu_mailbox_info(mb, i);
		int64_t ts = info->expire_ts;
		const char *error = "unknown reason";

		if (info->deleted || (!info->seen && !delete))
			continue;
		if (ts == MU_EXPIRE_TS_UNREAD &&
		    read_expire_ts(mb, i, &ts, &error) < 0) {
			mu_log(MU_LOG_WARNING, "expire: message %zu: %s; left "
			       "as it is", i + 1, error);
			continue;
		}
		if (info->seen && ts == 0) {
			if (mu_mailbox_add_header(mb, i, stamp) < 0) {
				mu_log(MU_LOG_ERR, "expire: cannot stamp message "
				       "%zu", i + 1);
				continue;
			}
			ts = (int64_t)now;
			stamped++;
		}
		/* Mailutils' test: now >= stamp + expire days */
		if (delete && ts > 0 && (int64_t)now - ts >= max_age) {
			mu_mailbox_set_deleted(mb, i, true);
			expired++;
		}
	}
	if (stamped > 0 || expired > 0)
		mu_log(MU_LOG_INFO, "expire: %zu message%s stamped, %zu expired "
		       "(expire = %ld days)", stamped, stamped == 1 ? "" : "s",
		       expired, cfg->expire);
}
