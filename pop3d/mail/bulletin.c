/* Bulletins (GNU Mailutils pop3d's bulletin_source): after login, the
 * messages of bulletin_source that the user has not had are appended to
 * their mailbox, each exactly once even if the process dies half-way.
 * The design, and why it holds, is in doc/bulletins.md; in short:
 *
 *  - bulletins are numbered by position in bulletin_source (1, 2, ...);
 *    the user's record (bulletin.h) holds the last number delivered;
 *  - the mailbox is held with its session lock the whole time, so no
 *    other session of the user delivers at the same time;
 *  - before bulletin N is appended the record says "N-1 N" (N pending);
 *    the copy carries "X-Bulletin-Id: <UIDL of N in bulletin_source>";
 *    after the append the record moves on;
 *  - a record found with N pending means a session stopped between the
 *    two: N was appended if and only if a message of the mailbox carries
 *    N's X-Bulletin-Id, which decides it. */
#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libmu/log.h"
#include "libmu/util.h"
#include "pop3d/mail/bulletin.h"
#include "pop3d/mail/lifecycle.h"
#include "pop3d/common/limits.h"

#define BULLETIN_ID_FIELD "X-Bulletin-Id"

/* ---- the crash test's hook (testsuite/lifecycle/) ----
 * POP3D_TEST_BULLETIN_KILL=n makes the process SIGKILL itself right after
 * its n-th durable step of a delivery (a record written, a bulletin
 * appended), saying so in the log first so that the test knows the kill
 * happened whichever process of pop3d it was.  Unset, it costs one getenv
 * per delivery step. */
static void
kill_point(void)
{
	static long steps;
	const char *e = getenv("POP3D_TEST_BULLETIN_KILL");

	if (e != NULL && atol(e) > 0 && ++steps >= atol(e)) {
		mu_log(MU_LOG_NOTICE, "POP3D_TEST_BULLETIN_KILL: killed after "
		       "step %ld", steps);
		raise(SIGKILL);
	}
}

/* "X-Bulletin-Id: UIDL" of bulletin idx (0-based) of src. */
static char *
bulletin_marker(struct mu_mailbox *src, size_t idx)
{
	return mu_xasprintf("%s: %s", BULLETIN_ID_FIELD,
			    mu_mailbox_info(src, idx)->uidl);
}

/* The copy to append: the marker first (where delivery agents put their
 * trace fields), then the bulletin with LF line ends; mu_mailbox_append
 * does any quoting the format needs.  0, or -1 with *error_r. */
static int
bulletin_text(struct mu_mailbox *src, size_t idx, const char *marker,
	      struct mu_buf *out, const char **error_r)
{
	struct mu_msgstream st;
	const char *data;
	size_t len;
	bool eol;
	int rc;

	if (mu_mailbox_info(src, idx)->size > POP3_BULLETIN_SIZE_MAX) {
		*error_r = "bigger than the bulletin size limit";
		return -1;
	}
	if (mu_msgstream_open(src, idx, &st, error_r) < 0)
		return -1;
	mu_buf_appendf(out, "%s\n", marker);
	while ((rc = mu_msgstream_next(&st, &data, &len, &eol)) > 0) {
		mu_buf_append(out, data, len);
		if (eol)
			mu_buf_append(out, "\n", 1);
		if (out->len > POP3_BULLETIN_SIZE_MAX + 1024) {
			rc = -1;	/* grew since the scan */
			break;
		}
	}
	mu_msgstream_close(&st);
	if (rc < 0) {
		*error_r = "cannot read it";
		return -1;
	}
	return 0;
}

/* Does message idx of mb carry the header line marker? */
static bool
message_has_marker(struct mu_mailbox *mb, size_t idx, const char *marker)
{
	struct mu_msgstream st;
	const char *data, *error;
	size_t len, mlen = strlen(marker);
	bool eol, line_start = true, found = false;

	if (mu_msgstream_open(mb, idx, &st, &error) < 0)
		return false;
	while (!found && mu_msgstream_next(&st, &data, &len, &eol) > 0) {
		if (line_start && eol) {
			if (len == 0)
				break;
			found = len == mlen && memcmp(data, marker, len) == 0;
		}
		line_start = eol;
	}
	mu_msgstream_close(&st);
	return found;
}

/* A session stopped after recording bulletin n (1-based) pending: was it
 * appended?  Searched from the end, where appends go.  A copy whose size
 * is not the bulletin's (an append torn by a crash of the machine) does
 * not count as delivered; it is left for the user to see. */
static bool
pending_was_appended(struct mu_mailbox *mb, struct mu_mailbox *src,
		     unsigned long n, const char *who)
{
	char *marker = bulletin_marker(src, n - 1);
	uint64_t want = mu_mailbox_info(src, n - 1)->size + strlen(marker) + 2;
	bool appended = false;

	for (size_t i = mu_mailbox_count(mb); i-- > 0 && !appended;) {
		if (!message_has_marker(mb, i, marker))
			continue;
		if (mu_mailbox_info(mb, i)->size == want) {
			appended = true;
		} else {
			mu_log(MU_LOG_WARNING, "bulletins for %s: message %zu is "
			       "an incomplete copy of bulletin %lu; delivering it "
			       "again", who, i + 1, n);
			break;
		}
	}
	free(marker);
	return appended;
}

/* Append bulletins rec->last+1 .. total.  Returns how many. */
static size_t
deliver_new(const struct bulletin_store *bs, struct bulletin_record *rec,
	    struct mu_mailbox *mb, struct mu_mailbox *src, const char *who)
{
	size_t total = mu_mailbox_count(src), appended = 0;
	const char *error = "unknown reason";

	while (rec->last < total) {
		unsigned long n = rec->last + 1;
		struct mu_buf text;
		char *marker = bulletin_marker(src, n - 1);
		int rc;

		rec->pending = n;
		if (bulletin_record_write(bs, rec, &error) < 0) {
			mu_log(MU_LOG_ERR, "bulletins for %s: %s", who, error);
			free(marker);
			break;
		}
		kill_point();
		mu_buf_init(&text);
		rc = bulletin_text(src, n - 1, marker, &text, &error);
		if (rc < 0)
			mu_log(MU_LOG_ERR, "bulletins for %s: bulletin %lu of "
			       "bulletin_source: %s", who, n, error);
		else if ((rc = mu_mailbox_append(mb, text.data, text.len,
						 &error)) < 0)
			/* the record keeps n pending: an append that failed
			 * after its message became visible is found next time */
			mu_log(MU_LOG_ERR, "bulletins for %s: cannot append "
			       "bulletin %lu: %s", who, n, error);
		mu_buf_free(&text);
		free(marker);
		if (rc < 0)
			break;
		kill_point();
		rec->last = n;
		rec->pending = 0;
		appended++;
	}
	if (appended > 0) {
		if (bulletin_record_write(bs, rec, &error) < 0)
			mu_log(MU_LOG_ERR, "bulletins for %s: %s (the next "
			       "session finds the last one by its %s)", who,
			       error, BULLETIN_ID_FIELD);
		else
			kill_point();
	}
	return appended;
}

size_t
bulletins_deliver(const struct mu_config *cfg, const struct auth_user *user,
		  const char *who, struct mu_mailbox *mb)
{
	struct bulletin_store bs;
	struct bulletin_record rec;
	struct mu_mailbox *src;
	enum mu_mailbox_error code;
	const char *error = "unknown reason";
	size_t appended = 0;

	if (cfg->bulletin_source == NULL)
		return 0;
	/* only one session of the user may deliver at a time */
	if (!mu_mailbox_session_locked(mb)) {
		mu_log(MU_LOG_WARNING, "bulletins for %s: the mailbox cannot be "
		       "locked (it does not exist); none delivered", who);
		return 0;
	}
	if (bulletin_store_init(&bs, cfg, user, &error) < 0) {
		mu_log(MU_LOG_WARNING, "bulletins for %s: %s; none delivered",
		       who, error);
		return 0;
	}
	if (bulletin_record_read(&bs, &rec, &error) < 0) {
		mu_log(MU_LOG_ERR, "bulletins for %s: %s; none delivered", who,
		       error);
		goto out;
	}
	if (mu_mailbox_open(&src, cfg->bulletin_source, MU_OPEN_READONLY,
			    cfg->lock_timeout, &code, &error) < 0) {
		mu_log(MU_LOG_ERR, "bulletins for %s: cannot open "
		       "bulletin_source %s: %s", who, cfg->bulletin_source, error);
		goto out;
	}
	if (rec.pending != 0) {
		bool done = rec.pending <= mu_mailbox_count(src) &&
			pending_was_appended(mb, src, rec.pending, who);

		mu_log(MU_LOG_NOTICE, "bulletins for %s: an earlier session "
		       "stopped while delivering bulletin %lu; it %s", who,
		       rec.pending, done ? "was delivered" : "is delivered now");
		if (done)
			rec.last = rec.pending;
		rec.pending = 0;
		if (bulletin_record_write(&bs, &rec, &error) < 0) {
			mu_log(MU_LOG_ERR, "bulletins for %s: %s", who, error);
			mu_mailbox_close(src);
			goto out;
		}
		kill_point();
	}
	appended = deliver_new(&bs, &rec, mb, src, who);
	if (appended > 0)
		mu_log(MU_LOG_INFO, "bulletins for %s: delivered %zu (up to "
		       "number %lu of %s)", who, appended, rec.last,
		       cfg->bulletin_source);
	mu_mailbox_close(src);
out:
	bulletin_store_free(&bs);
	return appended;
}
