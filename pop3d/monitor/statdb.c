/* The stat file (statdb.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <gdbm.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "libmu/log.h"
#include "libmu/util.h"
#include "pop3d/monitor/statdb.h"

struct statdb {
	GDBM_FILE dbf;          /* NULL: the file is still empty */
	bool writer;            /* dbf was opened for writing */
	int fd;                 /* ours, holding the flock */
	char *path;
};

static char error_buf[512];

static const char *
error_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static const char *
error_fmt(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(error_buf, sizeof error_buf, fmt, ap);
	va_end(ap);
	return error_buf;
}

/* Create dir with mode, and its missing parents with mode 0755, as
 * mkdir -p does.  0 or -1 with errno. */
static int
make_directory(const char *dir, mode_t mode)
{
	char *parent_copy;
	struct stat st;
	int rc = 0;

	if (mkdir(dir, mode) == 0 || errno == EEXIST)
		return 0;
	if (errno != ENOENT)
		return -1;
	parent_copy = mu_xstrdup(dir);
	const char *parent = dirname(parent_copy);
	if (strcmp(parent, dir) == 0 ||
	    (stat(parent, &st) < 0 && make_directory(parent, 0755) < 0))
		rc = -1;
	free(parent_copy);
	if (rc == 0 && mkdir(dir, mode) < 0 && errno != EEXIST)
		rc = -1;
	return rc;
}

/* The directory of path, created mode 0700 when missing (the default
 * LOCALSTATEDIR/lib/pop3d, and even LOCALSTATEDIR when the prefix is
 * /usr/local, need not exist on a new system).
 * It must not be writable by others: whoever can rename entries there
 * could swap the file under us. */
static int
check_directory(const char *path, const char **error_r)
{
	char *copy = mu_xstrdup(path);
	const char *dir = dirname(copy);
	struct stat st;
	int rc = 0;

	if (stat(dir, &st) < 0 && errno == ENOENT) {
		if (make_directory(dir, 0700) < 0) {
			*error_r = error_fmt("cannot create directory %s: %s",
					     dir, strerror(errno));
			free(copy);
			return -1;
		}
		mu_log(MU_LOG_NOTICE, "created directory %s for stat_file", dir);
	}
	if (stat(dir, &st) < 0) {
		*error_r = error_fmt("stat_file directory %s: %s", dir,
				     strerror(errno));
		rc = -1;
	} else if (!S_ISDIR(st.st_mode)) {
		*error_r = error_fmt("stat_file directory %s is not a directory",
				     dir);
		rc = -1;
	} else if ((st.st_mode & 002) && !(st.st_mode & S_ISVTX)) {
		*error_r = error_fmt("stat_file directory %s is writable by "
				     "everybody", dir);
		rc = -1;
	} else if ((st.st_mode & 020) && st.st_uid != geteuid() &&
		   st.st_uid != 0) {
		*error_r = error_fmt("stat_file directory %s is group-writable "
				     "and not ours", dir);
		rc = -1;
	}
	free(copy);
	return rc;
}

static int
check_file(int fd, const char *path, const char **error_r)
{
	struct stat st;

	if (fstat(fd, &st) < 0) {
		*error_r = error_fmt("fstat %s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode) || st.st_nlink != 1) {
		*error_r = error_fmt("stat_file %s is not a regular file with "
				     "one link", path);
		return -1;
	}
	if (st.st_uid != geteuid()) {
		*error_r = error_fmt("stat_file %s belongs to uid %ld, not to "
				     "uid %ld that pop3d runs as", path,
				     (long)st.st_uid, (long)geteuid());
		return -1;
	}
	if (st.st_mode & 022) {
		*error_r = error_fmt("stat_file %s is writable by group or "
				     "others (mode %04o)", path,
				     (unsigned)(st.st_mode & 07777));
		return -1;
	}
	return 0;
}

static int
lock_fd(int fd, const char *path, const char **error_r)
{
	int waited = 0;

	for (;;) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return 0;
		if (errno == EINTR)
			continue;
		if (errno != EWOULDBLOCK) {
			*error_r = error_fmt("cannot lock %s: %s", path,
					     strerror(errno));
			return -1;
		}
		if (waited >= STATDB_LOCK_WAIT_MS) {
			*error_r = error_fmt("%s stayed locked for %d ms", path,
					     STATDB_LOCK_WAIT_MS);
			return -1;
		}
		/* a little jitter, so that waiters do not move in step */
		long ns = (STATDB_LOCK_STEP_MS * 1000000L) +
			(long)(getpid() % 7) * 100000L;
		struct timespec ts = { 0, ns };
		nanosleep(&ts, NULL);
		waited += STATDB_LOCK_STEP_MS;
	}
}

/* The file under our lock is still the one at path (a session that moved
 * a corrupt file aside may have replaced it meanwhile). */
static bool
same_file(int fd, const char *path)
{
	struct stat a, b;

	return fstat(fd, &a) == 0 && lstat(path, &b) == 0 &&
		a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

static int
open_locked(const char *path, int *fd_r, const char **error_r)
{
	for (int tries = 0; tries < 5; tries++) {
		int fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC |
			      O_NONBLOCK, 0600);

		if (fd < 0) {
			*error_r = error_fmt("cannot open stat_file %s: %s%s",
					     path, strerror(errno),
					     errno == ELOOP ? " (a symlink?)" : "");
			return -1;
		}
		if (check_file(fd, path, error_r) < 0 ||
		    lock_fd(fd, path, error_r) < 0) {
			close(fd);
			return -1;
		}
		if (same_file(fd, path)) {
			*fd_r = fd;
			return 0;
		}
		close(fd);
	}
	*error_r = error_fmt("stat_file %s keeps being replaced", path);
	return -1;
}

/* GDBM on a copy of our descriptor (gdbm_close closes it; the flock,
 * shared by both, stays with ours).  NULL with gdbm_errno. */
static GDBM_FILE
gdbm_on(const struct statdb *db, int flags)
{
	int fd = fcntl(db->fd, F_DUPFD_CLOEXEC, 0);
	GDBM_FILE dbf;

	/* GDBM reads its header from where the descriptor stands, and a
	 * copy shares the offset with every other copy */
	if (fd < 0)
		return NULL;
	if (lseek(fd, 0, SEEK_SET) < 0) {
		close(fd);
		return NULL;
	}
	/* our own flock serialises access: GDBM need not lock */
	dbf = gdbm_fd_open(fd, db->path, 0, flags | GDBM_NOLOCK | GDBM_NOMMAP,
			   NULL);
	if (dbf == NULL)
		close(fd);
	return dbf;
}

/* Read-only until the first write: GDBM syncs a file opened for writing
 * to disk when it closes it, and most logins only read (a success with no
 * failures to clear, login_delay off).  An empty file has no GDBM header
 * yet: nothing to read. */
static int
open_reader(struct statdb *db, const char **error_r)
{
	struct stat st;

	if (fstat(db->fd, &st) < 0) {
		*error_r = error_fmt("cannot open stat_file %s: %s", db->path,
				     strerror(errno));
		return -1;
	}
	if (st.st_size == 0)
		return 0;
	db->dbf = gdbm_on(db, GDBM_READER);
	if (db->dbf != NULL)
		return 0;
	gdbm_error err = gdbm_errno;
	if (gdbm_check_syserr(err)) {
		*error_r = error_fmt("cannot open stat_file %s: %s", db->path,
				     gdbm_strerror(err));
		return -1;
	}
	/* Not a GDBM file we can read: soft state, start afresh.  Moved
	 * aside, never truncated, in case it is something precious that
	 * got there by mistake. */
	char *aside = mu_xasprintf("%s.corrupt", db->path);
	int moved = rename(db->path, aside);
	mu_log(MU_LOG_ERR, "stat_file %s: %s; %s", db->path, gdbm_strerror(err),
	       moved == 0 ? "moved aside, starting a new one" : strerror(errno));
	free(aside);
	close(db->fd);
	db->fd = -1;
	if (moved < 0) {
		*error_r = error_fmt("stat_file %s is unreadable", db->path);
		return -1;
	}
	return open_locked(db->path, &db->fd, error_r);
}

static int
become_writer(struct statdb *db, const char **error_r)
{
	if (db->writer)
		return 0;
	if (db->dbf != NULL)
		(void)gdbm_close(db->dbf);
	db->dbf = gdbm_on(db, GDBM_WRCREAT);
	if (db->dbf == NULL) {
		*error_r = error_fmt("cannot open stat_file %s for writing: %s",
				     db->path, gdbm_strerror(gdbm_errno));
		return -1;
	}
	db->writer = true;
	return 0;
}

int
statdb_open(const char *path, struct statdb **db_r, const char **error_r)
{
	struct statdb *db = mu_xcalloc(1, sizeof *db);

	db->fd = -1;
	db->path = mu_xstrdup(path);
	if (check_directory(path, error_r) < 0 ||
	    open_locked(path, &db->fd, error_r) < 0 ||
	    open_reader(db, error_r) < 0) {
		if (db->fd >= 0)
			close(db->fd);
		free(db->path);
		free(db);
		return -1;
	}
	*db_r = db;
	return 0;
}

int
statdb_close(struct statdb *db, const char **error_r)
{
	int rc = 0;

	if (db == NULL)
		return 0;
	/* a writer's changes go to disk here */
	if (db->dbf != NULL && gdbm_close(db->dbf) != 0) {
		*error_r = error_fmt("cannot close stat_file %s: %s", db->path,
				     gdbm_strerror(gdbm_errno));
		rc = -1;
	}
	close(db->fd);          /* and with it goes our flock */
	free(db->path);
	free(db);
	return rc;
}

static datum
key_of(const char *key)
{
	datum d = { (char *)key, (int)strlen(key) };
	return d;
}

int
statdb_fetch(struct statdb *db, const char *key, char *buf, size_t size,
	     const char **error_r)
{
	datum v;

	if (db->dbf == NULL)
		return 0;
	v = gdbm_fetch(db->dbf, key_of(key));
	if (v.dptr == NULL) {
		if (gdbm_last_errno(db->dbf) == GDBM_ITEM_NOT_FOUND)
			return 0;
		*error_r = error_fmt("cannot read stat_file %s: %s", db->path,
				     gdbm_db_strerror(db->dbf));
		return -1;
	}
	size_t n = (size_t)v.dsize < size - 1 ? (size_t)v.dsize : size - 1;
	memcpy(buf, v.dptr, n);
	buf[n] = '\0';
	free(v.dptr);
	return 1;
}

int
statdb_store(struct statdb *db, const char *key, const char *value,
	     const char **error_r)
{
	datum v = { (char *)value, (int)strlen(value) };

	if (become_writer(db, error_r) < 0)
		return -1;
	if (gdbm_store(db->dbf, key_of(key), v, GDBM_REPLACE) != 0) {
		*error_r = error_fmt("cannot write stat_file %s: %s", db->path,
				     gdbm_db_strerror(db->dbf));
		return -1;
	}
	return 0;
}

int
statdb_delete(struct statdb *db, const char *key, const char **error_r)
{
	if (db->dbf == NULL || !gdbm_exists(db->dbf, key_of(key)))
		return 0;
	if (become_writer(db, error_r) < 0)
		return -1;
	if (gdbm_delete(db->dbf, key_of(key)) == 0 ||
	    gdbm_last_errno(db->dbf) == GDBM_ITEM_NOT_FOUND)
		return 0;
	*error_r = error_fmt("cannot delete from stat_file %s: %s", db->path,
			     gdbm_db_strerror(db->dbf));
	return -1;
}

int
statdb_prune(struct statdb *db, const char *prefix,
	     int (*fn)(const char *key, const char *value, void *ctx),
	     void *ctx, const char **error_r)
{
	size_t plen = strlen(prefix), ndoomed = 0;
	char **doomed = NULL;
	datum key;
	int rc = 0;

	if (db->dbf == NULL)
		return 0;
	key = gdbm_firstkey(db->dbf);

	/* collect first: GDBM's iteration does not survive deletions */
	while (key.dptr != NULL) {
		char *k = mu_xstrndup(key.dptr, (size_t)key.dsize);
		datum next = gdbm_nextkey(db->dbf, key);
		char value[STATDB_VALUE_MAX];

		free(key.dptr);
		key = next;
		if (strncmp(k, prefix, plen) != 0 ||
		    statdb_fetch(db, k, value, sizeof value, error_r) != 1 ||
		    !fn(k, value, ctx)) {
			free(k);
			continue;
		}
		doomed = mu_xreallocarray(doomed, ndoomed + 1, sizeof *doomed);
		doomed[ndoomed++] = k;
	}
	for (size_t i = 0; i < ndoomed; i++) {
		if (rc == 0 && statdb_delete(db, doomed[i], error_r) < 0)
			rc = -1;
		free(doomed[i]);
	}
	free(doomed);
	return rc;
}

long long
statdb_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
