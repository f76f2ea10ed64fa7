/* Whose maildrop it is: checked by the transaction process, already
 * running as the session's user, before the maildrop is opened. */
#ifndef POP3D_OWNER_H
#define POP3D_OWNER_H

/* The maildrop of url must not be a symbolic link (the last component of
 * its path; the directories above it are the administrator's) and must
 * belong to the uid the session runs as: the user's own for system
 * accounts, mail_user's for virtual users.  A maildrop that does not
 * exist yet passes (it is empty, and whatever creates it creates it as
 * that uid).  0, or -1 with *error_r.
 *
 * The check and the driver's open are not one step; a race between them
 * buys nothing, since the process holds only the user's rights by then. */
int maildrop_check_owner(const char *url, const char **error_r);

#endif
