/* The stat file (`stat_file`): a GDBM file of small text records that
 * outlive a connection -- failed-login counts (block.c) and last login
 * times (logindelay.c).  Only the monitor process opens it (privsep).
 *
 * Every access is a short read-modify-write under an exclusive flock on
 * the file, taken before GDBM opens it and held until statdb_close(): two
 * sessions counting a failure at the same moment both count.  A lock held
 * by another session is waited for (STATDB_LOCK_WAIT_MS at most); nobody
 * holds it longer than a few record updates.
 *
 * The file is never reached through a symlink, and is refused unless it is
 * a regular file with one link, owned by the process's uid and not
 * writable by group or others.  It is created mode 0600; its directory,
 * when missing, mode 0700.  The records are soft
 * state: a file GDBM cannot read is moved aside to PATH.corrupt and a new
 * one started, so a damaged file costs counts, never logins. */
#ifndef POP3D_STATDB_H
#define POP3D_STATDB_H

#include <stddef.h>

#include "pop3d/common/limits.h"

#define STATDB_VALUE_MAX 128

struct statdb;

/* 0, or -1 with *error_r (a static buffer, valid until the next call). */
int statdb_open(const char *path, struct statdb **db_r, const char **error_r);
/* Flush (only when something was written: until then the file is open
 * read-only, and closing it costs no disk write), unlock and close.  0, or -1 with *error_r. */
int statdb_close(struct statdb *db, const char **error_r);

/* 1 found (value NUL-terminated in buf), 0 absent, -1 error. */
int statdb_fetch(struct statdb *db, const char *key, char *buf, size_t size,
		 const char **error_r);
int statdb_store(struct statdb *db, const char *key, const char *value,
		 const char **error_r);
/* 0 (also when absent) or -1. */
int statdb_delete(struct statdb *db, const char *key, const char **error_r);

/* Call fn for every key starting with prefix, with its value; fn returns
 * true to delete the record.  For pruning expired records. */
/* The time the records hold: milliseconds since the epoch. */
long long statdb_now_ms(void);

int statdb_prune(struct statdb *db, const char *prefix,
		 int (*fn)(const char *key, const char *value, void *ctx),
		 void *ctx, const char **error_r);

#endif
