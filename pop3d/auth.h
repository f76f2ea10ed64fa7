/* Credential checks against the backends named by `auth` (pam, popauth),
 * tried in order.  pop3d's protocol code sees only this interface. */
#ifndef POP3D_AUTH_H
#define POP3D_AUTH_H

#include <stdbool.h>
#include <sys/types.h>

#include "config.h"    /* autoconf */
#include "libmu/settings.h"

enum auth_backend { AUTH_BACKEND_PAM, AUTH_BACKEND_POPAUTH };

struct auth_user {
	char *name;             /* the mailbox owner's name */
	char *mailbox;          /* per-user URL template (popauth --mailbox), or NULL */
	char *home;             /* home directory, or NULL if none */
	uid_t uid;              /* pam: the account; popauth: mail_user or ours */
	gid_t gid;
	enum auth_backend backend;
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

/* APOP (RFC 1939 section 7): digest_hex is MD5(timestamp secret) in hex,
 * checked against the reversible secret popauth keeps for users added with
 * --apop.  Users without one fail. */
enum auth_result auth_apop(const struct mu_config *cfg, const char *user,
			   const char *timestamp, const char *digest_hex,
			   struct auth_user *user_r, const char **error_r);

/* Is APOP offered at all (cfg->apop and popauth among the backends)? */
bool auth_apop_offered(const struct mu_config *cfg);

void auth_user_free(struct auth_user *u);

#endif
