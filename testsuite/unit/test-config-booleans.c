/* Booleans: yes/no, true/false, on/off, 1/0 in any case, nothing else. */
#include "config.h"

#include "config-fixture.h"

static void
good(const char *text, bool expected)
{
	bool value = !expected;
	const char *why = NULL;
	int rc = mu_parse_bool(text, &value, &why);

	CHECK(rc == 0 && value == expected, "\"%s\": rc %d, %d: %s", text, rc,
	      value, why ? why : "");
}

static void
bad(const char *text)
{
	bool value = true;
	const char *why = NULL;
	int rc = mu_parse_bool(text, &value, &why);

	CHECK(rc == -1 && why != NULL && value, "\"%s\" accepted", text);
}

int
main(void)
{
	struct mu_config cfg;

	good("yes", true);
	good("YES", true);
	good("true", true);
	good("True", true);
	good("on", true);
	good("oN", true);
	good("1", true);
	good("no", false);
	good("No", false);
	good("false", false);
	good("FALSE", false);
	good("off", false);
	good("0", false);
	bad("");
	bad("y");
	bad("n");
	bad("2");
	bad("01");
	bad("yess");
	bad(" yes");
	bad("yes ");
	bad("enabled");

	fixture_setup();
	read_good(&cfg, "apop = off\npop3_support_tls = TRUE\nundelete = 1\n"
		  "pop3_force_tls = yes # comment\ndelete_expired = no\n");
	CHECK(!cfg.apop, "apop");
	CHECK(cfg.support_tls, "support_tls");
	CHECK(cfg.undelete, "undelete");
	CHECK(cfg.force_tls, "force_tls");
	CHECK(!cfg.delete_expired, "delete_expired");
	mu_config_free(&cfg);

	read_bad("\napop = maybe\n",
		 "pop3d.conf:2: apop: bad boolean \"maybe\" "
		 "(use yes/no, true/false, on/off or 1/0)\n", 1);
	read_bad("undelete =\n",
		 "pop3d.conf:1: undelete: missing value (expected yes or no)\n", 1);
	return fixture_finish();
}
