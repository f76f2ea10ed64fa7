/* The MH driver (nmh's folder layout, mh-sequence(5)).
 *
 * A folder is a directory; its messages are the files named by a decimal
 * number (1, 2, ... with no leading zero), read in numeric order.  Other
 * files are not messages: ",N" backups of removed messages,
 * .mh_sequences, our own lock and temporary files.
 *
 * Deletion is done the way nmh's rmm does it by default: message N is
 * renamed to ",N" (a backup the user's MH tools know how to find and
 * purge) -- but an older ",N" is never replaced, the backup gets a free
 * name (",N.2", ...) -- and N leaves every sequence of .mh_sequences.
 * Retrieved messages leave the "unseen" sequence (the usual
 * Unseen-Sequence; this driver does not read the user's .mh_profile).
 *
 * MH tools renumber messages and reuse numbers while a session is open
 * (rmm, then inc delivers the next mail as the same number; sortm,
 * folder -pack).  So a message of the session is the file it listed (its
 * device and inode, msgfile.h), found again under whatever number it has
 * now; a number is never trusted to name the same message twice.
 * Details in doc/mh.md.
 *
 * UIDL: the content hash of the scanner (doc/uidl.md), so a UIDL does not
 * change when MH tools renumber a folder (folder -pack, sortm). */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "delmark.h"
#include "lock.h"
#include "log.h"
#include "mailbox-driver.h"
#include "msgfile.h"
#include "scan.h"
#include "util.h"

#define MH_SEQUENCES ".mh_sequences"
#define MH_UNSEEN_SEQUENCE "unseen"
#define MH_BACKUP_PREFIX ","
/* ",N", then ",N.2" up to this: a folder with that many backups of one
 * number has a purge problem, not a naming one */
#define MH_BACKUP_MAX 1000
#define MH_MODE 0700
/* .mh_sequences holds ranges; a bigger one is not one nmh wrote */
#define MH_SEQUENCES_MAX (16u * 1024 * 1024)

struct mh_msg {
	unsigned long listed;	/* its number when the session listed it */
	unsigned long num;	/* its number now (MH tools renumber) */
	struct mu_file_id id;	/* the file the session listed */
	bool removed;		/* this session's commit made it a backup */
};

/* Where the files of the folder are, by identity: built when a message
 * is not under its number, to find every renumbered one in one pass. */
struct mh_index_entry {
	dev_t dev;
	ino_t ino;
	unsigned long num;
};

struct mh {
	struct mh_msg *msgs;
	size_t count, alloc;
	struct mh_index_entry *index;
	size_t index_count;
	bool index_fresh;	/* built during the current commit */
};

/* A message file name: decimal, no leading zero, within nmh's int range.
 * "007" is not message 7 to nmh either. */
static bool
message_number(const char *name, unsigned long *num_r)
{
	unsigned long n = 0;

	if (name[0] < '1' || name[0] > '9')
		return false;
	for (const char *p = name; *p; p++) {
		if (*p < '0' || *p > '9')
			return false;
		if (n > (INT_MAX - (unsigned long)(*p - '0')) / 10)
			return false;
		n = n * 10 + (unsigned long)(*p - '0');
	}
	*num_r = n;
	return true;
}

static bool
is_message(const char *name)
{
	unsigned long num;

	return message_number(name, &num);
}

static int
num_cmp(const void *a, const void *b)
{
	const struct mh_msg *x = a, *y = b;

	return x->num < y->num ? -1 : x->num > y->num;
}

static char *
msg_path(const struct mu_mailbox *mb, unsigned long num)
{
	return mu_xasprintf("%s/%lu", mb->path, num);
}

static int
scan_folder(struct mu_mailbox *mb, struct mh *mh, const char **error_r)
{
	DIR *d = opendir(mb->path);
	const char *name;
	struct stat st;
	int rc;

	if (d == NULL)
		return mu_mailbox_fail(mb, mu_errno_class(errno), error_r,
				       "cannot read MH folder %s: %s", mb->path,
				       strerror(errno));
	while ((rc = mu_msgfile_next_entry(mb, d, mb->path, is_message, &name,
					   &st, error_r)) > 0) {
		if (mh->count == mh->alloc) {
			mh->alloc = mh->alloc ? mh->alloc * 2 : 64;
			mh->msgs = mu_xreallocarray(mh->msgs, mh->alloc,
						    sizeof *mh->msgs);
		}
		/* a number: is_message accepted the name */
		memset(&mh->msgs[mh->count], 0, sizeof mh->msgs[mh->count]);
		message_number(name, &mh->msgs[mh->count].num);
		mh->msgs[mh->count].listed = mh->msgs[mh->count].num;
		mh->count++;
	}
	closedir(d);
	return rc;
}

/* 1 done, 0 the file is gone (removed since readdir), -1 error. */
static int
message_info(struct mu_mailbox *mb, struct mh_msg *m,
	     struct mu_message_info *info, const char **error_r)
{
	char *path = msg_path(mb, m->num);
	int rc = mu_msgfile_info(mb, path, info, &m->id, error_r);

	free(path);
	return rc;
}

static int
index_cmp(const void *a, const void *b)
{
	const struct mh_index_entry *x = a, *y = b;

	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	if (x->ino != y->ino)
		return x->ino < y->ino ? -1 : 1;
	return x->num < y->num ? -1 : x->num > y->num;
}

/* Read the folder again into mh->index.  0, or -1 with errno. */
static int
index_build(struct mu_mailbox *mb, struct mh *mh)
{
	DIR *d = opendir(mb->path);
	struct dirent *de;
	struct stat st;
	size_t alloc = 0;
	unsigned long num;

	mh->index_count = 0;
	if (d == NULL)
		return errno == ENOENT ? 0 : -1;
	for (;;) {
		errno = 0;
		if ((de = readdir(d)) == NULL)
			break;
		if (!message_number(de->d_name, &num) ||
		    fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    !S_ISREG(st.st_mode))
			continue;
		if (mh->index_count == alloc) {
			alloc = alloc ? alloc * 2 : 64;
			mh->index = mu_xreallocarray(mh->index, alloc,
						     sizeof *mh->index);
		}
		mh->index[mh->index_count++] = (struct mh_index_entry){
			st.st_dev, st.st_ino, num };
	}
	int err = errno;
	closedir(d);
	if (err != 0) {
		errno = err;
		return -1;
	}
	if (mh->index_count > 0)
		qsort(mh->index, mh->index_count, sizeof *mh->index, index_cmp);
	return 0;
}

/* The number the index gives the file id, or 0 when it has none. */
static unsigned long
index_lookup(const struct mh *mh, const struct mu_file_id *id)
{
	size_t a = 0, b = mh->index_count;

	while (a < b) {
		size_t mid = a + (b - a) / 2;
		const struct mh_index_entry *e = &mh->index[mid];

		if (e->dev < id->dev || (e->dev == id->dev && e->ino < id->ino))
			a = mid + 1;
		else
			b = mid;
	}
	if (a < mh->index_count && mh->index[a].dev == id->dev &&
	    mh->index[a].ino == id->ino)
		return mh->index[a].num;
	return 0;
}

/* Find message m now: the file the session listed, under its number or
 * under the one an MH tool gave it since (the index, built again when it
 * does not know the file: at most once per commit, else on every miss).
 * MU_FILE_OURS with m->num the number it has now; MU_FILE_GONE when no
 * message file of the folder is m any more (rmm, refile, an editor that
 * wrote a new file); -1 on error (errno). */
static int
locate(struct mu_mailbox *mb, struct mh_msg *m, bool in_commit)
{
	struct mh *mh = mb->drv;
	char *path = msg_path(mb, m->num);
	int which = mu_msgfile_which(path, &m->id);

	free(path);
	if (which < 0 || which == MU_FILE_OURS)
		return which;
	for (int pass = 0; pass < 2; pass++) {
		unsigned long num = index_lookup(mh, &m->id);

		if (num != 0) {
			path = msg_path(mb, num);
			which = mu_msgfile_which(path, &m->id);
			free(path);
			if (which < 0)
				return -1;
			if (which == MU_FILE_OURS) {
				m->num = num;
				return MU_FILE_OURS;
			}
		}
		if (pass > 0 || (in_commit && mh->index_fresh))
			break;
		if (index_build(mb, mh) < 0)
			return -1;
		mh->index_fresh = in_commit;
	}
	return MU_FILE_GONE;
}

static void
mh_release(struct mu_mailbox *mb)
{
	struct mh *mh = mb->drv;

	if (mh != NULL) {
		free(mh->msgs);
		free(mh->index);
		free(mh);
		mb->drv = NULL;
	}
	mu_msgfile_unlock_session(mb);
}

static int
mh_open(struct mu_mailbox *mb, int flags, const char **error_r)
{
	struct mh *mh = mu_xcalloc(1, sizeof *mh);
	size_t kept = 0;
	int rc;

	mb->drv = mh;
	if ((flags & MU_OPEN_CREATE) &&
	    mu_mkdir_if_missing(mb->path, MH_MODE) < 0) {
		mu_mailbox_fail(mb, mu_errno_class(errno), error_r,
				"cannot create MH folder %s: %s", mb->path,
				strerror(errno));
		goto error;
	}
	/* .TAG.lock: a dot file, which MH programs pass over */
	rc = mu_msgfile_open_dir(mb, flags, "MH folder", ".", error_r);
	if (rc <= 0) {
		if (rc < 0)
			goto error;
		return 0;
	}
	if (scan_folder(mb, mh, error_r) < 0)
		goto error;
	if (mh->count > 0)
		qsort(mh->msgs, mh->count, sizeof *mh->msgs, num_cmp);
	mb->msgs = mu_xcalloc(mh->count ? mh->count : 1, sizeof *mb->msgs);
	for (size_t i = 0; i < mh->count; i++) {
		rc = message_info(mb, &mh->msgs[i], &mb->msgs[kept], error_r);
		if (rc < 0)
			goto error;
		if (rc > 0)
			mh->msgs[kept++] = mh->msgs[i];
	}
	mh->count = kept;
	mb->count = kept;
	mu_uidl_make_unique(mb->msgs, mb->count);
	return 0;

error:
	mh_release(mb);
	return -1;
}

static int
mh_stream_open(struct mu_mailbox *mb, size_t idx, struct mu_msgstream *st,
	       const char **error_r)
{
	struct mh *mh = mb->drv;
	struct mh_msg *m = &mh->msgs[idx];
	char name[32], *path;
	struct stat sb;
	int fd, which;

	snprintf(name, sizeof name, "%lu", m->listed);
	path = msg_path(mb, m->num);
	fd = mu_msgfile_open(path, &sb);
	free(path);
	if ((fd < 0 && errno != ENOENT) ||
	    (fd >= 0 && mu_file_id_is(&m->id, &sb)))
		goto init;
	/* not under its number: renumbered (sortm, folder -pack), or gone
	 * and the number taken by another mail (rmm, then inc) */
	which = locate(mb, m, false);
	if (which < 0) {
		if (fd >= 0)
			close(fd);
		return mu_mailbox_fail(mb, mu_errno_class(errno), error_r,
				       "cannot read MH folder %s: %s",
				       mb->path, strerror(errno));
	}
	if (which == MU_FILE_OURS) {
		if (fd >= 0)
			close(fd);
		path = msg_path(mb, m->num);
		fd = mu_msgfile_open(path, &sb);
		free(path);
	} else if (fd >= 0 && !mu_file_id_same_inode(&m->id, &sb)) {
		close(fd);
		fd = -1;
		errno = ENOENT;
	} else if (fd < 0) {
		errno = ENOENT;
	}
	/* else the file itself, changed in place: stream_init says so */
init:
	return mu_msgfile_stream_init(mb, name, fd, &sb, &m->id,
				      "removed it (the number may be another "
				      "mail's now)", st, error_r);
}

/* ---- .mh_sequences ----
 * The file is a list of fields "name: 1-3 5 9" in the format of a
 * message header (a line starting with white space continues the field
 * before it).  A field that loses numbers is written again as one line
 * in nmh's own form; every other byte stays as it was. */

/* Numbers to drop from sequences: sorted, no duplicates. */
struct numset {
	unsigned long *v;
	size_t n;
};

static bool
numset_has_in(const struct numset *s, unsigned long lo, unsigned long hi,
	      size_t *first_r)
{
	size_t a = 0, b = s->n;

	while (a < b) {		/* first element >= lo */
		size_t mid = a + (b - a) / 2;
		if (s->v[mid] < lo)
			a = mid + 1;
		else
			b = mid;
	}
	*first_r = a;
	return a < s->n && s->v[a] <= hi;
}

static int
ulong_cmp(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;

	return x < y ? -1 : x > y;
}

static void
numset_finish(struct numset *s)
{
	size_t j = 0;

	if (s->n == 0)
		return;
	qsort(s->v, s->n, sizeof *s->v, ulong_cmp);
	for (size_t i = 1; i < s->n; i++)
		if (s->v[i] != s->v[j])
			s->v[++j] = s->v[i];
	s->n = j + 1;
}

static bool
parse_number(const char **pp, const char *end, unsigned long *n_r)
{
	const char *p = *pp;
	unsigned long n = 0;

	if (p == end || *p < '0' || *p > '9')
		return false;
	for (; p < end && *p >= '0' && *p <= '9'; p++) {
		if (n > (INT_MAX - (unsigned long)(*p - '0')) / 10)
			return false;
		n = n * 10 + (unsigned long)(*p - '0');
	}
	*pp = p;
	*n_r = n;
	return true;
}

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Ranges written out in nmh's form: adjacent pieces joined ("5-6"). */
struct range_out {
	struct mu_buf *out;
	unsigned long lo, hi;
	bool pending;
};

static void
range_flush(struct range_out *r)
{
	if (!r->pending)
		return;
	if (r->lo == r->hi)
		mu_buf_appendf(r->out, " %lu", r->lo);
	else
		mu_buf_appendf(r->out, " %lu-%lu", r->lo, r->hi);
	r->pending = false;
}

static void
range_add(struct range_out *r, unsigned long lo, unsigned long hi)
{
	if (r->pending && lo == r->hi + 1) {
		r->hi = hi;
		return;
	}
	range_flush(r);
	r->lo = lo;
	r->hi = hi;
	r->pending = true;
}

/* Rewrite one field's value without the numbers in drop.  SEQ_CHANGED
 * and out filled (possibly empty: the field goes away) when something was
 * dropped; SEQ_SAME when the value is a list of numbers without any of
 * them; SEQ_OTHER when it is not one we can parse (then the field is kept
 * exactly). */
enum { SEQ_OTHER, SEQ_SAME, SEQ_CHANGED };

static int
sequence_drop(const char *v, const char *end, const struct numset *drop,
	      struct mu_buf *out)
{
	struct range_out r = { .out = out };
	bool changed = false;
	const char *p = v;

	mu_buf_init(out);
	for (;;) {
		unsigned long lo, hi;
		size_t k;

		while (p < end && is_space(*p))
			p++;
		if (p == end)
			break;
		if (!parse_number(&p, end, &lo))
			goto keep;
		hi = lo;
		if (p < end && *p == '-') {
			p++;
			if (!parse_number(&p, end, &hi))
				goto keep;
		}
		if (hi < lo || (p < end && !is_space(*p)))
			goto keep;
		if (!numset_has_in(drop, lo, hi, &k)) {
			range_add(&r, lo, hi);
			continue;
		}
		changed = true;
		/* the pieces of [lo, hi] between the dropped numbers */
		for (unsigned long from = lo; from <= hi; k++) {
			unsigned long to = k < drop->n && drop->v[k] <= hi ?
				drop->v[k] : hi + 1;
			if (from < to)
				range_add(&r, from, to - 1);
			from = to + 1;
		}
	}
	range_flush(&r);
	if (changed)
		return SEQ_CHANGED;
	mu_buf_free(out);
	return SEQ_SAME;
keep:
	mu_buf_free(out);
	return SEQ_OTHER;
}

/* Build the new .mh_sequences content from old.  Returns true when it
 * differs.  *pad_at_r: where blanks may go in out without changing what
 * it says (nmh splits values at blanks), or SIZE_MAX: before the line end
 * of the last field rewritten here, or if none is left, of the last
 * other field whose value is a list of numbers. */
static bool
sequences_rewrite(const char *old, size_t len, const struct numset *deleted,
		  const struct numset *unseen_drop, struct mu_buf *out,
		  size_t *pad_at_r)
{
	const char *p = old, *end = old + len;
	bool changed = false;
	size_t pad_rewritten = SIZE_MAX, pad_other = SIZE_MAX;

	mu_buf_init(out);
	mu_buf_append(out, "", 0);
	while (p < end) {
		/* one field: its first line and the continuation lines */
		const char *field = p, *fend = p;
		do {
			const char *nl = memchr(fend, '\n', (size_t)(end - fend));
			fend = nl != NULL ? nl + 1 : end;
		} while (fend < end && (*fend == ' ' || *fend == '\t'));
		p = fend;

		const char *colon = memchr(field, ':', (size_t)(fend - field));
		const char *nl = memchr(field, '\n', (size_t)(fend - field));
		if (colon == NULL || (nl != NULL && nl < colon)) {
			mu_buf_append(out, field, (size_t)(fend - field));
			continue;
		}
		size_t name_len = (size_t)(colon - field);
		bool unseen = name_len == strlen(MH_UNSEEN_SEQUENCE) &&
			memcmp(field, MH_UNSEEN_SEQUENCE, name_len) == 0;
		struct mu_buf v;
		int how = sequence_drop(colon + 1, fend, unseen ? unseen_drop :
					deleted, &v);
		if (how != SEQ_CHANGED) {
			mu_buf_append(out, field, (size_t)(fend - field));
			/* not after a CR: "3\r  \n" would not be a list */
			size_t at = out->len - (fend[-1] == '\n' ? 1 : 0);
			if (how == SEQ_SAME && (at == out->len ||
						(at > 0 && out->data[at - 1] != '\r')))
				pad_other = at;
			continue;
		}
		changed = true;
		if (v.len > 0) {	/* an empty sequence has no line */
			mu_buf_append(out, field, name_len + 1);
			mu_buf_append(out, v.data, v.len);
			pad_rewritten = out->len;
			mu_buf_append(out, "\n", 1);
		}
		mu_buf_free(&v);
	}
	*pad_at_r = pad_rewritten != SIZE_MAX ? pad_rewritten : pad_other;
	return changed;
}

static int
read_all(int fd, struct mu_buf *b)
{
	char chunk[8192];
	ssize_t n;

	mu_buf_init(b);
	mu_buf_append(b, "", 0);
	while ((n = mu_read_full(fd, chunk, sizeof chunk)) > 0) {
		mu_buf_append(b, chunk, (size_t)n);
		if (b->len > MH_SEQUENCES_MAX) {
			errno = EFBIG;
			return -1;
		}
	}
	return n < 0 ? -1 : 0;
}

/* Write the new content of .mh_sequences over the old one, in place.
 * A process killed at any instant must leave the old content or the new
 * one, so it is one write: when the new content is shorter, blanks at
 * pad_at (sequences_rewrite) make it as long as the old one, and no
 * truncation follows.  Only a file left without any list of numbers to
 * pad is written and then truncated (or just truncated when empty).
 * 0, or -1 with errno and *step_r. */
static int
write_in_place(int fd, struct mu_buf *new, size_t pad_at, size_t old_len,
	       const char **step_r)
{
	if (new->len < old_len && new->len > 0 && pad_at != SIZE_MAX) {
		struct mu_buf padded;
		size_t blanks = old_len - new->len;

		mu_buf_init(&padded);
		mu_buf_append(&padded, new->data, pad_at);
		for (size_t i = 0; i < blanks; i++)
			mu_buf_append(&padded, " ", 1);
		mu_buf_append(&padded, new->data + pad_at, new->len - pad_at);
		mu_buf_free(new);
		*new = padded;
	}
	*step_r = "write";
	if (new->len > 0) {
		if (mu_pwrite_all(fd, new->data, new->len, 0) < 0)
			return -1;
		mu_test_kill_point();
	}
	if (new->len < old_len) {
		*step_r = "truncate";
		if (ftruncate(fd, (off_t)new->len) < 0)
			return -1;
		mu_test_kill_point();
	}
	*step_r = "fsync";
	if (fsync(fd) < 0)
		return -1;
	mu_test_kill_point();
	return 0;
}

/* The numbers to drop, decided under the lock of .mh_sequences (an nmh
 * command holds it while it renumbers or delivers, so what is seen here
 * stays true until the file is written).  A number leaves the sequences
 * only while it still means the message the session listed: a message
 * this commit removed, when no other mail has taken its number since
 * (inc gives the next mail the highest number plus one, which may be
 * it); a retrieved one that is still (or again, after sortm) a file of
 * the folder, under the number it has now.  A message another program
 * removed is its business, sequences included. */
static void
numbers_to_drop(struct mu_mailbox *mb, struct numset *deleted,
		struct numset *unseen_drop)
{
	struct mh *mh = mb->drv;

	for (size_t i = 0; i < mh->count; i++) {
		struct mh_msg *m = &mh->msgs[i];

		if (m->removed) {
			char *path = msg_path(mb, m->num);
			struct stat st;
			bool taken = lstat(path, &st) == 0 || errno != ENOENT;

			free(path);
			if (taken)
				continue;
			deleted->v[deleted->n++] = m->num;
			unseen_drop->v[unseen_drop->n++] = m->num;
		} else if (!mb->msgs[i].deleted && mb->msgs[i].seen &&
			   locate(mb, m, true) == MU_FILE_OURS) {
			unseen_drop->v[unseen_drop->n++] = m->num;
		}
	}
	numset_finish(deleted);
	numset_finish(unseen_drop);
}

/* Drop the messages this commit removed from every sequence and the
 * retrieved ones from "unseen".
 *
 * The file is updated the way nmh updates it, so that the two work on
 * it together: under nmh's lock for it (fcntl, its default
 * "datalocking"; lockf is the same lock on Linux), rewritten in place.
 * nmh commands that change sequences open the file, take that lock and
 * keep both until they have rewritten the file in place; one that opened
 * the file just before we replaced it with another (a rename) would then
 * lock and rewrite the old, unlinked one, and its change would be lost.
 * In place, there is only ever one file. */
static int
update_sequences(struct mu_mailbox *mb, const char **error_r)
{
	struct mh *mh = mb->drv;
	char *path = mu_xasprintf("%s/%s", mb->path, MH_SEQUENCES);
	struct numset deleted = { mu_xcalloc(mh->count + 1,
					     sizeof(unsigned long)), 0 };
	struct numset unseen_drop = { mu_xcalloc(mh->count + 1,
						 sizeof(unsigned long)), 0 };
	struct mu_buf old, new;
	const char *lock_error = NULL, *step = "read";
	bool timed_out = false;
	size_t pad_at;
	int fd, rc = 0;

	mu_buf_init(&old);
	mu_buf_init(&new);
	fd = open(path, O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		if (errno != ENOENT)
			rc = mu_mailbox_fail(mb, mu_errno_class(errno), error_r,
					     "cannot open %s: %s", path,
					     strerror(errno));
		goto done;	/* no sequences: nothing to update */
	}
	if (mu_fcntl_lock(fd, true, mb->lock_timeout, &timed_out,
			  &lock_error) < 0) {
		rc = mu_mailbox_fail(mb, timed_out ? MU_MBERR_LOCK :
				     MU_MBERR_TEMP, error_r,
				     "cannot lock %s: %s", path,
				     lock_error != NULL ? lock_error :
				     "timed out");
		goto done;
	}
	numbers_to_drop(mb, &deleted, &unseen_drop);
	if (unseen_drop.n == 0)
		goto done;
	if (read_all(fd, &old) < 0)
		goto io_error;
	if (!sequences_rewrite(old.data, old.len, &deleted, &unseen_drop, &new,
			       &pad_at))
		goto done;
	if (write_in_place(fd, &new, pad_at, old.len, &step) < 0)
		goto io_error;
	goto done;

io_error:
	rc = mu_mailbox_fail(mb, mu_errno_class(errno), error_r,
			     "cannot update %s: %s: %s", path, step,
			     strerror(errno));
done:
	if (fd >= 0)
		close(fd);	/* releases the fcntl lock */
	mu_buf_free(&old);
	mu_buf_free(&new);
	free(deleted.v);
	free(unseen_drop.v);
	free(path);
	return rc;
}

/* A failure to find message m (locate returned -1). */
static int
locate_failed(struct mu_mailbox *mb, const struct mh_msg *m,
	      const char **error_r)
{
	return mu_mailbox_fail(mb, mu_errno_class(errno), error_r,
			       "cannot find message %lu of %s: %s", m->listed,
			       mb->path, strerror(errno));
}

static int
add_header(struct mu_mailbox *mb, size_t idx, const char **error_r)
{
	struct mh_msg *m = &((struct mh *)mb->drv)->msgs[idx];
	struct mu_message_info *info = &mb->msgs[idx];
	const char *line = mb->added[idx].line;
	char *path, *tmppath;
	int which = locate(mb, m, true), rc = 0;

	if (which < 0)
		return locate_failed(mb, m, error_r);
	if (which == MU_FILE_GONE) {
		mu_log(MU_LOG_WARNING, "%s: message %lu not stamped: it is no "
		       "longer in the folder as listed (another program "
		       "removed, moved or rewrote it)", mb->path, m->listed);
		return 0;
	}
	path = msg_path(mb, m->num);
	/* .TAG-tmp.N (mailbox.h: the tag), a dot file MH programs pass over */
	tmppath = mu_xasprintf("%s/.%s-tmp.%lu", mb->path,
			       mu_mailbox_file_tag(), m->num);
	/* a leftover of an earlier crash (we hold the session lock) */
	if (unlink(tmppath) < 0 && errno != ENOENT) {
		rc = mu_mailbox_fail(mb, mu_errno_class(errno), error_r,
				     "cannot remove %s: %s", tmppath,
				     strerror(errno));
	} else {
		int added = mu_msgfile_commit_header(mb, path, tmppath, line,
						     info, &m->id, error_r);
		if (added < 0)
			rc = -1;
		else if (added > 0)
			info->lines++;
	}
	free(path);
	free(tmppath);
	return rc;
}

/* undelete: the deletion letters in the header become spaces, in place
 * (delmark.h says why that is crash-safe); the size stays.  Only in the
 * file the session listed. */
static int
clear_delete_mark(struct mu_mailbox *mb, size_t idx, const char **error_r)
{
	struct mh_msg *m = &((struct mh *)mb->drv)->msgs[idx];
	char *path;
	struct stat st;
	int fd, cleared, rc = 0, which = locate(mb, m, true);

	if (which < 0)
		return locate_failed(mb, m, error_r);
	if (which == MU_FILE_GONE)
		return 0;	/* removed by another program: no mark left */
	path = msg_path(mb, m->num);
	fd = open(path, O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		/* ENOENT: removed by another program, nothing to clear */
		if (errno != ENOENT)
			rc = mu_mailbox_fail(mb, mu_errno_class(errno), error_r,
					     "cannot open %s: %s", path,
					     strerror(errno));
		free(path);
		return rc;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		rc = mu_mailbox_fail(mb, MU_MBERR_PERM, error_r,
				     "%s is not a regular file", path);
	} else if (!mu_file_id_is(&m->id, &st)) {
		/* renamed over in the instant since locate */
		mu_log(MU_LOG_WARNING, "%s: deletion mark left: the file is no "
		       "longer message %lu as listed", path, m->listed);
	} else {
		cleared = mu_delmark_clear(fd, 0, st.st_size);
		if (cleared > 0)
			mu_test_kill_point();
		if (cleared < 0 || (cleared > 0 && fsync(fd) < 0))
			rc = mu_mailbox_fail(mb, mu_errno_class(errno), error_r,
					     "cannot clear the deletion mark "
					     "of %s: %s", path,
					     strerror(errno));
		else
			mb->msgs[idx].delete_mark = false;
		/* the writes gave it a new mtime: it is still the message
		 * listed, as this session changed it */
		if (cleared > 0 && fstat(fd, &st) == 0)
			mu_file_id_set(&m->id, &st);
	}
	close(fd);
	free(path);
	return rc;
}

/* rmm's way: message m becomes the backup ",N" (N its number now) --
 * where rmm would replace an older ",N", the backup takes the first free
 * name of ",N.2", ",N.3", ... instead: a backup is a removed message the
 * user may still want.  The rename never replaces a file. */
static int
remove_message(struct mu_mailbox *mb, struct mh_msg *m, const char **error_r)
{
	char *path, *backup = NULL;
	int which = locate(mb, m, true), rc = 0;

	if (which < 0)
		return locate_failed(mb, m, error_r);
	if (which == MU_FILE_GONE) {
		mu_log(MU_LOG_INFO, "%s: message %lu is gone already (another "
		       "program removed it); nothing to remove", mb->path,
		       m->listed);
		return 0;
	}
	path = msg_path(mb, m->num);
	for (unsigned k = 1; k <= MH_BACKUP_MAX; k++) {
		free(backup);
		backup = k == 1 ?
			mu_xasprintf("%s/" MH_BACKUP_PREFIX "%lu", mb->path,
				     m->num) :
			mu_xasprintf("%s/" MH_BACKUP_PREFIX "%lu.%u", mb->path,
				     m->num, k);
		if (mu_rename_noreplace(path, backup) == 0)
			break;
		if (errno == ENOENT) {	/* renamed away since locate */
			mu_log(MU_LOG_WARNING, "%s: message %lu was moved by "
			       "another program while being removed; left "
			       "where it is", mb->path, m->listed);
			goto out;
		}
		if (errno != EEXIST || k == MH_BACKUP_MAX) {
			rc = mu_mailbox_fail(mb, mu_errno_class(errno), error_r,
					     "cannot remove %s (rename to a "
					     "backup): %s", path,
					     strerror(errno));
			goto out;
		}
	}
	/* Another program could have put a file at that number in the
	 * instant between locate's lstat and the rename: then that file is
	 * the backup now.  It goes back; ours stays where it is. */
	which = mu_msgfile_which(backup, &m->id);
	if (which == MU_FILE_OTHER) {
		if (mu_rename_noreplace(backup, path) == 0)
			mu_log(MU_LOG_WARNING, "%s: another program's message "
			       "took number %lu while message %lu was being "
			       "removed; it was put back, and message %lu "
			       "stays", mb->path, m->num, m->listed,
			       m->listed);
		else
			mu_log(MU_LOG_ERR, "%s: another program's message "
			       "took number %lu while message %lu was being "
			       "removed; it is now %s", mb->path, m->num,
			       m->listed, backup);
		goto out;
	}
	m->removed = true;
out:
	free(path);
	free(backup);
	return rc;
}

static int
mh_commit(struct mu_mailbox *mb, const char **error_r)
{
	struct mh *mh = mb->drv;
	struct mu_commit_status cs = { .code = MU_MBERR_NONE };
	bool touches_sequences = false;
	const char *err;

	mh->index_fresh = false;
	/* marks, then headers: a message deleted in the same commit gets
	 * neither; a header copy takes the cleared mark along */
	for (size_t i = 0; i < mh->count; i++)
		if (!mb->msgs[i].deleted && mb->msgs[i].clear_delete_mark &&
		    mb->msgs[i].delete_mark && clear_delete_mark(mb, i, &err) < 0)
			mu_commit_note(&cs, mb, err);
	for (size_t i = 0; i < mh->count; i++)
		if (!mb->msgs[i].deleted && mb->added[i].line != NULL &&
		    add_header(mb, i, &err) < 0)
			mu_commit_note(&cs, mb, err);
	for (size_t i = 0; i < mh->count; i++) {
		if (mb->msgs[i].deleted && !mh->msgs[i].removed &&
		    remove_message(mb, &mh->msgs[i], &err) < 0)
			mu_commit_note(&cs, mb, err);
		touches_sequences |= mh->msgs[i].removed || mb->msgs[i].seen;
	}
	if (touches_sequences && update_sequences(mb, &err) < 0)
		mu_commit_note(&cs, mb, err);
	mu_commit_fsync_dir(&cs, mb->path);
	return mu_commit_end(mb, &cs, error_r);
}

static int
highest_number(struct mu_mailbox *mb, unsigned long *max_r, const char **error_r)
{
	DIR *d = opendir(mb->path);
	struct dirent *de;
	unsigned long num;

	if (d == NULL)
		return mu_mailbox_fail(mb, mu_errno_class(errno), error_r,
				       "cannot read %s: %s", mb->path,
				       strerror(errno));
	*max_r = 0;
	while ((de = readdir(d)) != NULL)
		if (message_number(de->d_name, &num) && num > *max_r)
			*max_r = num;
	closedir(d);
	return 0;
}

/* Append as message max+1: written to a temporary file and fsync'ed, then
 * linked under its number -- link() fails if the number was taken
 * meanwhile (another inc), and we try the next one. */
static int
mh_append(struct mu_mailbox *mb, const char *data, size_t len,
	  const char **error_r)
{
	char *tmppath = NULL;
	const char *step;
	unsigned long num = 0;
	int rc = -1;

	if (mu_mkdir_if_missing(mb->path, MH_MODE) < 0)
		return mu_mailbox_fail(mb, mu_errno_class(errno), error_r,
				       "cannot create MH folder %s: %s", mb->path,
				       strerror(errno));
	tmppath = mu_xasprintf("%s/.%s-tmp.append.%ld.%016llx", mb->path,
			       mu_mailbox_file_tag(), (long)getpid(),
			       mu_random64());
	if (mu_write_new_file(tmppath, data, len, &step) < 0) {
		/* nothing to remove: a file it created is gone again */
		mu_mailbox_fail(mb, mu_errno_class(errno), error_r,
				"cannot %s %s: %s", step, tmppath,
				strerror(errno));
		free(tmppath);
		return -1;
	}
	if (highest_number(mb, &num, error_r) < 0)
		goto out;
	for (int attempt = 0; attempt < 1000; attempt++) {
		if (num >= INT_MAX) {
			mu_mailbox_fail(mb, MU_MBERR_PERM, error_r,
					"MH folder %s has no free message "
					"number", mb->path);
			goto out;
		}
		char *path = msg_path(mb, ++num);
		int lrc = mu_link_noreplace(tmppath, path);
		int err = errno;
		free(path);
		if (lrc == 0) {
			if (mu_fsync_dir(mb->path) < 0)
				mu_mailbox_fail(mb, MU_MBERR_TEMP, error_r,
						"cannot fsync %s: %s", mb->path,
						strerror(errno));
			else
				rc = 0;
			goto out;
		}
		if (err != EEXIST) {
			mu_mailbox_fail(mb, mu_errno_class(err), error_r,
					"cannot deliver into %s: %s", mb->path,
					strerror(err));
			goto out;
		}
	}
	mu_mailbox_fail(mb, MU_MBERR_TEMP, error_r,
			"cannot find a free message number in %s", mb->path);
out:
	/* after link: the message keeps its own name */
	if (unlink(tmppath) == 0)
		mu_test_kill_point();
	free(tmppath);
	return rc;
}

static void
mh_close(struct mu_mailbox *mb)
{
	mh_release(mb);
}

const struct mu_mailbox_ops mu_mh_ops = {
	.name = "mh",
	.open = mh_open,
	.stream_open = mh_stream_open,
	.commit = mh_commit,
	.append = mh_append,
	.close = mh_close,
};
