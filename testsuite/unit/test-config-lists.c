/* Lists: space- or tab-separated words.  auth takes pam and popauth only,
 * at least one, none twice, in the order given; sasl_mechanisms takes the
 * known mechanisms in any case and stores them upper-case; an empty
 * sasl_mechanisms or impersonation_users is the NULL list.  The address
 * lists (pop3_haproxy_trusted, deny_from, allow_from) take addresses and
 * CIDR networks, stored as written; a bad one is an error naming it;
 * deny_from and allow_from may be empty, pop3_haproxy_trusted may not. */
#include "config.h"

#include "libmu/cidr.h"

#include "config-fixture.h"

static void
check_list(char **list, const char *const *expected, const char *what)
{
	size_t i;

	if (expected == NULL) {
		CHECK(list == NULL, "%s: expected the NULL list", what);
		return;
	}
	CHECK(list != NULL, "%s: NULL list", what);
	if (list == NULL)
		return;
	for (i = 0; expected[i] != NULL; i++) {
		CHECK(list[i] != NULL && strcmp(list[i], expected[i]) == 0,
		      "%s: word %zu is %s, expected %s", what, i,
		      list[i] ? list[i] : "(end)", expected[i]);
		if (list[i] == NULL)
			return;
	}
	CHECK(list[i] == NULL, "%s: extra word %s", what, list[i]);
}

int
main(void)
{
	struct mu_config cfg;
	static const char *const pam_only[] = { "pam", NULL };
	static const char *const popauth_pam[] = { "popauth", "pam", NULL };
	static const char *const mechs[] = { "PLAIN", "CRAM-MD5",
		"SCRAM-SHA-256-PLUS", NULL };
	static const char *const users[] = { "admin", "root", "x#y", NULL };

	fixture_setup();

	mu_config_init(&cfg);
	check_list(cfg.auth, pam_only, "default auth");
	check_list(cfg.sasl_mechanisms, NULL, "default sasl_mechanisms");
	check_list(cfg.impersonation_users, NULL, "default impersonation");
	CHECK(mu_list_contains(cfg.auth, "pam"), "contains pam");
	CHECK(!mu_list_contains(cfg.auth, "popauth"), "contains popauth");
	CHECK(!mu_list_contains(cfg.auth, "PAM"), "contains is exact");
	CHECK(!mu_list_contains(NULL, "pam"), "NULL list is empty");
	mu_config_free(&cfg);

	read_good(&cfg, "auth = popauth \t pam\n"
		  "sasl_mechanisms = plain Cram-MD5\tSCRAM-SHA-256-PLUS\n"
		  "impersonation_users = admin root x#y\n");
	check_list(cfg.auth, popauth_pam, "auth");
	check_list(cfg.sasl_mechanisms, mechs, "sasl_mechanisms");
	check_list(cfg.impersonation_users, users, "impersonation_users");
	CHECK(mu_list_contains(cfg.impersonation_users, "root"), "root");
	CHECK(!mu_list_contains(cfg.impersonation_users, "roo"), "roo");
	mu_config_free(&cfg);

	read_good(&cfg, "auth = \"popauth\"\nsasl_mechanisms =\n"
		  "impersonation_users = # nobody\n");
	check_list(cfg.auth, (const char *const[]){ "popauth", NULL }, "auth");
	check_list(cfg.sasl_mechanisms, NULL, "empty sasl_mechanisms");
	check_list(cfg.impersonation_users, NULL, "empty impersonation_users");
	mu_config_free(&cfg);

	/* address lists, and what the daemon makes of them */
	read_good(&cfg, "pop3_haproxy_trusted = 10.0.0.0/8\t2001:DB8::/32 "
		  "192.0.2.7\n"
		  "deny_from = 192.0.2.66 ::ffff:198.51.100.0/120\n"
		  "allow_from = \"0.0.0.0/0 ::/0\"  # everyone\n");
	check_list(cfg.haproxy_trusted, (const char *const[]){ "10.0.0.0/8",
		   "2001:DB8::/32", "192.0.2.7", NULL }, "haproxy_trusted");
	check_list(cfg.deny_from, (const char *const[]){ "192.0.2.66",
		   "::ffff:198.51.100.0/120", NULL }, "deny_from");
	check_list(cfg.allow_from, (const char *const[]){ "0.0.0.0/0", "::/0",
		   NULL }, "allow_from");
	{
		struct mu_cidr *nets = NULL;
		size_t n = 0;
		const char *error = NULL;

		CHECK(mu_cidr_list_parse(cfg.deny_from, &nets, &n, &error) == 0
		      && n == 2, "deny_from does not parse: %s", error);
		CHECK(mu_cidr_list_match_text(nets, n, "198.51.100.9"),
		      "deny_from misses a mapped network's IPv4 client");
		CHECK(!mu_cidr_list_match_text(nets, n, "192.0.2.67"),
		      "deny_from matches a neighbour");
		free(nets);
	}
	mu_config_free(&cfg);

	read_good(&cfg, "deny_from =\nallow_from = \"  \"\n");
	check_list(cfg.deny_from, NULL, "empty deny_from");
	check_list(cfg.allow_from, NULL, "blank allow_from");
	mu_config_free(&cfg);

	read_bad("pop3_haproxy_trusted = 127.0.0.1 ::1 proxy.example\n",
		 "pop3d.conf:1: pop3_haproxy_trusted: bad list \"127.0.0.1 ::1 "
		 "proxy.example\" (\"proxy.example\": not an IP address or "
		 "CIDR network (host names are not resolved); use e.g. "
		 "192.0.2.7, 10.0.0.0/8, ::1 or 2001:db8::/32)\n", 1);
	read_bad("pop3_haproxy_trusted =\n",
		 "pop3d.conf:1: pop3_haproxy_trusted: missing value (expected "
		 "addresses or CIDR networks)\n", 1);
	read_bad("pop3_haproxy_trusted = \" \"\n",
		 "pop3d.conf:1: pop3_haproxy_trusted: bad list \" \" (use "
		 "addresses or CIDR networks, e.g. 127.0.0.1 ::1 10.0.0.0/8)\n",
		 1);
	read_bad("deny_from = 10.0.0.0/8 10.1.0.0/33\n",
		 "pop3d.conf:1: deny_from: bad list \"10.0.0.0/8 10.1.0.0/33\" "
		 "(\"10.1.0.0/33\": prefix length above 32 for an IPv4 "
		 "address)\n", 1);
	read_bad("allow_from = 192.0.2.7/24\n",
		 "pop3d.conf:1: allow_from: bad list \"192.0.2.7/24\" "
		 "(\"192.0.2.7/24\": address bits set past the /24 prefix; "
		 "the network is 192.0.2.0/24)\n", 1);
	read_bad("allow_from = 2001:db8::/32 [::1]\n",
		 "pop3d.conf:1: allow_from: bad list \"2001:db8::/32 [::1]\" "
		 "(\"[::1]\": not an IP address or CIDR network (host names "
		 "are not resolved); use e.g. 192.0.2.7, 10.0.0.0/8, ::1 or "
		 "2001:db8::/32)\n", 1);
	read_bad("deny_from = ::1 10.0.0.0/8 ::1\n",
		 "pop3d.conf:1: deny_from: bad list \"::1 10.0.0.0/8 ::1\" "
		 "(::1 is listed twice)\n", 1);

	read_bad("auth = pam ldap\n",
		 "pop3d.conf:1: auth: bad list \"pam ldap\" "
		 "(unknown \"ldap\"; use pam or popauth)\n", 1);
	read_bad("auth = pam popauth pam\n",
		 "pop3d.conf:1: auth: bad list \"pam popauth pam\" "
		 "(pam is listed twice)\n", 1);
	read_bad("auth = PAM pam\n",
		 "pop3d.conf:1: auth: bad list \"PAM pam\" "
		 "(pam is listed twice)\n", 1);
	read_bad("auth =\n",
		 "pop3d.conf:1: auth: missing value (expected a list of words)\n",
		 1);
	read_bad("auth = \"  \"\n",
		 "pop3d.conf:1: auth: bad list \"  \" "
		 "(use pam or popauth)\n", 1);
	read_bad("sasl_mechanisms = PLAIN GSSAPI\n",
		 "pop3d.conf:1: sasl_mechanisms: bad list \"PLAIN GSSAPI\" "
		 "(unknown \"GSSAPI\"; use PLAIN, LOGIN, CRAM-MD5, SCRAM-SHA-1, "
		 "SCRAM-SHA-256, SCRAM-SHA-1-PLUS or SCRAM-SHA-256-PLUS)\n", 1);
	read_bad("sasl_mechanisms = login LOGIN\n",
		 "pop3d.conf:1: sasl_mechanisms: bad list \"login LOGIN\" "
		 "(LOGIN is listed twice)\n", 1);
	read_bad("impersonation_users = a b a\n",
		 "pop3d.conf:1: impersonation_users: bad list \"a b a\" "
		 "(a is listed twice)\n", 1);
	return fixture_finish();
}
