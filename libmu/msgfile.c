/* Helpers for the directory drivers: one message per file. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "lock.h"
#include "log.h"
#include "msgfile.h"
#include "scan.h"
#include "util.h"

#define COPY_BUFSIZE 65536
/* replace_message: another program's file could not be put back (and is
 * under the temporary name, which must then not be removed) */
#define MU_MSGFILE_STRANDED 3

int
mu_msgfile_open(const char *path, struct stat *st_r)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return -1;
	if (fstat(fd, st_r) < 0 || !S_ISREG(st_r->st_mode)) {
		int saved = S_ISREG(st_r->st_mode) ? errno : EINVAL;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

int
mu_msgfile_scan(int fd, off_t size, struct mu_message_info *info)
{
	struct mu_msgstream st;
	struct mu_scan sc;
	struct mu_message_info scratch;
	const char *data;
	size_t len;
	bool eol;
	int rc;

	mu_scan_begin(&sc);
	mu_msgstream_init_fd(&st, fd, false, 0, size, MU_STREAM_PLAIN);
	while ((rc = mu_msgstream_next(&st, &data, &len, &eol)) == 1)
		mu_scan_chunk(&sc, data, len, eol);
	int saved = errno;
	mu_msgstream_close(&st);
	/* end the scan even on error: it frees the digest */
	mu_scan_end(&sc, rc == 0 ? info : &scratch);
	errno = saved;
	return rc == 0 ? 0 : -1;
}

/* Find where the header ends: the offset of the blank line (the same
 * rule as the line stream: empty once LF and one CR before it are
 * dropped), or the end of the file when there is none.  Returns 1 if a
 * field called name is in the header, 0 if not, -1 on a
 * read error.  *crlf_r: the first line ends in CRLF.  *need_eol_r: the
 * file ends inside a header line without LF; *end_cr_r: that line ends in
 * a CR, which is its own (mailbox.h). */
static int
find_header_end(int fd, off_t size, const char *name,
		off_t *end_r, bool *crlf_r, bool *need_eol_r, bool *end_cr_r)
{
	char buf[8192], head[256];
	size_t head_len = 0;
	off_t off = 0, line_start = 0;
	bool first_line = true;
	char prev = '\0';

	*crlf_r = false;
	*need_eol_r = false;
	*end_cr_r = false;
	while (off < size) {
		size_t want = (uint64_t)(size - off) < sizeof buf ?
			(size_t)(size - off) : sizeof buf;
		ssize_t n = mu_pread_full(fd, buf, want, off);
		if (n < 0)
			return -1;
		if (n == 0) {
			errno = ESTALE;	/* the file shrank under us */
			return -1;
		}
		for (ssize_t i = 0; i < n; i++) {
			char c = buf[i];
			if (c != '\n') {
				if (head_len < sizeof head)
					head[head_len++] = c;
				prev = c;
				continue;
			}
			off_t line_len = off + i - line_start;
			bool cr = line_len > 0 && prev == '\r';
			if (first_line) {
				*crlf_r = cr;
				first_line = false;
			}
			if (line_len - (cr ? 1 : 0) == 0) {
				*end_r = line_start;
				return 0;
			}
			if (mu_header_is(head, head_len, name))
				return 1;
			line_start = off + i + 1;
			head_len = 0;
			prev = c;
		}
		off += n;
	}
	if (line_start < size) {
		if (mu_header_is(head, head_len, name))
			return 1;
		*need_eol_r = true;
		*end_cr_r = prev == '\r';
	}
	*end_r = size;
	return 0;
}

static int
copy_range(int in, int out, off_t from, off_t to)
{
	char *buf = mu_xmalloc(COPY_BUFSIZE);
	int rc = 0;

	while (from < to) {
		size_t want = (uint64_t)(to - from) < COPY_BUFSIZE ?
			(size_t)(to - from) : COPY_BUFSIZE;
		ssize_t n = mu_pread_full(in, buf, want, from);
		if (n <= 0) {
			if (n == 0)
				errno = ESTALE;
			rc = -1;
			break;
		}
		if (mu_write_all(out, buf, (size_t)n) < 0) {
			rc = -1;
			break;
		}
		from += n;
	}
	free(buf);
	return rc;
}

/* Put the finished copy tmppath in the place of path, which must be the
 * file id (mu_msgfile_add_header says why an exchange).  0 done, -1 error
 * (errno; tmppath is still the copy), MU_MSGFILE_NOT_OURS when path is
 * another file or nothing (tmppath is still the copy).  Once the copy is
 * in place nothing is an error any more: an old version that cannot be
 * removed is logged and left, never given back. */
static int
replace_message(const char *tmppath, const char *path,
		const struct mu_file_id *id, const char **step_r)
{
	struct stat st;

#ifdef RENAME_EXCHANGE
	*step_r = "exchange the copy with the message";
	if (renameat2(AT_FDCWD, tmppath, AT_FDCWD, path, RENAME_EXCHANGE) == 0) {
		mu_test_kill_point();
		if (lstat(tmppath, &st) == 0 && mu_file_id_is(id, &st)) {
			/* the old version, out under the temporary name */
			if (unlink(tmppath) == 0)
				mu_test_kill_point();
			else
				mu_log(MU_LOG_WARNING, "cannot remove %s, the "
				       "version of %s without its new header: "
				       "%s", tmppath, path, strerror(errno));
			return 0;
		}
		/* another program's file had taken the name: it goes back
		 * where it was, untouched, and the copy comes out again */
		if (renameat2(AT_FDCWD, tmppath, AT_FDCWD, path,
			      RENAME_EXCHANGE) < 0 &&
		    /* its name went away meanwhile: it takes it back */
		    (errno != ENOENT || mu_rename_noreplace(tmppath, path) < 0)) {
			/* never removed: it is not ours */
			mu_log(MU_LOG_ERR, "another program's file %s is now "
			       "%s, and cannot be put back: %s", path, tmppath,
			       strerror(errno));
			return MU_MSGFILE_STRANDED;
		}
		mu_test_kill_point();
		return MU_MSGFILE_NOT_OURS;
	}
	if (errno == ENOENT)
		return MU_MSGFILE_NOT_OURS;	/* renamed or removed meanwhile */
	if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
		return -1;
	/* a file system without exchange (NFS, some FUSE): check, then
	 * rename; another program would have to take the name in the
	 * instant between the two */
#endif
	*step_r = "check the message";
	if (lstat(path, &st) < 0)
		return errno == ENOENT ? MU_MSGFILE_NOT_OURS : -1;
	if (!mu_file_id_is(id, &st))
		return MU_MSGFILE_NOT_OURS;
	*step_r = "rename temporary file over the message";
	if (rename(tmppath, path) < 0)
		return -1;
	mu_test_kill_point();
	return 0;
}

int
mu_msgfile_add_header(const char *path, const char *tmppath, const char *line,
		      struct mu_file_id *id, const char **step_r)
{
	struct stat st, out_st;
	struct timespec times[2];
	const char *colon = strchr(line, ':');
	size_t name_len = colon != NULL ? (size_t)(colon - line) : strlen(line);
	char *name;
	off_t hdr_end;
	bool crlf, need_eol, end_cr;
	const char *eol, *last_eol;
	size_t eol_len, last_eol_len;
	int in, out = -1, found, saved, rc;

	*step_r = "open";
	in = mu_msgfile_open(path, &st);
	if (in < 0)
		return errno == ENOENT ? MU_MSGFILE_NOT_OURS : -1;
	if (!mu_file_id_is(id, &st)) {
		close(in);
		return MU_MSGFILE_NOT_OURS;
	}
	name = mu_xstrndup(line, name_len);
	found = find_header_end(in, st.st_size, name, &hdr_end,
				&crlf, &need_eol, &end_cr);
	free(name);
	if (found != 0) {
		saved = errno;
		close(in);
		errno = saved;
		*step_r = "read";
		return found > 0 ? 0 : -1;
	}
	eol = crlf ? "\r\n" : "\n";
	eol_len = crlf ? 2 : 1;
	/* the line end of a last line without one: after a CR, a CRLF, or
	 * the CR would become half a line end and the message would lose it */
	last_eol = end_cr ? "\r\n" : eol;
	last_eol_len = end_cr ? 2 : eol_len;

	out = open(tmppath, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		   0600);
	if (out < 0) {
		*step_r = "create temporary file";
		goto fail;
	}
	*step_r = "write temporary file";
	if (copy_range(in, out, 0, hdr_end) < 0 ||
	    (need_eol && mu_write_all(out, last_eol, last_eol_len) < 0) ||
	    mu_write_all(out, line, strlen(line)) < 0 ||
	    mu_write_all(out, eol, eol_len) < 0 ||
	    copy_range(in, out, hdr_end, st.st_size) < 0)
		goto fail;
	mu_test_kill_point();
	times[0] = st.st_atim;
	times[1] = st.st_mtim;
	*step_r = "keep mode and times";
	if (fchmod(out, st.st_mode & 07777) < 0 || futimens(out, times) < 0)
		goto fail;
	*step_r = "fsync temporary file";
	if (fsync(out) < 0 || fstat(out, &out_st) < 0)
		goto fail;
	mu_test_kill_point();
	*step_r = "close temporary file";
	if (close(out) < 0) {
		out = -1;
		goto fail;
	}
	out = -1;
	rc = replace_message(tmppath, path, id, step_r);
	if (rc < 0)
		goto fail;
	if (rc == MU_MSGFILE_NOT_OURS || rc == MU_MSGFILE_STRANDED) {
		if (rc == MU_MSGFILE_NOT_OURS)
			unlink(tmppath);	/* the copy, back under its name */
		close(in);
		return MU_MSGFILE_NOT_OURS;
	}
	close(in);
	mu_file_id_set(id, &out_st);
	return 1;

fail:
	saved = errno;
	if (out >= 0)
		close(out);
	if (out >= 0 || strcmp(*step_r, "create temporary file") != 0)
		unlink(tmppath);
	close(in);
	errno = saved;
	return -1;
}

enum mu_mailbox_error
mu_errno_class(int err)
{
	return err == EACCES || err == EPERM || err == ENOTDIR || err == ELOOP ?
		MU_MBERR_PERM : MU_MBERR_TEMP;
}

static int
lock_session(struct mu_mailbox *mb, const char *lock_prefix,
	     const char **error_r)
{
	char *lockfile = mu_xasprintf("%s/%s%s.lock", mb->path, lock_prefix,
				      mu_mailbox_file_tag());
	const char *err = NULL;
	int rc = mu_session_lock(lockfile, &mb->session_lock_fd, &err);

	free(lockfile);
	if (rc == 0)
		return 0;
	mb->session_lock_fd = -1;
	if (rc > 0)
		return mu_mailbox_fail(mb, MU_MBERR_IN_USE, error_r,
				       "mailbox %s is in use by another session",
				       mb->path);
	return mu_mailbox_fail(mb, MU_MBERR_TEMP, error_r, "cannot lock %s: %s",
			       mb->path, err != NULL ? err : "unknown error");
}

void
mu_msgfile_unlock_session(struct mu_mailbox *mb)
{
	if (mb->session_lock_fd >= 0) {
		mu_session_unlock(mb->session_lock_fd);
		mb->session_lock_fd = -1;
	}
}

int
mu_msgfile_open_dir(struct mu_mailbox *mb, int flags, const char *format,
		    const char *lock_prefix, const char **error_r)
{
	struct stat st;
	int err;

	if (stat(mb->path, &st) < 0) {
		err = errno;
		if ((err == ENOENT || err == ENOTDIR) &&
		    !(flags & MU_OPEN_NOCREATE)) {
			/* an empty mailbox; append creates it */
			mb->msgs = mu_xcalloc(1, sizeof *mb->msgs);
			mb->count = 0;
			return 0;
		}
	} else if (!S_ISDIR(st.st_mode)) {
		err = ENOTDIR;
	} else {
		if ((flags & MU_OPEN_SESSION_LOCK) &&
		    lock_session(mb, lock_prefix, error_r) < 0)
			return -1;
		return 1;
	}
	return mu_mailbox_fail(mb, err == ENOENT || err == ENOTDIR ?
			       MU_MBERR_PERM : mu_errno_class(err), error_r,
			       "cannot open %s %s: %s", format, mb->path,
			       strerror(err));
}

int
mu_msgfile_next_entry(struct mu_mailbox *mb, DIR *d, const char *dirpath,
		      bool (*is_message)(const char *name),
		      const char **name_r, struct stat *st_r,
		      const char **error_r)
{
	struct dirent *de;

	for (;;) {
		errno = 0;
		if ((de = readdir(d)) == NULL) {
			if (errno == 0)
				return 0;
			return mu_mailbox_fail(mb, MU_MBERR_TEMP, error_r,
					       "cannot read %s: %s", dirpath,
					       strerror(errno));
		}
		if (!is_message(de->d_name))
			continue;
		if (fstatat(dirfd(d), de->d_name, st_r,
			    AT_SYMLINK_NOFOLLOW) < 0) {
			if (errno == ENOENT)
				continue;	/* moved away meanwhile */
			return mu_mailbox_fail(mb, mu_errno_class(errno),
					       error_r, "%s/%s: %s", dirpath,
					       de->d_name, strerror(errno));
		}
		if (S_ISREG(st_r->st_mode)) {
			*name_r = de->d_name;
			return 1;
		}
	}
}

void
mu_file_id_set(struct mu_file_id *id, const struct stat *st)
{
	id->dev = st->st_dev;
	id->ino = st->st_ino;
	id->size = st->st_size;
	id->mtime = st->st_mtim;
}

bool
mu_file_id_same_inode(const struct mu_file_id *id, const struct stat *st)
{
	return id->dev == st->st_dev && id->ino == st->st_ino;
}

bool
mu_file_id_is(const struct mu_file_id *id, const struct stat *st)
{
	return mu_file_id_same_inode(id, st) && id->size == st->st_size &&
		id->mtime.tv_sec == st->st_mtim.tv_sec &&
		id->mtime.tv_nsec == st->st_mtim.tv_nsec;
}

int
mu_msgfile_which(const char *path, const struct mu_file_id *id)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? MU_FILE_GONE : -1;
	return mu_file_id_is(id, &st) ? MU_FILE_OURS : MU_FILE_OTHER;
}

int
mu_msgfile_info(struct mu_mailbox *mb, const char *path,
		struct mu_message_info *info, struct mu_file_id *id,
		const char **error_r)
{
	struct stat st;
	int fd = mu_msgfile_open(path, &st), rc = 1;

	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		return mu_mailbox_fail(mb, mu_errno_class(errno), error_r,
				       "cannot open %s: %s", path,
				       strerror(errno));
	}
	/* the file read here is the message, whatever has its name later */
	mu_file_id_set(id, &st);
	if (mu_msgfile_scan(fd, st.st_size, info) < 0)
		rc = mu_mailbox_fail(mb, MU_MBERR_TEMP, error_r,
				     "cannot read %s: %s", path, strerror(errno));
	close(fd);
	return rc;
}

int
mu_msgfile_stream_init(struct mu_mailbox *mb, const char *name, int fd,
		       const struct stat *sb, const struct mu_file_id *id,
		       const char *gone_by, struct mu_msgstream *st,
		       const char **error_r)
{
	if (fd < 0) {
		if (errno == ENOENT)
			return mu_mailbox_fail(mb, MU_MBERR_TEMP, error_r,
					       "message %s of %s is gone: "
					       "another program %s since the "
					       "session began", name,
					       mb->path, gone_by);
		return mu_mailbox_fail(mb, mu_errno_class(errno), error_r,
				       "cannot open message %s of %s: %s",
				       name, mb->path, strerror(errno));
	}
	/* the driver looked for the file itself; this is the last word */
	if (!mu_file_id_same_inode(id, sb)) {
		close(fd);
		return mu_mailbox_fail(mb, MU_MBERR_TEMP, error_r,
				       "message %s of %s is not the one listed: "
				       "another program replaced it since the "
				       "session began", name, mb->path);
	}
	/* message files are not changed in place; one that was would not
	 * match the size already announced, nor perhaps be the message */
	if (!mu_file_id_is(id, sb)) {
		close(fd);
		return mu_mailbox_fail(mb, MU_MBERR_TEMP, error_r,
				       "message %s of %s changed on disk since "
				       "the session began", name, mb->path);
	}
	mu_msgstream_init_fd(st, fd, true, 0, sb->st_size, MU_STREAM_PLAIN);
	return 0;
}

int
mu_msgfile_commit_header(struct mu_mailbox *mb, const char *path,
			 const char *tmppath, const char *line,
			 struct mu_message_info *info, struct mu_file_id *id,
			 const char **error_r)
{
	const char *step = "";
	int done = mu_msgfile_add_header(path, tmppath, line, id, &step);

	if (done == MU_MSGFILE_NOT_OURS) {
		/* not an error of this session: the message is another
		 * program's business now, and is stamped next time */
		mu_log(MU_LOG_WARNING, "%s: header not added: the file is no "
		       "longer the message listed (another program removed, "
		       "renamed or rewrote it)", path);
		return 0;
	}
	if (done < 0)
		return mu_mailbox_fail(mb, mu_errno_class(errno), error_r,
				       "cannot add a header to %s: %s: %s",
				       path, step, strerror(errno));
	if (done > 0)	/* one more line in the CRLF form, whatever the
			 * file's line ends */
		info->size += strlen(line) + 2;
	return done;
}

void
mu_commit_note(struct mu_commit_status *cs, const struct mu_mailbox *mb,
	       const char *err)
{
	if (cs->code != MU_MBERR_NONE)
		return;
	cs->code = mb->errcode != MU_MBERR_NONE ? mb->errcode : MU_MBERR_TEMP;
	snprintf(cs->error, sizeof cs->error, "%s", err);
}

void
mu_commit_fsync_dir(struct mu_commit_status *cs, const char *dir)
{
	if (mu_fsync_dir(dir) < 0 && cs->code == MU_MBERR_NONE) {
		cs->code = MU_MBERR_TEMP;
		snprintf(cs->error, sizeof cs->error, "cannot fsync %s: %s",
			 dir, strerror(errno));
	}
}

int
mu_commit_end(struct mu_mailbox *mb, const struct mu_commit_status *cs,
	      const char **error_r)
{
	if (cs->code != MU_MBERR_NONE)
		return mu_mailbox_fail(mb, cs->code, error_r, "%s", cs->error);
	return 0;
}

int
mu_mkdir_if_missing(const char *path, mode_t mode)
{
	struct stat st;

	if (mkdir(path, mode) == 0)
		return 0;
	if (errno != EEXIST)
		return -1;
	if (stat(path, &st) < 0)
		return -1;
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return -1;
	}
	return 0;
}

int
mu_fsync_dir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc;

	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	rc = fsync(fd);
	if (rc == 0)
		mu_test_kill_point();
	/* some file systems cannot fsync a directory; they order metadata
	 * themselves */
	if (rc < 0 && (errno == EINVAL || errno == EROFS))
		rc = 0;
	int saved = errno;
	close(fd);
	errno = saved;
	return rc;
}

int
mu_rename_noreplace(const char *from, const char *to)
{
#ifdef RENAME_NOREPLACE
	if (renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0) {
		mu_test_kill_point();
		return 0;
	}
	if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
		return -1;
	/* NFS and some others: no such flag; check, then rename */
#endif
	struct stat st;
	if (lstat(to, &st) == 0) {
		errno = EEXIST;
		return -1;
	}
	if (rename(from, to) < 0)
		return -1;
	mu_test_kill_point();
	return 0;
}

int
mu_link_noreplace(const char *from, const char *to)
{
	if (link(from, to) == 0) {
		mu_test_kill_point();
		return 0;
	}
	if (errno != EPERM && errno != ENOTSUP && errno != ENOSYS)
		return -1;
	return mu_rename_noreplace(from, to);
}

int
mu_write_new_file(const char *path, const char *data, size_t len,
		  const char **step_r)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		      0600);
	int saved;

	*step_r = "create";
	if (fd < 0)
		return -1;
	*step_r = "write";
	if (mu_write_all(fd, data, len) < 0)
		goto fail_close;
	mu_test_kill_point();
	if (fsync(fd) < 0)
		goto fail_close;
	mu_test_kill_point();
	if (close(fd) < 0) {
		saved = errno;
		goto fail;
	}
	return 0;

fail_close:
	saved = errno;
	close(fd);
fail:
	unlink(path);
	errno = saved;
	return -1;
}

unsigned long long
mu_random64(void)
{
	static unsigned long long counter;
	unsigned long long r;
	struct timeval tv;

	if (getrandom(&r, sizeof r, GRND_NONBLOCK) == (ssize_t)sizeof r)
		return r;
	gettimeofday(&tv, NULL);
	return ((unsigned long long)tv.tv_usec << 32) ^
		((unsigned long long)getpid() << 16) ^ ++counter;
}
