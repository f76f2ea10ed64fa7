/* The mbox driver: one file of messages, each opened by a From_ line.
 *
 * Reading (the format rules are in doc/mbox-commit.md, "Format"):
 *  - a separator is a "From " line at the start of the file (after blank
 *    lines at most), or one that follows a blank line and looks like a
 *    real From_ line (a sender, a time hh:mm and a four-digit year);
 *  - the blank line before a separator, and the one that ends the file,
 *    belong to the separator, not to the message;
 *  - body lines ^>+From  lose one '>' (mboxrd), here for the scanner and
 *    in msgstream.c for readers, so sizes match what RETR sends.
 *
 * Locking: the session lock (flock on DIR/.NAME.TAG-lock, TAG the
 * program's file tag: mailbox.h) for the whole session; the delivery
 * lock (dotlock + fcntl) only while scanning and committing, so MTAs
 * deliver during a session.  Messages are read
 * with pread on the descriptor kept open: MTAs only ever append.  An MUA
 * may rewrite the file in place all the same; every message keeps an
 * identity taken at the scan, checked before it is read and at commit.
 *
 * Commit is an in-place compaction with a redo journal, so the inode
 * never changes; the journal says which file it was made for, and is
 * never applied to another.  See doc/mbox-commit.md for the design and
 * its proof. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "delmark.h"
#include "lock.h"
#include "log.h"
#include "mailbox.h"
#include "privgroup.h"
#include "scan.h"
#include "util.h"

#define COPY_BUFSIZE 65536
/* Refresh our dotlock this often during long work (lock.h stale rule). */
#define LOCK_TOUCH_INTERVAL 60

/* ---- journal layout (doc/mbox-commit.md, "Journal") ----
 * [header 256][tail L][MD5 hex of header+tail, 32][phase record 16]
 * A journal of an earlier version ("MUMBOXJ1", header 128) lacks the
 * identity fields; it is still applied, with the checks its fields allow:
 * it may be the only record of a commit a crash interrupted. */
#define J_MAGIC "MUMBOXJ2"
#define J_MAGIC_V1 "MUMBOXJ1"
#define J_HEADER_SIZE 256
#define J_HEADER_SIZE_V1 128
#define J_SUM_SIZE MU_MD5_HEX_LEN
#define J_PHASE_SIZE 16
#define J_ORIG_HASH_MAX (1024 * 1024)
/* The identity of the file a journal was made for (journal_matches):
 * the first and the last J_PREFIX_SAMPLE bytes before P, and the anchor,
 * the first J_ANCHOR_MAX bytes the commit rewrites, hashed in pieces
 * that each lie within one J_SECTOR-byte sector: a write torn by a crash
 * leaves each piece whole, old or new. */
#define J_PREFIX_SAMPLE 65536
#define J_ANCHOR_MAX 4096
#define J_SECTOR 512
#define J_ANCHOR_PIECES (J_ANCHOR_MAX / J_SECTOR + 1)

enum j_phase { PHASE_PREPARED, PHASE_RESIZING, PHASE_RESIZED };
static const char *const phase_names[] = { "prepared", "resizing", "resized" };

struct journal_header {
	size_t size;            /* of the header: where the tail starts */
	uint64_t dev, ino;
	uint64_t p;             /* where the tail goes */
	uint64_t l;             /* tail length; the mbox ends at T = P + L */
	uint64_t s0;            /* mbox size when the journal was made */
	uint64_t h;             /* length of the original bytes hashed at T */
	char orig_md5[MU_MD5_HEX_LEN + 1];  /* MD5 of original [T, T+H) */
	/* the file's identity (none in a version 1 journal) */
	bool has_identity;
	uint64_t prefix_hash;   /* prefix_hash(): the sampled bytes before P */
	uint64_t anchor_len;    /* A: the anchor is [P, P+A) */
	uint64_t anchor_old[J_ANCHOR_PIECES];  /* its pieces when made */
};

struct mbox_msg {
	off_t from_off;         /* the From_ line */
	off_t body_start;       /* first byte after the From_ line */
	off_t body_end;         /* end of the message (separator excluded) */
	uint64_t ident;         /* msg_ident(): is it still where we found it? */
};

struct mbox {
	int fd;                 /* -1: the file does not exist */
	bool writable;          /* fd is O_RDWR */
	ino_t ino;
	dev_t dev;
	char *journal_path, *journal_tmp, *session_path;
	struct mu_dotlock dl;
	bool fcntl_held;
	time_t last_touch;
	struct mbox_msg *m;     /* mb->count entries */
	off_t scanned_size;     /* the file size the messages were found in */
	uint64_t end_ident;     /* end_ident(): the bytes before scanned_size */
	bool broken;            /* a commit failed half-way: read nothing more */
};

/* FNV-1a, 64 bits: a fingerprint against accidents (another program's
 * rewrite, a file put in the mailbox's place), not against an adversary,
 * who could as well edit the file. */
#define FNV_INIT 0xcbf29ce484222325ULL

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
static int
read_range(int fd, off_t off, uint64_t len, char *buf,
	   void (*eat)(void *ctx, const char *data, size_t n), void *ctx)
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

/* Continue *h over fd's bytes [off, off+len) (read_range). */
static int
fnv1a_range(int fd, off_t off, uint64_t len, char *buf, uint64_t *h)
{
	return read_range(fd, off, len, buf, eat_fnv1a, h);
}

static off_t
stream_offset(const struct mu_msgstream *st)
{
	return mu_msgstream_offset(st);
}

static void
touch_lock(struct mbox *d)
{
	time_t now = time(NULL);

	if (now - d->last_touch >= LOCK_TOUCH_INTERVAL) {
		mu_dotlock_touch(&d->dl);
		d->last_touch = now;
	}
}

/* ---- the format ---- */

static bool
is_quoted_from(const char *p, size_t len)
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
static size_t
skip_line_ends(const char *b, size_t n, int max)
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
static int
appended_mail_at(int fd, off_t off, off_t size, bool dated, char *buf)
{
	size_t want = size - off < COPY_BUFSIZE ? (size_t)(size - off)
						: COPY_BUFSIZE;
	ssize_t n = mu_pread_full(fd, buf, want, off);
	const char *line, *nl;
	size_t j, len;

	if (n < 0)
		return -1;
	j = skip_line_ends(buf, (size_t)n, 2);
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

static int
msg_ident(const struct mbox *d, size_t i, char *buf, uint64_t *id_r)
{
	off_t from = d->m[i].from_off;
	off_t start = from > ID_BEFORE_FROM ? from - ID_BEFORE_FROM : 0;

	*id_r = FNV_INIT;
	return fnv1a_range(d->fd, start, (uint64_t)(d->m[i].body_start - start),
			   buf, id_r);
}

static int
end_ident(const struct mbox *d, char *buf, uint64_t *id_r)
{
	off_t end = d->scanned_size;
	off_t start = end > ID_END_WINDOW ? end - ID_END_WINDOW : 0;

	*id_r = FNV_INIT;
	return fnv1a_range(d->fd, start, (uint64_t)(end - start), buf, id_r);
}

/* Take the identities of messages first.. and of the end, as the file is
 * now: at the scan, and after our own writes (under the delivery lock). */
static int
mbox_identify(struct mu_mailbox *mb, struct mbox *d, size_t first)
{
	char *buf = mu_xmalloc(COPY_BUFSIZE);
	int rc = 0;

	for (size_t i = first; i < mb->count && rc == 0; i++)
		rc = msg_ident(d, i, buf, &d->m[i].ident);
	if (rc == 0)
		rc = end_ident(d, buf, &d->end_ident);
	free(buf);
	return rc;
}

/* ---- scanning ---- */

static int
mbox_scan(struct mu_mailbox *mb, struct mbox *d, const char **error_r)
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
			touch_lock(d);
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
		if (is_quoted_from(data, len)) {
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
	if (mbox_identify(mb, d, 0) < 0) {
		int e = errno;

		mb->count = 0;
		return mu_mailbox_fail(mb, MU_MBERR_TEMP, error_r, "reading %s: %s",
				       mb->path, strerror(e));
	}
	return 0;
}

/* ---- delivery lock ---- */

static int
delivery_lock(struct mu_mailbox *mb, struct mbox *d, bool write,
	      const char **error_r)
{
	time_t start = time(NULL), spent;
	bool timed_out;
	const char *err;

	if (mu_dotlock_acquire(&d->dl, mb->path, mb->lock_timeout, &timed_out,
			       &err) < 0)
		return mu_mailbox_fail(mb, timed_out ? MU_MBERR_LOCK : MU_MBERR_TEMP,
				       error_r, "%s", err);
	d->last_touch = time(NULL);
	spent = time(NULL) - start;
	if (mu_fcntl_lock(d->fd, write,
			  spent >= (time_t)mb->lock_timeout ? 0 :
			  mb->lock_timeout - (unsigned)spent, &timed_out, &err) < 0) {
		mu_dotlock_release(&d->dl);
		return mu_mailbox_fail(mb, timed_out ? MU_MBERR_LOCK : MU_MBERR_TEMP,
				       error_r, "%s: %s", mb->path, err);
	}
	d->fcntl_held = true;
	return 0;
}

static void
delivery_unlock(struct mbox *d)
{
	if (d->fcntl_held) {
		mu_fcntl_unlock(d->fd);
		d->fcntl_held = false;
	}
	if (d->dl.lockpath != NULL)
		mu_dotlock_release(&d->dl);
}

/* ---- journal ---- */

static void
put_u64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t
get_u64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static void
header_encode(const struct journal_header *h, unsigned char out[J_HEADER_SIZE])
{
	memset(out, 0, J_HEADER_SIZE);
	memcpy(out, J_MAGIC, 8);
	put_u64(out + 8, h->dev);
	put_u64(out + 16, h->ino);
	put_u64(out + 24, h->p);
	put_u64(out + 32, h->l);
	put_u64(out + 40, h->s0);
	put_u64(out + 48, h->h);
	memcpy(out + 56, h->orig_md5, MU_MD5_HEX_LEN);
	put_u64(out + 88, h->prefix_hash);
	put_u64(out + 96, h->anchor_len);
	for (int k = 0; k < J_ANCHOR_PIECES; k++)
		put_u64(out + 104 + 8 * k, h->anchor_old[k]);
}

/* n bytes of the journal's start; false if they are no header of ours */
static bool
header_decode(const unsigned char *in, size_t n, struct journal_header *h)
{
	memset(h, 0, sizeof *h);
	if (n >= J_HEADER_SIZE && memcmp(in, J_MAGIC, 8) == 0) {
		h->size = J_HEADER_SIZE;
		h->has_identity = true;
		h->prefix_hash = get_u64(in + 88);
		h->anchor_len = get_u64(in + 96);
		for (int k = 0; k < J_ANCHOR_PIECES; k++)
			h->anchor_old[k] = get_u64(in + 104 + 8 * k);
	} else if (n >= J_HEADER_SIZE_V1 && memcmp(in, J_MAGIC_V1, 8) == 0) {
		h->size = J_HEADER_SIZE_V1;
	} else {
		return false;
	}
	h->dev = get_u64(in + 8);
	h->ino = get_u64(in + 16);
	h->p = get_u64(in + 24);
	h->l = get_u64(in + 32);
	h->s0 = get_u64(in + 40);
	h->h = get_u64(in + 48);
	memcpy(h->orig_md5, in + 56, MU_MD5_HEX_LEN);
	h->orig_md5[MU_MD5_HEX_LEN] = '\0';
	/* sizes that could not come from us */
	return h->p <= (uint64_t)INT64_MAX / 2 && h->l <= (uint64_t)INT64_MAX / 2 &&
	       h->s0 <= (uint64_t)INT64_MAX / 2 && h->h <= J_ORIG_HASH_MAX &&
	       h->anchor_len <= J_ANCHOR_MAX && h->anchor_len <= h->l &&
	       h->p + h->anchor_len <= h->s0;
}

static off_t
journal_phase_offset(const struct journal_header *h)
{
	return (off_t)(h->size + h->l + J_SUM_SIZE);
}

static void
eat_md5(void *ctx, const char *data, size_t n)
{
	mu_md5_update(ctx, data, n);
}

/* MD5 of fd's bytes [off, off+len) through buf; -1 on a short file. */
static int
md5_range(int fd, off_t off, uint64_t len, char *buf, struct mu_md5 *md5)
{
	return read_range(fd, off, len, buf, eat_md5, md5);
}

static int
md5_range_hex(int fd, off_t off, uint64_t len, char *buf,
	      char out[MU_MD5_HEX_LEN + 1])
{
	struct mu_md5 *md5 = mu_md5_new();
	int rc = md5_range(fd, off, len, buf, md5);

	mu_md5_final_hex(md5, out);
	return rc;
}

/* The sequential writer of a new journal: buffered, MD5 over all of it. */
struct jwriter {
	int fd;
	char *buf;
	size_t used;
	struct mu_md5 *md5;
};

static int
jw_flush(struct jwriter *w)
{
	if (w->used == 0)
		return 0;
	mu_md5_update(w->md5, w->buf, w->used);
	if (mu_write_all(w->fd, w->buf, w->used) < 0)
		return -1;
	mu_test_kill_point();
	w->used = 0;
	return 0;
}

static int
jw_put(struct jwriter *w, const void *data, size_t len)
{
	const char *p = data;

	while (len > 0) {
		size_t take = COPY_BUFSIZE - w->used;
		if (take > len)
			take = len;
		memcpy(w->buf + w->used, p, take);
		w->used += take;
		p += take;
		len -= take;
		if (w->used == COPY_BUFSIZE && jw_flush(w) < 0)
			return -1;
	}
	return 0;
}

/* Copy src's [off, off+len) into the journal. */
static int
jw_copy(struct jwriter *w, struct mbox *d, int src, off_t off, uint64_t len)
{
	while (len > 0) {
		size_t take = COPY_BUFSIZE - w->used;
		ssize_t n;

		if (take > len)
			take = (size_t)len;
		n = mu_pread_full(src, w->buf + w->used, take, off);
		if (n < 0)
			return -1;
		if ((size_t)n != take) {
			errno = ESTALE;	/* the file shrank under our lock */
			return -1;
		}
		w->used += take;
		off += (off_t)take;
		len -= take;
		if (w->used == COPY_BUFSIZE && jw_flush(w) < 0)
			return -1;
		touch_lock(d);
	}
	return 0;
}

/* A piece of the new tail: bytes of a file, or bytes from memory. */
struct piece {
	int fd;                 /* the file, when data is NULL */
	off_t off;
	uint64_t len;
	const char *data;
};

/* Write the journal for header h (l filled in) and pieces to journal_tmp,
 * make it durable, and rename it into place.  Returns the journal's fd
 * (open read-write for the phase record) or -1. */
static int
journal_create(struct mu_mailbox *mb, struct mbox *d,
	       const struct journal_header *h, const struct piece *pieces,
	       size_t npieces, const char **error_r)
{
	unsigned char hdr[J_HEADER_SIZE];
	char sum[MU_MD5_HEX_LEN + 1], phase[J_PHASE_SIZE];
	struct jwriter w;
	int fd, e;

	(void)mu_priv_unlink(d->journal_tmp);
	fd = mu_priv_open(d->journal_tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC |
			  O_NOFOLLOW, 0600);
	if (fd < 0)
		return mu_mailbox_fail(mb, errno == EACCES || errno == EROFS ?
				       MU_MBERR_PERM : MU_MBERR_TEMP, error_r,
				       "cannot create commit journal %s: %s "
				       "(the mailbox directory must be writable)",
				       d->journal_tmp, strerror(errno));
	mu_test_kill_point();
	w.fd = fd;
	w.buf = mu_xmalloc(COPY_BUFSIZE);
	w.used = 0;
	w.md5 = mu_md5_new();
	header_encode(h, hdr);
	if (jw_put(&w, hdr, sizeof hdr) < 0)
		goto fail;
	for (size_t i = 0; i < npieces; i++) {
		if (pieces[i].data != NULL) {
			if (jw_put(&w, pieces[i].data, (size_t)pieces[i].len) < 0)
				goto fail;
		} else if (jw_copy(&w, d, pieces[i].fd, pieces[i].off,
				   pieces[i].len) < 0)
			goto fail;
	}
	if (jw_flush(&w) < 0)
		goto fail;
	mu_md5_final_hex(w.md5, sum);
	w.md5 = NULL;
	memset(phase, 0, sizeof phase);
	snprintf(phase, sizeof phase, "%s", phase_names[PHASE_PREPARED]);
	if (mu_write_all(fd, sum, J_SUM_SIZE) < 0)
		goto fail;
	mu_test_kill_point();
	if (mu_write_all(fd, phase, sizeof phase) < 0)
		goto fail;
	mu_test_kill_point();
	if (fsync(fd) < 0)
		goto fail;
	mu_test_kill_point();
	free(w.buf);
	w.buf = NULL;
	if (mu_priv_rename(d->journal_tmp, d->journal_path) < 0)
		goto fail;
	mu_test_kill_point();
	if (mu_fsync_dir_of(d->journal_path) < 0) {
		/* The journal is in place and valid: whatever happens now,
		 * the next recovery applies it.  Say so and stop here. */
		e = errno;
		close(fd);
		return mu_mailbox_fail(mb, MU_MBERR_TEMP, error_r, "fsync of the "
				       "directory of %s: %s (the commit completes at the "
				       "next open)", d->journal_path, strerror(e));
	}
	mu_test_kill_point();
	return fd;

fail:
	e = errno;
	if (w.md5 != NULL)
		mu_md5_final_hex(w.md5, sum);
	free(w.buf);
	close(fd);
	(void)mu_priv_unlink(d->journal_tmp);
	return mu_mailbox_fail(mb, MU_MBERR_TEMP, error_r,
			       "writing commit journal %s: %s", d->journal_tmp,
			       strerror(e));
}

static int
journal_set_phase(int jfd, const struct journal_header *h, enum j_phase ph)
{
	char rec[J_PHASE_SIZE];

	memset(rec, 0, sizeof rec);
	snprintf(rec, sizeof rec, "%s", phase_names[ph]);
	if (mu_pwrite_all(jfd, rec, sizeof rec, journal_phase_offset(h)) < 0)
		return -1;
	mu_test_kill_point();
	if (fdatasync(jfd) < 0)
		return -1;
	mu_test_kill_point();
	return 0;
}

/* An unreadable record reads as "resizing": the one state that is
 * decided from the mailbox's content, and so is right in every case. */
static enum j_phase
journal_get_phase(int jfd, const struct journal_header *h)
{
	char rec[J_PHASE_SIZE + 1];

	if (mu_pread_full(jfd, rec, J_PHASE_SIZE, journal_phase_offset(h)) !=
	    J_PHASE_SIZE)
		return PHASE_RESIZING;
	rec[J_PHASE_SIZE] = '\0';
	for (int i = 0; i < 3; i++)
		if (strcmp(rec, phase_names[i]) == 0)
			return (enum j_phase)i;
	return PHASE_RESIZING;
}

/* Copy the journal's tail to the mbox at P. */
static int
journal_write_tail(struct mbox *d, int jfd, const struct journal_header *h,
		   char *buf)
{
	uint64_t done = 0;

	while (done < h->l) {
		size_t want = h->l - done < COPY_BUFSIZE ? (size_t)(h->l - done)
							 : COPY_BUFSIZE;
		ssize_t n = mu_pread_full(jfd, buf, want,
					  (off_t)(h->size + done));
		if (n < 0)
			return -1;
		if ((size_t)n != want) {
			errno = EIO;
			return -1;
		}
		if (mu_pwrite_all(d->fd, buf, want, (off_t)(h->p + done)) < 0)
			return -1;
		mu_test_kill_point();
		done += want;
		touch_lock(d);
	}
	if (fsync(d->fd) < 0)
		return -1;
	mu_test_kill_point();
	return 0;
}

static int
resize_mbox(struct mbox *d, int jfd, const struct journal_header *h)
{
	if (journal_set_phase(jfd, h, PHASE_RESIZING) < 0)
		return -1;
	if (ftruncate(d->fd, (off_t)(h->p + h->l)) < 0)
		return -1;
	mu_test_kill_point();
	if (fsync(d->fd) < 0)
		return -1;
	mu_test_kill_point();
	return journal_set_phase(jfd, h, PHASE_RESIZED);
}

/* Has the single size change of this journal happened?  1 yes, 0 no,
 * -1 read error.  *ph_r is the phase record; when it says "resizing",
 * the answer is read from the content, and *how_r says from what.  This
 * only reads: journal_matches then checks that the file is one this
 * commit can have left, and journal_record_decision writes the answer
 * down. */
static int
journal_decide(struct mbox *d, int jfd, const struct journal_header *h,
	       uint64_t z, char *buf, enum j_phase *ph_r, const char **how_r)
{
	uint64_t t = h->p + h->l;
	enum j_phase ph = journal_get_phase(jfd, h);

	*ph_r = ph;
	*how_r = NULL;
	if (t == h->s0)
		return 1;		/* no size change: new mail is at T */
	if (ph == PHASE_PREPARED)
		return 0;
	if (ph == PHASE_RESIZED)
		return 1;
	if (t < h->s0) {
		/* shrink: untouched, [T, S0) still holds the original bytes */
		char hex[MU_MD5_HEX_LEN + 1];

		if (z < h->s0) {
			*how_r = "size";
			return 1;
		}
		if (md5_range_hex(d->fd, (off_t)t, h->h, buf, hex) < 0)
			return -1;
		*how_r = "hash of the cut bytes";
		return strcmp(hex, h->orig_md5) != 0;
	}
	/* grow: extended, [S0, T) is still the zeros of the hole (the tail
	 * is written only after the phase says resized); unextended, it is
	 * mail, which never starts with a NUL */
	if (z < t) {
		*how_r = "size";
		return 0;
	}
	*how_r = "zeros of the extension";
	for (uint64_t off = h->s0; off < t; ) {
		size_t want = t - off < COPY_BUFSIZE ? (size_t)(t - off) : COPY_BUFSIZE;
		ssize_t r = mu_pread_full(d->fd, buf, want, (off_t)off);

		if (r != (ssize_t)want) {
			if (r >= 0)
				errno = ESTALE;
			return -1;
		}
		for (size_t i = 0; i < want; i++)
			if (buf[i] != '\0')
				return 0;
		off += want;
	}
	return 1;
}

/* A decision read from the content is written down before anything
 * changes: the tail about to be written overwrites the very bytes it was
 * read from, so a second crash could not decide again. */
static int
journal_record_decision(struct mu_mailbox *mb, struct mbox *d, int jfd,
			const struct journal_header *h, enum j_phase ph,
			int resized, const char *how, const char **error_r)
{
	if (ph != PHASE_RESIZING || h->p + h->l == h->s0)
		return 0;
	mu_log(MU_LOG_NOTICE, "%s: interrupted while resizing; the content says "
	       "it was %s (%s)", mb->path, resized ? "done" : "not done", how);
	if (journal_set_phase(jfd, h, resized ? PHASE_RESIZED : PHASE_PREPARED) < 0)
		return mu_mailbox_fail(mb, MU_MBERR_TEMP, error_r, "writing %s: %s",
				       d->journal_path, strerror(errno));
	return 0;
}

/* FNV-1a of the bytes before P that a journal relies on, sampled: the
 * first and the last J_PREFIX_SAMPLE of them (all, when P is less than
 * twice that).  Nothing a commit or a recovery writes lies there. */
static int
prefix_hash(int fd, uint64_t p, char *buf, uint64_t *h_r)
{
	uint64_t a = p < J_PREFIX_SAMPLE ? p : J_PREFIX_SAMPLE;
	uint64_t b = p - a > J_PREFIX_SAMPLE ? p - J_PREFIX_SAMPLE : a;

	*h_r = FNV_INIT;
	if (fnv1a_range(fd, 0, a, buf, h_r) < 0 ||
	    fnv1a_range(fd, (off_t)b, p - b, buf, h_r) < 0)
		return -1;
	return 0;
}

/* The k-th piece of the anchor [P, P+A): from *off_io to the end of its
 * sector or of the anchor.  false when there is none left. */
static bool
anchor_piece(const struct journal_header *h, uint64_t *off_io, uint64_t *len_r)
{
	uint64_t end = (*off_io / J_SECTOR + 1) * J_SECTOR;

	if (*off_io >= h->p + h->anchor_len)
		return false;
	if (end > h->p + h->anchor_len)
		end = h->p + h->anchor_len;
	*len_r = end - *off_io;
	return true;
}

/* Fill h's identity of the file as it is now, under the delivery lock,
 * before the journal that carries it exists (so before anything of this
 * commit is written): the sampled bytes before P, and the anchor, the
 * first bytes the commit will rewrite, as they are. */
static int
journal_identity(struct mbox *d, struct journal_header *h, char *buf)
{
	uint64_t off = h->p, len;
	int k = 0;

	h->size = J_HEADER_SIZE;
	h->has_identity = true;
	if (prefix_hash(d->fd, h->p, buf, &h->prefix_hash) < 0)
		return -1;
	h->anchor_len = h->s0 - h->p < h->l ? h->s0 - h->p : h->l;
	if (h->anchor_len > J_ANCHOR_MAX)
		h->anchor_len = J_ANCHOR_MAX;
	memset(h->anchor_old, 0, sizeof h->anchor_old);
	for (; anchor_piece(h, &off, &len); off += len, k++) {
		h->anchor_old[k] = FNV_INIT;
		if (fnv1a_range(d->fd, (off_t)off, len, buf, &h->anchor_old[k]) < 0)
			return -1;
	}
	return 0;
}

/* Is the mailbox a file this journal's commit can have left, stopped at
 * any step (resized: journal_decide's answer)?  What must hold then:
 *  - the file is no shorter than such a state ever is;
 *  - the bytes before P, never written, are as they were (sampled);
 *  - each piece of the anchor holds its old bytes or its new ones (the
 *    tail's) -- the old ones while a growing commit has not resized, the
 *    new ones once a shrinking one has;
 *  - a shrinking commit not resized still has the bytes it cuts off
 *    (their hash); resized, its whole tail is in place (its start is
 *    compared);
 *  - past the end the commit left (S0, or T once resized) is nothing,
 *    or mail an MTA appended since: a "From " line first.
 * A file emptied and refilled, or another file under a reused inode
 * number, fails one of these where our own interrupted commit cannot.
 * 1 yes, 0 no (*why_r says what differs), -1 read error. */
static int
journal_matches(struct mbox *d, int jfd, const struct journal_header *h,
		uint64_t z, int resized, char *buf, const char **why_r)
{
	uint64_t t = h->p + h->l, end = resized ? t : h->s0;
	bool shrink = t < h->s0, grow = t > h->s0;

	if (z < h->p || z < end) {
		*why_r = "it is shorter than the commit ever leaves it";
		return 0;
	}
	if (h->has_identity) {
		uint64_t ph, off = h->p, len;
		int k = 0;

		if (prefix_hash(d->fd, h->p, buf, &ph) < 0)
			return -1;
		if (ph != h->prefix_hash) {
			*why_r = "the bytes before the part the commit rewrites differ";
			return 0;
		}
		for (; anchor_piece(h, &off, &len); off += len, k++) {
			uint64_t cur = FNV_INIT, new = FNV_INIT;
			bool was_old, is_new;

			if (fnv1a_range(d->fd, (off_t)off, len, buf, &cur) < 0 ||
			    fnv1a_range(jfd, (off_t)(h->size + off - h->p), len, buf,
					&new) < 0)
				return -1;
			was_old = cur == h->anchor_old[k];
			is_new = cur == new;
			if ((!was_old && !is_new) || (grow && !resized && !was_old) ||
			    (shrink && resized && !is_new)) {
				*why_r = "the first bytes the commit rewrites are neither "
					 "the old ones nor the new ones";
				return 0;
			}
		}
	}
	if (shrink && !resized && h->h > 0) {
		char hex[MU_MD5_HEX_LEN + 1];

		if (md5_range_hex(d->fd, (off_t)t, h->h, buf, hex) < 0)
			return -1;
		if (strcmp(hex, h->orig_md5) != 0) {
			*why_r = "the bytes the commit cuts off differ";
			return 0;
		}
	}
	if (shrink && resized && h->l > 0) {
		size_t n = h->l < COPY_BUFSIZE / 2 ? (size_t)h->l : COPY_BUFSIZE / 2;

		if (mu_pread_full(d->fd, buf, n, (off_t)h->p) != (ssize_t)n ||
		    mu_pread_full(jfd, buf + n, n, (off_t)h->size) != (ssize_t)n) {
			if (errno == 0)
				errno = ESTALE;
			return -1;
		}
		if (memcmp(buf, buf + n, n) != 0) {
			*why_r = "the new tail is not in place";
			return 0;
		}
	}
	if (z > end) {
		int r = appended_mail_at(d->fd, (off_t)end, (off_t)z, false, buf);

		if (r < 0)
			return -1;
		if (r == 0) {
			*why_r = "what follows the end the commit left is not mail";
			return 0;
		}
	}
	return 1;
}

static int
journal_remove(struct mbox *d)
{
	if (mu_priv_unlink(d->journal_path) < 0 && errno != ENOENT)
		return -1;
	mu_test_kill_point();
	if (mu_fsync_dir_of(d->journal_path) < 0)
		return -1;
	mu_test_kill_point();
	return 0;
}

/* Fill h->h and h->orig_md5: the original bytes a shrinking resize will
 * cut off, as they are now (up to 1 MiB of them; doc/mbox-commit.md). */
static int
journal_orig_hash(struct mbox *d, struct journal_header *h, char *buf)
{
	uint64_t t = h->p + h->l;

	h->h = 0;
	if (t < h->s0)
		h->h = h->s0 - t < J_ORIG_HASH_MAX ? h->s0 - t : J_ORIG_HASH_MAX;
	return md5_range_hex(d->fd, (off_t)t, h->h, buf, h->orig_md5);
}

/* Bring the mailbox to the state journal jfd (header h, valid, checked
 * against the file) describes, from whatever point a commit or recovery
 * stopped at -- resized: journal_decide's answer, recorded -- then delete
 * the journal.  Takes ownership of jfd. */
static int
journal_finish(struct mu_mailbox *mb, struct mbox *d, int jfd,
	       struct journal_header *h, int resized, const char **error_r)
{
	char *buf = mu_xmalloc(COPY_BUFSIZE);
	struct stat st;

	if (fstat(d->fd, &st) < 0)
		goto io_error;

	if (!resized && (uint64_t)st.st_size > h->s0) {
		/* Mail was appended after S0 while no commit ran (an MTA
		 * broke our stale dotlock after a crash).  It has to move to
		 * the end of the new tail: fold it into a new journal that
		 * replaces this one atomically, then apply that one.  Its
		 * identity is the file's now: nothing of the commit is
		 * written below the anchor, and the anchor's pieces only
		 * ever go from what they are now to the tail's. */
		struct journal_header nh = *h;
		struct piece pc[2] = {
			{ jfd, (off_t)h->size, h->l, NULL },
			{ d->fd, (off_t)h->s0, (uint64_t)st.st_size - h->s0, NULL },
		};
		int nfd;

		nh.l = h->l + pc[1].len;
		nh.s0 = (uint64_t)st.st_size;
		if (journal_orig_hash(d, &nh, buf) < 0 ||
		    journal_identity(d, &nh, buf) < 0)
			goto io_error;
		nfd = journal_create(mb, d, &nh, pc, 2, error_r);
		if (nfd < 0)
			goto fail;
		mu_log(MU_LOG_NOTICE, "%s: moved %llu bytes of mail delivered "
		       "after an interrupted commit behind its new tail",
		       mb->path, (unsigned long long)pc[1].len);
		close(jfd);
		jfd = nfd;
		*h = nh;
	}

	if (resized) {
		/* the size is final and new mail, if any, follows T already;
		 * rewriting the tail is idempotent */
		if (journal_write_tail(d, jfd, h, buf) < 0)
			goto io_error;
	} else if (h->p + h->l > h->s0) {
		/* grow: the one size change first, then the tail inside it */
		if (resize_mbox(d, jfd, h) < 0 || journal_write_tail(d, jfd, h, buf) < 0)
			goto io_error;
	} else {
		/* shrink: the tail inside the old size, then the size change */
		if (journal_write_tail(d, jfd, h, buf) < 0)
			goto io_error;
		if (h->p + h->l < h->s0 && resize_mbox(d, jfd, h) < 0)
			goto io_error;
	}
	if (journal_remove(d) < 0)
		goto io_error;
	close(jfd);
	free(buf);
	return 0;

io_error:
	mu_mailbox_fail(mb, MU_MBERR_TEMP, error_r, "committing %s: %s (the journal "
			"%s finishes the work at the next open)", mb->path,
			strerror(errno), d->journal_path);
fail:
	if (jfd >= 0)
		close(jfd);
	free(buf);
	return -1;
}

/* Move the journal out of the way, never applied, kept for the
 * administrator: JOURNAL.KIND.TIME ("damaged": it fails its own checks;
 * "orphan": it does not describe the file), with a counter after it if
 * that name is taken (rename would replace an earlier one).  Takes jfd. */
static int
journal_move_aside(struct mu_mailbox *mb, struct mbox *d, int jfd,
		   const char *kind, const char *why, const char **error_r)
{
	long long now = (long long)time(NULL);
	char *aside = mu_xasprintf("%s.%s.%lld", d->journal_path, kind, now);
	int rc, e;

	close(jfd);
	for (int k = 2; access(aside, F_OK) == 0 && k < 1000; k++) {
		free(aside);
		aside = mu_xasprintf("%s.%s.%lld.%d", d->journal_path, kind, now, k);
	}
	rc = mu_priv_rename(d->journal_path, aside);
	e = errno;
	if (rc == 0) {
		mu_test_kill_point();
		(void)mu_fsync_dir_of(d->journal_path);
		mu_log(MU_LOG_ERR, "%s: commit journal not applied, %s: %s; kept as %s",
		       mb->path, strcmp(kind, "damaged") == 0 ? "damaged" :
		       "not made for this file", why, aside);
	}
	free(aside);
	if (rc < 0)
		return mu_mailbox_fail(mb, MU_MBERR_TEMP, error_r, "cannot move aside "
				       "%s: %s", d->journal_path, strerror(e));
	return 0;
}

/* Crash recovery, under the delivery lock with d->fd writable. */
static int
mbox_recover(struct mu_mailbox *mb, struct mbox *d, const char **error_r)
{
	unsigned char hdr[J_HEADER_SIZE];
	struct journal_header h;
	struct stat jst, st;
	char sum[MU_MD5_HEX_LEN + 1], want[MU_MD5_HEX_LEN + 1];
	const char *why = NULL, *how = NULL;
	enum j_phase ph;
	char *buf;
	ssize_t n;
	int jfd, resized, match;
	bool valid;

	/* a journal still being written: the mbox was not touched */
	if (mu_priv_unlink(d->journal_tmp) == 0)
		mu_test_kill_point();
	jfd = open(d->journal_path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	if (jfd < 0) {
		if (errno == ENOENT)
			return 0;
		return mu_mailbox_fail(mb, MU_MBERR_TEMP, error_r,
				       "cannot open commit journal %s: %s",
				       d->journal_path, strerror(errno));
	}
	if (fstat(d->fd, &st) < 0) {
		close(jfd);
		return mu_mailbox_fail(mb, MU_MBERR_TEMP, error_r, "fstat %s: %s",
				       mb->path, strerror(errno));
	}
	buf = mu_xmalloc(COPY_BUFSIZE);
	valid = fstat(jfd, &jst) == 0 &&
		(n = mu_pread_full(jfd, hdr, sizeof hdr, 0)) > 0 &&
		header_decode(hdr, (size_t)n, &h) &&
		(uint64_t)jst.st_size == h.size + h.l + J_SUM_SIZE + J_PHASE_SIZE &&
		md5_range_hex(jfd, 0, h.size + h.l, buf, sum) == 0 &&
		mu_pread_full(jfd, want, J_SUM_SIZE, (off_t)(h.size + h.l)) ==
		J_SUM_SIZE;
	if (valid) {
		want[MU_MD5_HEX_LEN] = '\0';
		valid = strcmp(sum, want) == 0;
	}
	/* Only a complete, fsynced journal is renamed into place, so one
	 * that fails its checks was damaged by the storage.  Neither it nor
	 * one made for another file can be applied: applying a journal
	 * rewrites the file from P on, and over another file's mail that
	 * destroys it.  Both are kept, out of the way, for the
	 * administrator. */
	if (!valid) {
		free(buf);
		return journal_move_aside(mb, d, jfd, "damaged", "it fails its "
					  "checksum", error_r);
	}
	/* the device number is not compared: device-mapper and NFS may give
	 * a file system another one after a reboot */
	if (h.ino != (uint64_t)st.st_ino) {
		free(buf);
		return journal_move_aside(mb, d, jfd, "orphan", "another inode",
					  error_r);
	}
	/* The same inode number is no proof: ": > mbox" keeps it, and a
	 * file system reuses the number of a removed file.  The journal
	 * says what the file must hold at whatever step the commit died. */
	resized = journal_decide(d, jfd, &h, (uint64_t)st.st_size, buf, &ph, &how);
	match = resized < 0 ? -1 : journal_matches(d, jfd, &h, (uint64_t)st.st_size,
						  resized, buf, &why);
	free(buf);
	if (match < 0) {
		close(jfd);
		return mu_mailbox_fail(mb, MU_MBERR_TEMP, error_r, "reading %s for "
				       "its commit journal: %s", mb->path,
				       strerror(errno != 0 ? errno : ESTALE));
	}
	if (match == 0)
		return journal_move_aside(mb, d, jfd, "orphan", why, error_r);
	mu_log(MU_LOG_NOTICE, "%s: finishing an interrupted commit", mb->path);
	if (journal_record_decision(mb, d, jfd, &h, ph, resized, how, error_r) < 0) {
		close(jfd);
		return -1;
	}
	return journal_finish(mb, d, jfd, &h, resized, error_r);
}

static bool
journal_exists(struct mbox *d)
{
	return access(d->journal_path, F_OK) == 0 || access(d->journal_tmp, F_OK) == 0;
}

/* ---- open / close ---- */

static void
mbox_free_drv(struct mu_mailbox *mb)
{
	struct mbox *d = mb->drv;

	if (d == NULL)
		return;
	delivery_unlock(d);
	if (d->fd >= 0)
		close(d->fd);
	mu_session_unlock(mb->session_lock_fd);
	mb->session_lock_fd = -1;
	free(d->journal_path);
	free(d->journal_tmp);
	free(d->session_path);
	free(d->m);
	free(d);
	mb->drv = NULL;
}

/* DIR/.NAME.TAG<suffix> for the mailbox DIR/NAME, TAG the program's
 * file tag. */
static char *
beside(const char *path, const char *suffix)
{
	const char *slash = strrchr(path, '/');
	const char *tag = mu_mailbox_file_tag();

	if (slash == NULL)
		return mu_xasprintf(".%s.%s%s", path, tag, suffix);
	return mu_xasprintf("%.*s/.%s.%s%s", (int)(slash - path), path,
			    slash + 1, tag, suffix);
}

static int
mbox_open_file(struct mu_mailbox *mb, struct mbox *d, bool write,
	       const char **error_r)
{
	struct stat st;

	/* O_NOFOLLOW: a maildrop is never reached through a symlink at its
	 * last component */
	d->fd = open(mb->path, (write ? O_RDWR : O_RDONLY) | O_CLOEXEC |
		     O_NOFOLLOW);
	if (d->fd < 0) {
		if (errno == ENOENT)
			return 0;
		return mu_mailbox_fail(mb, errno == EACCES || errno == EISDIR ||
				       errno == ELOOP || errno == EROFS ?
				       MU_MBERR_PERM : MU_MBERR_TEMP, error_r,
				       "cannot open %s: %s", mb->path, strerror(errno));
	}
	d->writable = write;
	if (fstat(d->fd, &st) < 0)
		return mu_mailbox_fail(mb, MU_MBERR_TEMP, error_r, "fstat %s: %s",
				       mb->path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return mu_mailbox_fail(mb, MU_MBERR_PERM, error_r,
				       "%s is not a regular file", mb->path);
	d->ino = st.st_ino;
	d->dev = st.st_dev;
	return 0;
}

static int
mbox_open(struct mu_mailbox *mb, int flags, const char **error_r)
{
	struct mbox *d = mu_xcalloc(1, sizeof *d);
	int rc;

	d->fd = -1;
	mb->drv = d;
	d->journal_path = beside(mb->path, "-journal");
	d->journal_tmp = beside(mb->path, "-journal.new");
	d->session_path = beside(mb->path, "-lock");

	/* A mailbox that must exist and does not (mu-sieve -f with a typo):
	 * refused before the session lock file is made beside it, which
	 * would be left behind for a mailbox nobody has. */
	if ((flags & MU_OPEN_NOCREATE) && access(mb->path, F_OK) < 0 &&
	    errno == ENOENT) {
		mu_mailbox_fail(mb, MU_MBERR_PERM, error_r, "%s does not exist",
				mb->path);
		goto fail;
	}

	if (flags & MU_OPEN_SESSION_LOCK) {
		const char *err;

		rc = mu_session_lock(d->session_path, &mb->session_lock_fd, &err);
		if (rc == 1) {
			mu_mailbox_fail(mb, MU_MBERR_IN_USE, error_r,
					"%s is in use by another session", mb->path);
			goto fail;
		}
		/* No directory means no mailbox and nothing to protect. */
		if (rc < 0 && !(errno == ENOENT && access(mb->path, F_OK) < 0)) {
			mu_mailbox_fail(mb, errno == EACCES || errno == EROFS ?
					MU_MBERR_PERM : MU_MBERR_TEMP, error_r,
					"%s (the session lock lives beside the mailbox; "
					"its directory must be writable)", err);
			goto fail;
		}
	}

	if (mbox_open_file(mb, d, (flags & MU_OPEN_WRITE) != 0, error_r) < 0)
		goto fail;
	if (d->fd < 0) {
		if (flags & MU_OPEN_NOCREATE) {
			mu_mailbox_fail(mb, MU_MBERR_PERM, error_r, "%s does not exist",
					mb->path);
			goto fail;
		}
		/* a missing mbox is an empty one; not created to be read */
		mb->msgs = mu_xcalloc(1, sizeof *mb->msgs);
		d->m = mu_xcalloc(1, sizeof *d->m);
		mb->count = 0;
		return 0;
	}
	for (;;) {
		if (delivery_lock(mb, d, d->writable, error_r) < 0)
			goto fail;
		if (!journal_exists(d) || d->writable)
			break;
		/* An interrupted commit must be finished before anything is
		 * read, and that needs write access: reopen and lock again
		 * (the journal is looked for under the lock, as a commit
		 * makes and removes it only while holding the lock). */
		delivery_unlock(d);
		close(d->fd);
		d->fd = -1;
		if (mbox_open_file(mb, d, true, error_r) < 0)
			goto fail;
		if (d->fd < 0) {
			mu_mailbox_fail(mb, MU_MBERR_TEMP, error_r, "%s vanished",
					mb->path);
			goto fail;
		}
	}
	rc = d->writable ? mbox_recover(mb, d, error_r) : 0;
	if (rc == 0)
		rc = mbox_scan(mb, d, error_r);
	/* MTAs may deliver while the session goes on */
	delivery_unlock(d);
	if (rc < 0)
		goto fail;
	return 0;

fail:
	mbox_free_drv(mb);
	return -1;
}

static void
mbox_close(struct mu_mailbox *mb)
{
	mbox_free_drv(mb);
}

/* Is message idx still where the scan found it, with the same bytes
 * around it: its own identity, and that of the next message (or of the
 * end) which a change of its length would move?  Without this, a
 * message an MUA rewrote would be sent cut or shifted, under the size
 * announced before the rewrite. */
static int
message_unchanged(struct mu_mailbox *mb, struct mbox *d, size_t idx,
		  const char **error_r)
{
	char *buf = mu_xmalloc(COPY_BUFSIZE);
	struct stat st;
	uint64_t id;
	int rc = msg_ident(d, idx, buf, &id);
	bool same = rc == 0 && id == d->m[idx].ident;

	if (same && idx + 1 < mb->count) {
		rc = msg_ident(d, idx + 1, buf, &id);
		same = rc == 0 && id == d->m[idx + 1].ident;
	} else if (same) {
		rc = fstat(d->fd, &st);
		same = rc == 0 && st.st_size >= d->scanned_size &&
		       (rc = end_ident(d, buf, &id)) == 0 && id == d->end_ident;
	}
	free(buf);
	if (rc < 0 && errno != ESTALE)
		return mu_mailbox_fail(mb, MU_MBERR_TEMP, error_r, "reading %s: %s",
				       mb->path, strerror(errno));
	if (!same)
		return mu_mailbox_fail(mb, MU_MBERR_TEMP, error_r, "message %zu of "
				       "%s changed on disk since the session began "
				       "(another program rewrote the mailbox)",
				       idx + 1, mb->path);
	return 0;
}

static int
mbox_stream_open(struct mu_mailbox *mb, size_t idx, struct mu_msgstream *st,
		 const char **error_r)
{
	struct mbox *d = mb->drv;

	if (idx >= mb->count || d->fd < 0) {
		*error_r = "no such message";
		return -1;
	}
	if (d->broken) {
		*error_r = "the mailbox is being repaired; try again later";
		return -1;
	}
	if (message_unchanged(mb, d, idx, error_r) < 0)
		return -1;
	mu_msgstream_init_fd(st, d->fd, false, d->m[idx].body_start,
			     d->m[idx].body_end, MU_STREAM_MBOXRD);
	return 0;
}

/* ---- commit ---- */

/* What a message's added header needs (found by reading its header). */
struct insertion {
	bool insert;
	off_t at;               /* offset of the blank line, or message end */
	char *text;             /* bytes to insert */
	size_t len;
	uint64_t size_add;      /* what it adds to the message's CRLF size */
	/* the line end text starts with to complete the From_ line of an
	 * empty message: the message starts after it */
	size_t from_eol_len;
};

/* Is the file still the one we scanned?  The same inode, no shorter,
 * every message's identity and the end's unchanged, and whatever lies
 * past the scanned end mail an MTA appended.  An MUA that rewrote the
 * last message in place (mutt adding "Status: RO") pushed its tail past
 * the scanned end: taken for new mail, those bytes would be glued to the
 * message before a deleted one.  Any doubt refuses the commit before a
 * byte is written. */
static int
commit_verify(struct mu_mailbox *mb, struct mbox *d, off_t size,
	      const char **error_r)
{
	struct stat st;
	char *buf, why[96];
	uint64_t id;
	int rc = 0;

	if (stat(mb->path, &st) < 0 || st.st_ino != d->ino || st.st_dev != d->dev)
		return mu_mailbox_fail(mb, MU_MBERR_TEMP, error_r, "%s was replaced by "
				       "another program during the session; nothing "
				       "changed", mb->path);
	why[0] = '\0';
	if (size < d->scanned_size)
		snprintf(why, sizeof why, "it is shorter than when it was read");
	buf = mu_xmalloc(COPY_BUFSIZE);
	for (size_t i = 0; why[0] == '\0' && i < mb->count; i++) {
		rc = msg_ident(d, i, buf, &id);
		if (rc < 0 || id != d->m[i].ident)
			snprintf(why, sizeof why, "message %zu moved or changed", i + 1);
	}
	if (why[0] == '\0') {
		rc = end_ident(d, buf, &id);
		if (rc < 0 || id != d->end_ident)
			snprintf(why, sizeof why, "the end of message %zu changed",
				 mb->count);
	}
	if (why[0] == '\0' && size > d->scanned_size) {
		rc = appended_mail_at(d->fd, d->scanned_size, size, true, buf);
		if (rc == 0)
			snprintf(why, sizeof why, "what follows message %zu is not a "
				 "new message", mb->count);
	}
	free(buf);
	if (rc < 0 && errno != ESTALE)
		return mu_mailbox_fail(mb, MU_MBERR_TEMP, error_r, "reading %s: %s",
				       mb->path, strerror(errno));
	if (why[0] != '\0')
		return mu_mailbox_fail(mb, MU_MBERR_TEMP, error_r, "%s was changed by "
				       "another program during the session (%s); "
				       "nothing changed", mb->path, why);
	return 0;
}

/* Find where message idx's header ends and whether it already has the
 * field of its added line.  Reads the header only. */
static int
plan_insertion(struct mu_mailbox *mb, struct mbox *d, size_t idx,
	       struct insertion *ins)
{
	const char *line = mb->added[idx].line;
	size_t namelen = (size_t)(strchr(line, ':') - line);
	char *name = mu_xstrndup(line, namelen);
	const struct mbox_msg *m = &d->m[idx];
	struct mu_msgstream s;
	const char *data;
	size_t len;
	bool eol, line_start = true, crlf = false, first = true, need_lf = false;
	char last = '\n';
	int rc;

	ins->insert = true;
	ins->at = m->body_end;
	mu_msgstream_init_fd(&s, d->fd, false, m->body_start, m->body_end,
			     MU_STREAM_PLAIN);
	for (;;) {
		off_t off = stream_offset(&s);

		rc = mu_msgstream_next(&s, &data, &len, &eol);
		if (rc <= 0)
			break;
		if (line_start && eol && first)
			crlf = stream_offset(&s) - off == (off_t)len + 2;
		if (line_start) {
			first = false;
			if (eol && len == 0) {
				ins->at = off;	/* the blank line ends the header */
				break;
			}
			if (mu_header_is(data, len, name)) {
				ins->insert = false;
				break;
			}
		}
		line_start = eol;
	}
	mu_msgstream_close(&s);
	free(name);
	if (rc < 0)
		return -1;
	if (!ins->insert)
		return 0;
	if (ins->at == m->body_end) {
		/* no blank line: the header runs to the end of the message,
		 * whose last line may lack its line end -- and so may the
		 * From_ line of an empty message, the last in the file */
		if (mu_pread_full(d->fd, &last, 1, m->body_end - 1) != 1)
			return -1;
		need_lf = last != '\n';
	}
	/* a CR ending that line is its own (mailbox.h): a bare LF after it
	 * would make it half of a CRLF and cut it from the line */
	ins->text = mu_xasprintf("%s%s%s%s", need_lf ? (crlf || last == '\r' ?
						 "\r\n" : "\n") : "",
				 is_quoted_from(line, strlen(line)) ||
				 strncmp(line, "From ", 5) == 0 ? ">" : "",
				 line, crlf ? "\r\n" : "\n");
	ins->len = strlen(ins->text);
	if (need_lf && m->body_end == m->body_start)
		ins->from_eol_len = crlf || last == '\r' ? 2 : 1;
	/* read back unquoted, with CRLF; a line end added before it only
	 * completes a last line already counted as if it had one */
	ins->size_add = strlen(line) + 2;
	return 0;
}

/* undelete: the deletion letters in the headers become spaces, in place
 * and before any journal is made, so that one copies them cleared
 * (delmark.h says why an in-place letter is crash-safe). */
static int
clear_delete_marks(struct mu_mailbox *mb, struct mbox *d, const char **error_r)
{
	int cleared = 0;

	for (size_t i = 0; i < mb->count; i++) {
		struct mu_message_info *info = &mb->msgs[i];
		int n;

		if (info->deleted || !info->clear_delete_mark || !info->delete_mark)
			continue;
		n = mu_delmark_clear(d->fd, d->m[i].body_start, d->m[i].body_end);
		if (n < 0)
			return mu_mailbox_fail(mb, MU_MBERR_TEMP, error_r, "clearing a "
					       "deletion mark in %s: %s", mb->path,
					       strerror(errno));
		cleared += n;
	}
	if (cleared > 0) {
		if (fsync(d->fd) < 0)
			return mu_mailbox_fail(mb, MU_MBERR_TEMP, error_r, "fsync %s: %s",
					       mb->path, strerror(errno));
		mu_test_kill_point();
	}
	for (size_t i = 0; i < mb->count; i++)
		if (mb->msgs[i].clear_delete_mark && !mb->msgs[i].deleted)
			mb->msgs[i].delete_mark = false;
	return 0;
}

/* After the last scanned message, the bytes up to the next From_ line
 * (at most two line ends a careful appender adds when the file lacked
 * them) belong to that message's separator: if it is deleted they go too,
 * so the next message does not start with a stray blank line. */
static off_t
absorb_separator(struct mbox *d, off_t size)
{
	char b[9];
	off_t at = d->scanned_size;
	ssize_t n;
	size_t j;

	if (size <= at)
		return at;
	n = mu_pread_full(d->fd, b, sizeof b, at);
	if (n < 0)
		return at;
	j = skip_line_ends(b, (size_t)n, 2);
	if (j + 5 <= (size_t)n && memcmp(b + j, "From ", 5) == 0)
		return at + (off_t)j;
	return at;
}

/* The in-memory view after a commit: deleted messages gone, offsets
 * moved, added headers counted; the UIDLs stay. */
static void
commit_update_view(struct mu_mailbox *mb, struct mbox *d, size_t first,
		   const struct insertion *ins, off_t p, off_t newmail)
{
	size_t out = first;
	off_t pos = p;

	for (size_t i = first; i < mb->count; i++) {
		off_t unit_end = i + 1 < mb->count ? d->m[i + 1].from_off
						   : newmail;
		off_t shift = pos - d->m[i].from_off;
		off_t unit_len = unit_end - d->m[i].from_off;

		if (mb->msgs[i].deleted) {
			free(mb->added[i].line);
			continue;
		}
		struct mbox_msg nm = d->m[i];
		nm.from_off += shift;
		nm.body_start += shift;
		nm.body_end += shift;
		if (ins[i].insert) {
			nm.body_start += (off_t)ins[i].from_eol_len;
			nm.body_end += (off_t)ins[i].len;
			unit_len += (off_t)ins[i].len;
			mb->msgs[i].size += ins[i].size_add;
			mb->msgs[i].lines++;
		}
		d->m[out] = nm;
		mb->msgs[out] = mb->msgs[i];
		mb->added[out] = mb->added[i];
		pos += unit_len;
		out++;
	}
	for (size_t i = 0; i < out; i++) {
		free(mb->added[i].line);
		mb->added[i].line = NULL;
	}
	mb->count = out;
	d->scanned_size = pos;
}

/* Take the delivery lock for writing and make the file whole again (a
 * commit a crash interrupted is finished or undone from its journal);
 * *st_r is the file as it is then.  0, or -1 with nothing locked. */
static int
lock_for_writing(struct mu_mailbox *mb, struct mbox *d, struct stat *st_r,
		 const char **error_r)
{
	if (delivery_lock(mb, d, true, error_r) < 0)
		return -1;
	if (journal_exists(d) && mbox_recover(mb, d, error_r) < 0)
		goto fail;
	if (fstat(d->fd, st_r) < 0) {
		mu_mailbox_fail(mb, MU_MBERR_TEMP, error_r, "fstat %s: %s",
				mb->path, strerror(errno));
		goto fail;
	}
	return 0;

fail:
	delivery_unlock(d);
	return -1;
}

static int
mbox_commit(struct mu_mailbox *mb, const char **error_r)
{
	struct mbox *d = mb->drv;
	struct insertion *ins = NULL;
	struct piece *pieces = NULL;
	struct journal_header h;
	struct stat st;
	size_t first, npieces = 0, count = mb->count;
	off_t newmail;
	char *buf = NULL;
	int jfd, rc = -1;
	bool any = false, clearing = false;

	if (d->fd < 0 || mb->count == 0)
		return 0;
	if (d->broken)
		return mu_mailbox_fail(mb, MU_MBERR_TEMP, error_r, "an earlier commit of "
				       "%s failed; reopen the mailbox", mb->path);
	for (size_t i = 0; i < mb->count && !any; i++)
		any = mb->msgs[i].deleted || mb->added[i].line != NULL ||
		      (mb->msgs[i].clear_delete_mark && mb->msgs[i].delete_mark);
	if (!any)
		return 0;
	if (!d->writable)
		return mu_mailbox_fail(mb, MU_MBERR_PERM, error_r,
				       "%s was opened read-only", mb->path);

	if (lock_for_writing(mb, d, &st, error_r) < 0)
		return -1;
	if (commit_verify(mb, d, st.st_size, error_r) < 0)
		goto out;
	for (size_t i = 0; i < mb->count && !clearing; i++)
		clearing = mb->msgs[i].clear_delete_mark && mb->msgs[i].delete_mark &&
			   !mb->msgs[i].deleted;
	if (clear_delete_marks(mb, d, error_r) < 0)
		goto out;
	/* a cleared letter may lie in an identity's bytes: take them anew,
	 * or the rest of the session would take our own write for another
	 * program's */
	if (clearing && mbox_identify(mb, d, 0) < 0) {
		mu_mailbox_fail(mb, MU_MBERR_TEMP, error_r, "reading %s: %s",
				mb->path, strerror(errno));
		d->broken = true;
		goto out;
	}

	ins = mu_xcalloc(count, sizeof *ins);
	first = mb->count;
	for (size_t i = 0; i < mb->count; i++) {
		if (!mb->msgs[i].deleted && mb->added[i].line != NULL &&
		    plan_insertion(mb, d, i, &ins[i]) < 0) {
			mu_mailbox_fail(mb, MU_MBERR_TEMP, error_r, "reading %s: %s",
					mb->path, strerror(errno));
			goto out;
		}
		if (first == mb->count && (mb->msgs[i].deleted || ins[i].insert))
			first = i;
	}
	if (first == mb->count) {
		rc = 0;		/* every added header was there already */
		for (size_t i = 0; i < mb->count; i++) {
			free(mb->added[i].line);
			mb->added[i].line = NULL;
		}
		goto out;
	}

	/* The new tail from P: kept messages, with their added headers,
	 * then everything delivered since the scan, byte for byte. */
	newmail = absorb_separator(d, st.st_size);
	pieces = mu_xreallocarray(NULL, 3 * (mb->count - first) + 1, sizeof *pieces);
	memset(&h, 0, sizeof h);
	h.dev = (uint64_t)d->dev;
	h.ino = (uint64_t)d->ino;
	h.p = (uint64_t)d->m[first].from_off;
	h.s0 = (uint64_t)st.st_size;
	for (size_t i = first; i < mb->count; i++) {
		off_t start = d->m[i].from_off;
		off_t end = i + 1 < mb->count ? d->m[i + 1].from_off : newmail;

		if (mb->msgs[i].deleted)
			continue;
		if (ins[i].insert) {
			pieces[npieces++] = (struct piece){
				d->fd, start, (uint64_t)(ins[i].at - start), NULL };
			pieces[npieces++] = (struct piece){
				-1, 0, ins[i].len, ins[i].text };
			pieces[npieces++] = (struct piece){
				d->fd, ins[i].at, (uint64_t)(end - ins[i].at), NULL };
		} else {
			pieces[npieces++] = (struct piece){
				d->fd, start, (uint64_t)(end - start), NULL };
		}
	}
	pieces[npieces++] = (struct piece){
		d->fd, newmail, (uint64_t)(st.st_size - newmail), NULL };
	h.l = 0;
	for (size_t i = 0; i < npieces; i++)
		h.l += pieces[i].len;
	buf = mu_xmalloc(COPY_BUFSIZE);
	if (journal_orig_hash(d, &h, buf) < 0 || journal_identity(d, &h, buf) < 0) {
		mu_mailbox_fail(mb, MU_MBERR_TEMP, error_r, "reading %s: %s", mb->path,
				strerror(errno));
		goto out;
	}
	jfd = journal_create(mb, d, &h, pieces, npieces, error_r);
	if (jfd < 0) {
		/* nothing changed, unless a journal got in place: then the
		 * next open applies it and our offsets are not to be trusted */
		if (access(d->journal_path, F_OK) == 0)
			d->broken = true;
		goto out;
	}
	/* a fresh journal: phase "prepared", the file not resized yet */
	if (journal_finish(mb, d, jfd, &h, h.p + h.l == h.s0, error_r) < 0) {
		/* half done: our offsets no longer hold until recovery */
		d->broken = true;
		goto out;
	}
	commit_update_view(mb, d, first, ins, (off_t)h.p, newmail);
	/* the messages from P on moved: their identities are new */
	if (mbox_identify(mb, d, first) < 0) {
		mu_log(MU_LOG_ERR, "%s: reading after a commit: %s", mb->path,
		       strerror(errno));
		d->broken = true;
	}
	rc = 0;

out:
	if (ins != NULL)
		for (size_t i = 0; i < count; i++)
			free(ins[i].text);
	free(ins);
	free(pieces);
	free(buf);
	delivery_unlock(d);
	return rc;
}

/* ---- append ---- */

/* Buffered pwrite at the end of the mbox, in COPY_BUFSIZE pieces. */
struct appender {
	int fd;
	off_t pos;
	struct mu_buf b;
};

static int
app_flush(struct appender *a)
{
	if (mu_pwrite_all(a->fd, a->b.data, a->b.len, a->pos) < 0)
		return -1;
	a->pos += (off_t)a->b.len;
	a->b.len = 0;
	return 0;
}

static int
app_put(struct appender *a, const char *data, size_t len)
{
	while (len > 0) {
		size_t take = len < COPY_BUFSIZE ? len : COPY_BUFSIZE;

		mu_buf_append(&a->b, data, take);
		data += take;
		len -= take;
		if (a->b.len >= COPY_BUFSIZE && app_flush(a) < 0)
			return -1;
	}
	return 0;
}

/* The message with mboxrd quoting: ^>*From  gains one '>'. */
static int
app_put_quoted(struct appender *a, const char *data, size_t len)
{
	size_t i = 0;

	while (i < len) {
		const char *nl = memchr(data + i, '\n', len - i);
		size_t end = nl != NULL ? (size_t)(nl - data) + 1 : len;
		size_t j = i;

		while (j < end && data[j] == '>')
			j++;
		if (end - j >= 5 && memcmp(data + j, "From ", 5) == 0 &&
		    app_put(a, ">", 1) < 0)
			return -1;
		if (app_put(a, data + i, end - i) < 0)
			return -1;
		i = end;
	}
	return 0;
}

/* Append one message as an MTA would: a From_ line, the message quoted,
 * a final line end if it lacks one, and the blank line that ends it. */
static int
mbox_append(struct mu_mailbox *mb, const char *data, size_t len,
	    const char **error_r)
{
	struct mbox *d = mb->drv;
	struct appender a;
	struct stat st;
	char tail[3], date[64];
	time_t now = time(NULL);
	struct tm tm;
	int rc = -1;

	if (d->fd < 0 || !d->writable) {
		int fd = open(mb->path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
		if (fd < 0)
			return mu_mailbox_fail(mb, errno == EACCES ?
					       MU_MBERR_PERM : MU_MBERR_TEMP,
					       error_r, "cannot open %s for "
					       "writing: %s", mb->path,
					       strerror(errno));
		if (fstat(fd, &st) < 0) {
			close(fd);
			return mu_mailbox_fail(mb, MU_MBERR_TEMP, error_r, "fstat %s: %s",
					       mb->path, strerror(errno));
		}
		if (d->fd >= 0)
			close(d->fd);	/* no lock is held on it now */
		else {
			d->ino = st.st_ino;
			d->dev = st.st_dev;
		}
		d->fd = fd;
		d->writable = true;
	}
	if (lock_for_writing(mb, d, &st, error_r) < 0)
		return -1;
	/* The path must still name the file we hold and locked: one an MUA
	 * saved as a new file and renamed into place takes the mail from
	 * then on, and an append to ours, unlinked, would be lost. */
	{
		struct stat pst;

		if (stat(mb->path, &pst) < 0 || pst.st_ino != st.st_ino ||
		    pst.st_dev != st.st_dev) {
			mu_mailbox_fail(mb, MU_MBERR_TEMP, error_r, "%s was replaced "
					"by another program since it was opened; "
					"nothing appended", mb->path);
			goto out;
		}
	}
	a.fd = d->fd;
	a.pos = st.st_size;
	mu_buf_init(&a.b);
	if (st.st_size > 0) {
		/* The blank line before our From_ line, if the file does not
		 * end with one ("\n\n", or "\n\r\n" in a CRLF file). */
		size_t n = st.st_size >= 3 ? 3 : (size_t)st.st_size;
		bool blank_end;

		if (mu_pread_full(d->fd, tail, n, st.st_size - (off_t)n) !=
		    (ssize_t)n) {
			mu_mailbox_fail(mb, MU_MBERR_TEMP, error_r, "reading %s: %s",
					mb->path, strerror(errno));
			goto out;
		}
		blank_end = (n >= 2 && tail[n - 2] == '\n') ||
			    (n >= 3 && tail[0] == '\n' && tail[1] == '\r') ||
			    (st.st_size == 1) ||
			    (st.st_size == 2 && tail[0] == '\r');
		/* a last line without LF: its line end, then the blank
		 * line; after a CR, a CRLF, or that CR would become half a
		 * line end and the last message would lose it */
		if (tail[n - 1] == '\r')
			mu_buf_append(&a.b, "\r\n\r\n", 4);
		else if (tail[n - 1] != '\n')
			mu_buf_append(&a.b, "\n\n", 2);
		else if (!blank_end)
			mu_buf_append(&a.b, "\n", 1);
	}
	localtime_r(&now, &tm);
	strftime(date, sizeof date, "%a %b %e %H:%M:%S %Y", &tm);
	mu_buf_appendf(&a.b, "From MAILER-DAEMON %s\n", date);
	if (app_put_quoted(&a, data, len) < 0 ||
	    (len > 0 && data[len - 1] != '\n' && app_put(&a, "\n", 1) < 0) ||
	    app_put(&a, "\n", 1) < 0 || app_flush(&a) < 0 || fsync(d->fd) < 0) {
		int e = errno;
		/* leave no partial message for the next reader */
		if (ftruncate(d->fd, st.st_size) < 0 || fsync(d->fd) < 0)
			mu_log(MU_LOG_ERR, "%s: cannot undo a partial append: %s",
			       mb->path, strerror(errno));
		mu_mailbox_fail(mb, MU_MBERR_TEMP, error_r, "appending to %s: %s",
				mb->path, strerror(e));
		mu_buf_free(&a.b);
		goto out;
	}
	mu_buf_free(&a.b);
	rc = 0;
out:
	delivery_unlock(d);
	return rc;
}

const struct mu_mailbox_ops mu_mbox_ops = {
	.name = "mbox",
	.open = mbox_open,
	.stream_open = mbox_stream_open,
	.commit = mbox_commit,
	.append = mbox_append,
	.close = mbox_close,
};
