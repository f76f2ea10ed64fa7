/* The `pam` authentication backend: system accounts through Linux-PAM. */
#ifndef POP3D_PAM_H
#define POP3D_PAM_H

#include "pop3d/auth.h"

/* Check password for user through the PAM service cfg->pam_service
 * (authentication, then account management).  On AUTH_OK *user_r holds
 * the account PAM settled on, with its home, uid and gid from the passwd
 * database. */
enum auth_result auth_pam_password(const struct mu_config *cfg,
				   const char *user, const char *password,
				   struct auth_user *user_r,
				   const char **error_r);

#endif
