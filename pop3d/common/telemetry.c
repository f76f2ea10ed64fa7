/* Session transcripts for telemetry_dir (see telemetry.h).  One record a
 * line:
 *
 *     2024-05-01T12:00:00.123 C: USER alice
 *     2024-05-01T12:00:00.124 S: +OK send PASS
 *     2024-05-01T12:00:00.124 C: PASS ***
 *
 * C is the client, S the server, * a note of ours.  Control bytes are
 * written as \xHH, so a client cannot forge a record. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "libmu/log.h"
#include "libmu/util.h"
#include "pop3d/common/limits.h"
#include "pop3d/common/telemetry.h"

/* Room kept at the end of the pre-login buffer for the one note that
 * says records were dropped: a record with its timestamp, under 128. */
#define TELEMETRY_NOTE_RESERVE 128

/* O_PATH opens a directory we may search but not read */
#ifndef O_PATH
#define O_PATH O_RDONLY
#endif

enum telemetry_state {
	TELEMETRY_BUFFERING,            /* before login */
	TELEMETRY_WRITING,              /* the user is traced */
	TELEMETRY_OFF,                  /* not traced, or writing failed */
};

struct telemetry {
	enum telemetry_state state;
	char *dir;
	struct mu_buf pending;          /* records before login */
	unsigned long dropped;          /* records past the pending bound */
	int fd;
	long pid;                       /* names the file; 0: getpid() */
};

struct telemetry *
telemetry_new(const char *dir)
{
	struct telemetry *t;

	if (dir == NULL || dir[0] == '\0')
		return NULL;
	t = mu_xcalloc(1, sizeof *t);
	t->state = TELEMETRY_BUFFERING;
	t->dir = mu_xstrdup(dir);
	t->fd = -1;
	mu_buf_init(&t->pending);
	return t;
}

static size_t
format_record(char *out, size_t size, enum telemetry_from from,
	      const char *text, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	struct timespec ts;
	struct tm tm;
	size_t n = 0;

	clock_gettime(CLOCK_REALTIME, &ts);
	if (localtime_r(&ts.tv_sec, &tm) != NULL)
		n = strftime(out, size, "%Y-%m-%dT%H:%M:%S", &tm);
	n += (size_t)snprintf(out + n, size - n, ".%03ld %c: ",
			      ts.tv_nsec / 1000000, (char)from);
	for (size_t i = 0; i < len && n + 8 < size; i++) {
		unsigned char c = (unsigned char)text[i];

		if (c < 0x20 || c == 0x7f || c == '\\') {
			out[n++] = '\\';
			out[n++] = 'x';
			out[n++] = hex[c >> 4];
			out[n++] = hex[c & 15];
		} else {
			out[n++] = (char)c;
		}
	}
	out[n++] = '\n';
	return n;
}

static void
write_or_stop(struct telemetry *t, const char *data, size_t len)
{
	if (mu_write_all(t->fd, data, len) < 0) {
		mu_log(MU_LOG_WARNING, "telemetry: write failed: %s; "
		       "transcript stopped", strerror(errno));
		close(t->fd);
		t->fd = -1;
		t->state = TELEMETRY_OFF;
	}
}

void
telemetry_record(struct telemetry *t, enum telemetry_from from,
		 const char *text, size_t len)
{
	char rec[TELEMETRY_RECORD_MAX];
	size_t n;

	if (t == NULL || t->state == TELEMETRY_OFF)
		return;
	n = format_record(rec, sizeof rec, from, text, len);
	if (t->state == TELEMETRY_WRITING) {
		write_or_stop(t, rec, n);
		return;
	}
	if (t->pending.len + n > POP3_TELEMETRY_PRELOGIN_MAX -
	    TELEMETRY_NOTE_RESERVE) {
		/* the note goes into the buffer itself, in the room kept
		 * for it, so it travels with the buffer (privsep.c hands
		 * it to the process that writes it) */
		if (t->dropped++ == 0) {
			char note[TELEMETRY_NOTE_RESERVE];
			int nlen = snprintf(note, sizeof note, "further records "
					    "before login not kept (over %d "
					    "octets)",
					    POP3_TELEMETRY_PRELOGIN_MAX);

			n = format_record(rec, sizeof rec, TELEMETRY_NOTE, note,
					  (size_t)nlen);
			mu_buf_append(&t->pending, rec, n);
		}
		return;
	}
	mu_buf_append(&t->pending, rec, n);
}

void
telemetry_note(struct telemetry *t, const char *fmt, ...)
{
	char text[TELEMETRY_RECORD_MAX];
	va_list ap;
	int n;

	if (t == NULL || t->state == TELEMETRY_OFF)
		return;
	va_start(ap, fmt);
	n = vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	telemetry_record(t, TELEMETRY_NOTE, text,
			 (size_t)n < sizeof text ? (size_t)n : sizeof text - 1);
}

/* The pending records hold what the client sent before login (masked,
 * but still its business): wiped, not just freed. */
static void
pending_wipe(struct telemetry *t)
{
	if (t->pending.data != NULL)
		explicit_bzero(t->pending.data, t->pending.len);
	mu_buf_free(&t->pending);
}

static void
stop_buffering(struct telemetry *t)
{
	pending_wipe(t);
	t->state = TELEMETRY_OFF;
}

/* A user name that names one entry in telemetry_dir and nothing else. */
static bool
plain_file_name(const char *name)
{
	if (name[0] == '\0' || strcmp(name, ".") == 0 ||
	    strcmp(name, "..") == 0 || strlen(name) > 255)
		return false;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		if (*p == '/' || *p < 0x20 || *p == 0x7f)
			return false;
	return true;
}

/* What stands at a name, for a log line. */
static const char *
file_kind(const struct stat *st)
{
	if (S_ISLNK(st->st_mode))
		return "a symlink";
	if (S_ISFIFO(st->st_mode))
		return "a FIFO";
	if (S_ISREG(st->st_mode))
		return st->st_nlink != 1 ? "a file with other links" :
			"a file of another owner";
	return "not a regular file";
}

/* Make the transcript file in the directory userfd: a new file, never
 * one that was there.  telemetry_dir/USER may be writable by its user
 * (an administrator's choice), and the file is made as root, so
 * whatever stands at the name is the user's: a symlink or a hard link to
 * a file of root's, a FIFO that would hold the session in open(), a
 * device.  O_CREAT|O_EXCL opens none of them (it fails with EEXIST, and
 * never follows a symlink); O_NOFOLLOW, O_NONBLOCK and the fstat are a
 * second line, should O_EXCL not be honoured (old NFS servers): no
 * symlink followed, no wait on a FIFO, and nothing kept but a regular
 * file with one link, owned by us.  The name is the session's pid, or
 * the first free of PID.1, PID.2, ...  The file stays open for the
 * session: later records go through this descriptor, never through the
 * name, so renaming or replacing the name afterwards sends nothing
 * elsewhere.  -1 when no transcript can be made (logged). */
static int
create_transcript(int userfd, const char *where, long pid)
{
	char name[48];
	struct stat st;
	int fd = -1, err = 0, flags;

	for (unsigned i = 0; i < POP3_TELEMETRY_NAME_TRIES; i++) {
		if (i == 0)
			snprintf(name, sizeof name, "%ld", pid);
		else
			snprintf(name, sizeof name, "%ld.%u", pid, i);
		fd = openat(userfd, name, O_WRONLY | O_CREAT | O_EXCL |
			    O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC,
			    0600);
		err = errno;
		if (fd >= 0 || err != EEXIST)
			break;
		/* either way it is not written: only the log tells an
		 * earlier login's transcript from something planted */
		if (fstatat(userfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			mu_log(MU_LOG_WARNING, "telemetry: %s/%s exists (%s); "
			       "not written", where, name, strerror(errno));
		else if (S_ISREG(st.st_mode) && st.st_nlink == 1 &&
			 st.st_uid == geteuid())
			mu_log(MU_LOG_INFO, "telemetry: %s/%s exists (an "
			       "earlier login of this session?); trying the "
			       "next name", where, name);
		else
			mu_log(MU_LOG_WARNING, "telemetry: %s/%s exists and is "
			       "not a transcript of ours (%s); not written",
			       where, name, file_kind(&st));
	}
	if (fd < 0) {
		mu_log(MU_LOG_WARNING, "telemetry: cannot create %s/%s: %s; no "
		       "transcript", where, name, err == EEXIST ?
		       "every name taken" : strerror(err));
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_nlink != 1 ||
	    st.st_uid != geteuid()) {
		mu_log(MU_LOG_WARNING, "telemetry: %s/%s is not a new file of "
		       "ours; no transcript", where, name);
		close(fd);
		return -1;
	}
	/* a regular file: O_NONBLOCK was for the open only */
	flags = fcntl(fd, F_GETFL);
	if (flags >= 0)
		(void)fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
	return fd;
}

void
telemetry_start(struct telemetry *t, const char *user)
{
	char *where;
	int dirfd, userfd;

	if (t == NULL || t->state != TELEMETRY_BUFFERING)
		return;
	if (!plain_file_name(user)) {
		stop_buffering(t);
		return;
	}
	dirfd = open(t->dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0) {
		mu_log(MU_LOG_WARNING, "telemetry_dir %s: %s", t->dir,
		       strerror(errno));
		stop_buffering(t);
		return;
	}
	/* the directory telemetry_dir/USER is the switch: most users have
	 * none, and that is no error.  O_NOFOLLOW with O_DIRECTORY: a
	 * symlink planted there must not send the transcript elsewhere
	 * (the open fails with ENOTDIR). */
	userfd = openat(dirfd, user, O_PATH | O_DIRECTORY | O_NOFOLLOW |
			O_CLOEXEC);
	close(dirfd);
	if (userfd < 0) {
		if (errno != ENOENT)
			mu_log(MU_LOG_WARNING, "telemetry_dir %s/%s: %s",
			       t->dir, user, strerror(errno));
		stop_buffering(t);
		return;
	}
	where = mu_xasprintf("%s/%s", t->dir, user);
	t->fd = create_transcript(userfd, where,
				  t->pid != 0 ? t->pid : (long)getpid());
	free(where);
	close(userfd);
	if (t->fd < 0) {
		stop_buffering(t);
		return;
	}
	t->state = TELEMETRY_WRITING;
	if (t->pending.len > 0)
		write_or_stop(t, t->pending.data, t->pending.len);
	pending_wipe(t);
}

void
telemetry_set_pid(struct telemetry *t, long pid)
{
	if (t != NULL)
		t->pid = pid;
}

const char *
telemetry_pending(const struct telemetry *t, size_t *len_r)
{
	if (t == NULL || t->state != TELEMETRY_BUFFERING || t->pending.len == 0)
		return NULL;
	*len_r = t->pending.len;
	return t->pending.data;
}

void
telemetry_adopt(struct telemetry *t, const char *data, size_t len)
{
	struct mu_buf mine;

	if (t == NULL || t->state != TELEMETRY_BUFFERING || data == NULL ||
	    len == 0)
		return;
	if (len > POP3_TELEMETRY_PRELOGIN_MAX)
		len = POP3_TELEMETRY_PRELOGIN_MAX;
	mine = t->pending;
	mu_buf_init(&t->pending);
	mu_buf_append(&t->pending, data, len);
	if (mine.len > 0)
		mu_buf_append(&t->pending, mine.data, mine.len);
	if (mine.data != NULL)
		explicit_bzero(mine.data, mine.len);
	mu_buf_free(&mine);
}

void
telemetry_free(struct telemetry *t)
{
	if (t == NULL)
		return;
	if (t->fd >= 0)
		close(t->fd);
	pending_wipe(t);
	free(t->dir);
	free(t);
}
