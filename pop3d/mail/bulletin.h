/* Each user's bulletin record (doc/bulletins.md): the number of the last
 * bulletin delivered, and, while a delivery is under way, the number of
 * the one being appended.  Kept in bulletin_db (GDBM: key the user name,
 * value the text) or, when that is unset, in the file ~/.popbull (the
 * text and a line end).  The text is "LAST" -- what GNU Mailutils writes
 * and reads -- or "LAST PENDING" with PENDING = LAST + 1. */
#ifndef POP3D_BULLETIN_H
#define POP3D_BULLETIN_H

#include <stdbool.h>

#include "pop3d/common/settings.h"
#include "pop3d/monitor/auth.h"

/* Bulletin numbers are positions in bulletin_source; a record beyond
 * this is not one of ours. */
#define BULLETIN_NUMBER_MAX 1000000000UL

struct bulletin_record {
	unsigned long last;     /* bulletins 1..last were delivered */
	unsigned long pending;  /* 0, or last + 1: it may be appended already */
};

struct bulletin_store {
	char *db;               /* bulletin_db, or NULL */
	char *file;             /* ~/.popbull when there is no db */
	char *user;
};

/* Where user's record lives.  -1 with *error_r when nowhere (no
 * bulletin_db, and a user without a home directory). */
int bulletin_store_init(struct bulletin_store *bs, const struct mu_config *cfg,
			const struct auth_user *user, const char **error_r);
void bulletin_store_free(struct bulletin_store *bs);

/* 1 read, 0 no record yet (*rec zeroed), -1 error (unreadable, or a
 * record that is not ours: nothing must be delivered on a guess). */
int bulletin_record_read(const struct bulletin_store *bs,
			 struct bulletin_record *rec, const char **error_r);

/* Replace the record; on 0 it is on disk (fsync'ed). */
int bulletin_record_write(const struct bulletin_store *bs,
			  const struct bulletin_record *rec,
			  const char **error_r);

#endif
