/* Every documented default after mu_config_init, and the table: every
 * directive present once, in the order of pop3d.conf(5), and exactly
 * Gromox's thread pool marked as having no effect.  An empty file and a
 * missing default file change nothing. */
#include "config.h"

#include <limits.h>

#include "config-fixture.h"

static void
check_defaults(const struct mu_config *c, const char *when)
{
	char host[256] = "";

#define STR(field, value) CHECK(c->field != NULL && \
	strcmp(c->field, value) == 0, "%s: " #field " = [%s], expected [%s]", \
	when, c->field ? c->field : "(null)", value)
#define UNSET(field) CHECK(c->field == NULL, "%s: " #field " is set", when)
#define NUM(field, value) CHECK(c->field == value, "%s: " #field " = %ld, " \
	"expected %ld", when, (long)c->field, (long)(value))

	if (gethostname(host, sizeof host - 1) < 0)
		perror("gethostname");
	STR(host_id, host);
	STR(listen_addr, "::");
	NUM(listen_port, 110);
	NUM(listen_tls_port, -1);
	NUM(context_num, 200);
	NUM(conn_timeout, 180);
	NUM(auth_times, 3);
	NUM(block_interval_auths, 60);
	NUM(enable_capa_implementation, false);
	NUM(support_tls, false);
	NUM(force_tls, false);
	UNSET(certificate_path);
	UNSET(private_key_path);
	UNSET(certificate_passwd);
	NUM(tls_min_proto, MU_TLS1_2);
	NUM(accept_haproxy, 0);
	CHECK(c->haproxy_trusted != NULL && c->haproxy_trusted[0] != NULL &&
	      strcmp(c->haproxy_trusted[0], "127.0.0.1") == 0 &&
	      c->haproxy_trusted[1] != NULL &&
	      strcmp(c->haproxy_trusted[1], "::1") == 0 &&
	      c->haproxy_trusted[2] == NULL, "%s: haproxy_trusted", when);
	NUM(fd_limit, 0);
	NUM(cmd_debug, 0);
	STR(log_file, "-");
	NUM(log_level, 4);
	NUM(daemons_fd_limit, 0);
	NUM(context_max_mem, 2UL * 1024 * 1024);
	STR(data_file_path, POP3D_DATADIR);
	UNSET(config_file_path);
	NUM(thread_init_num, -1);
	NUM(thread_charge_num, -1);
	UNSET(context_average_mem);
	NUM(context_average_units, -1);
	STR(running_identity, "nobody");
	STR(mailbox, "mbox:/var/mail/%u");
	NUM(login_delay, 0);
	STR(stat_file, LOCALSTATEDIR "/lib/pop3d/login.db");
	NUM(expire, -1);
	NUM(delete_expired, false);
	NUM(undelete, false);
	UNSET(bulletin_source);
	UNSET(bulletin_db);
	CHECK(c->auth != NULL && c->auth[0] != NULL &&
	      strcmp(c->auth[0], "pam") == 0 && c->auth[1] == NULL,
	      "%s: auth", when);
	STR(pam_service, "pop3");
	STR(popauth_db, SYSCONFDIR "/pop3d/popauth.db");
	STR(mail_user, "");
	NUM(apop, true);
	UNSET(sasl_mechanisms);
	UNSET(impersonation_users);
	UNSET(telemetry_dir);
	NUM(lock_timeout, 30);
	STR(mail_privileged_group, "mail");
	NUM(login_timeout, 60);
	NUM(prelogin_per_addr, 10);
	UNSET(pid_file);
	UNSET(deny_from);
	UNSET(allow_from);
	for (size_t i = 0; i < mu_directive_count; i++)
		CHECK(!c->explicit_set[i], "%s: %s marked as set", when,
		      mu_directives[i].name);
}

static void
check_table(void)
{
	static const struct { const char *name; bool no_effect; } expected[] = {
		{ "host_id", false }, { "pop3_listen_addr", false },
		{ "pop3_listen_port", false }, { "pop3_listen_tls_port", false },
		{ "context_num", false }, { "pop3_conn_timeout", false },
		{ "pop3_auth_times", false }, { "block_interval_auths", false },
		{ "enable_capa_implementation", false },
		{ "pop3_support_tls", false }, { "pop3_force_tls", false },
		{ "pop3_certificate_path", false },
		{ "pop3_private_key_path", false },
		{ "pop3_certificate_passwd", false }, { "tls_min_proto", false },
		{ "pop3_accept_haproxy", false },
		{ "pop3_haproxy_trusted", false }, { "pop3_fd_limit", false },
		{ "pop3_cmd_debug", false }, { "pop3_log_file", false },
		{ "pop3_log_level", false }, { "daemons_fd_limit", false },
		{ "context_max_mem", false }, { "data_file_path", false },
		{ "config_file_path", false }, { "pop3_thread_init_num", true },
		{ "pop3_thread_charge_num", true },
		{ "context_average_mem", true },
		{ "context_average_units", true }, { "running_identity", false },
		{ "mailbox", false }, { "login_delay", false },
		{ "stat_file", false }, { "expire", false },
		{ "delete_expired", false }, { "undelete", false },
		{ "bulletin_source", false }, { "bulletin_db", false },
		{ "auth", false }, { "pam_service", false }, { "popauth_db", false },
		{ "mail_user", false }, { "apop", false },
		{ "sasl_mechanisms", false }, { "impersonation_users", false },
		{ "telemetry_dir", false }, { "lock_timeout", false },
		{ "mail_privileged_group", false }, { "login_timeout", false },
		{ "prelogin_per_addr", false }, { "pid_file", false },
		{ "deny_from", false }, { "allow_from", false },
	};
	size_t n = sizeof expected / sizeof *expected;

	CHECK(mu_directive_count == n, "%zu directives, expected %zu",
	      mu_directive_count, n);
	for (size_t i = 0; i < n && i < mu_directive_count; i++) {
		CHECK(strcmp(mu_directives[i].name, expected[i].name) == 0,
		      "directive %zu is %s, expected %s", i,
		      mu_directives[i].name, expected[i].name);
		CHECK(!(mu_directives[i].flags & POP3D_NO_EFFECT) ==
		      !expected[i].no_effect, "%s: no effect %d",
		      mu_directives[i].name, expected[i].no_effect);
		CHECK(mu_directive_find(expected[i].name) == &mu_directives[i],
		      "find %s", expected[i].name);
	}
	CHECK(mu_directive_find("POP3_LISTEN_PORT") == &mu_directives[2],
	      "find is case-insensitive");
	CHECK(mu_directive_find("pop3_listen") == NULL, "find prefix");
}

int
main(void)
{
	struct mu_config cfg;

	check_table();

	mu_config_init(&cfg);
	check_defaults(&cfg, "init");
	CHECK(cfg.file == NULL, "init: file set");
	mu_config_free(&cfg);

	fixture_setup();
	read_good(&cfg, "");
	check_defaults(&cfg, "empty file");
	CHECK(cfg.file != NULL && strcmp(cfg.file, "pop3d.conf") == 0,
	      "file not recorded");
	mu_config_free(&cfg);

	read_good(&cfg, "# only comments\n\n   \n");
	check_defaults(&cfg, "comments only");
	mu_config_free(&cfg);

	mu_config_init(&cfg);
	CHECK(mu_config_read(&cfg, "no-such.conf", true, stderr) == 0,
	      "missing default file");
	check_defaults(&cfg, "missing default file");
	mu_config_free(&cfg);
	return fixture_finish();
}
