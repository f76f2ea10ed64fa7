/* Locking a mailbox against delivery agents and against other sessions.
 *
 * Delivery lock for mbox: a dotlock PATH.lock made with link() (safe on
 * NFS) plus an fcntl write lock on the mailbox, the protocol Debian's MTAs
 * use (exim, postfix local, procmail).
 *
 * Dotlock creation: a unique temporary file PATH.lock.HOST.PID.RANDOM in
 * the same directory, holding "PID\n" as procmail and exim write it, is
 * link()ed to PATH.lock.  The lock is ours when link() succeeds, or when
 * the temporary file's link count became 2 (NFS may report a lost reply
 * to a link() that did happen).  The temporary file is then removed.
 *
 * Stale rule: an existing PATH.lock is removed, and creation retried, when
 *  - its mtime is more than MU_DOTLOCK_STALE seconds old (long operations
 *    refresh their own lock with mu_dotlock_touch so it never looks
 *    stale), or
 *  - it holds a PID that does not exist (kill(pid, 0) fails with ESRCH)
 *    and the directory is on a local file system: on NFS and other
 *    network file systems the PID may belong to another host, so only
 *    the age rule applies there.
 * Otherwise the caller waits, retrying with a growing pause (10 ms up to
 * 500 ms) until the timeout.  A stale lock is broken without ever
 * unlinking the name on an earlier decision (another process may have
 * broken it and locked anew meanwhile): it is exchanged with a lock file
 * of our own, checked, and exchanged back if it was not the stale file
 * (lock.c, break_stale_lock).
 *
 * A directory the process may not create files in (EACCES, EPERM, EROFS:
 * e.g. a /var/mail without group mail) cannot hold a dotlock: acquire
 * then succeeds with dl->held false, and the fcntl lock alone protects
 * the mailbox, as with MTAs configured for fcntl locking only.
 *
 * Note that fcntl locks belong to the process and the file: closing any
 * descriptor of the mailbox in this process drops them.
 *
 * Session lock: an flock()ed file beside or inside the mailbox; held for
 * the whole session so a second session gets IN-USE at once, while
 * delivery agents (which never look at it) still deliver.  The kernel
 * drops it when the process dies, so it never goes stale. */
#ifndef MU_LOCK_H
#define MU_LOCK_H

#include <stdbool.h>
#include <sys/types.h>

#define MU_DOTLOCK_STALE 600

struct mu_dotlock {
	char *lockpath;
	bool held;
	ino_t ino;              /* our lock file, to leave a stranger's alone */
};

/* Wait up to timeout seconds for PATH.lock.  0 ok (dl->held false when
 * the directory is not writable and only fcntl can be used), -1
 * error/timeout (*timed_out set on timeout). */
int mu_dotlock_acquire(struct mu_dotlock *dl, const char *path,
		       unsigned timeout, bool *timed_out, const char **error_r);
/* Refresh the lock's mtime so that a long operation is not taken for a
 * stale lock.  No-op when not held. */
void mu_dotlock_touch(struct mu_dotlock *dl);
void mu_dotlock_release(struct mu_dotlock *dl);

/* fcntl lock on fd: write or read lock, waiting up to timeout seconds. */
int mu_fcntl_lock(int fd, bool write, unsigned timeout, bool *timed_out,
		  const char **error_r);
void mu_fcntl_unlock(int fd);

/* Session lock on lockfile: 0 ok (fd in *fd_r), 1 in use, -1 error. */
int mu_session_lock(const char *lockfile, int *fd_r, const char **error_r);
void mu_session_unlock(int fd);

#endif
