/* mu_config_print writes every directive in table order as `name = value`
 * (durations in seconds, booleans yes/no, unset as `name =`), and reading
 * that output back gives the same config: for the defaults, and for a
 * config where every directive differs from its default, including values
 * that need quotes (a trailing CR among them) and an empty string whose
 * default is not empty. */
#include "config.h"

#include "config-fixture.h"

static char *
print_to_string(const struct mu_config *cfg)
{
	char *text;
	size_t len;
	FILE *f = open_memstream(&text, &len);

	if (f == NULL) {
		perror("open_memstream");
		exit(1);
	}
	mu_config_print(cfg, f);
	fclose(f);
	return text;
}

/* Print, read back, print again: both prints must match and the two
 * configs must hold the same values. */
static void
round_trip(const struct mu_config *cfg, const char *what)
{
	struct mu_config back;
	char *first = print_to_string(cfg), *second;

	read_good(&back, first);
	second = print_to_string(&back);
	CHECK(strcmp(first, second) == 0, "%s: printed\n%s\nthen\n%s", what,
	      first, second);
	for (size_t i = 0; i < mu_directive_count; i++)
		CHECK(back.explicit_set[i], "%s: %s not printed", what,
		      mu_directives[i].name);
	/* field by field, for the types print could mask */
	CHECK(strcmp(back.host_id, cfg->host_id) == 0, "%s: host_id", what);
	CHECK((back.certificate_passwd == NULL) ==
	      (cfg->certificate_passwd == NULL) &&
	      (back.certificate_passwd == NULL ||
	       strcmp(back.certificate_passwd, cfg->certificate_passwd) == 0),
	      "%s: certificate_passwd", what);
	CHECK(strcmp(back.running_identity, cfg->running_identity) == 0,
	      "%s: running_identity", what);
	CHECK(back.expire == cfg->expire, "%s: expire", what);
	CHECK(back.listen_tls_port == cfg->listen_tls_port, "%s: tls port",
	      what);
	CHECK(back.conn_timeout == cfg->conn_timeout, "%s: timeout", what);
	CHECK(strcmp(back.mail_privileged_group,
		     cfg->mail_privileged_group) == 0,
	      "%s: mail_privileged_group", what);
	CHECK((back.pid_file == NULL) == (cfg->pid_file == NULL),
	      "%s: pid_file", what);
	free(first);
	free(second);
	mu_config_free(&back);
}

static bool
has_line(const char *text, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = text; (p = strstr(p, line)) != NULL; p++)
		if ((p == text || p[-1] == '\n') && p[n] == '\n')
			return true;
	return false;
}

int
main(void)
{
	struct mu_config cfg;
	char *text;
	size_t lines = 0;

	fixture_setup();

	/* defaults, with the printed forms of each kind */
	mu_config_init(&cfg);
	text = print_to_string(&cfg);
	for (const char *p = text; *p; p++)
		lines += *p == '\n';
	CHECK(lines == mu_directive_count, "%zu lines", lines);
	CHECK(strncmp(text, "host_id = ", 10) == 0, "first line: %.30s", text);
	static const char *const default_lines[] = {
		"pop3_listen_addr = ::", "pop3_listen_port = 110",
		"pop3_listen_tls_port =", "pop3_conn_timeout = 180",
		"block_interval_auths = 60", "pop3_support_tls = no",
		"pop3_certificate_path =", "tls_min_proto = tls1.2",
		"pop3_log_file = -", "running_identity = nobody",
		"mailbox = mbox:/var/mail/%u", "expire =", "auth = pam",
		"apop = yes", "sasl_mechanisms =", "impersonation_users =",
		"lock_timeout = 30", "pop3_haproxy_trusted = 127.0.0.1 ::1",
		"mail_privileged_group = mail", "login_timeout = 60",
		"prelogin_per_addr = 10", "pid_file =", "deny_from =",
		"allow_from =", NULL
	};
	for (size_t i = 0; default_lines[i] != NULL; i++)
		CHECK(has_line(text, default_lines[i]), "no line \"%s\" in\n%s",
		      default_lines[i], text);
	free(text);
	round_trip(&cfg, "defaults");
	mu_config_free(&cfg);

	/* every directive away from its default */
	read_good(&cfg,
		  "host_id = \"  padded.example \"\n"
		  "pop3_listen_addr = 0.0.0.0\n"
		  "pop3_listen_port = 1110\n"
		  "pop3_listen_tls_port = 0\n"
		  "context_num = 7\n"
		  "pop3_conn_timeout = 10 minutes\n"
		  "pop3_auth_times = 9\n"
		  "block_interval_auths = 1 week\n"
		  "enable_capa_implementation = yes\n"
		  "pop3_support_tls = on\n"
		  "pop3_force_tls = true\n"
		  "pop3_certificate_path = /etc/ssl/a.pem:/etc/ssl/b.pem\n"
		  "pop3_private_key_path = /etc/ssl/a key.pem\n"
		  "pop3_certificate_passwd = \"#secret \\\" \\\\ pa#ss\"\n"
		  "tls_min_proto = tls1.3\n"
		  "pop3_accept_haproxy = 2\n"
		  "pop3_haproxy_trusted = 10.0.0.0/8 2001:DB8::/32\n"
		  "pop3_fd_limit = 4096\n"
		  "pop3_cmd_debug = 1\n"
		  "pop3_log_file = /var/log/pop3d.log\n"
		  "pop3_log_level = 6\n"
		  "running_identity = pop3d\n"
		  "mailbox = maildir:~/Maildir\n"
		  "login_delay = 15min\n"
		  "stat_file = /tmp/login.db\n"
		  "expire = 0\n"
		  "delete_expired = yes\n"
		  "undelete = yes\n"
		  "bulletin_source = mbox:/var/spool/bulletins\n"
		  "bulletin_db = \"\\\"quoted\\\"\"\n"
		  "auth = popauth pam\n"
		  "pam_service = pop3-test\n"
		  "popauth_db = /tmp/popauth.db\n"
		  "mail_user = vmail\n"
		  "apop = no\n"
		  "sasl_mechanisms = scram-sha-256 plain\n"
		  "impersonation_users = \"admin #root\"\n"
		  "telemetry_dir = /var/lib/pop3d/telemetry\n"
		  "lock_timeout = 0\n"
		  "mail_privileged_group =\n"
		  "login_timeout = 2 minutes\n"
		  "prelogin_per_addr = 0\n"
		  "pid_file = /run/pop3d.pid\n"
		  "deny_from = 192.0.2.7 ::ffff:198.51.100.0/120\n"
		  "allow_from = 0.0.0.0/0 ::/0\n");
	text = print_to_string(&cfg);
	CHECK(has_line(text, "pop3_conn_timeout = 600"), "duration:\n%s", text);
	CHECK(has_line(text, "host_id = \"  padded.example \""), "quoted:\n%s",
	      text);
	CHECK(has_line(text, "pop3_certificate_passwd = "
		       "\"#secret \\\" \\\\ pa#ss\""), "escaped:\n%s", text);
	CHECK(has_line(text, "sasl_mechanisms = SCRAM-SHA-256 PLAIN"),
	      "list:\n%s", text);
	CHECK(has_line(text, "impersonation_users = \"admin #root\""),
	      "list with #:\n%s", text);
	CHECK(has_line(text, "pop3_listen_tls_port = 0"), "tls port 0:\n%s",
	      text);
	CHECK(has_line(text, "expire = 0"), "expire 0:\n%s", text);
	/* addresses as written, not as inet_ntop would put them */
	CHECK(has_line(text, "pop3_haproxy_trusted = 10.0.0.0/8 2001:DB8::/32"),
	      "address list:\n%s", text);
	CHECK(has_line(text, "mail_privileged_group ="), "empty group:\n%s",
	      text);
	CHECK(has_line(text, "login_timeout = 120"), "login_timeout:\n%s",
	      text);
	free(text);
	round_trip(&cfg, "every directive set");
	mu_config_free(&cfg);

	/* values ending in a CR (found by testsuite/fuzz/fuzz-config):
	 * printed plain, the CR would read back as part of a CRLF line
	 * end and be lost */
	read_good(&cfg, "pam_service = \"pop3\r\"\n"
		  "impersonation_users = admin \r\t# comment\n");
	text = print_to_string(&cfg);
	CHECK(has_line(text, "pam_service = \"pop3\r\""), "CR quoted:\n%s",
	      text);
	CHECK(has_line(text, "impersonation_users = \"admin \r\""),
	      "list ending in CR quoted:\n%s", text);
	free(text);
	round_trip(&cfg, "values ending in CR");
	mu_config_free(&cfg);

	/* running_identity empty (no switch) is not its default: printed
	 * as `name =`, it must read back empty, not as the default */
	read_good(&cfg, "running_identity =\n");
	text = print_to_string(&cfg);
	CHECK(has_line(text, "running_identity ="), "empty:\n%s", text);
	free(text);
	round_trip(&cfg, "running_identity empty");
	CHECK(cfg.running_identity[0] == '\0', "running_identity: %s",
	      cfg.running_identity);
	mu_config_free(&cfg);
	return fixture_finish();
}
