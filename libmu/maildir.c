/* The Maildir driver (https://cr.yp.to/proto/maildir.html).
 *
 * Messages are the files of new/ and cur/ (names starting with '.' are
 * not messages).  A name is UNIQUE[:INFO]; INFO "2,FLAGS" holds the flags
 * in ASCII order.  Order: the delivery time (the name's leading number),
 * then the unique part, so the order is the same in every session,
 * whatever flags or directory a message has meanwhile.
 *
 * UIDL: the unique part of the name (doc/uidl.md).  Sizes: Dovecot's
 * ",W=<n>" field when it agrees with what RETR sends (trust_w_field);
 * else the file is read through the scanner.
 *
 * Commit (deletions, the S flag of retrieved messages, added headers) is
 * a series of unlink() and rename() calls, each atomic, so a crash at any
 * point leaves every message exactly once.  Other programs (an IMAP
 * server, a local MUA) may rename files while a session is open; a
 * message not found under its name is looked up again by its unique
 * part.  A message is the file the session listed (its device and inode,
 * msgfile.h): a file that merely has its name -- another program's copy
 * written anew -- is not sent, deleted, flagged or stamped.  Delivery
 * agents write into tmp/ and new/ without any lock, so mail delivered
 * during a session is simply there the next time. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "mailbox-driver.h"
#include "msgfile.h"
#include "scan.h"
#include "util.h"

#define MAILDIR_MODE 0700

struct maildir_msg {
	char *name;		/* "new/NAME" or "cur/NAME", relative to the root */
	uint64_t time;		/* leading number of NAME: the delivery time */
	struct mu_file_id id;	/* the file the session listed */
};

struct maildir {
	struct maildir_msg *msgs;
	size_t count, alloc;
};

static const char *
base_of(const char *name)
{
	return strchr(name, '/') + 1;
}

/* The unique part: the base name up to the info separator ':'. */
static size_t
unique_len(const char *base)
{
	return strcspn(base, ":");
}

static uint64_t
leading_number(const char *base)
{
	uint64_t n = 0;

	for (; *base >= '0' && *base <= '9'; base++) {
		if (n > (UINT64_MAX - 9) / 10)
			return UINT64_MAX;
		n = n * 10 + (uint64_t)(*base - '0');
	}
	return n;
}

/* Dovecot's ",S=<n>" and ",W=<n>" fields in the unique part. */
static bool
name_field(const char *base, size_t ulen, char key, uint64_t *value_r)
{
	for (size_t i = 0; i + 3 < ulen; i++) {
		if (base[i] != ',' || base[i + 1] != key || base[i + 2] != '=')
			continue;
		size_t j = i + 3;
		uint64_t v = 0;
		if (base[j] < '0' || base[j] > '9')
			continue;
		for (; j < ulen && base[j] >= '0' && base[j] <= '9'; j++) {
			if (v > (UINT64_MAX - 9) / 10)
				return false;
			v = v * 10 + (uint64_t)(base[j] - '0');
		}
		if (j == ulen || base[j] == ',') {
			*value_r = v;
			return true;
		}
	}
	return false;
}

static int
msg_cmp(const void *a, const void *b)
{
	const struct maildir_msg *x = a, *y = b;
	const char *bx = base_of(x->name), *by = base_of(y->name);
	size_t lx = unique_len(bx), ly = unique_len(by);
	int c;

	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	c = memcmp(bx, by, lx < ly ? lx : ly);
	if (c != 0)
		return c;
	if (lx != ly)
		return lx < ly ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* Names starting with '.' are not messages. */
static bool
is_message(const char *name)
{
	return name[0] != '.';
}

static int
scan_subdir(struct mu_mailbox *mb, struct maildir *md, const char *sub,
	    const char **error_r)
{
	char *dirpath = mu_xasprintf("%s/%s", mb->path, sub);
	const char *name;
	struct stat st;
	DIR *d = opendir(dirpath);
	int rc;

	if (d == NULL) {
		int err = errno;
		free(dirpath);
		if (err == ENOENT)
			return 0;	/* nothing delivered yet */
		return mu_mailbox_fail(mb, mu_errno_class(err), error_r,
				       "cannot read %s/%s: %s", mb->path, sub,
				       strerror(err));
	}
	while ((rc = mu_msgfile_next_entry(mb, d, dirpath, is_message, &name,
					   &st, error_r)) > 0) {
		if (md->count == md->alloc) {
			md->alloc = md->alloc ? md->alloc * 2 : 64;
			md->msgs = mu_xreallocarray(md->msgs, md->alloc,
						    sizeof *md->msgs);
		}
		struct maildir_msg *m = &md->msgs[md->count++];
		m->name = mu_xasprintf("%s/%s", sub, name);
		m->time = leading_number(name);
		mu_file_id_set(&m->id, &st);	/* set again when read */
	}
	closedir(d);
	free(dirpath);
	return rc;
}

/* The UIDL is the unique part of the name when that is a valid UIDL
 * (RFC 1939 section 7: 1-70 characters 0x21..0x7E), else its MD5. */
static void
uidl_from_name(const char *base, struct mu_message_info *info)
{
	size_t ulen = unique_len(base);

	if (mu_uidl_valid(base, ulen)) {
		memcpy(info->uidl, base, ulen);
		info->uidl[ulen] = '\0';
	} else {
		mu_md5_hex(base, ulen, info->uidl);
	}
}

/* The T (trashed) flag of the info "2,FLAGS": the IMAP \Deleted flag of
 * Dovecot and GNU Mailutils, set on a message not yet expunged. */
static bool
has_trash_flag(const char *base)
{
	const char *info = base + unique_len(base);

	return strncmp(info, ":2,", 3) == 0 && strchr(info + 3, 'T') != NULL;
}

/* Can the name's W= field stand for the size RETR sends?  Dovecot's
 * ",W=<n>" is the message's size with CRLF line ends, as mailbox.h counts
 * it, with one difference: Dovecot adds nothing for a last line without
 * a line end, where mailbox.h counts a CRLF -- `doveadm save` of
 * such a message gives W= 2 short.  So W= is taken only when
 *  - the name's ",S=<n>" is the file's size (the file is the one the
 *    name was made for: not rewritten since, e.g. by a header added at
 *    commit (mu_mailbox_add_header), which keeps the name);
 *  - the file ends in LF (the last byte is read, not the file);
 *  - S <= W <= 2 S (CRLF adds at most one octet per octet; anything
 *    else is no size Dovecot wrote).
 * Otherwise the file is read and measured, and LIST says what RETR will
 * send. */
static bool
trust_w_field(int fd, const struct stat *st, const char *base, size_t ulen,
	      uint64_t *w_r)
{
	uint64_t s_size, w_size;
	char last;

	if (!name_field(base, ulen, 'S', &s_size) ||
	    !name_field(base, ulen, 'W', &w_size) ||
	    s_size != (uint64_t)st->st_size || s_size == 0 ||
	    w_size < s_size || w_size - s_size > s_size)
		return false;
	if (mu_pread_full(fd, &last, 1, st->st_size - 1) != 1 || last != '\n')
		return false;
	*w_r = w_size;
	return true;
}

/* Fill info for m.  1 done, 0 the file is gone (another program removed
 * it since readdir), -1 error. */
static int
message_info(struct mu_mailbox *mb, struct maildir_msg *m,
	     struct mu_message_info *info, const char **error_r)
{
	const char *base = base_of(m->name);
	size_t ulen = unique_len(base);
	uint64_t w_size;
	struct stat st;
	char *path = mu_xasprintf("%s/%s", mb->path, m->name);
	int fd = mu_msgfile_open(path, &st), rc = 1;

	if (fd < 0) {
		rc = errno == ENOENT ? 0 :
			mu_mailbox_fail(mb, mu_errno_class(errno), error_r,
					"cannot open %s: %s", path,
					strerror(errno));
		free(path);
		return rc;
	}
	/* the file read here is the message, whatever has its name later */
	mu_file_id_set(&m->id, &st);
	if (trust_w_field(fd, &st, base, ulen, &w_size)) {
		/* lines are not counted then: reading every file only for
		 * them would undo what W= saves */
		info->size = w_size;
		info->lines = 0;
		info->expire_ts = MU_EXPIRE_TS_UNREAD;
		uidl_from_name(base, info);
	} else if (mu_msgfile_scan(fd, st.st_size, info) < 0) {
		rc = mu_mailbox_fail(mb, MU_MBERR_TEMP, error_r,
				     "cannot read %s: %s", path, strerror(errno));
	} else {
		/* An X-UIDL header wins, as in mbox and MH: mail migrated
		 * from qpopper or Mailutils into a Maildir keeps the UIDLs
		 * its clients know (a header copied into two messages is
		 * made unique by mu_uidl_make_unique).  Files sized by W=
		 * come from Dovecot, which writes no X-UIDL, and are not
		 * read (but for their last byte). */
		if (!info->uidl_from_header)
			uidl_from_name(base, info);
	}
	/* a Maildir's deletion mark is the T flag, never a header */
	info->delete_mark = has_trash_flag(base);
	close(fd);
	free(path);
	return rc;
}

static void
maildir_free(struct maildir *md)
{
	if (md == NULL)
		return;
	for (size_t i = 0; i < md->count; i++)
		free(md->msgs[i].name);
	free(md->msgs);
	free(md);
}

static void
maildir_release(struct mu_mailbox *mb)
{
	maildir_free(mb->drv);
	mb->drv = NULL;
	mu_msgfile_unlock_session(mb);
}

static int create_maildir(struct mu_mailbox *mb, const char **error_r);

static int
maildir_open(struct mu_mailbox *mb, int flags, const char **error_r)
{
	struct maildir *md = mu_xcalloc(1, sizeof *md);
	struct stat st;
	size_t kept;
	int rc;

	mb->drv = md;
	if ((flags & MU_OPEN_CREATE) && stat(mb->path, &st) < 0 &&
	    errno == ENOENT && create_maildir(mb, error_r) < 0)
		goto error;
	/* TAG.lock in the root, beside cur/, new/ and tmp/ */
	rc = mu_msgfile_open_dir(mb, flags, "Maildir", "", error_r);
	if (rc <= 0) {
		if (rc < 0)
			goto error;
		return 0;
	}
	if (scan_subdir(mb, md, "new", error_r) < 0 ||
	    scan_subdir(mb, md, "cur", error_r) < 0)
		goto error;
	if (md->count > 0)
		qsort(md->msgs, md->count, sizeof *md->msgs, msg_cmp);

	mb->msgs = mu_xcalloc(md->count ? md->count : 1, sizeof *mb->msgs);
	kept = 0;
	for (size_t i = 0; i < md->count; i++) {
		rc = message_info(mb, &md->msgs[i], &mb->msgs[kept], error_r);
		if (rc < 0) {
			for (size_t j = i; j < md->count; j++)
				free(md->msgs[j].name);
			md->count = kept;
			goto error;
		}
		if (rc == 0) {
			free(md->msgs[i].name);
			continue;
		}
		md->msgs[kept++] = md->msgs[i];
	}
	md->count = kept;
	mb->count = kept;
	mu_uidl_make_unique(mb->msgs, mb->count);
	return 0;

error:
	maildir_release(mb);
	return -1;
}

/* Find message m now: under its name, or -- another program changed
 * its flags or moved it from new/ to cur/ -- under another name with the
 * same unique part.  MU_FILE_OURS with m->name updated; MU_FILE_OTHER
 * when only other files have that unique part (another program wrote the
 * message anew: not the file the session listed); MU_FILE_GONE when
 * there is none; -1 on error (errno). */
static int
locate(struct mu_mailbox *mb, struct maildir_msg *m)
{
	static const char *const subs[] = { "cur", "new" };
	char *path = mu_xasprintf("%s/%s", mb->path, m->name);
	const char *base = base_of(m->name);
	size_t ulen = unique_len(base);
	int which = mu_msgfile_which(path, &m->id);

	free(path);
	if (which < 0 || which == MU_FILE_OURS)
		return which;
	for (size_t i = 0; i < 2; i++) {
		char *dirpath = mu_xasprintf("%s/%s", mb->path, subs[i]);
		DIR *d = opendir(dirpath);
		struct dirent *de;
		struct stat st;

		free(dirpath);
		if (d == NULL)
			continue;
		while ((de = readdir(d)) != NULL) {
			if (de->d_name[0] == '.' || unique_len(de->d_name) != ulen ||
			    memcmp(de->d_name, base, ulen) != 0 ||
			    fstatat(dirfd(d), de->d_name, &st,
				    AT_SYMLINK_NOFOLLOW) < 0)
				continue;
			if (!mu_file_id_is(&m->id, &st)) {
				which = MU_FILE_OTHER;
				continue;
			}
			char *name = mu_xasprintf("%s/%s", subs[i], de->d_name);
			closedir(d);
			free(m->name);
			m->name = name;
			return MU_FILE_OURS;
		}
		closedir(d);
	}
	return which == MU_FILE_OTHER ? MU_FILE_OTHER : MU_FILE_GONE;
}

static int
maildir_stream_open(struct mu_mailbox *mb, size_t idx, struct mu_msgstream *st,
		    const char **error_r)
{
	struct maildir *md = mb->drv;
	struct maildir_msg *m = &md->msgs[idx];
	struct stat sb;
	char *path = mu_xasprintf("%s/%s", mb->path, m->name);
	int fd = mu_msgfile_open(path, &sb), which;

	free(path);
	if ((fd < 0 && errno != ENOENT) ||
	    (fd >= 0 && mu_file_id_is(&m->id, &sb)))
		goto init;
	which = locate(mb, m);
	if (which < 0) {
		if (fd >= 0)
			close(fd);
		return mu_mailbox_fail(mb, mu_errno_class(errno), error_r,
				       "cannot read Maildir %s: %s", mb->path,
				       strerror(errno));
	}
	if (which == MU_FILE_OURS) {
		if (fd >= 0)
			close(fd);
		path = mu_xasprintf("%s/%s", mb->path, m->name);
		fd = mu_msgfile_open(path, &sb);
		free(path);
	} else if (fd >= 0 && !mu_file_id_same_inode(&m->id, &sb)) {
		close(fd);
		return mu_mailbox_fail(mb, MU_MBERR_TEMP, error_r,
				       "message %s of %s is not the one listed: "
				       "another program wrote a new file for "
				       "it since the session began",
				       base_of(m->name), mb->path);
	} else if (fd < 0) {
		errno = ENOENT;
	}
	/* else the file itself, changed in place: stream_init says so */
init:
	return mu_msgfile_stream_init(mb, base_of(m->name), fd, &sb, &m->id,
				      "deleted it", st, error_r);
}

static int
flag_cmp(const void *a, const void *b)
{
	return *(const unsigned char *)a - *(const unsigned char *)b;
}

/* The name of a message once seen: in cur/, info "2," with S among the
 * flags, kept in ASCII order as the Maildir specification asks.  Other
 * info (the experimental "1,") gives way to "2,S".  untrash: without the
 * T flag (undelete); a message only untrashed keeps its other flags. */
static char *
seen_name(const char *base, bool seen, bool untrash)
{
	size_t ulen = unique_len(base);
	const char *info = base[ulen] == ':' ? base + ulen + 1 : "";
	char *flags, *name;
	size_t n = 0;

	if (strncmp(info, "2,", 2) != 0)
		return mu_xasprintf("cur/%.*s:2,%s", (int)ulen, base,
				    seen ? "S" : "");
	info += 2;
	flags = mu_xmalloc(strlen(info) + 2);
	for (const char *f = info; *f; f++)
		if (memchr(flags, *f, n) == NULL && !(untrash && *f == 'T'))
			flags[n++] = *f;
	if (seen && memchr(flags, 'S', n) == NULL)
		flags[n++] = 'S';
	qsort(flags, n, 1, flag_cmp);
	name = mu_xasprintf("cur/%.*s:2,%.*s", (int)ulen, base, (int)n, flags);
	free(flags);
	return name;
}

/* time.MusecPpid_random.host, the shape the Maildir specification asks
 * for; '/' and ':' in the host name are written as \057 and \072.  The
 * microseconds, zero-padded, keep messages appended within one second
 * (bulletins) in the order they were appended: the order compares the
 * unique parts after the time (msg_cmp). */
static char *
new_unique_name(void)
{
	char host[256];
	struct mu_buf b;
	struct timespec now;

	if (gethostname(host, sizeof host) < 0)
		strcpy(host, "localhost");
	host[sizeof host - 1] = '\0';
	clock_gettime(CLOCK_REALTIME, &now);
	mu_buf_init(&b);
	mu_buf_appendf(&b, "%lld.M%06ldP%ld_%016llx.", (long long)now.tv_sec,
		       now.tv_nsec / 1000, (long)getpid(), mu_random64());
	for (const char *h = host; *h; h++) {
		if (*h == '/')
			mu_buf_append(&b, "\\057", 4);
		else if (*h == ':')
			mu_buf_append(&b, "\\072", 4);
		else
			mu_buf_append(&b, h, 1);
	}
	return b.data;
}

/* Apply one message's marks, to the file the session listed.  A message
 * that another program deleted meanwhile is not an error: there is
 * nothing left to apply.  One that another program wrote anew (a file
 * with its unique part that is not the file listed) is left alone: a
 * deletion not done is an error (QUIT says some deleted messages were
 * not removed), a flag or a stamp not given is only logged. */
static int
commit_one(struct mu_mailbox *mb, size_t idx, const char **error_r)
{
	struct maildir_msg *m = &((struct maildir *)mb->drv)->msgs[idx];
	struct mu_message_info *info = &mb->msgs[idx];
	const char *line = mb->added[idx].line;
	bool untrash = info->clear_delete_mark && info->delete_mark;
	char *path = NULL;
	int which, rc = 0;

	if (!info->deleted && !info->seen && !untrash && line == NULL)
		return 0;
	which = locate(mb, m);
	if (which < 0)
		return mu_mailbox_fail(mb, mu_errno_class(errno), error_r,
				       "cannot look for %s in %s: %s",
				       base_of(m->name), mb->path,
				       strerror(errno));
	if (which == MU_FILE_GONE)
		return 0;
	if (which == MU_FILE_OTHER) {
		if (info->deleted)
			return mu_mailbox_fail(mb, MU_MBERR_TEMP, error_r,
					       "%s/%s not deleted: another "
					       "program wrote a new file for "
					       "the message since the session "
					       "began", mb->path, m->name);
		mu_log(MU_LOG_WARNING, "%s/%s left as it is: another program "
		       "wrote a new file for the message since the session "
		       "began", mb->path, m->name);
		return 0;
	}

	path = mu_xasprintf("%s/%s", mb->path, m->name);
	if (info->deleted) {
		/* the name was the file listed an instant ago (locate); a
		 * Maildir name is unique, so no other message takes it */
		int err = unlink(path) == 0 ? 0 : errno;
		if (err == 0)
			mu_test_kill_point();
		/* ENOENT: another program deleted it already */
		if (err != 0 && err != ENOENT)
			rc = mu_mailbox_fail(mb, mu_errno_class(err), error_r,
					     "cannot delete %s: %s", path,
					     strerror(err));
		free(path);
		return rc;
	}

	if (info->seen || untrash) {
		for (int attempt = 0; attempt < 2; attempt++) {
			char *target = seen_name(base_of(m->name), info->seen,
						 untrash);
			char *target_path;

			if (strcmp(target, m->name) == 0) {
				if (untrash)
					info->delete_mark = false;
				free(target);
				break;
			}
			target_path = mu_xasprintf("%s/%s", mb->path, target);
			/* never replace: a file of that name is another copy */
			if (mu_rename_noreplace(path, target_path) == 0) {
				if (untrash)
					info->delete_mark = false;
				free(m->name);
				m->name = target;
				free(path);
				path = target_path;
				break;
			}
			int err = errno;
			free(target);
			free(target_path);
			/* renamed by another program since locate */
			if (err == ENOENT && attempt == 0) {
				which = locate(mb, m);
				if (which == MU_FILE_OURS) {
					free(path);
					path = mu_xasprintf("%s/%s", mb->path,
							    m->name);
					continue;
				}
			}
			if (err == ENOENT) {
				free(path);
				return 0;
			}
			if (err != EEXIST) {
				rc = mu_mailbox_fail(mb, mu_errno_class(err),
						     error_r,
						     "cannot mark %s seen: %s",
						     path, strerror(err));
				free(path);
				return rc;
			}
			break;	/* EEXIST: leave this copy as it is */
		}
	}

	if (line != NULL) {
		char *unique = new_unique_name();
		char *tmppath = mu_xasprintf("%s/tmp/%s", mb->path, unique);

		free(unique);
		int added = mu_msgfile_commit_header(mb, path, tmppath, line,
						     info, &m->id, error_r);
		if (added < 0)
			rc = -1;
		else if (added > 0 && info->lines > 0)
			info->lines++;	/* 0: not counted (sized by W=) */
		free(tmppath);
	}
	free(path);
	return rc;
}

static int
maildir_commit(struct mu_mailbox *mb, const char **error_r)
{
	struct maildir *md = mb->drv;
	static const char *const subs[] = { "cur", "new" };
	struct mu_commit_status cs = { .code = MU_MBERR_NONE };
	const char *err;

	for (size_t i = 0; i < md->count; i++)
		if (commit_one(mb, i, &err) < 0)
			mu_commit_note(&cs, mb, err);
	for (size_t i = 0; i < 2; i++) {
		char *dir = mu_xasprintf("%s/%s", mb->path, subs[i]);
		mu_commit_fsync_dir(&cs, dir);
		free(dir);
	}
	return mu_commit_end(mb, &cs, error_r);
}

static int
create_maildir(struct mu_mailbox *mb, const char **error_r)
{
	static const char *const subs[] = { "cur", "new", "tmp" };

	if (mu_mkdir_if_missing(mb->path, MAILDIR_MODE) < 0)
		return mu_mailbox_fail(mb, mu_errno_class(errno), error_r,
				       "cannot create Maildir %s: %s", mb->path,
				       strerror(errno));
	for (size_t i = 0; i < 3; i++) {
		char *dir = mu_xasprintf("%s/%s", mb->path, subs[i]);
		int rc = mu_mkdir_if_missing(dir, MAILDIR_MODE);
		if (rc < 0)
			mu_mailbox_fail(mb, mu_errno_class(errno), error_r,
					"cannot create %s: %s", dir,
					strerror(errno));
		free(dir);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* Delivery the Maildir way: write tmp/NAME, fsync, link it as new/NAME
 * (link fails rather than replace a file), remove tmp/NAME.  Readers never
 * see a partial message. */
static int
maildir_append(struct mu_mailbox *mb, const char *data, size_t len,
	       const char **error_r)
{
	if (create_maildir(mb, error_r) < 0)
		return -1;
	for (int attempt = 0; attempt < 10; attempt++) {
		char *unique = new_unique_name();
		char *tmppath = mu_xasprintf("%s/tmp/%s", mb->path, unique);
		char *newpath = mu_xasprintf("%s/new/%s", mb->path, unique);
		const char *step;
		int rc = -1, err = 0;

		free(unique);
		if (mu_write_new_file(tmppath, data, len, &step) < 0) {
			err = errno;	/* EEXIST: tmp/NAME is not ours */
		} else {
			if (mu_link_noreplace(tmppath, newpath) == 0)
				rc = 0;
			else
				err = errno;
			if (unlink(tmppath) == 0)  /* gone already after a rename */
				mu_test_kill_point();
		}
		free(tmppath);
		free(newpath);
		if (rc == 0) {
			char *dir = mu_xasprintf("%s/new", mb->path);
			rc = mu_fsync_dir(dir);
			err = errno;
			free(dir);
			if (rc < 0)
				return mu_mailbox_fail(mb, MU_MBERR_TEMP,
						       error_r,
						       "cannot fsync %s/new: %s",
						       mb->path, strerror(err));
			return 0;
		}
		if (err != EEXIST)
			return mu_mailbox_fail(mb, mu_errno_class(err), error_r,
					       "cannot deliver into %s: %s",
					       mb->path, strerror(err));
	}
	return mu_mailbox_fail(mb, MU_MBERR_TEMP, error_r,
			       "cannot find a unique file name in %s/tmp",
			       mb->path);
}

static void
maildir_close(struct mu_mailbox *mb)
{
	maildir_release(mb);
}

const struct mu_mailbox_ops mu_maildir_ops = {
	.name = "maildir",
	.open = maildir_open,
	.stream_open = maildir_stream_open,
	.commit = maildir_commit,
	.append = maildir_append,
	.close = maildir_close,
};
