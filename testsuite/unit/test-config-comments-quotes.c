/* The line syntax: `#` opens a comment at line start or after a blank only,
 * so pa#ss survives; blank and comment lines are skipped; blanks around
 * `=` and the value are free; double quotes keep blanks and a leading `#`,
 * with \" and \\ as the only escapes; CRLF line ends are accepted. */
#include "config.h"

#include "config-fixture.h"

static void
expect_str(const char *got, const char *expected, const char *what)
{
	CHECK(got != NULL && strcmp(got, expected) == 0,
	      "%s: got [%s], expected [%s]", what, got ? got : "(null)",
	      expected);
}

int
main(void)
{
	struct mu_config cfg;

	fixture_setup();

	read_good(&cfg,
		  "# a comment\n"
		  "   # an indented comment\n"
		  "\n"
		  " \t \n"
		  "pop3_certificate_passwd = pa#ss\n"
		  "mailbox=maildir:/home/%u/Mail#x # the rest is a comment\n"
		  "\thost_id\t=\tmail.example.org\t\n"
		  "pam_service = pop3 with spaces  \n"
		  "telemetry_dir = \"  /var/spool/tele metry # not a comment \"\n"
		  "bulletin_source = \"#leading hash\"   # comment\n"
		  "bulletin_db = \"quote \\\" and backslash \\\\ end\"\n"
		  "running_identity = back\\slash\n"
		  "mail_user = \"\"\n");
	expect_str(cfg.certificate_passwd, "pa#ss", "pa#ss");
	expect_str(cfg.mailbox, "maildir:/home/%u/Mail#x", "mailbox");
	expect_str(cfg.host_id, "mail.example.org", "tabs");
	expect_str(cfg.pam_service, "pop3 with spaces", "inner spaces");
	expect_str(cfg.telemetry_dir, "  /var/spool/tele metry # not a comment ",
		   "quoted blanks and hash");
	expect_str(cfg.bulletin_source, "#leading hash", "leading hash");
	expect_str(cfg.bulletin_db, "quote \" and backslash \\ end",
		   "escapes");
	expect_str(cfg.running_identity, "back\\slash",
		   "unquoted backslash is literal");
	expect_str(cfg.mail_user, "", "empty quotes");
	mu_config_free(&cfg);

	/* a value that is only a comment is empty */
	read_good(&cfg, "pop3_certificate_path = # none\n");
	CHECK(cfg.certificate_path == NULL, "comment-only value");
	mu_config_free(&cfg);

	/* CRLF files, as written by some editors */
	read_good(&cfg, "apop = no\r\nhost_id = crlf.example\r\n\r\n# c\r\n");
	CHECK(!cfg.apop, "crlf bool");
	expect_str(cfg.host_id, "crlf.example", "crlf string");
	mu_config_free(&cfg);

	read_bad("stat_file = \"a\"\"b\"\n",
		 "pop3d.conf:1: stat_file: unexpected text after the closing "
		 "quote\n", 1);
	read_bad("host_id = \"x\\n\"\n",
		 "pop3d.conf:1: host_id: bad escape in quoted value "
		 "(only \\\" and \\\\ are allowed)\n", 1);
	read_bad("host_id = \"x\\\"\n",
		 "pop3d.conf:1: host_id: missing closing quote\n", 1);
	read_bad("host_id = \"\"\n",
		 "pop3d.conf:1: host_id: missing value (expected a value)\n", 1);
	read_bad("host#id = x\n",
		 "pop3d.conf:1: unknown directive \"host#id\"; did you mean "
		 "\"host_id\"?\n", 1);
	return fixture_finish();
}
