/* What happens to the maildrop at login, after it is opened and before
 * it is listed: GNU Mailutils pop3d's order -- undelete, then bulletins
 * (a fresh bulletin carries no mark). */
#include "config.h"

#include <stdio.h>

#include "libmu/log.h"
#include "pop3d/mail/lifecycle.h"
#include "pop3d/common/session.h"

int
maildrop_at_login(const struct mu_config *cfg, const struct auth_user *user,
		  struct mu_mailbox **mb_io, enum mu_mailbox_error *errcode_r,
		  const char **error_r)
{
	char name[64], who[80];

	snprintf(who, sizeof who, "\"%s\"", log_quote(user->name, name,
							  sizeof name));
	maildrop_undelete(cfg, *mb_io);
	if (bulletins_deliver(cfg, user, who, *mb_io) > 0 &&
	    mu_mailbox_reopen(mb_io, errcode_r, error_r) < 0) {
		/* the bulletins are in the mailbox and recorded; only this
		 * session cannot show them */
		mu_mailbox_close(*mb_io);
		*mb_io = NULL;
		return -1;
	}
	maildrop_apply_delete_marks(*mb_io);
	return 0;
}
