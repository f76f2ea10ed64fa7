/* What follows a successful login (RFC 1939 sections 4, 7): find the
 * maildrop, take it for this session, enter TRANSACTION.  Runs in the
 * transaction process, which already has the user's identity
 * (privsep.h): files it creates get the right owner and it can reach
 * nothing else. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libmu/log.h"
#include "libmu/url.h"
#include "pop3d/mail/lifecycle.h"
#include "pop3d/common/owner.h"
#include "pop3d/common/reply.h"
#include "pop3d/common/telemetry.h"
#include "pop3d/mail/mail_session.h"
#include "pop3d/mail/maildrop.h"

void
mail_login(struct mail_session *m, struct auth_user *user)
{
	struct session *s = &m->core;
	const char *template = user->mailbox != NULL ? user->mailbox :
		s->cfg->mailbox;
	const char *error = "unknown reason";
	enum mu_mailbox_error errcode = MU_MBERR_TEMP;
	struct mu_mailbox *mb;
	char name[64];
	size_t count;
	uint64_t octets;
	char *url;

	log_quote(user->name, name, sizeof name);
	/* telemetry_dir: the user is known now (the transaction process
	 * started the transcript before it gave up root: a no-op then) */
	telemetry_start(s->telemetry, user->name);
	url = mu_url_expand(template, user->name, user->home, &error);
	if (url == NULL) {
		mu_log(MU_LOG_ERR, "user \"%s\": mailbox template \"%s\": %s",
		       name, template, error);
		auth_user_free(user);
		reply_err(s, "[SYS/PERM] cannot find your mailbox");
		return;
	}

	/* the user's own, and not through a symlink (owner.h) */
	if (maildrop_check_owner(url, &error) < 0) {
		mu_log(MU_LOG_ERR, "user \"%s\": mailbox %s refused: %s", name,
		       url, error);
		free(url);
		auth_user_free(user);
		reply_err(s, "[SYS/PERM] cannot open mailbox");
		return;
	}

	/* A second session gets IN-USE at once; a delivery agent holding
	 * the mailbox is waited for up to lock_timeout.  Undelete and
	 * bulletins come before anything is listed (lifecycle.h); a missing
	 * mailbox is created for bulletins, to be locked while they go in. */
	if (mu_mailbox_open(&mb, url, MU_OPEN_WRITE | MU_OPEN_SESSION_LOCK |
			    (s->cfg->bulletin_source != NULL ? MU_OPEN_CREATE : 0),
			    s->cfg->lock_timeout, &errcode, &error) < 0 ||
	    maildrop_at_login(s->cfg, user, &mb, &errcode, &error) < 0) {
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
		return;
	}

	m->mbox = mb;
	m->mailbox_url = url;
	m->user = *user;
	m->logged_in = true;
	s->state = STATE_TRANSACTION;
	session_set_log_prefix(s, m->user.name);
	maildrop_totals(m, &count, &octets);
	mu_log(MU_LOG_INFO, "logged in; mailbox %s: %zu messages, %llu octets",
	       url, count, (unsigned long long)octets);
	reply_ok(s, "%s has %zu message%s (%llu octets)", user->name, count,
		 PLURAL(count), (unsigned long long)octets);
}
