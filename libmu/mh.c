/* The MH driver (nmh's folder layout, mh-sequence(5)).
 *
 * A folder is a directory; its messages are the files named by a decimal
 * number (1, 2, ... with no leading zero), read in numeric order.  Other
 * files are not messages: ",N" backups of removed messages,
 * .mh_sequences, our own lock and temporary files.
 *
 * Deletion is done the way nmh's rmm does it by default: message N is
 * renamed to ",N" (a backup the user's MH tools know how to find and
 * purge), replacing an older ",N", and N leaves every sequence of
 * .mh_sequences.  Retrieved messages leave the "unseen" sequence (the
 * usual Unseen-Sequence; pop3d does not read the user's .mh_profile).
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
#include "mailbox.h"
#include "msgfile.h"
#include "scan.h"
#include "util.h"

#define MH_SESSION_LOCK ".pop3d.lock"
#define MH_SEQUENCES ".mh_sequences"
#define MH_UNSEEN_SEQUENCE "unseen"
#define MH_TMP_PREFIX ".pop3d-tmp."
#define MH_MODE 0700
/* .mh_sequences holds ranges; a bigger one is not one nmh wrote */
#define MH_SEQUENCES_MAX (16u * 1024 * 1024)

struct mh_msg {
	unsigned long num;
	off_t file_size;	/* the file's size as the size was computed */
};

struct mh {
	struct mh_msg *msgs;
	size_t count, alloc;
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
		message_number(name, &mh->msgs[mh->count].num);
		mh->msgs[mh->count].file_size = st.st_size;
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
	int rc = mu_msgfile_info(mb, path, info, &m->file_size, error_r);

	free(path);
	return rc;
}

static void
mh_release(struct mu_mailbox *mb)
{
	struct mh *mh = mb->drv;

	if (mh != NULL) {
		free(mh->msgs);
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
	rc = mu_msgfile_open_dir(mb, flags, "MH folder", MH_SESSION_LOCK,
				 error_r);
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
	char *path = msg_path(mb, m->num);
	struct stat sb;
	int fd = mu_msgfile_open(path, &sb);

	free(path);
	return mu_msgfile_stream_init(mb, idx, fd, &sb, m->file_size,
				      "removed or renumbered it", st, error_r);
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

/* Rewrite one field's value without the numbers in drop.  Returns true
 * and fills out (possibly empty: the field goes away) when something was
 * dropped; false when nothing changes or the value is not one we can
 * parse (then the field is kept exactly). */
static bool
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
		return true;
keep:
	mu_buf_free(out);
	return false;
}

/* Build the new .mh_sequences content from old.  Returns true when it
 * differs. */
static bool
sequences_rewrite(const char *old, size_t len, const struct numset *deleted,
		  const struct numset *unseen_drop, struct mu_buf *out)
{
	const char *p = old, *end = old + len;
	bool changed = false;

	mu_buf_init(out);
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
		if (!sequence_drop(colon + 1, fend, unseen ? unseen_drop : deleted,
				   &v)) {
			mu_buf_append(out, field, (size_t)(fend - field));
			continue;
		}
		changed = true;
		if (v.len > 0) {	/* an empty sequence has no line */
			mu_buf_append(out, field, name_len + 1);
			mu_buf_append(out, v.data, v.len);
			mu_buf_append(out, "\n", 1);
		}
		mu_buf_free(&v);
	}
	if (out->data == NULL)
		mu_buf_append(out, "", 0);
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

/* Drop deleted messages from every sequence and retrieved ones from
 * "unseen".  nmh locks .mh_sequences with fcntl (its default
 * datalocking); we hold that lock while we read and replace it.  The new
 * file goes through a temporary + fsync + rename, so a crash leaves the
 * old or the new one. */
static int
update_sequences(struct mu_mailbox *mb, const struct numset *deleted,
		 const struct numset *unseen_drop, const char **error_r)
{
	char *path = mu_xasprintf("%s/%s", mb->path, MH_SEQUENCES);
	char *tmppath = mu_xasprintf("%s/%s%s", mb->path, MH_TMP_PREFIX,
				     "mh_sequences");
	struct mu_buf old, new;
	struct stat st;
	const char *lock_error = NULL;
	bool timed_out = false;
	int fd, out = -1, rc = 0;
	const char *step;

	mu_buf_init(&old);
	mu_buf_init(&new);
	fd = open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
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
	if (fstat(fd, &st) < 0 || read_all(fd, &old) < 0) {
		rc = mu_mailbox_fail(mb, MU_MBERR_TEMP, error_r,
				     "cannot read %s: %s", path,
				     strerror(errno));
		goto done;
	}
	if (!sequences_rewrite(old.data, old.len, deleted, unseen_drop, &new))
		goto done;

	step = "create";
	if (unlink(tmppath) < 0 && errno != ENOENT)
		goto io_error;
	out = open(tmppath, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		   0600);
	if (out < 0)
		goto io_error;
	step = "write";
	if (mu_write_all(out, new.data, new.len) < 0)
		goto io_error;
	mu_test_kill_point();
	if (fchmod(out, st.st_mode & 07777) < 0 || fsync(out) < 0)
		goto io_error;
	mu_test_kill_point();
	step = "close";
	int crc = close(out);
	out = -1;
	if (crc < 0)
		goto io_error;
	step = "rename";
	if (rename(tmppath, path) < 0)
		goto io_error;
	mu_test_kill_point();
	goto done;

io_error:
	rc = mu_mailbox_fail(mb, mu_errno_class(errno), error_r,
			     "cannot update %s: %s: %s", path, step,
			     strerror(errno));
	if (out >= 0)
		close(out);
	unlink(tmppath);
done:
	if (fd >= 0)
		close(fd);	/* releases the fcntl lock */
	mu_buf_free(&old);
	mu_buf_free(&new);
	free(path);
	free(tmppath);
	return rc;
}

static int
add_header(struct mu_mailbox *mb, size_t idx, const char **error_r)
{
	struct mh_msg *m = &((struct mh *)mb->drv)->msgs[idx];
	struct mu_message_info *info = &mb->msgs[idx];
	const char *line = mb->added[idx].line;
	char *path = msg_path(mb, m->num);
	char *tmppath = mu_xasprintf("%s/%s%lu", mb->path, MH_TMP_PREFIX, m->num);
	int rc = 0;

	/* a leftover of an earlier crash (we hold the session lock) */
	if (unlink(tmppath) < 0 && errno != ENOENT) {
		rc = mu_mailbox_fail(mb, mu_errno_class(errno), error_r,
				     "cannot remove %s: %s", tmppath,
				     strerror(errno));
	} else {
		int added = mu_msgfile_commit_header(mb, path, tmppath, line,
						     info, &m->file_size,
						     error_r);
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
 * (delmark.h says why that is crash-safe); the size stays. */
static int
clear_delete_mark(struct mu_mailbox *mb, size_t idx, const char **error_r)
{
	struct mh_msg *m = &((struct mh *)mb->drv)->msgs[idx];
	char *path = msg_path(mb, m->num);
	struct stat st;
	int fd, cleared, rc = 0;

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
	}
	close(fd);
	free(path);
	return rc;
}

/* rmm's way: N becomes ",N", replacing an older ",N". */
static int
remove_message(struct mu_mailbox *mb, unsigned long num, const char **error_r)
{
	char *path = msg_path(mb, num);
	char *backup = mu_xasprintf("%s/,%lu", mb->path, num);
	int rc = 0;

	if (rename(path, backup) == 0)
		mu_test_kill_point();
	else if (errno != ENOENT)
		rc = mu_mailbox_fail(mb, mu_errno_class(errno), error_r,
				     "cannot remove %s (rename to ,%lu): %s",
				     path, num, strerror(errno));
	free(path);
	free(backup);
	return rc;
}

static int
mh_commit(struct mu_mailbox *mb, const char **error_r)
{
	struct mh *mh = mb->drv;
	struct mu_commit_status cs = { .code = MU_MBERR_NONE };
	struct numset deleted = { mu_xcalloc(mh->count + 1, sizeof(unsigned long)), 0 };
	struct numset unseen_drop = { mu_xcalloc(mh->count + 1, sizeof(unsigned long)), 0 };
	const char *err;

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
		if (mb->msgs[i].deleted) {
			if (remove_message(mb, mh->msgs[i].num, &err) < 0)
				mu_commit_note(&cs, mb, err);
			deleted.v[deleted.n++] = mh->msgs[i].num;
			unseen_drop.v[unseen_drop.n++] = mh->msgs[i].num;
		} else if (mb->msgs[i].seen) {
			unseen_drop.v[unseen_drop.n++] = mh->msgs[i].num;
		}
	}
	numset_finish(&deleted);
	numset_finish(&unseen_drop);
	if (unseen_drop.n > 0 && update_sequences(mb, &deleted, &unseen_drop,
						  &err) < 0)
		mu_commit_note(&cs, mb, err);
	mu_commit_fsync_dir(&cs, mb->path);
	free(deleted.v);
	free(unseen_drop.v);
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
	tmppath = mu_xasprintf("%s/%sappend.%ld.%016llx", mb->path,
			       MH_TMP_PREFIX, (long)getpid(), mu_random64());
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
