/* IP addresses and CIDR networks (`192.0.2.7`, `10.0.0.0/8`, `::1`,
 * `2001:db8::/32`), and whether a client address is in a list of them:
 * what access lists and lists of trusted proxies are made of.
 *
 * An IPv4 client matches the same entries whether the socket reports it
 * as 192.0.2.1 or as ::ffff:192.0.2.1 (a dual-stack `::` listener does
 * the latter): IPv4 entries, and IPv6 entries inside ::ffff:0:0/96.  An
 * IPv6 entry wider than that (`::/0`) does not take IPv4 clients, so that
 * "every IPv6 client" does not quietly mean every client. */
#ifndef MU_CIDR_H
#define MU_CIDR_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

/* One network: the addresses whose first PREFIX bits are those of ADDR.
 * The bits of ADDR past the prefix are zero.  A lone address is the
 * network of all its bits (/32, /128). */
struct mu_cidr {
	int family;                     /* AF_INET or AF_INET6 */
	unsigned char addr[16];         /* network order; AF_INET uses 4 */
	unsigned prefix;                /* 0..32 (AF_INET), 0..128 (AF_INET6) */
};

/* Parse ADDRESS or ADDRESS/PREFIX, strictly: a literal IPv4 address in
 * dotted-quad form or an IPv6 address (no host name, brackets, zone or
 * blank), a PREFIX of decimal digits without sign or leading zero, at
 * most 32 or 128, and no bit of ADDRESS set past the prefix
 * (`192.0.2.7/24` is refused with a hint naming 192.0.2.0/24: masking it
 * silently would widen a list on a typo).  0 ok; -1 with *error_r (a
 * static string, or a buffer valid until the next call into this module
 * in the same thread). */
int mu_cidr_parse(const char *text, struct mu_cidr *cidr_r,
		  const char **error_r);

/* Parse each word of WORDS (NULL-terminated; NULL is the empty list, as
 * the config reader stores lists) into a new array: *list_r, to free(),
 * NULL when there is no word; *count_r entries.  -1 with *error_r naming
 * the first bad word and what is wrong with it (valid as above). */
int mu_cidr_list_parse(char *const *words, struct mu_cidr **list_r,
		       size_t *count_r, const char **error_r);

/* Whether ADDR, of FAMILY (AF_INET: 4 octets, AF_INET6: 16, network
 * order), is in CIDR.  Any other family matches nothing. */
bool mu_cidr_match(const struct mu_cidr *cidr, int family, const void *addr);

/* Whether the address of SA (LEN octets long, as accept() or
 * getpeername() gave it) is in one of the COUNT networks of LIST.  An
 * address that is not AF_INET or AF_INET6 (a UNIX socket), or a LEN too
 * short for its family, matches nothing. */
bool mu_cidr_list_match_sockaddr(const struct mu_cidr *list, size_t count,
				 const struct sockaddr *sa, socklen_t len);

/* The same for an address in text (`192.0.2.1`, `::ffff:192.0.2.1`,
 * `2001:db8::1`; no prefix).  Text that is not an IP address matches
 * nothing. */
bool mu_cidr_list_match_text(const struct mu_cidr *list, size_t count,
			     const char *addr);

#endif
