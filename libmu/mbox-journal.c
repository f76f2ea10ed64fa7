/* The mbox driver's redo journal (doc/mbox-commit.md, "Journal"): its
 * layout, writing it, applying it to the mbox, and finishing at open a
 * commit that a crash interrupted. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "mailbox-driver.h"
#include "mbox-impl.h"
#include "privgroup.h"
#include "util.h"

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

enum j_phase { PHASE_PREPARED, PHASE_RESIZING, PHASE_RESIZED };
static const char *const phase_names[] = { "prepared", "resizing", "resized" };

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
	return mu_mbox_read_range(fd, off, len, buf, eat_md5, md5);
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
		mu_mbox_touch_lock(d);
	}
	return 0;
}

/* Write the journal for header h (l filled in) and pieces to journal_tmp,
 * make it durable, and rename it into place.  Returns the journal's fd
 * (open read-write for the phase record) or -1. */
int
mu_mbox_journal_create(struct mu_mailbox *mb, struct mbox *d,
		       const struct journal_header *h,
		       const struct piece *pieces, size_t npieces,
		       const char **error_r)
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
		mu_mbox_touch_lock(d);
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
	if (mu_mbox_fnv1a_range(fd, 0, a, buf,
				h_r) < 0 || mu_mbox_fnv1a_range(fd, (off_t)b,
				p - b, buf, h_r) < 0)
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
int
mu_mbox_journal_identity(struct mbox *d, struct journal_header *h, char *buf)
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
		if (mu_mbox_fnv1a_range(d->fd, (off_t)off, len, buf,
					&h->anchor_old[k]) < 0)
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

			if (mu_mbox_fnv1a_range(d->fd, (off_t)off, len, buf,
						&cur) < 0 || mu_mbox_fnv1a_range(jfd,
						(off_t)(h->size + off - h->p),
						len, buf, &new) < 0)
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
		int r = mu_mbox_appended_mail_at(d->fd, (off_t)end, (off_t)z,
						 false, buf);

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
int
mu_mbox_journal_orig_hash(struct mbox *d, struct journal_header *h, char *buf)
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
int
mu_mbox_journal_finish(struct mu_mailbox *mb, struct mbox *d, int jfd,
		       struct journal_header *h, int resized,
		       const char **error_r)
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
		if (mu_mbox_journal_orig_hash(d, &nh,
					      buf) < 0 || mu_mbox_journal_identity(d,
					      &nh, buf) < 0)
			goto io_error;
		nfd = mu_mbox_journal_create(mb, d, &nh, pc, 2, error_r);
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
int
mu_mbox_recover(struct mu_mailbox *mb, struct mbox *d, const char **error_r)
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
	return mu_mbox_journal_finish(mb, d, jfd, &h, resized, error_r);
}

bool
mu_mbox_journal_exists(struct mbox *d)
{
	return access(d->journal_path, F_OK) == 0 || access(d->journal_tmp, F_OK) == 0;
}
