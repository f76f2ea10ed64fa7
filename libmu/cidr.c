/* IP addresses and CIDR networks, and matching a client address against a
 * list of them (cidr.h).
 *
 * Parsing is strict because these lists decide who gets in: a word that
 * could be read two ways (a host name, `010.0.0.1`, `/08`, host bits past
 * the prefix) is refused with a hint rather than guessed at. */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cidr.h"
#include "util.h"

/* The first 96 bits of an IPv4-mapped IPv6 address (RFC 4291 section
 * 2.5.5.2), ::ffff:0:0/96. */
static const unsigned char v4mapped_prefix[12] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
};
#define V4MAPPED_BITS 96

/* Hints that quote the input; one per kind, so that the list parser can
 * quote a word's own hint. */
static __thread char parse_errbuf[160];
static __thread char list_errbuf[256];

#define CIDR_EXAMPLES "e.g. 192.0.2.7, 10.0.0.0/8, ::1 or 2001:db8::/32"

/* Whether the first BITS bits of A and B are equal. */
static bool
prefix_equal(const unsigned char *a, const unsigned char *b, unsigned bits)
{
	size_t whole = bits / 8;
	unsigned rest = bits % 8;
	unsigned char mask;

	if (memcmp(a, b, whole) != 0)
		return false;
	if (rest == 0)
		return true;
	mask = (unsigned char)(0xffu << (8 - rest));
	return ((a[whole] ^ b[whole]) & mask) == 0;
}

/* Whether any bit of ADDR (SIZE octets) past the first BITS is set. */
static bool
has_host_bits(const unsigned char *addr, size_t size, unsigned bits)
{
	size_t i = bits / 8;

	if (bits % 8 != 0) {
		if ((addr[i] & (0xffu >> (bits % 8))) != 0)
			return true;
		i++;
	}
	for (; i < size; i++)
		if (addr[i] != 0)
			return true;
	return false;
}

/* ADDR with every bit past the first BITS cleared. */
static void
clear_host_bits(unsigned char *addr, size_t size, unsigned bits)
{
	size_t i = bits / 8;

	if (bits % 8 != 0) {
		addr[i] &= (unsigned char)(0xffu << (8 - bits % 8));
		i++;
	}
	for (; i < size; i++)
		addr[i] = 0;
}

/* The prefix length after the '/': decimal digits, no sign, no leading
 * zero (as inet_pton refuses `010` in an IPv4 address), at most MAX. */
static int
parse_prefix(const char *p, unsigned max, unsigned *prefix_r,
	     const char **error_r)
{
	unsigned v = 0;
	size_t n = strspn(p, "0123456789");

	if (*p == '\0') {
		*error_r = "missing prefix length after \"/\"";
		return -1;
	}
	if (p[n] != '\0' || n > 3) {
		*error_r = "the prefix length must be a number of bits, "
			   "e.g. /8 or /64";
		return -1;
	}
	if (n > 1 && p[0] == '0') {
		*error_r = "leading zero in the prefix length";
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (unsigned)(p[i] - '0');
	if (v > max) {
		snprintf(parse_errbuf, sizeof parse_errbuf,
			 "prefix length above %u for an %s address", max,
			 max == 32 ? "IPv4" : "IPv6");
		*error_r = parse_errbuf;
		return -1;
	}
	*prefix_r = v;
	return 0;
}

int
mu_cidr_parse(const char *text, struct mu_cidr *cidr_r, const char **error_r)
{
	char addr_text[INET6_ADDRSTRLEN];
	const char *slash = strchr(text, '/');
	size_t len = slash != NULL ? (size_t)(slash - text) : strlen(text);
	struct mu_cidr c;
	size_t size;

	memset(&c, 0, sizeof c);
	if (len == 0) {
		*error_r = slash != NULL ? "missing address before \"/\""
					 : "empty address";
		return -1;
	}
	/* the longest IPv6 text is shorter than the buffer; a longer word
	 * is no address, and is not copied */
	if (len >= sizeof addr_text)
		goto not_an_address;
	memcpy(addr_text, text, len);
	addr_text[len] = '\0';

	/* a colon tells the families apart: no IPv4 form has one */
	c.family = memchr(addr_text, ':', len) != NULL ? AF_INET6 : AF_INET;
	if (inet_pton(c.family, addr_text, c.addr) != 1)
		goto not_an_address;
	size = c.family == AF_INET ? 4 : 16;
	c.prefix = (unsigned)size * 8;
	if (slash != NULL &&
	    parse_prefix(slash + 1, c.prefix, &c.prefix, error_r) < 0)
		return -1;

	if (has_host_bits(c.addr, size, c.prefix)) {
		char net[INET6_ADDRSTRLEN];

		clear_host_bits(c.addr, size, c.prefix);
		if (inet_ntop(c.family, c.addr, net, sizeof net) == NULL)
			strcpy(net, "?");
		snprintf(parse_errbuf, sizeof parse_errbuf,
			 "address bits set past the /%u prefix; the network "
			 "is %s/%u", c.prefix, net, c.prefix);
		*error_r = parse_errbuf;
		return -1;
	}
	*cidr_r = c;
	return 0;

not_an_address:
	*error_r = "not an IP address or CIDR network (host names are not "
		   "resolved); use " CIDR_EXAMPLES;
	return -1;
}

int
mu_cidr_list_parse(char *const *words, struct mu_cidr **list_r,
		   size_t *count_r, const char **error_r)
{
	struct mu_cidr *list = NULL;
	size_t n = 0;

	while (words != NULL && words[n] != NULL)
		n++;
	if (n > 0)
		list = mu_xreallocarray(NULL, n, sizeof *list);
	for (size_t i = 0; i < n; i++) {
		const char *why;

		if (mu_cidr_parse(words[i], &list[i], &why) < 0) {
			snprintf(list_errbuf, sizeof list_errbuf,
				 "\"%.60s%s\": %s", words[i],
				 strlen(words[i]) > 60 ? "..." : "", why);
			*error_r = list_errbuf;
			free(list);
			*list_r = NULL;
			*count_r = 0;
			return -1;
		}
	}
	*list_r = list;
	*count_r = n;
	return 0;
}

bool
mu_cidr_match(const struct mu_cidr *cidr, int family, const void *addr)
{
	const unsigned char *a = addr;

	/* an IPv4 client as a dual-stack socket reports it is still an
	 * IPv4 client */
	if (family == AF_INET6 &&
	    memcmp(a, v4mapped_prefix, sizeof v4mapped_prefix) == 0) {
		family = AF_INET;
		a += sizeof v4mapped_prefix;
	}
	if (family == AF_INET) {
		if (cidr->family == AF_INET)
			return prefix_equal(cidr->addr, a, cidr->prefix);
		/* an IPv6 entry takes IPv4 clients only inside
		 * ::ffff:0:0/96, where their mapped forms are */
		if (cidr->family == AF_INET6 && cidr->prefix >= V4MAPPED_BITS &&
		    memcmp(cidr->addr, v4mapped_prefix,
			   sizeof v4mapped_prefix) == 0)
			return prefix_equal(cidr->addr + sizeof v4mapped_prefix,
					    a, cidr->prefix - V4MAPPED_BITS);
		return false;
	}
	if (family == AF_INET6 && cidr->family == AF_INET6)
		return prefix_equal(cidr->addr, a, cidr->prefix);
	return false;
}

static bool
list_match(const struct mu_cidr *list, size_t count, int family,
	   const void *addr)
{
	for (size_t i = 0; i < count; i++)
		if (mu_cidr_match(&list[i], family, addr))
			return true;
	return false;
}

bool
mu_cidr_list_match_sockaddr(const struct mu_cidr *list, size_t count,
			    const struct sockaddr *sa, socklen_t len)
{
	/* copied out, not cast: SA need not be aligned for the larger
	 * structures */
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;

	if (sa == NULL || len < (socklen_t)sizeof(sa_family_t))
		return false;
	switch (sa->sa_family) {
	case AF_INET:
		if (len < (socklen_t)sizeof sin)
			return false;
		memcpy(&sin, sa, sizeof sin);
		return list_match(list, count, AF_INET, &sin.sin_addr);
	case AF_INET6:
		if (len < (socklen_t)sizeof sin6)
			return false;
		memcpy(&sin6, sa, sizeof sin6);
		return list_match(list, count, AF_INET6, &sin6.sin6_addr);
	}
	return false;
}

bool
mu_cidr_list_match_text(const struct mu_cidr *list, size_t count,
			const char *addr)
{
	unsigned char bytes[16];

	if (addr == NULL)
		return false;
	if (strchr(addr, ':') != NULL) {
		if (inet_pton(AF_INET6, addr, bytes) != 1)
			return false;
		return list_match(list, count, AF_INET6, bytes);
	}
	if (inet_pton(AF_INET, addr, bytes) != 1)
		return false;
	return list_match(list, count, AF_INET, bytes);
}
