/* What follows a successful USER/PASS or APOP (RFC 1939 sections 4, 7):
 * find the maildrop, take it for this session, enter TRANSACTION. */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libmu/log.h"
#include "libmu/url.h"
#include "pop3d/cmd.h"
#include "pop3d/reply.h"

/* A session started as root runs as the user the backend names (a system
 * account, or mail_user for virtual users) before it touches the
 * mailbox, so the files it creates get the right owner and it can reach
 * nothing else.  Returns 1 switched, 0 nothing to do, -1 error. */
static int
switch_user(const struct auth_user *user, const char **error_r)
{
	if (geteuid() != 0 || user->uid == 0)
		return 0;
	if (user->backend == AUTH_BACKEND_PAM ?
	    initgroups(user->name, user->gid) < 0 :
	    setgroups(1, &user->gid) < 0) {
		*error_r = strerror(errno);
		return -1;
	}
	if (setgid(user->gid) < 0 || setuid(user->uid) < 0) {
		*error_r = strerror(errno);
		return -1;
	}
	return 1;
}

int
session_login(struct session *s, struct auth_user *user)
{
	const char *template = user->mailbox != NULL ? user->mailbox :
		s->cfg->mailbox;
	const char *error = "unknown reason";
	enum mu_mailbox_error errcode = MU_MBERR_TEMP;
	struct mu_mailbox *mb;
	char name[64];
	size_t count;
	uint64_t octets;
	char *url;
	int switched;

	log_quote(user->name, name, sizeof name);
	url = mu_url_expand(template, user->name, user->home, &error);
	if (url == NULL) {
		mu_log(MU_LOG_ERR, "user \"%s\": mailbox template \"%s\": %s",
		       name, template, error);
		auth_user_free(user);
		return reply_err(s, "[SYS/PERM] cannot find your mailbox");
	}

	switched = switch_user(user, &error);
	if (switched < 0) {
		mu_log(MU_LOG_ERR, "user \"%s\": cannot switch to uid %ld gid "
		       "%ld: %s", name, (long)user->uid, (long)user->gid, error);
		free(url);
		auth_user_free(user);
		reply_err(s, "[SYS/TEMP] cannot open mailbox");
		s->closing = true;
		return 0;
	}

	/* A second session gets IN-USE at once; a delivery agent holding
	 * the mailbox is waited for up to lock_timeout */
	if (mu_mailbox_open(&mb, url, MU_OPEN_WRITE | MU_OPEN_SESSION_LOCK,
			    s->cfg->lock_timeout, &errcode, &error) < 0) {
		mu_log(errcode == MU_MBERR_IN_USE ? MU_LOG_NOTICE : MU_LOG_ERR,
		       "user \"%s\": cannot open mailbox %s: %s", name, url,
		       error);
		free(url);
		auth_user_free(user);
		switch (errcode) {
		case MU_MBERR_IN_USE:
			/* RFC 2449 section 8.1.1 */
			reply_err(s, "[IN-USE] mailbox in use by another session");
			break;
		case MU_MBERR_LOCK:
			reply_err(s, "[SYS/TEMP] mailbox locked, try again later");
			break;
		case MU_MBERR_PERM:
			reply_err(s, "[SYS/PERM] cannot open mailbox");
			break;
		case MU_MBERR_NONE:
		case MU_MBERR_TEMP:
			reply_err(s, "[SYS/TEMP] cannot open mailbox");
			break;
		}
		/* after a switch of user the process cannot serve anybody
		 * else: the client may only start over on a new connection */
		if (switched)
			s->closing = true;
		return 0;
	}

	s->mbox = mb;
	s->mailbox_url = url;
	s->user = *user;
	s->logged_in = true;
	s->state = STATE_TRANSACTION;
	session_set_log_prefix(s);
	maildrop_totals(s, &count, &octets);
	mu_log(MU_LOG_INFO, "logged in; mailbox %s: %zu messages, %llu octets",
	       url, count, (unsigned long long)octets);
	return reply_ok(s, "%s has %zu message%s (%llu octets)", user->name,
			count, PLURAL(count), (unsigned long long)octets);
}
