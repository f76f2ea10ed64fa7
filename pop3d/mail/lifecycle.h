/* The maildrop at the edges of a session: what GNU Mailutils pop3d does
 * to a mailbox beyond RFC 1939.
 *
 *   at login, before the maildrop is listed (lifecycle.c):
 *     undelete   clear deletion marks other programs left (undelete.c),
 *                or else count marked messages as deleted;
 *     bulletins  append the bulletins the user has not had (bulletin.c);
 *   at QUIT, before the commit (expire.c):
 *     expire     stamp what RETR sent with X-Expire-Timestamp and delete
 *                what was stamped `expire` days ago. */
#ifndef POP3D_LIFECYCLE_H
#define POP3D_LIFECYCLE_H

#include <stddef.h>
#include <time.h>

#include "libmu/mailbox.h"
#include "pop3d/common/settings.h"
#include "pop3d/monitor/auth.h"

/* After the maildrop *mb_io is opened for user (locked, not yet listed):
 * undelete, bulletins, and the marks left in it.  A maildrop that got
 * bulletins is opened again (*mb_io changes).  Failures of undelete and
 * bulletins are logged and the session goes on; -1 (with *errcode_r,
 * *error_r) only when the maildrop can no longer be served, and then
 * *mb_io is closed and NULL. */
int maildrop_at_login(const struct mu_config *cfg,
		      const struct auth_user *user, struct mu_mailbox **mb_io,
		      enum mu_mailbox_error *errcode_r, const char **error_r);

/* undelete.c: with cfg->undelete, remove every deletion mark from the
 * storage now (committed).  Then count the messages still marked as
 * deleted, as GNU Mailutils does -- left out of STAT, LIST and UIDL,
 * removed by the QUIT that commits, kept by RSET -- and, unlike
 * Mailutils, out of the numbering too (1..N without gaps). */
void maildrop_undelete(const struct mu_config *cfg, struct mu_mailbox *mb);
void maildrop_apply_delete_marks(struct mu_mailbox *mb);

/* bulletin.c: append the bulletins of cfg->bulletin_source that user has
 * not had to mb, each exactly once (doc/bulletins.md).  Returns the
 * number appended; problems are logged, naming the user as who. */
size_t bulletins_deliver(const struct mu_config *cfg,
			 const struct auth_user *user, const char *who,
			 struct mu_mailbox *mb);

/* expire.c: at QUIT, before the commit.  Queues X-Expire-Timestamp: now
 * for each message RETR sent that has no stamp yet, and (delete_expired,
 * or expire = 0) marks deleted each message stamped at least `expire`
 * days before now.  Nothing when expire is unset. */
void maildrop_expire(const struct mu_config *cfg, struct mu_mailbox *mb,
		     time_t now);

#endif
