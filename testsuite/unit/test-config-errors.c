/* Every kind of error is reported as `FILE:LINE: message` with the right
 * line number, and reading goes on so that one run shows them all; the
 * good lines among them still take effect. */
#include "config.h"

#include <sys/stat.h>

#include "config-fixture.h"

static void
each_kind_once(void)
{
	struct mu_config cfg;
	char *errs;
	int rc;

	rc = read_text(&cfg,
		"# errors, one a line, with good lines between\n"  /* 1 */
		"no_such_thing = 1\n"                              /* 2 */
		"mailbox = maildir:/srv/mail/%u\n"                 /* 3 */
		"pop3_listen_port 110\n"                           /* 4 */
		"= 5\n"                                            /* 5 */
		"pop3_listen_port = 70000\n"                       /* 6 */
		"mailbox = mbox:/var/mail/%u\n"                    /* 7 */
		"pop3_log_level = 0\n"                             /* 8 */
		"pop3_log_level = 9\n"                             /* 9 */
		"pop3_accept_haproxy = 1\n"                        /* 10 */
		"pop3_cmd_debug = 3\n"                             /* 11 */
		"tls_min_proto = ssl3\n"                           /* 12 */
		"host_id = \"unterminated\n"                       /* 13 */
		"host_id = \"a\\tb\"\n"                            /* 14 */
		"pam_service = \"pop3\" junk\n"                    /* 15 */
		"expire = -1\n"                                    /* 16 */
		"pop3_listen_addr = localhost\n"                   /* 17 */
		"context_num = 0\n"                                /* 18 */
		"apop = no\n"                                      /* 19 */
		"pam_service =\n"                                  /* 20 */
		"Pop3_Log_Level = 6\n",                            /* 21 */
		&errs);
	static const char expected[] =
		"pop3d.conf:2: unknown directive \"no_such_thing\"\n"
		"pop3d.conf:4: pop3_listen_port: missing \"=\" (expected "
			"\"pop3_listen_port = value\")\n"
		"pop3d.conf:5: missing directive name before \"=\" (expected "
			"\"name = value\")\n"
		"pop3d.conf:6: pop3_listen_port: bad number \"70000\" "
			"(use 0 to 65535)\n"
		"pop3d.conf:7: mailbox: set twice (first on line 3)\n"
		"pop3d.conf:8: pop3_log_level: bad number \"0\" (use 1 to 6)\n"
		"pop3d.conf:9: pop3_log_level: set twice (first on line 8)\n"
		"pop3d.conf:10: pop3_accept_haproxy: bad number \"1\" "
			"(PROXY protocol v1 is not supported; use 0 or 2)\n"
		"pop3d.conf:11: pop3_cmd_debug: bad number \"3\" (use 0 to 2)\n"
		"pop3d.conf:12: tls_min_proto: bad value \"ssl3\" "
			"(use tls1.0, tls1.1, tls1.2 or tls1.3)\n"
		"pop3d.conf:13: host_id: missing closing quote\n"
		"pop3d.conf:14: host_id: bad escape in quoted value "
			"(only \\\" and \\\\ are allowed)\n"
		"pop3d.conf:15: pam_service: unexpected text after the closing "
			"quote\n"
		"pop3d.conf:16: expire: bad number \"-1\" "
			"(use a whole number of digits only, e.g. 3)\n"
		"pop3d.conf:17: pop3_listen_addr: bad value \"localhost\" "
			"(use an IPv4 or IPv6 address, e.g. ::, 0.0.0.0, "
			"127.0.0.1 or ::1)\n"
		"pop3d.conf:18: context_num: bad number \"0\" (at least 1)\n"
		"pop3d.conf:20: pam_service: missing value (expected a value)\n"
		"pop3d.conf:21: pop3_log_level: set twice (first on line 8)\n";

	CHECK(rc == 18, "%d errors, expected 18", rc);
	CHECK(strcmp(errs, expected) == 0, "errors:\n%s\nexpected:\n%s",
	      errs, expected);
	/* good lines between the bad ones took effect; bad ones did not */
	CHECK(strcmp(cfg.mailbox, "maildir:/srv/mail/%u") == 0, "mailbox %s",
	      cfg.mailbox);
	CHECK(!cfg.apop, "apop after errors");
	CHECK(cfg.listen_port == 110, "port %u", cfg.listen_port);
	CHECK(cfg.log_level == 4, "log level %u", cfg.log_level);
	CHECK(cfg.accept_haproxy == 0, "haproxy %u", cfg.accept_haproxy);
	CHECK(strcmp(cfg.pam_service, "pop3") == 0, "pam_service %s",
	      cfg.pam_service);
	free(errs);
	mu_config_free(&cfg);
}

/* A line of 4097 bytes is an error, not a crash, not two lines; 4096 is
 * fine; reading goes on after it. */
static void
long_lines(void)
{
	char *text = malloc(3 * 70000);
	size_t n = 0;

	n += (size_t)sprintf(text + n, "host_id = ");
	memset(text + n, 'a', 4096 - 10);
	n += 4096 - 10;
	text[n++] = '\n';
	n += (size_t)sprintf(text + n, "pop3_listen_port = 1");
	memset(text + n, '0', 4097 - 20);    /* "= 1000..." is 4097 bytes */
	n += 4097 - 20;
	text[n++] = '\n';
	memset(text + n, '#', 65536);           /* a huge comment line */
	n += 65536;
	text[n++] = '\n';
	n += (size_t)sprintf(text + n, "apop = maybe\n");
	text[n] = '\0';
	read_bad(text,
		 "pop3d.conf:2: line too long (more than 4096 bytes)\n"
		 "pop3d.conf:3: line too long (more than 4096 bytes)\n"
		 "pop3d.conf:4: apop: bad boolean \"maybe\" "
		 "(use yes/no, true/false, on/off or 1/0)\n", 3);
	free(text);
}

/* A NUL byte voids its line; the last line needs no newline. */
static void
nul_and_last_line(void)
{
	static const char text[] = "apop = n\0o\nundelete = yes";
	struct mu_config cfg;
	char *errs;
	FILE *f;
	int rc;

	write_file("nul.conf", text, sizeof text - 1);
	f = open_memstream(&errs, &(size_t){ 0 });
	mu_config_init(&cfg);
	rc = mu_config_read(&cfg, "nul.conf", false, f);
	fclose(f);
	CHECK(rc == 1, "nul: %d errors", rc);
	CHECK(strcmp(errs, "nul.conf:1: NUL byte in line\n") == 0, "nul: %s",
	      errs);
	CHECK(cfg.undelete, "last line without newline ignored");
	CHECK(cfg.apop, "apop changed by a voided line");
	free(errs);
	mu_config_free(&cfg);
}

/* A missing file: -1 and a message, unless missing_ok (the default
 * config file); a directory cannot be read either. */
static void
missing_and_unreadable(void)
{
	struct mu_config cfg;
	char *errs;
	FILE *f;
	int rc;

	mu_config_init(&cfg);
	CHECK(mu_config_read(&cfg, "absent.conf", true, stderr) == 0,
	      "missing_ok");
	CHECK(cfg.file == NULL, "file set for a missing file");

	f = open_memstream(&errs, &(size_t){ 0 });
	rc = mu_config_read(&cfg, "absent.conf", false, f);
	fclose(f);
	CHECK(rc == -1, "missing: %d", rc);
	CHECK(strcmp(errs, "absent.conf: cannot open: No such file or "
		      "directory\n") == 0, "missing: %s", errs);
	free(errs);

	if (mkdir("dir.conf", 0700) < 0)
		perror("mkdir");
	f = open_memstream(&errs, &(size_t){ 0 });
	rc = mu_config_read(&cfg, "dir.conf", true, f);
	fclose(f);
	CHECK(rc == -1, "directory: %d", rc);
	CHECK(strstr(errs, "dir.conf") == errs &&
	      strstr(errs, "Is a directory") != NULL, "directory: %s", errs);
	free(errs);
	mu_config_free(&cfg);
}

int
main(void)
{
	fixture_setup();
	each_kind_once();
	long_lines();
	nul_and_last_line();
	missing_and_unreadable();
	return fixture_finish();
}
