/* The popauth user database (format in userdb.h). */
#include "config.h"

#include <crypt.h>
#include <errno.h>
#include <fcntl.h>
#include <gdbm.h>
#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>
#include <gsasl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util.h"
#include "pop3d/userdb/userdb.h"

struct userdb {
	GDBM_FILE dbf;
	char *path;
	enum userdb_mode mode;
};

/* error_r strings that carry details live here until the next call. */
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

/* GDBM's own message, plus errno's when GDBM says a system call failed. */
static const char *
gdbm_error_fmt(const char *what, const char *path, gdbm_error err, int saved_errno)
{
	if (gdbm_check_syserr(err) && saved_errno != 0)
		return error_fmt("%s %s: %s: %s", what, path, gdbm_strerror(err),
				 strerror(saved_errno));
	return error_fmt("%s %s: %s", what, path, gdbm_strerror(err));
}

static const char *
gdbm_db_error_fmt(struct userdb *db, const char *what)
{
	return error_fmt("%s %s: %s", what, db->path, gdbm_db_strerror(db->dbf));
}

/* userdb_compact() renames a new file over the old one while holding the
 * old one's lock.  A process that opened the old file just before and got
 * its lock just after holds a lock on a file no longer at path: its writes
 * would be lost.  Is the file dbf locked the one at path now? */
static bool
still_at_path(GDBM_FILE dbf, const char *path)
{
	struct stat locked, current;

	if (fstat(gdbm_fdesc(dbf), &locked) < 0 || stat(path, &current) < 0)
		return false;
	return locked.st_dev == current.st_dev && locked.st_ino == current.st_ino;
}

int
userdb_open(const char *path, enum userdb_mode mode, struct userdb **db_r,
	    bool *missing_r, const char **error_r)
{
	int flags, waited = 0;
	bool created = false;
	GDBM_FILE dbf;
	struct stat st;

	if (missing_r != NULL)
		*missing_r = false;
	switch (mode) {
	case USERDB_READ:
		flags = GDBM_READER;
		break;
	case USERDB_WRITE:
		flags = GDBM_WRITER;
		break;
	default:
		flags = GDBM_WRCREAT;
		created = stat(path, &st) < 0 && errno == ENOENT;
		break;
	}
	for (;;) {
		errno = 0;
		dbf = gdbm_open(path, 0, flags | GDBM_CLOEXEC, 0600, NULL);
		if (dbf != NULL && !still_at_path(dbf, path)) {
			/* we locked a file a writer has just replaced */
			gdbm_close(dbf);
			dbf = NULL;
			gdbm_errno = mode == USERDB_READ ? GDBM_CANT_BE_READER
						       : GDBM_CANT_BE_WRITER;
		}
		if (dbf != NULL)
			break;
		gdbm_error err = gdbm_errno;
		int saved_errno = errno;
		if ((err == GDBM_CANT_BE_READER || err == GDBM_CANT_BE_WRITER)
		    && waited < USERDB_LOCK_WAIT_MS) {
			struct timespec ts = { 0, USERDB_LOCK_STEP_MS * 1000000L };
			nanosleep(&ts, NULL);
			waited += USERDB_LOCK_STEP_MS;
			continue;
		}
		if (missing_r != NULL && saved_errno == ENOENT)
			*missing_r = true;
		*error_r = gdbm_error_fmt("cannot open", path, err, saved_errno);
		return -1;
	}
	if (created) {
		/* The umask may have taken bits away from 0600; nothing should
		 * have added any, but say exactly what we mean. */
		if (fchmod(gdbm_fdesc(dbf), 0600) < 0) {
			*error_r = error_fmt("cannot set mode 0600 on %s: %s", path,
					     strerror(errno));
			gdbm_close(dbf);
			return -1;
		}
	}
	struct userdb *db = mu_xcalloc(1, sizeof *db);
	db->dbf = dbf;
	db->path = mu_xstrdup(path);
	db->mode = mode;
	*db_r = db;
	return 0;
}

int
userdb_close(struct userdb *db, const char **error_r)
{
	int rc = 0;

	if (db->mode != USERDB_READ && gdbm_sync(db->dbf) != 0) {
		*error_r = gdbm_db_error_fmt(db, "cannot sync");
		rc = -1;
	}
	if (gdbm_close(db->dbf) != 0 && rc == 0) {
		*error_r = gdbm_error_fmt("cannot close", db->path, gdbm_errno,
					  errno);
		rc = -1;
	}
	free(db->path);
	free(db);
	return rc;
}

static datum
key_of(const char *user)
{
	datum key = { (char *)user, (int)strlen(user) };
	return key;
}

int
userdb_lookup(struct userdb *db, const char *user, struct userdb_record *rec_r,
	      const char **error_r)
{
	datum value = gdbm_fetch(db->dbf, key_of(user));

	if (value.dptr == NULL) {
		if (gdbm_last_errno(db->dbf) == GDBM_ITEM_NOT_FOUND)
			return 0;
		*error_r = gdbm_db_error_fmt(db, "cannot read");
		return -1;
	}
	int rc = userdb_record_decode(value.dptr, (size_t)value.dsize, rec_r,
				      error_r);
	explicit_bzero(value.dptr, (size_t)value.dsize);
	free(value.dptr);
	if (rc < 0) {
		*error_r = error_fmt("%s: record of %s: %s", db->path, user,
				     *error_r);
		return -1;
	}
	return 1;
}

int
userdb_store(struct userdb *db, const char *user,
	     const struct userdb_record *rec, const char **error_r)
{
	size_t len;
	char *text = userdb_record_encode(rec, &len);
	datum value = { text, (int)len };
	int rc = gdbm_store(db->dbf, key_of(user), value, GDBM_REPLACE);

	explicit_bzero(text, len);
	free(text);
	if (rc != 0) {
		*error_r = gdbm_db_error_fmt(db, "cannot write");
		return -1;
	}
	return 0;
}

int
userdb_remove(struct userdb *db, const char *user, const char **error_r)
{
	if (gdbm_delete(db->dbf, key_of(user)) == 0)
		return 1;
	if (gdbm_last_errno(db->dbf) == GDBM_ITEM_NOT_FOUND)
		return 0;
	*error_r = gdbm_db_error_fmt(db, "cannot delete from");
	return -1;
}

int
userdb_compact(struct userdb *db, const char **error_r)
{
	/* gdbm_reorganize copies the live records into a new file and
	 * renames it over the old one, so the stale bytes go with the old
	 * inode. */
	if (gdbm_reorganize(db->dbf) != 0) {
		*error_r = gdbm_db_error_fmt(db, "cannot reorganize");
		return -1;
	}
	return 0;
}

static int
compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
userdb_list(struct userdb *db, char ***names_r, size_t *count_r,
	    const char **error_r)
{
	char **names = NULL;
	size_t count = 0;
	datum key = gdbm_firstkey(db->dbf);

	while (key.dptr != NULL) {
		/* ":summary" and any later bookkeeping key is not a user */
		if (key.dsize > 0 && key.dptr[0] != ':') {
			names = mu_xreallocarray(names, count + 1, sizeof *names);
			names[count++] = mu_xstrndup(key.dptr, (size_t)key.dsize);
		}
		datum next = gdbm_nextkey(db->dbf, key);
		free(key.dptr);
		key = next;
	}
	if (gdbm_last_errno(db->dbf) != GDBM_ITEM_NOT_FOUND
	    && gdbm_last_errno(db->dbf) != GDBM_NO_ERROR) {
		*error_r = gdbm_db_error_fmt(db, "cannot list");
		for (size_t i = 0; i < count; i++)
			free(names[i]);
		free(names);
		return -1;
	}
	if (count > 0)
		qsort(names, count, sizeof *names, compare_names);
	*names_r = names;
	*count_r = count;
	return 0;
}

static void
free_secret(char *s)
{
	if (s != NULL) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

void
userdb_scram_free(struct userdb_scram *sc)
{
	free(sc->salt);
	free_secret(sc->stored_key);
	free_secret(sc->server_key);
	memset(sc, 0, sizeof *sc);
}

void
userdb_record_free(struct userdb_record *rec)
{
	free(rec->hash);
	free_secret(rec->secret);
	free(rec->mailbox);
	rec->hash = rec->secret = rec->mailbox = NULL;
	for (int i = 0; i < USERDB_SCRAM_HASHES; i++)
		userdb_scram_free(&rec->scram[i]);
}

const char *
userdb_scram_name(enum userdb_scram_hash hash)
{
	return hash == USERDB_SCRAM_SHA1 ? "scram-sha-1" : "scram-sha-256";
}

char *
userdb_record_encode(const struct userdb_record *rec, size_t *len_r)
{
	struct mu_buf b;

	mu_buf_init(&b);
	mu_buf_appendf(&b, "v1\nhash=%s\n", rec->hash);
	if (rec->secret != NULL) {
		gnutls_datum_t in = { (unsigned char *)rec->secret,
				      (unsigned)strlen(rec->secret) };
		gnutls_datum_t out = { NULL, 0 };

		if (gnutls_base64_encode2(&in, &out) < 0) {
			/* only on allocation failure */
			fprintf(stderr, "out of memory\n");
			exit(70);
		}
		mu_buf_append(&b, "secret=", 7);
		mu_buf_append(&b, out.data, out.size);
		mu_buf_append(&b, "\n", 1);
		gnutls_free(out.data);
	}
	if (rec->mailbox != NULL)
		mu_buf_appendf(&b, "mailbox=%s\n", rec->mailbox);
	for (int i = 0; i < USERDB_SCRAM_HASHES; i++) {
		const struct userdb_scram *sc = &rec->scram[i];

		if (sc->iterations > 0)
			mu_buf_appendf(&b, "%s=%u,%s,%s,%s\n",
				       userdb_scram_name((enum userdb_scram_hash)i),
				       sc->iterations, sc->salt, sc->stored_key,
				       sc->server_key);
	}
	*len_r = b.len;
	mu_buf_append(&b, "", 1);       /* NUL for callers that want a string */
	return b.data;
}

static char *
decode_secret(const char *b64, size_t len, const char **error_r)
{
	gnutls_datum_t in = { (unsigned char *)b64, (unsigned)len };
	gnutls_datum_t out = { NULL, 0 };

	if (len == 0 || gnutls_base64_decode2(&in, &out) < 0) {
		*error_r = "bad base64 in secret";
		return NULL;
	}
	char *secret = mu_xstrndup((const char *)out.data, out.size);
	bool has_nul = strlen(secret) != out.size;
	explicit_bzero(out.data, out.size);
	gnutls_free(out.data);
	if (has_nul) {
		free_secret(secret);
		*error_r = "NUL byte in secret";
		return NULL;
	}
	return secret;
}

/* base64 text of exactly want octets (0: any non-empty) */
static bool
is_base64_of(const char *text, size_t len, size_t want)
{
	gnutls_datum_t in = { (unsigned char *)text, (unsigned)len };
	gnutls_datum_t out = { NULL, 0 };
	bool ok;

	if (len == 0 || gnutls_base64_decode2(&in, &out) < 0)
		return false;
	ok = out.size > 0 && (want == 0 || out.size == want);
	gnutls_free(out.data);
	return ok;
}

/* "<iterations>,<salt>,<StoredKey>,<ServerKey>" */
static int
decode_scram(const char *text, size_t len, enum userdb_scram_hash hash,
	     struct userdb_scram *sc, const char **error_r)
{
	size_t keylen = hash == USERDB_SCRAM_SHA1 ? 20 : 32;
	const char *part[4], *end = text + len;
	size_t plen[4];
	unsigned long iter = 0;

	for (int i = 0; i < 4; i++) {
		const char *comma = i < 3 ? memchr(text, ',', (size_t)(end - text))
			: end;

		if (comma == NULL)
			goto bad;
		part[i] = text;
		plen[i] = (size_t)(comma - text);
		text = comma < end ? comma + 1 : end;
	}
	if (plen[0] == 0 || plen[0] > 9)
		goto bad;
	for (size_t i = 0; i < plen[0]; i++) {
		if (part[0][i] < '0' || part[0][i] > '9')
			goto bad;
		iter = iter * 10 + (unsigned long)(part[0][i] - '0');
	}
	if (iter == 0 || !is_base64_of(part[1], plen[1], 0) ||
	    !is_base64_of(part[2], plen[2], keylen) ||
	    !is_base64_of(part[3], plen[3], keylen))
		goto bad;
	userdb_scram_free(sc);
	sc->iterations = (unsigned)iter;
	sc->salt = mu_xstrndup(part[1], plen[1]);
	sc->stored_key = mu_xstrndup(part[2], plen[2]);
	sc->server_key = mu_xstrndup(part[3], plen[3]);
	return 0;
bad:
	*error_r = hash == USERDB_SCRAM_SHA1 ? "malformed scram-sha-1 line"
		: "malformed scram-sha-256 line";
	return -1;
}

int
userdb_record_decode(const char *data, size_t len, struct userdb_record *rec_r,
		     const char **error_r)
{
	struct userdb_record rec;
	const char *p = data, *end = data + len;
	bool first = true;

	memset(&rec, 0, sizeof rec);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL) {
			*error_r = "record does not end in a newline";
			goto fail;
		}
		size_t n = (size_t)(nl - p);
		if (first) {
			if (n != 2 || memcmp(p, "v1", 2) != 0) {
				*error_r = "unknown record version";
				goto fail;
			}
			first = false;
		} else if (memchr(p, '\0', n) != NULL) {
			*error_r = "NUL byte in record";
			goto fail;
		} else if (n > 5 && memcmp(p, "hash=", 5) == 0) {
			free(rec.hash);
			rec.hash = mu_xstrndup(p + 5, n - 5);
		} else if (n > 7 && memcmp(p, "secret=", 7) == 0) {
			free_secret(rec.secret);
			rec.secret = decode_secret(p + 7, n - 7, error_r);
			if (rec.secret == NULL)
				goto fail;
		} else if (n > 8 && memcmp(p, "mailbox=", 8) == 0) {
			free(rec.mailbox);
			rec.mailbox = mu_xstrndup(p + 8, n - 8);
		} else if (n > 12 && memcmp(p, "scram-sha-1=", 12) == 0) {
			if (decode_scram(p + 12, n - 12, USERDB_SCRAM_SHA1,
					 &rec.scram[USERDB_SCRAM_SHA1], error_r) < 0)
				goto fail;
		} else if (n > 14 && memcmp(p, "scram-sha-256=", 14) == 0) {
			if (decode_scram(p + 14, n - 14, USERDB_SCRAM_SHA256,
					 &rec.scram[USERDB_SCRAM_SHA256],
					 error_r) < 0)
				goto fail;
		}
		/* any other key: a later v1 addition, not ours to judge */
		p = nl + 1;
	}
	if (first) {
		*error_r = "empty record";
		goto fail;
	}
	if (rec.hash == NULL) {
		*error_r = "record without a password hash";
		goto fail;
	}
	*rec_r = rec;
	return 0;
fail:
	userdb_record_free(&rec);
	return -1;
}

int
userdb_check_name(const char *name, const char **error_r)
{
	size_t len = strlen(name);

	if (len == 0) {
		*error_r = "empty user name";
		return -1;
	}
	/* %u puts the name into a path */
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
		*error_r = "\".\" and \"..\" are not user names";
		return -1;
	}
	if (len > USERDB_NAME_MAX) {
		*error_r = "user name longer than 255 bytes";
		return -1;
	}
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		if (*p < 0x20 || *p == 0x7f) {
			*error_r = "control character in user name";
			return -1;
		}
		if (*p == ' ') {
			*error_r = "white space in user name";
			return -1;
		}
		if (*p == '/' || *p == ':' || *p == '!') {
			*error_r = error_fmt("'%c' in user name", *p);
			return -1;
		}
	}
	return 0;
}

int
userdb_check_mailbox(const char *url, const char **error_r)
{
	if (*url == '\0') {
		*error_r = "empty mailbox URL";
		return -1;
	}
	for (const unsigned char *p = (const unsigned char *)url; *p; p++) {
		if (*p < 0x20 || *p == 0x7f) {
			*error_r = "control character in mailbox URL";
			return -1;
		}
	}
	return 0;
}

int
userdb_check_password(const char *password, size_t len, const char **error_r)
{
	if (len == 0) {
		*error_r = "empty password refused";
		return -1;
	}
	if (len > USERDB_PASSWORD_MAX) {
		*error_r = "password longer than 511 bytes";
		return -1;
	}
	if (strlen(password) != len) {
		*error_r = "NUL byte in password";
		return -1;
	}
	if (strpbrk(password, "\r\n") != NULL) {
		*error_r = "line break in password";
		return -1;
	}
	return 0;
}

/* crypt_ra() with its scratch area wiped: it holds password-derived state.
 * Returns a malloc'ed copy of the result, or NULL if crypt failed (libxcrypt
 * returns NULL or a string starting with '*' for that). */
static char *
crypt_copy(const char *password, const char *setting)
{
	void *data = NULL;
	int size = 0;
	char *out = crypt_ra(password, setting, &data, &size);
	char *copy = NULL;

	if (out != NULL && out[0] != '*')
		copy = mu_xstrdup(out);
	if (data != NULL) {
		explicit_bzero(data, (size_t)size);
		free(data);
	}
	return copy;
}

int
userdb_hash_password(const char *password, char **hash_r, const char **error_r)
{
	/* yescrypt first (the Debian default since 11); SHA-512 crypt where
	 * this libcrypt was built without it. */
	static const char *const methods[] = { "$y$", "$6$" };

	for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) {
		char *setting = crypt_gensalt_ra(methods[i], 0, NULL, 0);
		if (setting == NULL)
			continue;
		char *hash = crypt_copy(password, setting);
		free(setting);
		if (hash != NULL) {
			*hash_r = hash;
			return 0;
		}
	}
	*error_r = error_fmt("libcrypt can hash with neither yescrypt nor "
			     "SHA-512: %s", strerror(errno));
	return -1;
}

bool
userdb_password_matches(const char *hash, const char *password)
{
	char *out = crypt_copy(password, hash);
	bool ok = out != NULL && mu_str_equal_ct(out, hash);

	free_secret(out);
	return ok;
}

void
userdb_waste_check(const char *password)
{
	/* Settings of the default cost, with fixed salts: what
	 * userdb_hash_password makes, so the work is the same. */
	static const char yescrypt[] = "$y$j9T$7xFmIAAl7JjCe02g/lZsw/";
	static const char sha512[] = "$6$/nay6GFTgxdOkDVo";
	char *out = crypt_copy(password, yescrypt);

	if (out == NULL)
		out = crypt_copy(password, sha512);
	free_secret(out);
}

/* ---------------------------------------------------------------- SCRAM */

static char *
base64_of(const void *data, size_t len)
{
	gnutls_datum_t in = { (unsigned char *)data, (unsigned)len };
	gnutls_datum_t out = { NULL, 0 };
	char *text;

	if (gnutls_base64_encode2(&in, &out) < 0) {
		fprintf(stderr, "out of memory\n");
		exit(70);
	}
	text = mu_xstrndup((const char *)out.data, out.size);
	gnutls_free(out.data);
	return text;
}

int
userdb_scram_make(const char *password, enum userdb_scram_hash hash,
		  struct userdb_scram *out, const char **error_r)
{
	Gsasl_hash h = hash == USERDB_SCRAM_SHA1 ? GSASL_HASH_SHA1
		: GSASL_HASH_SHA256;
	size_t keylen = gsasl_hash_length(h);
	char salt[USERDB_SCRAM_SALT_OCTETS];
	char salted[GSASL_HASH_MAX_SIZE], client_key[GSASL_HASH_MAX_SIZE];
	char server_key[GSASL_HASH_MAX_SIZE], stored_key[GSASL_HASH_MAX_SIZE];
	char *prepped = NULL;
	int rc;

	/* RFC 5802 section 2.2: Normalize() is SASLprep with unassigned
	 * code points allowed; a password it refuses cannot take part */
	rc = gsasl_saslprep(password, GSASL_ALLOW_UNASSIGNED, &prepped, NULL);
	if (rc != GSASL_OK || prepped == NULL || *prepped == '\0') {
		gsasl_free(prepped);
		return 0;
	}
	gsasl_free(prepped);
	rc = gsasl_nonce(salt, sizeof salt);
	if (rc == GSASL_OK)
		rc = gsasl_scram_secrets_from_password(h, password,
			USERDB_SCRAM_ITERATIONS, salt, sizeof salt, salted,
			client_key, server_key, stored_key);
	explicit_bzero(salted, sizeof salted);
	explicit_bzero(client_key, sizeof client_key);
	if (rc != GSASL_OK) {
		*error_r = error_fmt("cannot derive SCRAM keys: %s",
				     gsasl_strerror(rc));
		return -1;
	}
	memset(out, 0, sizeof *out);
	out->iterations = USERDB_SCRAM_ITERATIONS;
	out->salt = base64_of(salt, sizeof salt);
	out->stored_key = base64_of(stored_key, keylen);
	out->server_key = base64_of(server_key, keylen);
	explicit_bzero(server_key, sizeof server_key);
	explicit_bzero(stored_key, sizeof stored_key);
	return 1;
}

/* ---------------------------------------------------------------- summary */

static int
summary_decode(const char *data, size_t len, struct userdb_summary *sum)
{
	const char *p = data, *end = data + len;
	bool first = true;

	memset(sum, 0, sizeof *sum);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		char line[128];
		size_t n;

		if (nl == NULL)
			return -1;
		n = (size_t)(nl - p);
		if (n >= sizeof line)
			return -1;
		memcpy(line, p, n);
		line[n] = '\0';
		p = nl + 1;
		if (first) {
			if (strcmp(line, "v1") != 0)
				return -1;
			first = false;
			continue;
		}
		char *eq = strchr(line, '=');
		if (eq == NULL)
			continue;
		*eq++ = '\0';
		if (strcmp(line, "users") == 0)
			sum->users = strtoul(eq, NULL, 10);
		else if (strcmp(line, "secrets") == 0)
			sum->secrets = strtoul(eq, NULL, 10);
		else if (strcmp(line, "scram-sha-1") == 0)
			sum->scram[USERDB_SCRAM_SHA1] = strtoul(eq, NULL, 10);
		else if (strcmp(line, "scram-sha-256") == 0)
			sum->scram[USERDB_SCRAM_SHA256] = strtoul(eq, NULL, 10);
		else if (strcmp(line, "fake-salt-key") == 0) {
			gnutls_datum_t in = { (unsigned char *)eq,
					      (unsigned)strlen(eq) };
			gnutls_datum_t out = { NULL, 0 };

			if (gnutls_base64_decode2(&in, &out) == 0 &&
			    out.size == sizeof sum->fake_salt_key) {
				memcpy(sum->fake_salt_key, out.data, out.size);
				sum->has_fake_salt_key = true;
			}
			gnutls_free(out.data);
		}
	}
	return first ? -1 : 0;
}

int
userdb_summary_read(struct userdb *db, struct userdb_summary *sum,
		    const char **error_r)
{
	datum value = gdbm_fetch(db->dbf, key_of(USERDB_SUMMARY_KEY));
	int rc;

	if (value.dptr == NULL) {
		if (gdbm_last_errno(db->dbf) == GDBM_ITEM_NOT_FOUND)
			return 0;
		*error_r = gdbm_db_error_fmt(db, "cannot read");
		return -1;
	}
	rc = summary_decode(value.dptr, (size_t)value.dsize, sum);
	explicit_bzero(value.dptr, (size_t)value.dsize);
	free(value.dptr);
	return rc < 0 ? 0 : 1;      /* damaged: as if absent, recounted */
}

int
userdb_summary_compute(struct userdb *db, struct userdb_summary *sum,
		       const char **error_r)
{
	char **names;
	size_t count;

	if (userdb_list(db, &names, &count, error_r) < 0)
		return -1;
	sum->users = sum->secrets = 0;
	for (int i = 0; i < USERDB_SCRAM_HASHES; i++)
		sum->scram[i] = 0;
	for (size_t i = 0; i < count; i++) {
		struct userdb_record rec;
		const char *ignored;

		/* a damaged record is not counted: it cannot log in */
		if (userdb_lookup(db, names[i], &rec, &ignored) == 1) {
			sum->users++;
			if (rec.secret != NULL)
				sum->secrets++;
			for (int h = 0; h < USERDB_SCRAM_HASHES; h++)
				if (rec.scram[h].iterations > 0)
					sum->scram[h]++;
			userdb_record_free(&rec);
		}
		free(names[i]);
	}
	free(names);
	return 0;
}

int
userdb_summary_update(struct userdb *db, const char **error_r)
{
	struct userdb_summary sum;
	struct mu_buf b;
	char *key64;
	int rc;

	if (userdb_summary_read(db, &sum, error_r) < 0)
		return -1;
	if (!sum.has_fake_salt_key) {
		if (gnutls_rnd(GNUTLS_RND_KEY, sum.fake_salt_key,
			       sizeof sum.fake_salt_key) < 0) {
			*error_r = "cannot get random octets";
			return -1;
		}
	}
	if (userdb_summary_compute(db, &sum, error_r) < 0)
		return -1;
	key64 = base64_of(sum.fake_salt_key, sizeof sum.fake_salt_key);
	mu_buf_init(&b);
	mu_buf_appendf(&b, "v1\nusers=%lu\nsecrets=%lu\nscram-sha-1=%lu\n"
		       "scram-sha-256=%lu\nfake-salt-key=%s\n", sum.users,
		       sum.secrets, sum.scram[USERDB_SCRAM_SHA1],
		       sum.scram[USERDB_SCRAM_SHA256], key64);
	free_secret(key64);
	datum value = { b.data, (int)b.len };
	rc = gdbm_store(db->dbf, key_of(USERDB_SUMMARY_KEY), value,
			GDBM_REPLACE);
	explicit_bzero(b.data, b.len);
	mu_buf_free(&b);
	explicit_bzero(&sum, sizeof sum);
	if (rc != 0) {
		*error_r = gdbm_db_error_fmt(db, "cannot write");
		return -1;
	}
	return 0;
}
