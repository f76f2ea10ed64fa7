/* The popauth user database: virtual users, their password hashes and,
 * for users added with --apop only, the reversible secret APOP needs.
 * Shared by pop3d (read-only lookups) and the popauth tool (writer).
 *
 * File: GDBM, created mode 0600.
 * Key: the user name, its bytes without a terminating NUL.
 * Value: a small versioned text record, each line ending in "\n":
 *
 *     v1
 *     hash=<crypt(3) string: yescrypt "$y$..." or SHA-512 "$6$...">
 *     secret=<base64 of the password>      (only for --apop users)
 *     mailbox=<mailbox URL template>       (only with --mailbox)
 *     scram-sha-1=<iterations>,<salt>,<StoredKey>,<ServerKey>
 *     scram-sha-256=<iterations>,<salt>,<StoredKey>,<ServerKey>
 *
 * The SCRAM lines (RFC 5802 section 3; salt and keys in base64) let
 * SCRAM-SHA-1 and SCRAM-SHA-256 (RFC 7677) check a login without the
 * password: StoredKey = H(HMAC(SaltedPassword, "Client Key")), ServerKey =
 * HMAC(SaltedPassword, "Server Key"), SaltedPassword = PBKDF2 of the
 * SASLprep'ed password.  Whoever reads them can impersonate the server to
 * a client, not log in as the user.  A password SASLprep refuses gets no
 * SCRAM lines (PLAIN and LOGIN still work for that user).
 *
 * One more record, under the key ":summary" (no user name has a ':'),
 * counts what the records hold, so that pop3d knows at once whether any
 * user could log in with CRAM-MD5 or SCRAM, and holds a random key that
 * makes up stable SCRAM salts for users that do not exist:
 *
 *     v1
 *     users=<n>
 *     secrets=<n>
 *     scram-sha-1=<n>
 *     scram-sha-256=<n>
 *     fake-salt-key=<base64 of 32 random octets>
 *
 * The first line names the format version.  Readers of v1 ignore keys they
 * do not know, so later additions (SCRAM keys, say) need no new version;
 * a record of an unknown version is refused rather than guessed at.
 * "secret" is base64 only so that any byte can be framed in a line: it is
 * NOT encryption, and whoever reads it can log in as that user.  APOP
 * (RFC 1939 section 7) and CRAM-MD5 need it because the client proves it
 * knows the password by a digest the server must recompute. */
#ifndef POP3D_USERDB_H
#define POP3D_USERDB_H

#include <stdbool.h>
#include <stddef.h>

#include "pop3d/common/limits.h"

/* RFC 5802 iteration count for new SCRAM keys: above RFC 7677's floor of
 * 4096, and still quick for a client to compute at every login. */
#define USERDB_SCRAM_ITERATIONS 16384
#define USERDB_SCRAM_SALT_OCTETS 16

enum userdb_scram_hash { USERDB_SCRAM_SHA1, USERDB_SCRAM_SHA256,
			 USERDB_SCRAM_HASHES };

struct userdb_scram {
	unsigned iterations;    /* 0: no keys */
	char *salt;             /* base64 */
	char *stored_key;       /* base64 */
	char *server_key;       /* base64 */
};

struct userdb_record {
	char *hash;             /* crypt(3) string; never NULL in a stored record */
	char *secret;           /* the password itself (--apop), or NULL */
	char *mailbox;          /* URL template overriding `mailbox`, or NULL */
	struct userdb_scram scram[USERDB_SCRAM_HASHES];
};

#define USERDB_SUMMARY_KEY ":summary"

struct userdb_summary {
	unsigned long users, secrets;
	unsigned long scram[USERDB_SCRAM_HASHES];
	unsigned char fake_salt_key[32];
	bool has_fake_salt_key;
};

enum userdb_mode {
	USERDB_READ,            /* lookups: a shared lock, no writes */
	USERDB_WRITE,           /* the file must exist */
	USERDB_CREATE,          /* create it (mode 0600) if missing */
};

struct userdb;

/* Open path.  A lock held by another process is waited for briefly (a
 * writer holds it for milliseconds).  Returns 0, or -1 with *error_r; on
 * -1 *missing_r (if not NULL) tells whether the file does not exist. */
int userdb_open(const char *path, enum userdb_mode mode, struct userdb **db_r,
		bool *missing_r, const char **error_r);
/* Flush a writer's changes to disk and close.  0, or -1 with *error_r
 * (the changes may not be on disk). */
int userdb_close(struct userdb *db, const char **error_r);

/* 1 found (fill *rec_r, free with userdb_record_free), 0 no such user,
 * -1 error (unreadable database, malformed record). */
int userdb_lookup(struct userdb *db, const char *user,
		  struct userdb_record *rec_r, const char **error_r);
/* Add or replace user's record.  0 or -1. */
int userdb_store(struct userdb *db, const char *user,
		 const struct userdb_record *rec, const char **error_r);
/* 1 removed, 0 no such user, -1 error. */
int userdb_remove(struct userdb *db, const char *user, const char **error_r);
/* Rewrite the file holding only the live records, so that replaced or
 * deleted hashes and secrets do not linger in GDBM's free space. */
int userdb_compact(struct userdb *db, const char **error_r);
/* Every user name, sorted bytewise; free each and the array. */
int userdb_list(struct userdb *db, char ***names_r, size_t *count_r,
		const char **error_r);

void userdb_record_free(struct userdb_record *rec);

/* The summary record: 1 read, 0 none (a database from before it existed:
 * see userdb_summary_compute), -1 error. */
int userdb_summary_read(struct userdb *db, struct userdb_summary *sum,
			const char **error_r);
/* Count the records now (a full scan); keeps sum's fake salt key as is. */
int userdb_summary_compute(struct userdb *db, struct userdb_summary *sum,
			   const char **error_r);
/* Writer: recount and store the summary, with the old fake salt key, or a
 * new random one.  popauth calls it after every change. */
int userdb_summary_update(struct userdb *db, const char **error_r);

/* SCRAM keys of password for hash: a fresh random salt,
 * USERDB_SCRAM_ITERATIONS.  1 done, 0 SASLprep refuses the password (no
 * keys), -1 error. */
int userdb_scram_make(const char *password, enum userdb_scram_hash hash,
		      struct userdb_scram *out, const char **error_r);
void userdb_scram_free(struct userdb_scram *sc);
const char *userdb_scram_name(enum userdb_scram_hash hash);

/* The record format above, exposed for tests.  encode never fails. */
char *userdb_record_encode(const struct userdb_record *rec, size_t *len_r);
int userdb_record_decode(const char *data, size_t len,
			 struct userdb_record *rec_r, const char **error_r);

/* A name popauth may store: 1 to USERDB_NAME_MAX bytes, not "." or "..",
 * no '/', ':', '!' (the impersonation separator), white space or control
 * characters.
 * 0, or -1 with *error_r. */
int userdb_check_name(const char *name, const char **error_r);
/* A mailbox template popauth may store: not empty, no control characters
 * (the record is line-based). */
int userdb_check_mailbox(const char *url, const char **error_r);
/* A password popauth may store: not empty, at most USERDB_PASSWORD_MAX
 * bytes, no NUL, CR or LF. */
int userdb_check_password(const char *password, size_t len,
			  const char **error_r);

/* A fresh salted slow hash of password: yescrypt, or SHA-512 crypt where
 * libcrypt lacks yescrypt.  0 (free *hash_r), or -1 with *error_r. */
int userdb_hash_password(const char *password, char **hash_r,
			 const char **error_r);
/* Does password match the crypt(3) string hash?  The final comparison is
 * constant-time. */
bool userdb_password_matches(const char *hash, const char *password);
/* Spend the time of one password check on nothing, so that an unknown user
 * costs what a wrong password costs. */
void userdb_waste_check(const char *password);

#endif
