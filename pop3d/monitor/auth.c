/* Credential checks (auth.h): the backends of `auth`, tried in order,
 * and the `popauth` backend over the popauth user database. */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"
#include "pop3d/monitor/auth.h"
#include "pop3d/monitor/pam.h"
#include "pop3d/userdb/userdb.h"

/* Errors of every backend tried, "pam: ...; popauth: ...", for the log. */
static char error_buf[1024];

static void
note_error(size_t *used, const char *backend, const char *error)
{
	if (*used >= sizeof error_buf - 1)
		return;
	int n = snprintf(error_buf + *used, sizeof error_buf - *used, "%s%s: %s",
			 *used > 0 ? "; " : "", backend, error);
	if (n > 0)
		*used += (size_t)n;
	if (*used > sizeof error_buf - 1)
		*used = sizeof error_buf - 1;
}

/* The record of user, if any.  A database that does not exist is an empty
 * one (`auth = pam popauth` before the first popauth -a); one that cannot
 * be read is a temporary failure, since the user may well be in it. */
enum auth_result
auth_popauth_lookup(const struct mu_config *cfg, const char *user,
		    struct userdb_record *rec_r, const char **error_r)
{
	struct userdb *db;
	const char *ignored;
	bool missing;
	int found;

	if (userdb_check_name(user, error_r) < 0)
		return AUTH_FAIL;
	if (userdb_open(cfg->popauth_db, USERDB_READ, &db, &missing, error_r) < 0)
		return missing ? AUTH_FAIL : AUTH_TEMPFAIL;
	found = userdb_lookup(db, user, rec_r, error_r);
	userdb_close(db, &ignored);     /* a reader has nothing to lose */
	if (found < 0)
		return AUTH_TEMPFAIL;
	if (found == 0) {
		*error_r = "no such user";
		return AUTH_FAIL;
	}
	return AUTH_OK;
}

/* A popauth user is virtual: no home.  uid and gid are the process's;
 * the transaction process runs as `mail_user` instead when started as
 * root (transaction.c). */
void
auth_popauth_user(const char *user, struct userdb_record *rec,
		  struct auth_user *user_r)
{
	user_r->name = mu_xstrdup(user);
	user_r->mailbox = rec->mailbox;
	rec->mailbox = NULL;
	user_r->home = NULL;
	user_r->uid = getuid();
	user_r->gid = getgid();
	user_r->backend = AUTH_BACKEND_POPAUTH;
	user_r->pam = NULL;
}

static enum auth_result
popauth_password(const struct mu_config *cfg, const char *user,
		 const char *password, struct auth_user *user_r,
		 const char **error_r)
{
	struct userdb_record rec;
	enum auth_result result = auth_popauth_lookup(cfg, user, &rec, error_r);

	if (result != AUTH_OK) {
		/* The crypt() a known user would cost, so that timing does
		 * not tell which users exist. */
		userdb_waste_check(password);
		return result;
	}
	if (!userdb_password_matches(rec.hash, password)) {
		*error_r = "wrong password";
		result = AUTH_FAIL;
	} else {
		auth_popauth_user(user, &rec, user_r);
	}
	userdb_record_free(&rec);
	return result;
}

enum auth_result
auth_password(const struct mu_config *cfg, const char *user,
	      const char *password, struct auth_user *user_r,
	      const char **error_r)
{
	return auth_password_ex(cfg, NULL, user, password, user_r, error_r);
}

enum auth_result
auth_password_ex(const struct mu_config *cfg, const struct auth_context *ctx,
		 const char *user, const char *password,
		 struct auth_user *user_r, const char **error_r)
{
	enum auth_result result = AUTH_FAIL;
	size_t used = 0;

	error_buf[0] = '\0';
	if (password == NULL)
		password = "";
	for (char *const *b = cfg->auth; b != NULL && *b != NULL; b++) {
		const char *why = NULL;
		enum auth_result r;

		if (strcmp(*b, "pam") == 0)
			r = auth_pam_password(cfg, ctx, user, password, user_r,
					      &why);
		else if (strcmp(*b, "popauth") == 0)
			r = popauth_password(cfg, user, password, user_r, &why);
		else {
			r = AUTH_TEMPFAIL;
			why = "unknown authentication backend";
		}
		if (r == AUTH_OK)
			return AUTH_OK;
		note_error(&used, *b, why != NULL ? why : "failed");
		/* A backend that could not answer may hold this user: the
		 * client hears "try later", not "wrong password". */
		if (r == AUTH_TEMPFAIL)
			result = AUTH_TEMPFAIL;
	}
	if (used == 0)
		note_error(&used, "auth", "no authentication backend configured");
	*error_r = error_buf;
	return result;
}

bool
auth_apop_offered(const struct mu_config *cfg)
{
	return cfg->apop && mu_list_contains(cfg->auth, "popauth");
}

/* digest_hex as 32 lower-case hex digits into out, or false.  RFC 1939
 * section 7 writes the digest in lower case; clients that send upper case
 * are accepted too. */
static bool
normalise_digest(const char *digest_hex, char out[MU_MD5_HEX_LEN + 1])
{
	size_t i;

	for (i = 0; digest_hex[i] != '\0'; i++) {
		if (i >= MU_MD5_HEX_LEN || !isxdigit((unsigned char)digest_hex[i]))
			return false;
		out[i] = (char)tolower((unsigned char)digest_hex[i]);
	}
	out[i] = '\0';
	return i == MU_MD5_HEX_LEN;
}

enum auth_result
auth_apop(const struct mu_config *cfg, const char *user,
	  const char *timestamp, const char *digest_hex,
	  struct auth_user *user_r, const char **error_r)
{
	struct userdb_record rec;
	char expected[MU_MD5_HEX_LEN + 1], given[MU_MD5_HEX_LEN + 1];
	enum auth_result result;
	struct mu_md5 *md5;

	if (!auth_apop_offered(cfg)) {
		*error_r = "APOP is not offered (apop = no, or popauth not in auth)";
		return AUTH_FAIL;
	}
	result = auth_popauth_lookup(cfg, user, &rec, error_r);
	if (result == AUTH_OK && rec.secret == NULL) {
		*error_r = "no APOP secret for this user (added without --apop)";
		userdb_record_free(&rec);
		result = AUTH_FAIL;
	}
	/* The digest is computed for unknown users too, over a secret nobody
	 * has, so the answer takes the same time. */
	md5 = mu_md5_new();
	mu_md5_update(md5, timestamp, strlen(timestamp));
	if (result == AUTH_OK)
		mu_md5_update(md5, rec.secret, strlen(rec.secret));
	else
		mu_md5_update(md5, "\n", 1);    /* no stored secret has a LF */
	mu_md5_final_hex(md5, expected);
	if (result != AUTH_OK)
		return result;
	if (!normalise_digest(digest_hex, given)) {
		*error_r = "malformed APOP digest";
		result = AUTH_FAIL;
	} else if (!mu_str_equal_ct(given, expected)) {
		*error_r = "wrong APOP digest";
		result = AUTH_FAIL;
	} else {
		auth_popauth_user(user, &rec, user_r);
	}
	userdb_record_free(&rec);
	return result;
}

enum auth_result
auth_lookup_target(const struct mu_config *cfg, struct auth_user *authuser,
		   const char *target, struct auth_user *target_r,
		   const char **error_r)
{
	struct userdb_record rec;
	enum auth_result r;

	if (authuser->backend == AUTH_BACKEND_PAM)
		return auth_pam_target(cfg, authuser, target, target_r, error_r);
	r = auth_popauth_lookup(cfg, target, &rec, error_r);
	if (r != AUTH_OK)
		return r;
	auth_popauth_user(target, &rec, target_r);
	userdb_record_free(&rec);
	return AUTH_OK;
}

void
auth_user_free(struct auth_user *u)
{
	auth_pam_end(u);
	free(u->name);
	free(u->mailbox);
	free(u->home);
	u->name = u->mailbox = u->home = NULL;
}
