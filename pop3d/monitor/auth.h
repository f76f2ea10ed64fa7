/* Credential checks against the backends named by `auth` (pam, popauth),
 * tried in order.  pop3d's protocol code sees only this interface. */
#ifndef POP3D_AUTH_H
#define POP3D_AUTH_H

#include <stdbool.h>
#include <sys/types.h>

#include "config.h"    /* autoconf */
#include "pop3d/common/settings.h"

enum auth_backend { AUTH_BACKEND_PAM, AUTH_BACKEND_POPAUTH };

struct auth_pam;                /* an open PAM transaction (pam.c) */

struct auth_user {
	char *name;             /* the mailbox owner's name */
	char *mailbox;          /* per-user URL template (popauth --mailbox), or NULL */
	char *home;             /* home directory, or NULL if none */
	uid_t uid;              /* pam: the account; popauth: mail_user or ours */
	gid_t gid;
	enum auth_backend backend;
	/* pam: the transaction that authenticated the user, kept open (with
	 * auth_password_ex's keep_pam) for the account check of an
	 * impersonation target and for the session; NULL otherwise */
	struct auth_pam *pam;
};

/* What the backends may know of the attempt besides the credentials. */
struct auth_context {
	const char *rhost;      /* the client address, for PAM_RHOST */
	bool keep_pam;          /* on AUTH_OK keep the PAM transaction open */
};

enum auth_result {
	AUTH_OK = 0,
	AUTH_FAIL = 1,          /* wrong user or password: the same to the client */
	AUTH_TEMPFAIL = 2,      /* backend unavailable (database unreadable ...) */
};

/* USER/PASS: check password for user through cfg->auth in order.  On
 * AUTH_OK *user_r is filled (free with auth_user_free).  *error_r explains
 * a failure for the log, never for the client. */
enum auth_result auth_password(const struct mu_config *cfg, const char *user,
			       const char *password, struct auth_user *user_r,
			       const char **error_r);

/* auth_password with a context. */
enum auth_result auth_password_ex(const struct mu_config *cfg,
				  const struct auth_context *ctx,
				  const char *user, const char *password,
				  struct auth_user *user_r,
				  const char **error_r);

/* Impersonation: the user target in the backend that authenticated
 * *authuser -- a system account (with PAM's account check for target,
 * sudo style, in authuser's PAM transaction, which moves to *target_r) or
 * a popauth record.  AUTH_FAIL if there is no such user. */
enum auth_result auth_lookup_target(const struct mu_config *cfg,
				    struct auth_user *authuser,
				    const char *target,
				    struct auth_user *target_r,
				    const char **error_r);

/* APOP (RFC 1939 section 7): digest_hex is MD5(timestamp secret) in hex,
 * checked against the reversible secret popauth keeps for users added with
 * --apop.  Users without one fail. */
enum auth_result auth_apop(const struct mu_config *cfg, const char *user,
			   const char *timestamp, const char *digest_hex,
			   struct auth_user *user_r, const char **error_r);

/* The popauth backend's record of user: AUTH_OK (*rec_r filled, free
 * with userdb_record_free), AUTH_FAIL no such user (or no database),
 * AUTH_TEMPFAIL the database cannot be read.  For the SASL mechanisms
 * that need more than a password check (CRAM-MD5, SCRAM). */
struct userdb_record;
enum auth_result auth_popauth_lookup(const struct mu_config *cfg,
				     const char *user,
				     struct userdb_record *rec_r,
				     const char **error_r);
/* Fill *user_r for the popauth user user; takes rec's mailbox. */
void auth_popauth_user(const char *user, struct userdb_record *rec,
		       struct auth_user *user_r);

/* Is APOP offered at all (cfg->apop and popauth among the backends)? */
bool auth_apop_offered(const struct mu_config *cfg);

/* Ends the PAM transaction too, if one is open (auth_pam_end()). */
void auth_user_free(struct auth_user *u);

#endif
