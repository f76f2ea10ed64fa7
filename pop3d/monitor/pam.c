/* The `pam` backend: USER/PASS (and SASL PLAIN/LOGIN) checked by the PAM
 * service `pam_service`.
 *
 * Authentication and account management run in the privileged monitor
 * (doc/privsep.md).  With keep_pam the transaction stays open after a good
 * login: the monitor then runs the account stack for an impersonation
 * target, establishes credentials and opens the session before the
 * transaction process switches to the user, and closes them and calls
 * pam_end when the session is over. */
#include "config.h"

#include <errno.h>
#include <security/pam_appl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libmu/log.h"
#include "util.h"
#include "pop3d/common/identity.h"
#include "pop3d/monitor/pam.h"

struct pam_answers {
	const char *user;
	const char *password;
};

struct auth_pam {
	pam_handle_t *h;
	struct pam_conv conv;
	struct pam_answers answers;     /* password wiped after authentication */
	bool cred, session;             /* what auth_pam_end must undo */
	int last_rc;
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
		/* asked after authentication (by a session module): we have
		 * nothing to give any more */
		if (answer == NULL && (msgs[i]->msg_style == PAM_PROMPT_ECHO_OFF
				       || msgs[i]->msg_style == PAM_PROMPT_ECHO_ON)) {
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
	struct identity id;
	const char *lookup_error;

	switch (identity_lookup(name, &id, &lookup_error)) {
	case 0:
		snprintf(error_buf, sizeof error_buf, "PAM accepted %s, but "
			 "there is no such system account", name);
		*error_r = error_buf;
		return AUTH_FAIL;
	case -1:
		*error_r = lookup_error;
		return AUTH_TEMPFAIL;
	}
	user_r->name = id.name;
	user_r->mailbox = NULL;
	user_r->home = id.home;
	user_r->uid = id.uid;
	user_r->gid = id.gid;
	user_r->backend = AUTH_BACKEND_PAM;
	user_r->pam = NULL;
	return AUTH_OK;
}

/* Modules ask for a delay after a failure (pam_faildelay, pam_unix's
 * two seconds).  pop3d answers every failure at one fixed time after the
 * request, whatever the backend (monitor.c): a module's own delay would
 * only tell apart failures of different kinds.  So the delay is ours. */
static void
no_fail_delay(int retval, unsigned usec_delay, void *appdata)
{
	(void)retval;
	(void)usec_delay;
	(void)appdata;
}

static void
pam_free(struct auth_pam *p, int rc)
{
	if (p->h != NULL)
		pam_end(p->h, rc);
	free(p);
}

enum auth_result
auth_pam_password(const struct mu_config *cfg, const struct auth_context *ctx,
		  const char *user, const char *password,
		  struct auth_user *user_r, const char **error_r)
{
	struct auth_pam *p = mu_xcalloc(1, sizeof *p);
	const void *item = NULL;
	const char *step;
	enum auth_result result;
	int rc;

	p->answers.user = user;
	p->answers.password = password;
	p->conv.conv = conversation;
	p->conv.appdata_ptr = &p->answers;
	rc = pam_start(cfg->pam_service, user, &p->conv, &p->h);
	if (rc != PAM_SUCCESS) {
		snprintf(error_buf, sizeof error_buf, "pam_start(%s): %s",
			 cfg->pam_service, pam_strerror(p->h, rc));
		*error_r = error_buf;
		pam_free(p, rc);
		return AUTH_TEMPFAIL;
	}
	step = "pam_set_item";
	rc = pam_set_item(p->h, PAM_FAIL_DELAY, (const void *)no_fail_delay);
	/* pam_access, pam_rhosts and the logs want to know where from */
	if (rc == PAM_SUCCESS && ctx != NULL && ctx->rhost != NULL)
		rc = pam_set_item(p->h, PAM_RHOST, ctx->rhost);
	if (rc == PAM_SUCCESS) {
		/* PAM_SILENT: nobody reads module messages;
		 * DISALLOW_NULL_AUTHTOK: an account without a password must
		 * not open with an empty one. */
		step = "pam_authenticate";
		rc = pam_authenticate(p->h, PAM_SILENT |
				      PAM_DISALLOW_NULL_AUTHTOK);
	}
	/* the conversation is over: no module may ask again later */
	p->answers.password = NULL;
	if (rc == PAM_SUCCESS) {
		step = "pam_acct_mgmt";
		rc = pam_acct_mgmt(p->h, PAM_SILENT);
	}
	if (rc == PAM_SUCCESS) {
		/* A module may have mapped the name (pam_mapuser style): the
		 * account is the one PAM ended with. */
		step = "pam_get_item";
		rc = pam_get_item(p->h, PAM_USER, &item);
		if (rc == PAM_SUCCESS && item == NULL)
			rc = PAM_SYSTEM_ERR;
	}
	if (rc == PAM_SUCCESS) {
		result = fill_from_passwd(item, user_r, error_r);
	} else {
		result = classify(rc);
		snprintf(error_buf, sizeof error_buf, "%s (service %s): %s",
			 step, cfg->pam_service, pam_strerror(p->h, rc));
		*error_r = error_buf;
	}
	if (result == AUTH_OK && ctx != NULL && ctx->keep_pam) {
		p->last_rc = rc;
		p->answers.user = NULL;         /* the caller's string */
		user_r->pam = p;
	} else {
		pam_free(p, rc);
	}
	return result;
}

enum auth_result
auth_pam_target(const struct mu_config *cfg, struct auth_user *authuser,
		const char *target, struct auth_user *target_r,
		const char **error_r)
{
	struct auth_pam *p = authuser->pam;
	const char *step = "pam_set_item";
	enum auth_result result;
	int rc;

	if (p == NULL) {
		*error_r = "no PAM transaction to impersonate in";
		return AUTH_TEMPFAIL;
	}
	rc = pam_set_item(p->h, PAM_USER, target);
	if (rc == PAM_SUCCESS) {
		step = "pam_acct_mgmt";
		rc = pam_acct_mgmt(p->h, PAM_SILENT);
	}
	p->last_rc = rc;
	if (rc != PAM_SUCCESS) {
		snprintf(error_buf, sizeof error_buf, "%s for %s (service %s): "
			 "%s", step, target, cfg->pam_service,
			 pam_strerror(p->h, rc));
		*error_r = error_buf;
		return classify(rc);
	}
	result = fill_from_passwd(target, target_r, error_r);
	if (result == AUTH_OK) {
		target_r->pam = p;
		authuser->pam = NULL;
	}
	return result;
}

int
auth_pam_open_session(struct auth_user *u, const char **error_r)
{
	struct auth_pam *p = u->pam;
	int rc;

	if (p == NULL)
		return 0;
	rc = pam_setcred(p->h, PAM_ESTABLISH_CRED | PAM_SILENT);
	p->last_rc = rc;
	if (rc != PAM_SUCCESS) {
		snprintf(error_buf, sizeof error_buf, "pam_setcred: %s",
			 pam_strerror(p->h, rc));
		*error_r = error_buf;
		return -1;
	}
	p->cred = true;
	rc = pam_open_session(p->h, PAM_SILENT);
	p->last_rc = rc;
	if (rc != PAM_SUCCESS) {
		snprintf(error_buf, sizeof error_buf, "pam_open_session: %s",
			 pam_strerror(p->h, rc));
		*error_r = error_buf;
		return -1;
	}
	p->session = true;
	return 0;
}

void
auth_pam_preload(const struct mu_config *cfg)
{
	static struct pam_conv conv = { conversation, NULL };
	static pam_handle_t *kept;

	if (kept != NULL)
		pam_end(kept, PAM_SUCCESS);
	kept = NULL;
	if (!mu_list_contains(cfg->auth, "pam"))
		return;
	if (pam_start(cfg->pam_service, NULL, &conv, &kept) != PAM_SUCCESS)
		kept = NULL;    /* each login says why, as before */
}

void
auth_pam_end(struct auth_user *u)
{
	struct auth_pam *p = u->pam;
	int rc;

	if (p == NULL)
		return;
	if (p->session) {
		rc = pam_close_session(p->h, PAM_SILENT);
		if (rc != PAM_SUCCESS)
			mu_log(MU_LOG_WARNING, "pam_close_session: %s",
			       pam_strerror(p->h, rc));
	}
	if (p->cred) {
		rc = pam_setcred(p->h, PAM_DELETE_CRED | PAM_SILENT);
		if (rc != PAM_SUCCESS)
			mu_log(MU_LOG_WARNING, "pam_setcred(PAM_DELETE_CRED): %s",
			       pam_strerror(p->h, rc));
	}
	pam_free(p, p->last_rc);
	u->pam = NULL;
}
