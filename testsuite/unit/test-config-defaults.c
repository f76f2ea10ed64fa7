/* Every documented default after mu_config_init, and the table: every
 * directive present once, in the order of pop3d.conf(5), with the implemented
 * flags of this release.  An empty file and a missing default file change
 * nothing. */
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
	static const struct { const char *name; bool implemented; } expected[] = {
		{ "host_id", true }, { "pop3_listen_addr", true },
		{ "pop3_listen_port", true }, { "pop3_listen_tls_port", true },
		{ "context_num", true }, { "pop3_conn_timeout", true },
		{ "pop3_auth_times", true }, { "block_interval_auths", true },
		{ "enable_capa_implementation", true },
		{ "pop3_support_tls", true }, { "pop3_force_tls", true },
		{ "pop3_certificate_path", true },
		{ "pop3_private_key_path", true },
		{ "pop3_certificate_passwd", true }, { "tls_min_proto", true },
		{ "pop3_accept_haproxy", true },
		{ "pop3_haproxy_trusted", true }, { "pop3_fd_limit", true },
		{ "pop3_cmd_debug", true }, { "pop3_log_file", true },
		{ "pop3_log_level", true }, { "daemons_fd_limit", true },
		{ "context_max_mem", true }, { "data_file_path", true },
		{ "config_file_path", true }, { "pop3_thread_init_num", true },
		{ "pop3_thread_charge_num", true },
		{ "context_average_mem", true },
		{ "context_average_units", true }, { "running_identity", true },
		{ "mailbox", true }, { "login_delay", true },
		{ "stat_file", true }, { "expire", true },
		{ "delete_expired", true }, { "undelete", true },
		{ "bulletin_source", true }, { "bulletin_db", true },
		{ "auth", true }, { "pam_service", true }, { "popauth_db", true },
		{ "mail_user", true }, { "apop", true },
		{ "sasl_mechanisms", true }, { "impersonation_users", true },
		{ "telemetry_dir", true }, { "lock_timeout", true },
		{ "mail_privileged_group", true }, { "login_timeout", true },
		{ "prelogin_per_addr", true }, { "pid_file", true },
		{ "deny_from", true }, { "allow_from", true },
	};
	size_t n = sizeof expected / sizeof *expected;

	CHECK(mu_directive_count == n, "%zu directives, expected %zu",
	      mu_directive_count, n);
	for (size_t i = 0; i < n && i < mu_directive_count; i++) {
		CHECK(strcmp(mu_directives[i].name, expected[i].name) == 0,
		      "directive %zu is %s, expected %s", i,
		      mu_directives[i].name, expected[i].name);
		CHECK(mu_directives[i].implemented == expected[i].implemented,
		      "%s: implemented %d", mu_directives[i].name,
		      mu_directives[i].implemented);
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
