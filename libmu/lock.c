/* Dotlocks, fcntl locks and the session lock (the rules are in lock.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "lock.h"
#include "privgroup.h"
#include "log.h"
#include "util.h"

/* Reasons are formatted here; valid until the next call in this thread. */
static __thread char lock_errbuf[512];

static const char *lock_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static const char *
lock_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(lock_errbuf, sizeof lock_errbuf, fmt, ap);
	va_end(ap);
	return lock_errbuf;
}

static double
now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The growing pause between attempts: 10 ms doubling up to 500 ms, never
 * past the deadline. */
static void
backoff_sleep(unsigned *pause_ms, double deadline)
{
	double left = deadline - now_seconds();
	unsigned ms = *pause_ms;

	if (left <= 0)
		return;
	if (ms > left * 1000)
		ms = (unsigned)(left * 1000) + 1;
	usleep(ms * 1000);
	if (*pause_ms < 500)
		*pause_ms = *pause_ms * 2 > 500 ? 500 : *pause_ms * 2;
}

/* Network file systems, where a PID in a lock file may be another host's.
 * FUSE is counted in: sshfs and friends are remote too. */
static bool
dir_is_local(const char *lockpath)
{
	static const long remote[] = {
		0x6969,                 /* NFS */
		0x517B,                 /* SMB */
		(long)0xFF534D42,       /* CIFS */
		(long)0xFE534D42,       /* SMB2 */
		0x73757245,             /* Coda */
		0x5346414F,             /* AFS */
		0x00C36400,             /* Ceph */
		0x01161970,             /* GFS2 */
		0x7461636f,             /* OCFS2 */
		0x0BD00BD0,             /* Lustre */
		0x65735546,             /* FUSE */
		0x47504653,             /* GPFS */
	};
	char *dir = mu_xstrdup(lockpath);
	char *slash = strrchr(dir, '/');
	struct statfs sfs;
	int rc;

	if (slash == NULL)
		rc = statfs(".", &sfs);
	else {
		slash[slash == dir ? 1 : 0] = '\0';
		rc = statfs(dir, &sfs);
	}
	free(dir);
	if (rc < 0)
		return false;
	for (size_t i = 0; i < sizeof remote / sizeof remote[0]; i++)
		if ((long)sfs.f_type == remote[i])
			return false;
	return true;
}

/* The PID written in the lock file open as fd, or 0 when there is none
 * we can read (empty files, as some agents make, and binary PIDs are left
 * to the age rule). */
static pid_t
lock_file_pid(int fd)
{
	char buf[32];
	ssize_t n = mu_pread_full(fd, buf, sizeof buf - 1, 0);
	char *end;
	long pid;

	if (n <= 0)
		return 0;
	buf[n] = '\0';
	errno = 0;
	pid = strtol(buf, &end, 10);
	if (errno != 0 || end == buf || pid <= 0 || pid > INT_MAX ||
	    (*end != '\n' && *end != '\0' && *end != ' '))
		return 0;
	return (pid_t)pid;
}

/* A new lock file of ours, not yet PATH.lock: PATH.lock.HOST.PID.RANDOM
 * holding "PID\n".  Its path (to free), *ino_r its inode; NULL with errno
 * on failure. */
static char *
new_lock_file(const struct mu_dotlock *dl, ino_t *ino_r)
{
	char host[256], pidline[32], *tmp;
	unsigned rnd;
	struct stat st;
	int fd, n;

	if (gethostname(host, sizeof host) < 0)
		snprintf(host, sizeof host, "localhost");
	host[sizeof host - 1] = '\0';
	for (char *p = host; *p; p++)
		if (*p == '/' || *p == '.')
			*p = '_';
	if (getentropy(&rnd, sizeof rnd) < 0)
		rnd = (unsigned)rand() ^ (unsigned)now_seconds();
	tmp = mu_xasprintf("%s.%s.%ld.%08x", dl->lockpath, host,
			   (long)getpid(), rnd);

	fd = mu_priv_open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC |
			  O_NOFOLLOW, 0644);
	if (fd < 0) {
		free(tmp);
		return NULL;
	}
	n = snprintf(pidline, sizeof pidline, "%ld\n", (long)getpid());
	if (mu_write_all(fd, pidline, (size_t)n) < 0 || fstat(fd, &st) < 0 ||
	    close(fd) < 0) {
		int e = errno;
		mu_priv_unlink(tmp);
		free(tmp);
		errno = e;
		return NULL;
	}
	*ino_r = st.st_ino;
	return tmp;
}

/* Was the lock file judged stale (st) still that file, as stale, when it
 * was taken away (out: what came out)?  A live holder that refreshed it
 * meanwhile changed its mtime. */
static bool
still_the_stale_one(const struct stat *st, const struct stat *out)
{
	return out->st_dev == st->st_dev && out->st_ino == st->st_ino &&
		out->st_mtim.tv_sec == st->st_mtim.tv_sec &&
		out->st_mtim.tv_nsec == st->st_mtim.tv_nsec;
}

/* PATH.lock exists: if it is stale (lock.h), break it.  1 when the lock
 * is ours now (dl->ino set), 2 when it was removed or went away (try
 * again at once), 0 when it stays (live, or another process's).
 *
 * Several processes may find the same stale file at once, and the one
 * that breaks it first makes a new lock at once: deciding on the old
 * file and then unlinking the name would remove that fresh lock.  So
 * the name is never unlinked on a decision made earlier.  The stale file
 * is taken away atomically -- exchanged with a lock file of our own
 * (renameat2 RENAME_EXCHANGE), which holds the lock in the same step --
 * and what came out is checked: if it is not the file judged stale, as
 * it was, it is exchanged back, untouched.  Where the file system has no
 * exchange (NFS), the file is renamed aside, checked, and put back with
 * link() (which never replaces) if it was not the stale one. */
static int
break_stale_lock(struct mu_dotlock *dl)
{
	const char *lockpath = dl->lockpath;
	struct stat st, out;
	const char *why = NULL;
	char *mine, *aside;
	ino_t mine_ino;
	pid_t pid;
	int fd, rc = 0;

	fd = open(lockpath, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return errno == ENOENT ? 2 : 0;	/* gone: retry at once */
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return 0;
	}
	if (time(NULL) - st.st_mtime > MU_DOTLOCK_STALE)
		why = "older than the stale limit";
	else if ((pid = lock_file_pid(fd)) > 0 && kill(pid, 0) < 0 &&
		 errno == ESRCH && dir_is_local(lockpath))
		why = "its process is gone";
	close(fd);
	if (why == NULL)
		return 0;

	mine = new_lock_file(dl, &mine_ino);
	if (mine == NULL)
		return 0;
	/* Most often another process broke it first and holds a new lock:
	 * look again just before acting, so that the exchange below is
	 * undone only when that happens in this very instant. */
	if (lstat(lockpath, &out) < 0 || !still_the_stale_one(&st, &out)) {
		mu_priv_unlink(mine);
		free(mine);
		return 2;
	}
#ifdef RENAME_EXCHANGE
	if (mu_priv_exchange(mine, lockpath) == 0) {
		if (lstat(mine, &out) == 0 && still_the_stale_one(&st, &out)) {
			mu_priv_unlink(mine);		/* the stale file */
			dl->ino = mine_ino;
			mu_log(MU_LOG_WARNING, "removed stale lock %s (%s)",
			       lockpath, why);
			free(mine);
			return 1;
		}
		/* another process's lock: back it goes, as it was */
		if (mu_priv_exchange(mine, lockpath) == 0 || errno == ENOENT) {
			/* ENOENT: its holder released it meanwhile, and
			 * removed the name (our file): the lock is free, and
			 * what came out is the holder's old file */
			mu_priv_unlink(mine);
			free(mine);
			return 2;
		}
		mu_log(MU_LOG_ERR, "cannot give lock %s back to its holder (it "
		       "is %s now): %s", lockpath, mine, strerror(errno));
		free(mine);
		return 0;
	}
	if (errno == ENOENT) {
		mu_priv_unlink(mine);
		free(mine);
		return 2;
	}
	if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP) {
		mu_priv_unlink(mine);
		free(mine);
		return 0;
	}
#endif
	/* no exchange here: aside, check, and back if it was not the one */
	aside = mu_xasprintf("%s.stale", mine);
	mu_priv_unlink(mine);
	free(mine);
	if (mu_priv_rename(lockpath, aside) < 0) {
		rc = errno == ENOENT ? 2 : 0;
	} else if (lstat(aside, &out) == 0 && still_the_stale_one(&st, &out)) {
		mu_priv_unlink(aside);
		mu_log(MU_LOG_WARNING, "removed stale lock %s (%s)", lockpath,
		       why);
		rc = 2;
	} else if (mu_priv_link(aside, lockpath) == 0) {
		mu_priv_unlink(aside);
	} else {
		/* the holder's lock cannot go back: another process made one
		 * in the instant it was aside */
		mu_log(MU_LOG_ERR, "lock %s was taken by two processes while "
		       "a stale lock was broken (%s)", lockpath,
		       strerror(errno));
		mu_priv_unlink(aside);
	}
	free(aside);
	return rc;
}

/* One attempt: 1 got it, 0 someone holds it, -1 error (errno set). */
static int
dotlock_try(struct mu_dotlock *dl)
{
	struct stat st;
	ino_t ino;
	char *tmp = new_lock_file(dl, &ino);
	int link_errno, rc = 0;

	if (tmp == NULL)
		return -1;
	/* The NFS rule: link() may fail on a lost reply although the link
	 * was made; the link count of our own file tells the truth. */
	link_errno = mu_priv_link(tmp, dl->lockpath) == 0 ? 0 : errno;
	if (stat(tmp, &st) == 0 && st.st_nlink == 2) {
		dl->ino = st.st_ino;
		rc = 1;
	} else if (link_errno != 0 && link_errno != EEXIST) {
		rc = -1;
	}
	mu_priv_unlink(tmp);
	free(tmp);
	if (rc < 0)
		errno = link_errno;
	return rc;
}

int
mu_dotlock_acquire(struct mu_dotlock *dl, const char *path, unsigned timeout,
		   bool *timed_out, const char **error_r)
{
	double deadline = now_seconds() + timeout;
	unsigned pause_ms = 10;

	*timed_out = false;
	dl->lockpath = mu_xasprintf("%s.lock", path);
	dl->held = false;
	dl->ino = 0;
	for (;;) {
		int rc = dotlock_try(dl);

		if (rc == 1) {
			dl->held = true;
			return 0;
		}
		if (rc < 0) {
			if (errno == EACCES || errno == EPERM || errno == EROFS)
				return 0;	/* no dotlock possible: fcntl only */
			*error_r = lock_error("cannot create lock file %s: %s",
					      dl->lockpath, strerror(errno));
			free(dl->lockpath);
			dl->lockpath = NULL;
			return -1;
		}
		rc = break_stale_lock(dl);
		if (rc == 1) {
			dl->held = true;
			return 0;
		}
		if (rc == 2)
			continue;
		if (now_seconds() >= deadline) {
			*timed_out = true;
			snprintf(lock_errbuf, sizeof lock_errbuf,
				 "timed out waiting for lock file %s", dl->lockpath);
			*error_r = lock_errbuf;
			free(dl->lockpath);
			dl->lockpath = NULL;
			return -1;
		}
		backoff_sleep(&pause_ms, deadline);
	}
}

void
mu_dotlock_touch(struct mu_dotlock *dl)
{
	if (dl->held && utimensat(AT_FDCWD, dl->lockpath, NULL, 0) < 0)
		mu_log(MU_LOG_WARNING, "cannot refresh lock %s: %s",
		       dl->lockpath, strerror(errno));
}

void
mu_dotlock_release(struct mu_dotlock *dl)
{
	struct stat st;

	if (dl->held) {
		/* Leave the file alone if it is no longer ours (someone took
		 * it for stale): removing it would unlock the new holder.
		 * A process breaking a stale lock may have it out for an
		 * instant, to give it back (break_stale_lock): look a few
		 * times, or the lock would stay until it is stale. */
		bool ours = false;

		for (int i = 0; i < 20 && !ours; i++) {
			if (i > 0)
				usleep(1000);
			ours = lstat(dl->lockpath, &st) == 0 &&
				st.st_ino == dl->ino;
		}
		if (ours)
			mu_priv_unlink(dl->lockpath);
		else
			mu_log(MU_LOG_WARNING, "lock %s was taken from us",
			       dl->lockpath);
	}
	free(dl->lockpath);
	dl->lockpath = NULL;
	dl->held = false;
}

int
mu_fcntl_lock(int fd, bool write, unsigned timeout, bool *timed_out,
	      const char **error_r)
{
	double deadline = now_seconds() + timeout;
	unsigned pause_ms = 10;
	struct flock fl;

	*timed_out = false;
	/* Polling F_SETLK rather than F_SETLKW + alarm(): no signal handler
	 * to install and restore, and the same backoff as the dotlock. */
	for (;;) {
		memset(&fl, 0, sizeof fl);
		fl.l_type = write ? F_WRLCK : F_RDLCK;
		fl.l_whence = SEEK_SET;
		fl.l_start = 0;
		fl.l_len = 0;
		if (fcntl(fd, F_SETLK, &fl) == 0)
			return 0;
		if (errno == EINTR)
			continue;
		if (errno != EACCES && errno != EAGAIN) {
			*error_r = lock_error("cannot take the %s's fcntl lock: %s",
					      "mailbox", strerror(errno));
			return -1;
		}
		if (now_seconds() >= deadline) {
			*timed_out = true;
			*error_r = "timed out waiting for the mailbox's fcntl lock";
			return -1;
		}
		backoff_sleep(&pause_ms, deadline);
	}
}

void
mu_fcntl_unlock(int fd)
{
	struct flock fl;

	memset(&fl, 0, sizeof fl);
	fl.l_type = F_UNLCK;
	fl.l_whence = SEEK_SET;
	(void)fcntl(fd, F_SETLK, &fl);
}

int
mu_session_lock(const char *lockfile, int *fd_r, const char **error_r)
{
	int fd = mu_priv_open(lockfile, O_RDWR | O_CREAT | O_CLOEXEC |
			      O_NOFOLLOW, 0600);

	*fd_r = -1;
	if (fd < 0) {
		*error_r = lock_error("cannot open session lock %s: %s",
				      lockfile, strerror(errno));
		return -1;
	}
	while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int e = errno;

		if (e == EINTR)
			continue;
		close(fd);
		if (e == EWOULDBLOCK)
			return 1;
		*error_r = lock_error("cannot lock session lock %s: %s",
				      lockfile, strerror(e));
		return -1;
	}
	*fd_r = fd;
	return 0;
}

void
mu_session_unlock(int fd)
{
	if (fd >= 0)
		close(fd);	/* closing drops the flock */
}
