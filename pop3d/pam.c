/* The `pam` backend: USER/PASS checked by the PAM service `pam_service`.
 *
 * Only authentication and account management run here.  Credentials
 * (pam_setcred) and sessions (pam_open_session) belong with the switch to
 * the user's identity, which a later issue adds. */
#include "config.h"

#include <errno.h>
#include <pwd.h>
#include <security/pam_appl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"
#include "pop3d/pam.h"

struct pam_answers {
	const char *user;
	const char *password;
};

static char error_buf[512];

static void
free_responses(struct pam_response *resp, int n)
{
	for (int i = 0; i < n; i++) {
		if (resp[i].resp != NULL) {
			explicit_bzero(resp[i].resp, strlen(resp[i].resp));
			free(resp[i].resp);
		}
	}
	free(resp);
}

/* There is no one to ask: a prompt with echo off gets the password, one
 * with echo on the user name (what a login prompt wants); messages for
 * the user are dropped.  PAM frees the answers, so they are malloc'ed
 * here and never through mu_xmalloc, which would exit on exhaustion. */
static int
conversation(int n, const struct pam_message **msgs,
	     struct pam_response **resp_r, void *data)
{
	const struct pam_answers *answers = data;
	struct pam_response *resp;

	if (n <= 0 || n > PAM_MAX_NUM_MSG)
		return PAM_CONV_ERR;
	/* Some modules pass no answer slot with mere messages (pam_matrix
	 * does, when `verbose`): fine as long as nothing is asked. */
	if (resp_r == NULL) {
		for (int i = 0; i < n; i++)
			if (msgs[i]->msg_style != PAM_ERROR_MSG
			    && msgs[i]->msg_style != PAM_TEXT_INFO)
				return PAM_CONV_ERR;
		return PAM_SUCCESS;
	}
	resp = calloc((size_t)n, sizeof *resp);
	if (resp == NULL)
		return PAM_BUF_ERR;
	for (int i = 0; i < n; i++) {
		const char *answer;

		switch (msgs[i]->msg_style) {
		case PAM_PROMPT_ECHO_OFF:
			answer = answers->password;
			break;
		case PAM_PROMPT_ECHO_ON:
			answer = answers->user;
			break;
		case PAM_ERROR_MSG:
		case PAM_TEXT_INFO:
			answer = NULL;
			break;
		default:
			free_responses(resp, n);
			return PAM_CONV_ERR;
		}
		if (answer != NULL) {
			resp[i].resp = strdup(answer);
			if (resp[i].resp == NULL) {
				free_responses(resp, n);
				return PAM_BUF_ERR;
			}
		}
	}
	*resp_r = resp;
	return PAM_SUCCESS;
}

/* Which PAM outcomes are the user's doing (wrong password, no such user,
 * locked or expired account) and which the system's (a module or a
 * directory service that is down). */
static enum auth_result
classify(int rc)
{
	switch (rc) {
	case PAM_SUCCESS:
		return AUTH_OK;
	case PAM_AUTH_ERR:
	case PAM_USER_UNKNOWN:
	case PAM_MAXTRIES:
	case PAM_PERM_DENIED:
	case PAM_ACCT_EXPIRED:
	case PAM_CRED_INSUFFICIENT:
	case PAM_AUTHTOK_EXPIRED:
	/* an expired password cannot be changed over POP3 */
	case PAM_NEW_AUTHTOK_REQD:
		return AUTH_FAIL;
	default:
		return AUTH_TEMPFAIL;
	}
}

/* The passwd entry of name into *user_r.  AUTH_FAIL if there is none,
 * AUTH_TEMPFAIL if the lookup itself failed. */
static enum auth_result
fill_from_passwd(const char *name, struct auth_user *user_r,
		 const char **error_r)
{
	long hint = sysconf(_SC_GETPW_R_SIZE_MAX);
	size_t size = hint > 0 ? (size_t)hint : 4096;
	struct passwd pw, *found = NULL;
	char *buf = NULL;
	int rc;

	for (;;) {
		buf = mu_xrealloc(buf, size);
		rc = getpwnam_r(name, &pw, buf, size, &found);
		if (rc != ERANGE || size >= 1024 * 1024)
			break;
		size *= 2;
	}
	if (found == NULL) {
		if (rc == 0 || rc == ENOENT || rc == ESRCH) {
			snprintf(error_buf, sizeof error_buf,
				 "PAM accepted %s, but there is no such system "
				 "account", name);
			free(buf);
			*error_r = error_buf;
			return AUTH_FAIL;
		}
		snprintf(error_buf, sizeof error_buf,
			 "cannot look up system account %s: %s", name,
			 strerror(rc));
		free(buf);
		*error_r = error_buf;
		return AUTH_TEMPFAIL;
	}
	user_r->name = mu_xstrdup(pw.pw_name);
	user_r->mailbox = NULL;
	user_r->home = pw.pw_dir != NULL && pw.pw_dir[0] != '\0'
		? mu_xstrdup(pw.pw_dir) : NULL;
	user_r->uid = pw.pw_uid;
	user_r->gid = pw.pw_gid;
	user_r->backend = AUTH_BACKEND_PAM;
	free(buf);
	return AUTH_OK;
}

enum auth_result
auth_pam_password(const struct mu_config *cfg, const char *user,
		  const char *password, struct auth_user *user_r,
		  const char **error_r)
{
	struct pam_answers answers = { user, password };
	struct pam_conv conv = { conversation, &answers };
	pam_handle_t *pamh = NULL;
	const void *item = NULL;
	const char *step;
	enum auth_result result;
	int rc;

	rc = pam_start(cfg->pam_service, user, &conv, &pamh);
	if (rc != PAM_SUCCESS) {
		snprintf(error_buf, sizeof error_buf, "pam_start(%s): %s",
			 cfg->pam_service, pam_strerror(pamh, rc));
		*error_r = error_buf;
		return AUTH_TEMPFAIL;
	}
	/* PAM_SILENT: nobody reads module messages; DISALLOW_NULL_AUTHTOK:
	 * an account without a password must not open with an empty one. */
	step = "pam_authenticate";
	rc = pam_authenticate(pamh, PAM_SILENT | PAM_DISALLOW_NULL_AUTHTOK);
	if (rc == PAM_SUCCESS) {
		step = "pam_acct_mgmt";
		rc = pam_acct_mgmt(pamh, PAM_SILENT);
	}
	if (rc == PAM_SUCCESS) {
		/* A module may have mapped the name (pam_mapuser style): the
		 * account is the one PAM ended with. */
		step = "pam_get_item";
		rc = pam_get_item(pamh, PAM_USER, &item);
		if (rc == PAM_SUCCESS && item == NULL)
			rc = PAM_SYSTEM_ERR;
	}
	if (rc == PAM_SUCCESS) {
		result = fill_from_passwd(item, user_r, error_r);
	} else {
		result = classify(rc);
		snprintf(error_buf, sizeof error_buf, "%s (service %s): %s",
			 step, cfg->pam_service, pam_strerror(pamh, rc));
		*error_r = error_buf;
	}
	pam_end(pamh, rc);
	return result;
}
