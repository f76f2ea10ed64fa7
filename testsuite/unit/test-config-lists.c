/* Lists: space- or tab-separated words.  auth takes pam and popauth only,
 * at least one, none twice, in the order given; sasl_mechanisms takes the
 * known mechanisms in any case and stores them upper-case; an empty
 * sasl_mechanisms or impersonation_users is the NULL list. */
#include "config.h"

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
