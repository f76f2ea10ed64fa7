/* The mail spool's group (mail_privileged_group), taken only around the
 * few file operations that need it.
 *
 * On Debian /var/mail is root:mail 2775 and each mbox USER:mail 0660:
 * a user can read and write their own mailbox but cannot create files
 * beside it.  Delivery agents are setgid mail for their dotlocks; a
 * session (or mu-sieve) that runs as the user keeps that group only as
 * its saved set-group-ID, and takes it as its effective group only to
 * create and remove its own lock, dotlock and journal files -- and only
 * when the plain attempt was refused, so nothing changes where the user
 * may write anyway.  The mailbox itself is always opened with the user's
 * own rights.
 *
 * The wrappers behave like the system calls they are named after. */
#ifndef MU_PRIVGROUP_H
#define MU_PRIVGROUP_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

/* The group this process may take, held as its saved gid by the
 * identity switch; (gid_t)-1: none (the default). */
void mu_privgroup_set(gid_t gid);
bool mu_privgroup_active(void);

int mu_priv_open(const char *path, int flags, mode_t mode);
int mu_priv_link(const char *from, const char *to);
int mu_priv_unlink(const char *path);
int mu_priv_rename(const char *from, const char *to);
#ifdef RENAME_EXCHANGE
/* renameat2(RENAME_EXCHANGE) of two paths (relative to the cwd) */
int mu_priv_exchange(const char *a, const char *b);
#endif

#endif
