/* Deletion marks that other programs leave in a message's header, and
 * their removal (mu_mailbox_clear_delete_mark).  Internal to libmu.
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

/* If line -- the start of a header line, at least up to its colon -- is
 * a status field, its deletion letter ('d' or 'D') with *value_r the
 * offset of its value; else 0.  A mark is that letter anywhere in the
 * rest of the line, however long (the scanner, which holds only the
 * start of a line, and mu_delmark_clear look at the same bytes). */
char mu_delmark_letter(const char *line, size_t len, size_t *value_r);

/* Clear the marks in the header of the message at fd's bytes
 * [start, end) (the raw file: mbox body_start..body_end, or a whole MH
 * file), in the whole first line of each status field.  Does not fsync.
 * Returns the number of letters cleared, or -1 with errno. */
int mu_delmark_clear(int fd, off_t start, off_t end);

#endif
