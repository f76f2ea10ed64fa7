/* What mu-sieve shares with pop3d: it reads pop3d's configuration file
 * for the same mailboxes, and works on them under the same locks. */
#ifndef POP3D_SHARED_H
#define POP3D_SHARED_H

#include <stddef.h>

#include "libmu/cfg.h"

/* The pop3d.conf(5) directives mu-sieve reads too, as entries of a
 * directive table (cfg.h) whose struct TYPE has a field of the same name:
 * both programs must find the same mailbox, wait as long for it, keep
 * the same spool group, and refuse the same values. */
#define POP3D_DIRECTIVE_MAILBOX(type) \
	{ "mailbox", MU_CFG_STRING, offsetof(type, mailbox), \
	  "mbox:/var/mail/%u", 0, 0, 0, MU_EMPTY_ERROR, NULL, NULL, NULL }
#define POP3D_DIRECTIVE_LOCK_TIMEOUT(type) \
	{ "lock_timeout", MU_CFG_DURATION, offsetof(type, lock_timeout), \
	  "30s", 0, 0, 0, MU_EMPTY_ERROR, NULL, NULL, NULL }
#define POP3D_DIRECTIVE_MAIL_PRIVILEGED_GROUP(type) \
	{ "mail_privileged_group", MU_CFG_STRING, \
	  offsetof(type, mail_privileged_group), "mail", 0, 0, 0, \
	  MU_EMPTY_STRING, NULL, NULL, NULL }

/* The word in the names of the files kept with a mailbox
 * (mu_mailbox_set_file_tag): the session lock, by which a POP3 session
 * and a mu-sieve run exclude each other, is one file only when both
 * name it alike.  Spools in use have these names: never change it. */
#define POP3D_MAILBOX_FILE_TAG "pop3d"

#endif
