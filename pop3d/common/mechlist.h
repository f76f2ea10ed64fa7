/* SASL mechanism lists as the monitor hands them out: names separated by
 * spaces.  Used on both sides of the process split -- the network process
 * (CAPA and AUTH before login) and the monitor (the list for CAPA after
 * login) -- so that both filter alike. */
#ifndef POP3D_MECHLIST_H
#define POP3D_MECHLIST_H

#include <stdbool.h>
#include <stddef.h>

/* Is word one of list's names? */
bool mechlist_contains(const char *list, const char *word);

/* Is name a -PLUS mechanism, which needs a channel binding (TLS)? */
bool mechlist_is_plus(const char *name, size_t len);

/* list into buf (NUL-terminated, at most size octets), the -PLUS names
 * left out unless plus; a name that does not fit is left out whole. */
void mechlist_filter(const char *list, bool plus, char *buf, size_t size);

#endif
