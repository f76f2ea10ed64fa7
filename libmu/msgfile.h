/* Helpers for the directory drivers (Maildir, MH), where each message is
 * one file.  Internal to libmu. */
#ifndef MU_MSGFILE_H
#define MU_MSGFILE_H

#include <dirent.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>

#include "mailbox-driver.h"

/* ---- what the Maildir and MH drivers do alike ----
 * Each reports a failure through mu_mailbox_fail. */

/* The class of a failed file operation: no permission or a path that is
 * not what it should be is permanent, the rest (I/O, space) transient. */
enum mu_mailbox_error mu_errno_class(int err);

/* At open, after any MU_OPEN_CREATE: check that mb->path is a directory
 * and take the session lock (the file <lock_prefix>TAG.lock in it, TAG
 * the program's file tag: mailbox.h) if flags ask for it.  Returns 1
 * when the caller should scan it, 0 when it is missing and that is
 * allowed (an empty mailbox: mb->msgs allocated, no lock:
 * there is nowhere to put one, and nothing to guard), -1 on error.
 * format names it in messages ("Maildir", "MH folder"). */
int mu_msgfile_open_dir(struct mu_mailbox *mb, int flags, const char *format,
			const char *lock_prefix, const char **error_r);

/* Release the session lock mu_msgfile_open_dir took, if any. */
void mu_msgfile_unlock_session(struct mu_mailbox *mb);

/* The next entry of directory d (named dirpath in messages) that
 * is_message accepts and that is a regular file: a symlink is not
 * followed (mail is regular files) and an entry removed since readdir is
 * skipped.  1 with *name_r (valid until the next call) and *st_r filled,
 * 0 at the end, -1 on error. */
int mu_msgfile_next_entry(struct mu_mailbox *mb, DIR *d, const char *dirpath,
			  bool (*is_message)(const char *name),
			  const char **name_r, struct stat *st_r,
			  const char **error_r);

/* ---- which file a message is ----
 * Other programs rename, renumber and rewrite message files while a
 * session is open (MH tools reuse numbers; Maildir readers rename for
 * flags; editors write a file anew).  So a session's message is the file
 * it listed, recorded when it was read at open -- not whatever has that
 * name now: every step that reads, removes, renames or rewrites a
 * message checks that the file it acts on is that one (fstat on an open
 * file, lstat just before a rename or unlink).
 *
 * A file is its device and inode, and its size and mtime as read: a
 * file system gives a freed inode number to the next file it creates,
 * so the number alone could name a new mail once the old one is gone
 * (rmm -unlink, then inc).  A rename keeps both (the ctime would not
 * do: a rename changes it); a rewrite in place changes the mtime, and
 * such a file is not sent either -- its size was announced already. */
struct mu_file_id {
	dev_t dev;
	ino_t ino;
	off_t size;		/* the size the announced size was computed for */
	struct timespec mtime;
};

void mu_file_id_set(struct mu_file_id *id, const struct stat *st);
/* st is the file id, as it was */
bool mu_file_id_is(const struct mu_file_id *id, const struct stat *st);
/* st has id's inode (perhaps changed in place, perhaps reused) */
bool mu_file_id_same_inode(const struct mu_file_id *id, const struct stat *st);

/* What is at path now (not followed if a symlink): MU_FILE_OURS the file
 * id, MU_FILE_GONE nothing, MU_FILE_OTHER another file; -1 on error
 * (errno). */
enum { MU_FILE_GONE = 0, MU_FILE_OURS = 1, MU_FILE_OTHER = 2 };
int mu_msgfile_which(const char *path, const struct mu_file_id *id);

/* Size, lines and UIDL of the message file at path, and *id the file
 * they were computed for.  1 done, 0 the file is gone (another program
 * removed it since readdir), -1 error. */
int mu_msgfile_info(struct mu_mailbox *mb, const char *path,
		    struct mu_message_info *info, struct mu_file_id *id,
		    const char **error_r);

/* The end of stream_open for the message called name (in messages): fd
 * and sb as mu_msgfile_open left them for the file the driver found for
 * it (fd -1: errno says why; ENOENT: the message is nowhere), id what it
 * was when listed, gone_by what another program did to a message that is
 * no longer there ("deleted it").  A file that is not id is not sent: a
 * temporary error says why (another file, or this one changed on disk).
 * The stream owns fd. */
int mu_msgfile_stream_init(struct mu_mailbox *mb, const char *name, int fd,
			   const struct stat *sb, const struct mu_file_id *id,
			   const char *gone_by, struct mu_msgstream *st,
			   const char **error_r);

/* Commit an added header line to the message file at path, which must
 * still be the file *id (mu_msgfile_add_header, through tmppath):
 * info->size grows by the line in CRLF form and *id becomes the new
 * file.  1 added, 0 nothing to do (the header has the field already, or
 * the message is no longer at path: another program removed, renamed or
 * rewrote it meanwhile -- logged, and stamped next time), -1 error.  The
 * caller counts the line in info->lines (it knows whether they were
 * counted). */
int mu_msgfile_commit_header(struct mu_mailbox *mb, const char *path,
			     const char *tmppath, const char *line,
			     struct mu_message_info *info,
			     struct mu_file_id *id, const char **error_r);

/* A commit keeps going after a failure (each message's change stands
 * alone) and reports the first one. */
struct mu_commit_status {
	enum mu_mailbox_error code;	/* MU_MBERR_NONE: no failure yet */
	char error[sizeof ((struct mu_mailbox *)0)->errbuf];
};

/* Note a failure reported by a mu_mailbox_fail'ing step (err). */
void mu_commit_note(struct mu_commit_status *cs, const struct mu_mailbox *mb,
		    const char *err);
/* fsync the directory dir, noting a failure. */
void mu_commit_fsync_dir(struct mu_commit_status *cs, const char *dir);
/* The commit's result: 0, or -1 with the first failure. */
int mu_commit_end(struct mu_mailbox *mb, const struct mu_commit_status *cs,
		  const char **error_r);

/* ---- file helpers ---- */

/* Open a message file for reading: no symlink is followed (a link planted
 * in a mail directory must not make us read another file), no FIFO
 * blocks the session, and it must be a regular file (else EINVAL).
 * Returns the fd with *st_r filled, or -1 with errno. */
int mu_msgfile_open(const char *path, struct stat *st_r);

/* Size, line count and content UIDL of the first size bytes of fd, read
 * through the line stream and the scanner exactly as RETR will read it.
 * 0, or -1 with errno. */
int mu_msgfile_scan(int fd, off_t size, struct mu_message_info *info);

/* Replace the message file at path -- which must be the file *id -- by a
 * copy with line ("Name: value", no line end) added at the end of its
 * header, written first to tmppath (in the same file system) and
 * fsync'ed, then put in its place: a crash leaves either the old or the
 * new file, never neither.  The copy keeps the file's mode and times
 * (Dovecot takes a Maildir file's mtime as its arrival date).  The line
 * end follows the file's (LF or CRLF).
 *
 * The copy takes the place of the old file by renameat2(RENAME_EXCHANGE)
 * where the file system has it: the old file comes out under tmppath,
 * and if it is not *id after all (another program put a file of that
 * name there while the copy was written) the two are exchanged back, so
 * no other file is ever replaced.  Elsewhere lstat is checked just
 * before a plain rename.  A crash after the exchange leaves the old
 * version under tmppath (never served, removed with other leftovers).
 *
 * Returns 1 when done (*id is the new file), 0 when the header already
 * has a field of that name (nothing changed), MU_MSGFILE_NOT_OURS when
 * path is not (or no longer) the file *id (nothing changed; errno ENOENT
 * if nothing is there), -1 on error with errno and *step_r naming the
 * step that failed.  The caller fsyncs the directory. */
#define MU_MSGFILE_NOT_OURS 2
int mu_msgfile_add_header(const char *path, const char *tmppath,
			  const char *line, struct mu_file_id *id,
			  const char **step_r);

/* mkdir unless a directory is there already: 0, or -1 with errno. */
int mu_mkdir_if_missing(const char *path, mode_t mode);

/* fsync a directory (after renames or unlinks in it); a missing one is
 * fine.  0, or -1 with errno. */
int mu_fsync_dir(const char *path);

/* rename() that refuses to replace an existing target (EEXIST), where
 * the file system can say so; elsewhere a plain rename. */
int mu_rename_noreplace(const char *from, const char *to);

/* link() -- which never replaces an existing target (EEXIST) -- or, on
 * a file system without hard links, mu_rename_noreplace.  from may be
 * gone afterwards. */
int mu_link_noreplace(const char *from, const char *to);

/* Write a new file (0600, never an existing one: EEXIST) holding data,
 * fsync'ed and closed.  0, or -1 with errno and *step_r "create" or
 * "write"; a file it created is removed again on failure. */
int mu_write_new_file(const char *path, const char *data, size_t len,
		      const char **step_r);

/* Random bits for unique file names (getrandom, else time and a counter). */
unsigned long long mu_random64(void);

#endif
