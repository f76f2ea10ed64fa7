/* Deletion marks that other programs leave in a message's header, and
 * their removal (pop3d's `undelete`).  Internal to libmu.
 *
 *  - "Status:" with the letter 'd': GNU Mailutils (its mbox driver, and
 *    the MH folders its amd layer writes) -- a message marked deleted
 *    whose mailbox was saved without expunging;
 *  - "X-Status:" with the letter 'D': UW c-client and Dovecot's mbox
 *    (the IMAP \Deleted flag).
 *
 * Maildir's mark is the T flag of the file name (maildir.c), not a
 * header.  A mark is removed by overwriting its letter with a space in
 * place: the header keeps its length, so no offset, size or UIDL changes
 * (Status and X-Status are outside the UIDL hash, doc/uidl.md), and a
 * one-byte write cannot be torn by a crash -- each letter is either still
 * there or gone, and clearing again is harmless. */
#ifndef MU_DELMARK_H
#define MU_DELMARK_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Does this complete header line carry a deletion mark? */
bool mu_delmark_in_line(const char *line, size_t len);

/* Clear the marks in the header of the message at fd's bytes
 * [start, end) (the raw file: mbox body_start..body_end, or a whole MH
 * file).  Does not fsync.  Returns the number of letters cleared, or -1
 * with errno. */
int mu_delmark_clear(int fd, off_t start, off_t end);

#endif
