/* The `pam` authentication backend: system accounts through Linux-PAM. */
#ifndef POP3D_PAM_H
#define POP3D_PAM_H

#include "pop3d/monitor/auth.h"

/* Check password for user through the PAM service cfg->pam_service
 * (authentication, then account management).  On AUTH_OK *user_r holds
 * the account PAM settled on, with its home, uid and gid from the passwd
 * database. */
enum auth_result auth_pam_password(const struct mu_config *cfg,
				   const struct auth_context *ctx,
				   const char *user, const char *password,
				   struct auth_user *user_r,
				   const char **error_r);

/* Impersonation (auth_lookup_target): make target the PAM user of
 * authuser's transaction, run the account stack for it, and fill
 * *target_r from the passwd database; the transaction moves to it. */
enum auth_result auth_pam_target(const struct mu_config *cfg,
				 struct auth_user *authuser, const char *target,
				 struct auth_user *target_r,
				 const char **error_r);

/* The session of a logged-in PAM user (Linux-PAM ADG: credentials, then
 * the session): pam_setcred(PAM_ESTABLISH_CRED), pam_open_session.  Run by
 * the privileged monitor before the transaction process switches to the
 * user, with the user's groups already set (initgroups) so that modules
 * such as pam_group add to them.  0, or -1 with *error_r. */
int auth_pam_open_session(struct auth_user *u, const char **error_r);

/* In the listener: start a PAM transaction for cfg->pam_service and keep
 * it, unused, until the next call (SIGHUP), so that the service's modules
 * stay loaded and relocated here; each monitor forked from us then finds
 * them in place instead of loading its own copies.  No module function
 * runs: pam_start only reads the configuration and loads the modules.
 * Nothing when `auth` does not name pam. */
void auth_pam_preload(const struct mu_config *cfg);

/* pam_close_session and pam_setcred(PAM_DELETE_CRED) if they were opened,
 * then pam_end.  Harmless when u->pam is NULL. */
void auth_pam_end(struct auth_user *u);

#endif
