/* The bulletin record of a user: bulletin_db (GDBM) or ~/.popbull (see
 * bulletin.h for the format).  Runs as the session's user: bulletin_db
 * must be readable and writable by every user sessions run as
 * (pop3d.conf(5)). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <gdbm.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "libmu/util.h"
#include "pop3d/mail/bulletin.h"
#include "pop3d/common/limits.h"

/* A record is two numbers; anything longer is not one of ours. */
#define RECORD_TEXT_MAX 64
#define POPBULL_NAME ".popbull"
#define POPBULL_NEW_SUFFIX ".pop3d-new"
#define BULLETIN_DB_MODE 0660

static char errbuf[512];

static const char *
record_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static const char *
record_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(errbuf, sizeof errbuf, fmt, ap);
	va_end(ap);
	return errbuf;
}

int
bulletin_store_init(struct bulletin_store *bs, const struct mu_config *cfg,
		    const struct auth_user *user, const char **error_r)
{
	memset(bs, 0, sizeof *bs);
	if (cfg->bulletin_db == NULL &&
	    (user->home == NULL || user->home[0] == '\0')) {
		*error_r = "the user has no home directory for ~/.popbull; set "
			   "bulletin_db";
		return -1;
	}
	bs->user = mu_xstrdup(user->name);
	if (cfg->bulletin_db != NULL)
		bs->db = mu_xstrdup(cfg->bulletin_db);
	else
		bs->file = mu_xasprintf("%s/%s", user->home, POPBULL_NAME);
	return 0;
}

void
bulletin_store_free(struct bulletin_store *bs)
{
	free(bs->db);
	free(bs->file);
	free(bs->user);
	memset(bs, 0, sizeof *bs);
}

/* "LAST" or "LAST PENDING", PENDING = LAST + 1, then optional blanks
 * (a line end in ~/.popbull).  Digits only, as parse_number would. */
static bool
record_parse(const char *text, size_t len, struct bulletin_record *rec)
{
	unsigned long v[2] = { 0, 0 };
	size_t i = 0;
	int n = 0;

	while (n < 2) {
		size_t start = i;
		while (i < len && text[i] >= '0' && text[i] <= '9') {
			unsigned d = (unsigned)(text[i] - '0');
			if (v[n] > (BULLETIN_NUMBER_MAX - d) / 10)
				return false;
			v[n] = v[n] * 10 + d;
			i++;
		}
		if (i == start)
			return false;
		n++;
		if (i < len && text[i] == ' ' && i + 1 < len &&
		    text[i + 1] >= '0' && text[i + 1] <= '9')
			i++;
		else
			break;
	}
	while (i < len && (text[i] == '\n' || text[i] == '\r' ||
			   text[i] == ' ' || text[i] == '\t'))
		i++;
	if (i != len || (n == 2 && v[1] != v[0] + 1))
		return false;
	rec->last = v[0];
	rec->pending = n == 2 ? v[1] : 0;
	return true;
}

static int
record_format(const struct bulletin_record *rec, char *buf, size_t size)
{
	if (rec->pending != 0)
		return snprintf(buf, size, "%lu %lu", rec->last, rec->pending);
	return snprintf(buf, size, "%lu", rec->last);
}

/* ---- bulletin_db ---- */

/* gdbm_open, waiting while another session holds the database (GDBM
 * locks it whole; a session holds it only for one read or write). */
static GDBM_FILE
db_open(const char *path, int flags, const char **error_r)
{
	for (unsigned waited = 0;; waited += POP3_BULLETIN_DB_LOCK_STEP_MS) {
		GDBM_FILE dbf = gdbm_open(path, 0, flags | GDBM_CLOEXEC,
					  BULLETIN_DB_MODE, NULL);
		if (dbf != NULL)
			return dbf;
		if ((gdbm_errno != GDBM_CANT_BE_READER &&
		     gdbm_errno != GDBM_CANT_BE_WRITER) ||
		    waited >= POP3_BULLETIN_DB_LOCK_WAIT_MS) {
			int e = errno;
			*error_r = record_error("cannot open bulletin_db %s: %s%s%s",
						path, gdbm_strerror(gdbm_errno),
						e != 0 ? ": " : "",
						e != 0 ? strerror(e) : "");
			return NULL;
		}
		struct timespec ts = { 0, POP3_BULLETIN_DB_LOCK_STEP_MS * 1000000L };
		nanosleep(&ts, NULL);
	}
}

static int
db_read(const struct bulletin_store *bs, struct bulletin_record *rec,
	const char **error_r)
{
	datum key = { bs->user, (int)strlen(bs->user) }, val;
	GDBM_FILE dbf;
	int rc;

	errno = 0;
	if (access(bs->db, F_OK) < 0 && errno == ENOENT)
		return 0;               /* no database yet: nobody has a record */
	dbf = db_open(bs->db, GDBM_READER, error_r);
	if (dbf == NULL)
		return -1;
	val = gdbm_fetch(dbf, key);
	if (val.dptr == NULL) {
		rc = gdbm_errno == GDBM_ITEM_NOT_FOUND ? 0 : -1;
		if (rc < 0)
			*error_r = record_error("reading bulletin_db %s: %s",
						bs->db, gdbm_strerror(gdbm_errno));
	} else if (val.dsize <= 0 || val.dsize > RECORD_TEXT_MAX ||
		   !record_parse(val.dptr, (size_t)val.dsize, rec)) {
		*error_r = record_error("bulletin_db %s: the record of this user "
					"is not a bulletin number", bs->db);
		rc = -1;
	} else {
		rc = 1;
	}
	free(val.dptr);
	gdbm_close(dbf);
	return rc;
}

static int
db_write(const struct bulletin_store *bs, const struct bulletin_record *rec,
	 const char **error_r)
{
	char text[RECORD_TEXT_MAX];
	int len = record_format(rec, text, sizeof text);
	datum key = { bs->user, (int)strlen(bs->user) }, val = { text, len };
	GDBM_FILE dbf = db_open(bs->db, GDBM_WRCREAT, error_r);
	int rc = 0;

	if (dbf == NULL)
		return -1;
	if (gdbm_store(dbf, key, val, GDBM_REPLACE) != 0 || gdbm_sync(dbf) != 0) {
		*error_r = record_error("writing bulletin_db %s: %s", bs->db,
					gdbm_strerror(gdbm_errno));
		rc = -1;
	}
	gdbm_close(dbf);
	return rc;
}

/* ---- ~/.popbull ---- */

static int
file_read(const struct bulletin_store *bs, struct bulletin_record *rec,
	  const char **error_r)
{
	char text[RECORD_TEXT_MAX + 1];
	ssize_t n;
	int fd = open(bs->file, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		*error_r = record_error("cannot open %s: %s", bs->file,
					strerror(errno));
		return -1;
	}
	n = mu_read_full(fd, text, sizeof text);
	close(fd);
	if (n < 0) {
		*error_r = record_error("cannot read %s: %s", bs->file,
					strerror(errno));
		return -1;
	}
	if (n == 0 || n > RECORD_TEXT_MAX || !record_parse(text, (size_t)n, rec)) {
		*error_r = record_error("%s does not hold a bulletin number",
					bs->file);
		return -1;
	}
	return 1;
}

/* Written beside and renamed over it: a crash leaves the old record or
 * the new one, never a torn one (which would read as "no record" and
 * bring every bulletin again). */
static int
file_write(const struct bulletin_store *bs, const struct bulletin_record *rec,
	   const char **error_r)
{
	char text[RECORD_TEXT_MAX];
	char *tmp = mu_xasprintf("%s%s", bs->file, POPBULL_NEW_SUFFIX);
	int len = record_format(rec, text, sizeof text - 1);
	int fd, rc = -1;

	text[len++] = '\n';
	(void)unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		*error_r = record_error("cannot create %s: %s", tmp, strerror(errno));
		goto out;
	}
	if (mu_write_all(fd, text, (size_t)len) < 0 || fsync(fd) < 0) {
		*error_r = record_error("cannot write %s: %s", tmp, strerror(errno));
		close(fd);
		(void)unlink(tmp);
		goto out;
	}
	if (close(fd) < 0 || rename(tmp, bs->file) < 0) {
		*error_r = record_error("cannot replace %s: %s", bs->file,
					strerror(errno));
		(void)unlink(tmp);
		goto out;
	}
	if (mu_fsync_dir_of(bs->file) < 0) {
		*error_r = record_error("cannot fsync the directory of %s: %s",
					bs->file, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	free(tmp);
	return rc;
}

int
bulletin_record_read(const struct bulletin_store *bs,
		     struct bulletin_record *rec, const char **error_r)
{
	memset(rec, 0, sizeof *rec);
	return bs->db != NULL ? db_read(bs, rec, error_r)
			      : file_read(bs, rec, error_r);
}

int
bulletin_record_write(const struct bulletin_store *bs,
		      const struct bulletin_record *rec, const char **error_r)
{
	return bs->db != NULL ? db_write(bs, rec, error_r)
			      : file_write(bs, rec, error_r);
}
