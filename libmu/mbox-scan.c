/* The mbox driver's reading (the format rules are in mbox.c's overview
 * and doc/mbox-commit.md, "Format"): what a separator is, >From
 * unquoting, the scan that finds the messages, and the fingerprints that
 * tell whether the file is still the one that was scanned. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mailbox-driver.h"
#include "mbox-impl.h"
#include "scan.h"
#include "util.h"

static uint64_t
fnv1a_update(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* Feed fd's bytes [off, off+len), read through buf (COPY_BUFSIZE
 * bytes), to eat(ctx, ...); -1 on a read error or a file too short
 * (ESTALE).  The fingerprints and the journal's checksum read alike. */
int
mu_mbox_read_range(int fd, off_t off, uint64_t len, char *buf,
		   void (*eat)(void *ctx, const char *data, size_t n),
		   void *ctx)
{
	while (len > 0) {
		size_t want = len < COPY_BUFSIZE ? (size_t)len : COPY_BUFSIZE;
		ssize_t n = mu_pread_full(fd, buf, want, off);

		if (n < 0)
			return -1;
		if ((size_t)n != want) {
			errno = ESTALE;
			return -1;
		}
		eat(ctx, buf, want);
		off += (off_t)want;
		len -= want;
	}
	return 0;
}

static void
eat_fnv1a(void *ctx, const char *data, size_t n)
{
	uint64_t *h = ctx;

	*h = fnv1a_update(*h, data, n);
}

/* Continue *h over fd's bytes [off, off+len) (mu_mbox_read_range). */
int
mu_mbox_fnv1a_range(int fd, off_t off, uint64_t len, char *buf, uint64_t *h)
{
	return mu_mbox_read_range(fd, off, len, buf, eat_fnv1a, h);
}

/* ---- the format ---- */

bool
mu_mbox_is_quoted_from(const char *p, size_t len)
{
	size_t i = 0;

	while (i < len && p[i] == '>')
		i++;
	return i > 0 && len - i >= 5 && memcmp(p + i, "From ", 5) == 0;
}

/* Does a "From " line after a blank line look like a real From_ line?
 * mboxo writers leave body lines "From ..." unquoted; a blank line before
 * one is common in prose.  Every writer we know puts a date with a time
 * and a year after the sender (asctime: "From a@b Thu Nov 14 09:05:01
 * 2024"; some add a zone), so ask for: a non-empty sender, then a time
 * h:mm or hh:mm, and a four-digit year 1970-2999, each a separate word. */
static bool
looks_like_from_line(const char *p, size_t len)
{
	size_t i = 5;
	bool has_time = false, has_year = false;

	if (len < 5 || memcmp(p, "From ", 5) != 0 || len == 5 || p[5] == ' ')
		return false;
	while (i < len && p[i] != ' ')
		i++;				/* the sender */
	while (i < len) {
		size_t w;

		while (i < len && p[i] == ' ')
			i++;
		w = i;
		while (i < len && p[i] != ' ')
			i++;
		size_t wl = i - w;
		const char *s = p + w;
		if ((wl >= 4 && s[1] == ':' && s[0] >= '0' && s[0] <= '9' &&
		     s[2] >= '0' && s[2] <= '9' && s[3] >= '0' && s[3] <= '9') ||
		    (wl >= 5 && s[2] == ':' && s[0] >= '0' && s[0] <= '9' &&
		     s[1] >= '0' && s[1] <= '9' && s[3] >= '0' && s[3] <= '9' &&
		     s[4] >= '0' && s[4] <= '9'))
			has_time = true;
		if (wl == 4 && (s[0] == '1' || s[0] == '2') &&
		    s[1] >= '0' && s[1] <= '9' && s[2] >= '0' && s[2] <= '9' &&
		    s[3] >= '0' && s[3] <= '9' &&
		    (s[0] == '2' || (s[1] == '9' && s[2] >= '7')))
			has_year = true;
	}
	return has_time && has_year;
}

/* At most max line ends (LF or CRLF) at the start of b: where what
 * follows them starts. */
size_t
mu_mbox_skip_line_ends(const char *b, size_t n, int max)
{
	size_t j = 0;

	for (int k = 0; k < max; k++) {
		if (j < n && b[j] == '\n')
			j++;
		else if (j + 1 < n && b[j] == '\r' && b[j + 1] == '\n')
			j += 2;
		else
			break;
	}
	return j;
}

/* Does the file (size bytes) hold, from off on, what an MTA appends: at
 * most the two line ends a careful appender writes first (the blank line
 * a last message without one lacks), then a "From " line -- with dated,
 * one the next scan will take for a separator (looks_like_from_line)?
 * Anything else is not mail that was delivered, but the bytes of another
 * writer.  buf: COPY_BUFSIZE bytes.  1 yes, 0 no, -1 read error. */
int
mu_mbox_appended_mail_at(int fd, off_t off, off_t size, bool dated, char *buf)
{
	size_t want = size - off < COPY_BUFSIZE ? (size_t)(size - off)
						: COPY_BUFSIZE;
	ssize_t n = mu_pread_full(fd, buf, want, off);
	const char *line, *nl;
	size_t j, len;

	if (n < 0)
		return -1;
	j = mu_mbox_skip_line_ends(buf, (size_t)n, 2);
	if ((size_t)n - j < 5 || memcmp(buf + j, "From ", 5) != 0)
		return 0;
	if (!dated)
		return 1;
	line = buf + j;
	nl = memchr(line, '\n', (size_t)n - j);
	if (nl != NULL) {
		len = (size_t)(nl - line);
		if (len > 0 && line[len - 1] == '\r')
			len--;
	} else if ((size_t)n == (size_t)(size - off)) {
		len = (size_t)n - j;	/* the file's last line, without LF */
	} else {
		return 0;		/* longer than any From_ line */
	}
	return looks_like_from_line(line, len);
}

/* ---- identity: is the file still the one we scanned? ----
 *
 * Between the scan and a commit the delivery lock is not held, and an
 * MUA (mutt, pine) may rewrite the file in place: same inode, the same
 * From_ lines at the same offsets up to the message it changed.  A
 * message's identity is a fingerprint of its From_ line together with
 * the ID_BEFORE_FROM bytes before it (the end of the previous message and
 * its separator), and the mailbox's end is the fingerprint of the last
 * ID_END_WINDOW bytes before scanned_size.  A rewrite that changes a
 * message's length moves every byte after it, so it changes the
 * identity of the next message, or the end's; one that keeps every byte
 * where it was cannot mislead a commit, which copies the bytes as they
 * are.  Checking costs one read per message and 64 KiB, not a pass over
 * the file (doc/mbox-commit.md, "What another writer can do"). */
#define ID_BEFORE_FROM 512
#define ID_END_WINDOW 65536

int
mu_mbox_msg_ident(const struct mbox *d, size_t i, char *buf, uint64_t *id_r)
{
	off_t from = d->m[i].from_off;
	off_t start = from > ID_BEFORE_FROM ? from - ID_BEFORE_FROM : 0;

	*id_r = FNV_INIT;
	return mu_mbox_fnv1a_range(d->fd, start,
				   (uint64_t)(d->m[i].body_start - start), buf,
				   id_r);
}

int
mu_mbox_end_ident(const struct mbox *d, char *buf, uint64_t *id_r)
{
	off_t end = d->scanned_size;
	off_t start = end > ID_END_WINDOW ? end - ID_END_WINDOW : 0;

	*id_r = FNV_INIT;
	return mu_mbox_fnv1a_range(d->fd, start, (uint64_t)(end - start), buf,
				   id_r);
}

/* Take the identities of messages first.. and of the end, as the file is
 * now: at the scan, and after our own writes (under the delivery lock). */
int
mu_mbox_identify(struct mu_mailbox *mb, struct mbox *d, size_t first)
{
	char *buf = mu_xmalloc(COPY_BUFSIZE);
	int rc = 0;

	for (size_t i = first; i < mb->count && rc == 0; i++)
		rc = mu_mbox_msg_ident(d, i, buf, &d->m[i].ident);
	if (rc == 0)
		rc = mu_mbox_end_ident(d, buf, &d->end_ident);
	free(buf);
	return rc;
}

/* ---- scanning ---- */

int
mu_mbox_scan(struct mu_mailbox *mb, struct mbox *d, const char **error_r)
{
	struct stat st;
	struct mu_msgstream s;
	struct mu_scan sc;
	size_t cap = 0, n = 0;
	unsigned long lines_seen = 0;
	int read_errno = 0;
	bool in_msg = false, line_start = true, prev_blank = true;
	bool pending_blank = false;
	off_t pending_off = 0;
	const char *data;
	size_t len;
	bool eol;
	int rc;

	if (fstat(d->fd, &st) < 0)
		return mu_mailbox_fail(mb, MU_MBERR_TEMP, error_r, "fstat %s: %s",
				       mb->path, strerror(errno));
	free(mb->msgs);
	free(d->m);
	mb->msgs = NULL;
	d->m = NULL;
	mb->count = 0;

	mu_msgstream_init_fd(&s, d->fd, false, 0, st.st_size, MU_STREAM_PLAIN);
	for (;;) {
		off_t off = stream_offset(&s);

		rc = mu_msgstream_next(&s, &data, &len, &eol);
		if (rc <= 0) {
			read_errno = errno;
			break;
		}
		if (!line_start) {		/* the rest of a long line */
			mu_scan_chunk(&sc, data, len, eol);
			line_start = eol;
			continue;
		}
		if ((++lines_seen & 1023) == 0)
			mu_mbox_touch_lock(d);
		if (prev_blank && eol &&
		    (in_msg ? looks_like_from_line(data, len)
			    : (len >= 5 && memcmp(data, "From ", 5) == 0))) {
			if (in_msg) {
				d->m[n].body_end = pending_blank ? pending_off : off;
				mu_scan_end(&sc, &mb->msgs[n]);
				n++;
			}
			if (n == cap) {
				cap = cap ? cap * 2 : 64;
				mb->msgs = mu_xreallocarray(mb->msgs, cap, sizeof *mb->msgs);
				d->m = mu_xreallocarray(d->m, cap, sizeof *d->m);
			}
			memset(&mb->msgs[n], 0, sizeof mb->msgs[n]);
			d->m[n].from_off = off;
			d->m[n].body_start = stream_offset(&s);
			mu_scan_begin(&sc);
			/* identical bodies delivered at different times differ */
			mu_scan_salt(&sc, data, len);
			in_msg = true;
			pending_blank = prev_blank = false;
			continue;
		}
		bool blank = eol && len == 0;
		if (!in_msg) {
			if (blank)
				continue;	/* blank lines before the first message */
			mu_msgstream_close(&s);
			free(mb->msgs);
			free(d->m);
			mb->msgs = NULL;
			d->m = NULL;
			return mu_mailbox_fail(mb, MU_MBERR_PERM, error_r,
					       "%s is not an mbox file (it does not "
					       "begin with a \"From \" line)", mb->path);
		}
		/* a blank line is held back: before a separator, or at the
		 * end of the file, it is not part of the message */
		if (pending_blank) {
			mu_scan_chunk(&sc, "", 0, true);
			pending_blank = false;
		}
		if (blank) {
			pending_blank = prev_blank = true;
			pending_off = off;
			continue;
		}
		prev_blank = false;
		if (mu_mbox_is_quoted_from(data, len)) {
			data++;
			len--;
		}
		mu_scan_chunk(&sc, data, len, eol);
		line_start = eol;
	}
	mu_msgstream_close(&s);
	if (in_msg) {
		d->m[n].body_end = pending_blank ? pending_off : st.st_size;
		mu_scan_end(&sc, &mb->msgs[n]);
		n++;
	}
	if (rc < 0) {
		free(mb->msgs);
		free(d->m);
		mb->msgs = NULL;
		d->m = NULL;
		return mu_mailbox_fail(mb, MU_MBERR_TEMP, error_r, "reading %s: %s",
				       mb->path, strerror(read_errno));
	}
	if (mb->msgs == NULL) {
		mb->msgs = mu_xcalloc(1, sizeof *mb->msgs);
		d->m = mu_xcalloc(1, sizeof *d->m);
	}
	mb->count = n;
	d->scanned_size = st.st_size;
	mu_uidl_make_unique(mb->msgs, n);
	if (mu_mbox_identify(mb, d, 0) < 0) {
		int e = errno;

		mb->count = 0;
		return mu_mailbox_fail(mb, MU_MBERR_TEMP, error_r, "reading %s: %s",
				       mb->path, strerror(e));
	}
	return 0;
}
