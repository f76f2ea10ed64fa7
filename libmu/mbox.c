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
 * deliver during a session.  Messages are read with pread on the
 * descriptor kept open: MTAs only ever append.  An MUA may rewrite the
 * file in place all the same; every message keeps an identity taken at
 * the scan, checked before it is read and at commit.
 *
 * Commit is an in-place compaction with a redo journal, so the inode
 * never changes; the journal says which file it was made for, and is
 * never applied to another.  See doc/mbox-commit.md for the design and
 * its proof.
 *
 * The driver's files: this one opens and closes, holds the delivery lock
 * and opens message streams; mbox-scan.c reads the format and finds the
 * messages; mbox-commit.c commits through the journal of mbox-journal.c;
 * mbox-append.c appends.  mbox-impl.h is what they share. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lock.h"
#include "mailbox-driver.h"
#include "mbox-impl.h"
#include "util.h"

/* Refresh our dotlock this often during long work (lock.h stale rule). */
#define LOCK_TOUCH_INTERVAL 60

void
mu_mbox_touch_lock(struct mbox *d)
{
	time_t now = time(NULL);

	if (now - d->last_touch >= LOCK_TOUCH_INTERVAL) {
		mu_dotlock_touch(&d->dl);
		d->last_touch = now;
	}
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

void
mu_mbox_delivery_unlock(struct mbox *d)
{
	if (d->fcntl_held) {
		mu_fcntl_unlock(d->fd);
		d->fcntl_held = false;
	}
	if (d->dl.lockpath != NULL)
		mu_dotlock_release(&d->dl);
}

/* Take the delivery lock for writing and make the file whole again (a
 * commit a crash interrupted is finished or undone from its journal);
 * *st_r is the file as it is then.  0, or -1 with nothing locked. */
int
mu_mbox_lock_for_writing(struct mu_mailbox *mb, struct mbox *d,
			 struct stat *st_r, const char **error_r)
{
	if (delivery_lock(mb, d, true, error_r) < 0)
		return -1;
	if (mu_mbox_journal_exists(d) && mu_mbox_recover(mb, d, error_r) < 0)
		goto fail;
	if (fstat(d->fd, st_r) < 0) {
		mu_mailbox_fail(mb, MU_MBERR_TEMP, error_r, "fstat %s: %s",
				mb->path, strerror(errno));
		goto fail;
	}
	return 0;

fail:
	mu_mbox_delivery_unlock(d);
	return -1;
}

/* ---- open / close ---- */

static void
mbox_free_drv(struct mu_mailbox *mb)
{
	struct mbox *d = mb->drv;

	if (d == NULL)
		return;
	mu_mbox_delivery_unlock(d);
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
		if (!mu_mbox_journal_exists(d) || d->writable)
			break;
		/* An interrupted commit must be finished before anything is
		 * read, and that needs write access: reopen and lock again
		 * (the journal is looked for under the lock, as a commit
		 * makes and removes it only while holding the lock). */
		mu_mbox_delivery_unlock(d);
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
	rc = d->writable ? mu_mbox_recover(mb, d, error_r) : 0;
	if (rc == 0)
		rc = mu_mbox_scan(mb, d, error_r);
	/* MTAs may deliver while the session goes on */
	mu_mbox_delivery_unlock(d);
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
	int rc = mu_mbox_msg_ident(d, idx, buf, &id);
	bool same = rc == 0 && id == d->m[idx].ident;

	if (same && idx + 1 < mb->count) {
		rc = mu_mbox_msg_ident(d, idx + 1, buf, &id);
		same = rc == 0 && id == d->m[idx + 1].ident;
	} else if (same) {
		rc = fstat(d->fd, &st);
		same = rc == 0 && st.st_size >= d->scanned_size &&
		       (rc = mu_mbox_end_ident(d, buf,
					       &id)) == 0 && id == d->end_ident;
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

const struct mu_mailbox_ops mu_mbox_ops = {
	.name = "mbox",
	.open = mbox_open,
	.stream_open = mbox_stream_open,
	.commit = mu_mbox_commit,
	.append = mu_mbox_append,
	.close = mbox_close,
};
