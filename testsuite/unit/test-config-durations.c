/* Durations: a number of seconds, or a number and a unit (s, min, h, days,
 * weeks and their spellings), a space allowed between; no sign, no
 * fractions, no junk, and nothing above UINT_MAX seconds. */
#include "config.h"

#include "config-fixture.h"

static void
good(const char *text, unsigned expected)
{
	unsigned secs = 12345;
	const char *why = NULL;
	int rc = mu_parse_duration(text, &secs, &why);

	CHECK(rc == 0 && secs == expected, "\"%s\": rc %d, %u s (expected %u): %s",
	      text, rc, secs, expected, why ? why : "");
}

static void
bad(const char *text)
{
	unsigned secs = 12345;
	const char *why = NULL;
	int rc = mu_parse_duration(text, &secs, &why);

	CHECK(rc == -1 && why != NULL && secs == 12345,
	      "\"%s\" accepted as %u s", text, secs);
}

int
main(void)
{
	struct mu_config cfg;

	/* the examples of pop3d.conf(5) */
	good("90", 90);
	good("90s", 90);
	good("3min", 180);
	good("3 minutes", 180);
	good("1h", 3600);
	good("2 hours", 7200);
	good("5 days", 432000);
	good("1 week", 604800);
	/* every unit spelling, any case */
	good("0", 0);
	good("7sec", 7);
	good("1 second", 1);
	good("2 seconds", 2);
	good("4m", 240);
	good("1 minute", 60);
	good("3 HOUR", 10800);
	good("1d", 86400);
	good("1 day", 86400);
	good("2w", 1209600);
	good("3 weeks", 1814400);
	good("10 Sec", 10);
	good("1  h", 3600);
	/* the largest that fits, and one unit more */
	good("4294967295", 4294967295u);
	good("49710 days", 4294944000u);
	bad("4294967296");
	bad("49711 days");
	bad("7102 weeks");
	bad("99999999999999999999999999");
	bad("99999999999999999999999999 s");
	/* not durations */
	bad("");
	bad("3 fortnights");
	bad("-5");
	bad("+5");
	bad(" 5");
	bad("5 ");
	bad("5s ");
	bad("1h30m");
	bad("1.5h");
	bad("s");
	bad("5 s s");
	bad("0x10");

	fixture_setup();
	/* in the file: the brief's example error, bounds, units */
	read_good(&cfg, "pop3_conn_timeout = 10 minutes\n"
		  "lock_timeout = 2 hours\n"
		  "login_delay = 1w\n"
		  "block_interval_auths = 45\n");
	CHECK(cfg.conn_timeout == 600, "conn_timeout %u", cfg.conn_timeout);
	CHECK(cfg.lock_timeout == 7200, "lock_timeout %u", cfg.lock_timeout);
	CHECK(cfg.login_delay == 604800, "login_delay %u", cfg.login_delay);
	CHECK(cfg.block_interval_auths == 45, "block %u",
	      cfg.block_interval_auths);
	mu_config_free(&cfg);

	read_bad("# line 1\n\n\n\n\n\npop3_conn_timeout = 3 fortnights\n",
		 "pop3d.conf:7: pop3_conn_timeout: bad duration \"3 fortnights\" "
		 "(use e.g. 90s, 3min, 1h, 5 days)\n", 1);
	read_bad("pop3_conn_timeout = 0\n",
		 "pop3d.conf:1: pop3_conn_timeout: bad duration \"0\" "
		 "(at least 1 second)\n", 1);
	read_bad("lock_timeout = 50000 days\n",
		 "pop3d.conf:1: lock_timeout: bad duration \"50000 days\" "
		 "(too long: at most 4294967295 seconds)\n", 1);
	read_bad("lock_timeout =\n",
		 "pop3d.conf:1: lock_timeout: missing value (expected a "
		 "duration, e.g. 90s, 3min, 1h, 5 days)\n", 1);
	return fixture_finish();
}
