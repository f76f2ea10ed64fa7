/* Helpers for the directory drivers (Maildir, MH), where each message is
 * one file.  Internal to libmu. */
#ifndef MU_MSGFILE_H
#define MU_MSGFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "mailbox.h"

/* Open a message file for reading: no symlink is followed (a link planted
 * in a mail directory must not make pop3d read another file), no FIFO
 * blocks the session, and it must be a regular file (else EINVAL).
 * Returns the fd with *st_r filled, or -1 with errno. */
int mu_msgfile_open(const char *path, struct stat *st_r);

/* Size, line count and content UIDL of the first size bytes of fd, read
 * through the line stream and the scanner exactly as RETR will read it.
 * 0, or -1 with errno. */
int mu_msgfile_scan(int fd, off_t size, struct mu_message_info *info);

/* Replace the message file at path by a copy with line ("Name: value",
 * no line end) added at the end of its header, written first to tmppath
 * (in the same file system) and fsync'ed, then renamed over path: a
 * crash leaves either the old or the new file, never neither.  The copy
 * keeps the file's mode and times (Dovecot takes a Maildir file's mtime
 * as its arrival date).  The line end follows the file's (LF or CRLF).
 * Returns 1 when done (*new_size_r is the new file size), 0 when the
 * header already has a field of that name (nothing changed), -1 on error
 * with errno and *step_r naming the step that failed.  The caller fsyncs
 * the directory. */
int mu_msgfile_add_header(const char *path, const char *tmppath,
			  const char *line, off_t *new_size_r,
			  const char **step_r);

/* mkdir unless a directory is there already: 0, or -1 with errno. */
int mu_mkdir_if_missing(const char *path, mode_t mode);

/* fsync a directory (after renames or unlinks in it); a missing one is
 * fine.  0, or -1 with errno. */
int mu_fsync_dir(const char *path);

/* rename() that refuses to replace an existing target (EEXIST), where
 * the file system can say so; elsewhere a plain rename. */
int mu_rename_noreplace(const char *from, const char *to);

/* Random bits for unique file names (getrandom, else time and a counter). */
unsigned long long mu_random64(void);

#endif
