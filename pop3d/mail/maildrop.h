/* Helpers over the open maildrop shared by the TRANSACTION commands
 * (maildrop.c). */
#ifndef POP3D_MAILDROP_H
#define POP3D_MAILDROP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pop3d/mail/mail_session.h"

/* Strict decimal: digits only, no sign, no space, no overflow. */
bool parse_number(const char *text, uint64_t *value_r);

/* Map a message-number argument to a mailbox index.  On failure it has
 * already answered -ERR (bad number, no such message, deleted) and
 * returns -1. */
int msg_lookup(struct mail_session *m, const char *arg, size_t *idx_r);

/* Messages not marked deleted, and their octets. */
void maildrop_totals(const struct mail_session *m, size_t *count_r,
		     uint64_t *octets_r);

#endif
