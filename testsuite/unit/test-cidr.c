/* Address lists (libmu/cidr.c): what parses and into what, each refusal
 * with its hint, and which client addresses match, given as text and as
 * the sockaddr accept() fills: IPv4, IPv6, prefixes 0, 32, 128 and odd
 * ones, and IPv4 clients as a dual-stack socket reports them
 * (::ffff:192.0.2.1) against IPv4 entries and ::ffff:0:0/96 entries. */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>

#include "cidr.h"
#include "testsuite/lib/check.h"

/* TEXT parses to FAMILY, the address ADDR (in text) and PREFIX. */
static void
parses(const char *text, int family, const char *addr, unsigned prefix)
{
	struct mu_cidr c, want;
	const char *error = NULL;

	memset(&want, 0, sizeof want);
	want.family = family;
	want.prefix = prefix;
	if (inet_pton(family, addr, want.addr) != 1) {
		printf("bad test address %s\n", addr);
		exit(1);
	}
	CHECK(mu_cidr_parse(text, &c, &error) == 0, "\"%s\" refused: %s", text,
	      error);
	if (error != NULL)
		return;
	CHECK(c.family == want.family && c.prefix == want.prefix &&
	      memcmp(c.addr, want.addr, sizeof c.addr) == 0,
	      "\"%s\": family %d prefix %u, want %d %s/%u", text, c.family,
	      c.prefix, family, addr, prefix);
}

/* TEXT is refused with exactly the hint WANT. */
static void
refused(const char *text, const char *want)
{
	struct mu_cidr c;
	const char *error = NULL;

	memset(&c, 0x5a, sizeof c);
	CHECK(mu_cidr_parse(text, &c, &error) == -1, "\"%s\" accepted", text);
	CHECK(error != NULL && strcmp(error, want) == 0,
	      "\"%s\": hint\n  [%s]\nwant\n  [%s]", text,
	      error ? error : "(none)", want);
	CHECK(c.family == 0x5a5a5a5a, "\"%s\": result written on refusal",
	      text);
}

/* The list of the words in LIST (space-separated) matches ADDR or not. */
static void
match(const char *list, const char *addr, bool want)
{
	char *copy = strdup(list), *words[16], *save = NULL;
	struct mu_cidr *nets;
	size_t n = 0, count;
	const char *error;

	for (char *w = strtok_r(copy, " ", &save); w != NULL;
	     w = strtok_r(NULL, " ", &save))
		words[n++] = w;
	words[n] = NULL;
	if (mu_cidr_list_parse(words, &nets, &count, &error) < 0) {
		printf("bad test list %s: %s\n", list, error);
		exit(1);
	}
	CHECK(mu_cidr_list_match_text(nets, count, addr) == want,
	      "[%s] %s %s", list, want ? "does not match" : "matches", addr);
	free(nets);
	free(copy);
}

static const char examples[] =
	"not an IP address or CIDR network (host names are not resolved); "
	"use e.g. 192.0.2.7, 10.0.0.0/8, ::1 or 2001:db8::/32";

static void
test_parse(void)
{
	parses("127.0.0.1", AF_INET, "127.0.0.1", 32);
	parses("192.0.2.7/32", AF_INET, "192.0.2.7", 32);
	parses("10.0.0.0/8", AF_INET, "10.0.0.0", 8);
	parses("10.128.0.0/9", AF_INET, "10.128.0.0", 9);
	parses("0.0.0.0/0", AF_INET, "0.0.0.0", 0);
	parses("::1", AF_INET6, "::1", 128);
	parses("::1/128", AF_INET6, "::1", 128);
	parses("2001:db8::/32", AF_INET6, "2001:db8::", 32);
	parses("2001:DB8:8000::/33", AF_INET6, "2001:db8:8000::", 33);
	parses("::/0", AF_INET6, "::", 0);
	parses("::ffff:0:0/96", AF_INET6, "::ffff:0.0.0.0", 96);
	parses("::ffff:192.0.2.0/120", AF_INET6, "::ffff:192.0.2.0", 120);

	refused("", "empty address");
	refused("/8", "missing address before \"/\"");
	refused("10.0.0.0/", "missing prefix length after \"/\"");
	refused("10.0.0.0/33", "prefix length above 32 for an IPv4 address");
	refused("::/129", "prefix length above 128 for an IPv6 address");
	refused("::1/1280", "the prefix length must be a number of bits, "
		"e.g. /8 or /64");
	refused("10.0.0.0/8x", "the prefix length must be a number of bits, "
		"e.g. /8 or /64");
	refused("10.0.0.0/-8", "the prefix length must be a number of bits, "
		"e.g. /8 or /64");
	refused("10.0.0.0/+8", "the prefix length must be a number of bits, "
		"e.g. /8 or /64");
	refused("10.0.0.0/ 8", "the prefix length must be a number of bits, "
		"e.g. /8 or /64");
	refused("10.0.0.0/8/8", "the prefix length must be a number of bits, "
		"e.g. /8 or /64");
	refused("10.0.0.0/08", "leading zero in the prefix length");
	refused("10.0.0.0/00", "leading zero in the prefix length");
	/* host bits: refused, and the hint names the network */
	refused("192.0.2.7/24", "address bits set past the /24 prefix; the "
		"network is 192.0.2.0/24");
	refused("10.200.0.0/9", "address bits set past the /9 prefix; the "
		"network is 10.128.0.0/9");
	refused("2001:db8::1/32", "address bits set past the /32 prefix; the "
		"network is 2001:db8::/32");
	refused("127.0.0.1/0", "address bits set past the /0 prefix; the "
		"network is 0.0.0.0/0");
	refused("::1/127", "address bits set past the /127 prefix; the "
		"network is ::/127");
	/* not addresses */
	refused("localhost", examples);
	refused("10.0.0", examples);
	refused("10.0.0.1.2", examples);
	refused("256.0.0.1", examples);
	refused("010.0.0.1", examples);         /* octal or decimal? */
	refused("0x0a.0.0.1", examples);
	refused(" 10.0.0.1", examples);
	refused("10.0.0.1 ", examples);
	refused("[::1]", examples);
	refused("[::1]/128", examples);
	refused("fe80::1%eth0", examples);
	refused("2001:db8:::1", examples);
	refused("1:2:3:4:5:6:7:8:9", examples);
	refused("0000:0000:0000:0000:0000:ffff:255.255.255.255:1", examples);
	refused("*", examples);
}

static void
test_list_parse(void)
{
	/* string literals: the parser takes the configuration's lists
	 * (char *const *) but never writes to them */
	const char *words[] = { "127.0.0.1", "::1", "10.0.0.0/8", NULL };
	const char *bad[] = { "127.0.0.1", "10.0.0.0/33", "also/bad", NULL };
	const char *long_word[] = {
		"1234567890123456789012345678901234567890"
		"1234567890123456789012345678901234567890", NULL };
	struct mu_cidr *list = (void *)1;
	size_t n = 99;
	const char *error = NULL;

	CHECK(mu_cidr_list_parse((char *const *)words, &list, &n, &error) == 0, "list: %s",
	      error);
	CHECK(n == 3 && list != NULL && list[0].family == AF_INET &&
	      list[0].prefix == 32 && list[1].family == AF_INET6 &&
	      list[1].prefix == 128 && list[2].prefix == 8, "list parsed");
	free(list);

	list = (void *)1;
	CHECK(mu_cidr_list_parse(NULL, &list, &n, &error) == 0 &&
	      list == NULL && n == 0, "the NULL list is the empty list");

	list = (void *)1;
	CHECK(mu_cidr_list_parse((char *const *)bad, &list, &n, &error) == -1 &&
	      list == NULL && n == 0, "bad list accepted");
	CHECK(strcmp(error, "\"10.0.0.0/33\": prefix length above 32 for an "
		     "IPv4 address") == 0, "bad list: %s", error);

	CHECK(mu_cidr_list_parse((char *const *)long_word, &list, &n, &error) == -1,
	      "long word accepted");
	CHECK(strcmp(error, "\"12345678901234567890123456789012345678901234"
		     "5678901234567890...\": not an IP address or CIDR network "
		     "(host names are not resolved); use e.g. 192.0.2.7, "
		     "10.0.0.0/8, ::1 or 2001:db8::/32") == 0,
	      "long word: %s", error);
}

static void
test_match_text(void)
{
	/* IPv4 */
	match("10.0.0.0/8", "10.0.0.0", true);
	match("10.0.0.0/8", "10.255.255.255", true);
	match("10.0.0.0/8", "11.0.0.0", false);
	match("10.0.0.0/8", "9.255.255.255", false);
	match("10.128.0.0/9", "10.200.0.1", true);
	match("10.128.0.0/9", "10.127.255.255", false);
	match("192.0.2.7/32", "192.0.2.7", true);
	match("192.0.2.7", "192.0.2.7", true);
	match("192.0.2.7/32", "192.0.2.6", false);
	match("192.0.2.7/32", "192.0.2.8", false);
	match("0.0.0.0/0", "0.0.0.0", true);
	match("0.0.0.0/0", "255.255.255.255", true);
	match("0.0.0.0/0", "::1", false);
	match("0.0.0.0/0", "2001:db8::1", false);

	/* IPv6 */
	match("::1", "::1", true);
	match("::1/128", "0:0:0:0:0:0:0:1", true);
	match("::1", "::2", false);
	match("::1", "::", false);
	match("2001:db8::/32", "2001:db8::1", true);
	match("2001:db8::/32", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", true);
	match("2001:db8::/32", "2001:db9::1", false);
	match("2001:db8:8000::/33", "2001:db8:ffff::1", true);
	match("2001:db8:8000::/33", "2001:db8:7fff::1", false);
	match("::/0", "::1", true);
	match("::/0", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", true);
	/* "every IPv6 client" is not every client */
	match("::/0", "192.0.2.1", false);
	match("::/0", "::ffff:192.0.2.1", false);
	match("::/64", "192.0.2.1", false);
	match("::fffe:0:0/95", "192.0.2.1", false);  /* holds ::ffff:0:0/96 */
	match("::fffe:0:0/95", "::ffff:192.0.2.1", false);

	/* IPv4-mapped clients against IPv4 entries */
	match("192.0.2.0/24", "::ffff:192.0.2.1", true);
	match("192.0.2.0/24", "::FFFF:c000:0201", true);
	match("192.0.2.0/24", "::ffff:192.0.3.1", false);
	match("127.0.0.1", "::ffff:127.0.0.1", true);
	match("0.0.0.0/0", "::ffff:203.0.113.9", true);
	/* IPv4 clients against mapped entries */
	match("::ffff:0:0/96", "192.0.2.1", true);
	match("::ffff:0:0/96", "::ffff:10.0.0.1", true);
	match("::ffff:0:0/96", "::1", false);
	match("::ffff:192.0.2.0/120", "192.0.2.77", true);
	match("::ffff:192.0.2.0/120", "192.0.3.1", false);
	match("::ffff:192.0.2.7", "192.0.2.7", true);
	/* ::192.0.2.1 (IPv4-compatible, deprecated) is an IPv6 address */
	match("192.0.2.0/24", "::192.0.2.1", false);
	match("::192.0.2.0/120", "::192.0.2.1", true);

	/* a list matches when any entry does */
	match("127.0.0.1 ::1", "127.0.0.1", true);
	match("127.0.0.1 ::1", "::1", true);
	match("127.0.0.1 ::1", "::ffff:127.0.0.1", true);
	match("127.0.0.1 ::1", "127.0.0.2", false);
	match("10.0.0.0/8 2001:db8::/32 192.0.2.7", "192.0.2.7", true);
	match("10.0.0.0/8 2001:db8::/32 192.0.2.7", "2001:db8::7", true);
	match("10.0.0.0/8 2001:db8::/32 192.0.2.7", "198.51.100.1", false);

	/* what is not an address matches nothing, not even /0 */
	match("0.0.0.0/0 ::/0", "", false);
	match("0.0.0.0/0 ::/0", "localhost", false);
	match("0.0.0.0/0 ::/0", "192.0.2.1/32", false);
	match("0.0.0.0/0 ::/0", "[::1]", false);
	match("0.0.0.0/0 ::/0", " 192.0.2.1", false);
	CHECK(!mu_cidr_list_match_text(NULL, 0, "192.0.2.1"),
	      "the empty list matches");
}

static void
test_match_sockaddr(void)
{
	const char *words[] = { "192.0.2.0/24", "2001:db8::/32", NULL };
	struct mu_cidr *list;
	size_t n;
	const char *error;
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	struct sockaddr_un *sun = (struct sockaddr_un *)&ss;

	if (mu_cidr_list_parse((char *const *)words, &list, &n, &error) < 0) {
		printf("bad test list: %s\n", error);
		exit(1);
	}

	memset(&ss, 0, sizeof ss);
	sin->sin_family = AF_INET;
	sin->sin_port = htons(110);
	inet_pton(AF_INET, "192.0.2.1", &sin->sin_addr);
	CHECK(mu_cidr_list_match_sockaddr(list, n, (struct sockaddr *)&ss,
					  sizeof *sin), "IPv4 sockaddr");
	CHECK(mu_cidr_list_match_sockaddr(list, n, (struct sockaddr *)&ss,
					  sizeof ss), "IPv4 in storage");
	CHECK(!mu_cidr_list_match_sockaddr(list, n, (struct sockaddr *)&ss,
					   sizeof *sin - 1), "short IPv4");
	CHECK(!mu_cidr_list_match_sockaddr(NULL, 0, (struct sockaddr *)&ss,
					   sizeof *sin), "empty list");
	inet_pton(AF_INET, "192.0.3.1", &sin->sin_addr);
	CHECK(!mu_cidr_list_match_sockaddr(list, n, (struct sockaddr *)&ss,
					   sizeof *sin), "IPv4 outside");

	/* what a dual-stack :: listener reports for an IPv4 client */
	memset(&ss, 0, sizeof ss);
	sin6->sin6_family = AF_INET6;
	inet_pton(AF_INET6, "::ffff:192.0.2.200", &sin6->sin6_addr);
	CHECK(mu_cidr_list_match_sockaddr(list, n, (struct sockaddr *)&ss,
					  sizeof *sin6), "mapped sockaddr");
	inet_pton(AF_INET6, "2001:db8:1::1", &sin6->sin6_addr);
	CHECK(mu_cidr_list_match_sockaddr(list, n, (struct sockaddr *)&ss,
					  sizeof *sin6), "IPv6 sockaddr");
	CHECK(!mu_cidr_list_match_sockaddr(list, n, (struct sockaddr *)&ss,
					   sizeof *sin6 - 1), "short IPv6");
	inet_pton(AF_INET6, "2001:db9::1", &sin6->sin6_addr);
	CHECK(!mu_cidr_list_match_sockaddr(list, n, (struct sockaddr *)&ss,
					   sizeof *sin6), "IPv6 outside");

	/* inetd on a UNIX socket: no address to match */
	memset(&ss, 0, sizeof ss);
	sun->sun_family = AF_UNIX;
	CHECK(!mu_cidr_list_match_sockaddr(list, n, (struct sockaddr *)&ss,
					   sizeof *sun), "UNIX socket");
	CHECK(!mu_cidr_list_match_sockaddr(list, n, (struct sockaddr *)&ss, 0),
	      "empty sockaddr");
	CHECK(!mu_cidr_list_match_sockaddr(list, n, NULL, 0), "NULL sockaddr");
	free(list);
}

int
main(void)
{
	test_parse();
	test_list_parse();
	test_match_text();
	test_match_sockaddr();
	return check_summary();
}
