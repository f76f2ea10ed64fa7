/* Locking a mailbox against delivery agents and against other sessions.
 *
 * Delivery lock for mbox: a dotlock PATH.lock made with link() (safe on
 * NFS) plus an fcntl write lock on the mailbox, the protocol Debian's MTAs
 * use (exim, postfix local, procmail).  Stale rule: a dotlock older than
 * MU_DOTLOCK_STALE seconds, or naming a dead local PID, is removed.
 *
 * Session lock: an flock()ed file beside or inside the mailbox; held for
 * the whole POP3 session so a second session gets IN-USE at once, while
 * delivery agents (which never look at it) still deliver. */
#ifndef MU_LOCK_H
#define MU_LOCK_H

#include <stdbool.h>

#define MU_DOTLOCK_STALE 600

struct mu_dotlock {
	char *lockpath;
	bool held;
};

/* Wait up to timeout seconds for PATH.lock.  0 ok, -1 error/timeout
 * (*timed_out set). */
int mu_dotlock_acquire(struct mu_dotlock *dl, const char *path,
		       unsigned timeout, bool *timed_out, const char **error_r);
void mu_dotlock_release(struct mu_dotlock *dl);

/* fcntl lock on fd: write or read lock, waiting up to timeout seconds. */
int mu_fcntl_lock(int fd, bool write, unsigned timeout, bool *timed_out,
		  const char **error_r);
void mu_fcntl_unlock(int fd);

/* Session lock on lockfile: 0 ok (fd in *fd_r), 1 in use, -1 error. */
int mu_session_lock(const char *lockfile, int *fd_r, const char **error_r);
void mu_session_unlock(int fd);

#endif
