/* mu_config_warn_unimplemented names, in table order, exactly the
 * directives the file set whose feature is not built yet: not the
 * implemented ones, not the unimplemented ones left at their defaults. */
#include "config.h"

#include "config-fixture.h"

static void
collect(const char *name, void *ctx)
{
	char *list = ctx;

	strcat(list, name);
	strcat(list, " ");
}

/* The directives the file below sets. */
static const char *const set_in_file[] = {
	"expire", "mailbox", "pop3_support_tls", "auth", "lock_timeout",
	"pop3_listen_tls_port", "pop3_accept_haproxy", "stat_file",
	"login_delay", "sasl_mechanisms", "deny_from", "pid_file", NULL,
};

static bool
is_set_in_file(const char *name)
{
	for (const char *const *p = set_in_file; *p != NULL; p++)
		if (strcmp(*p, name) == 0)
			return true;
	return false;
}

int
main(void)
{
	struct mu_config cfg;
	char warned[512] = "", want[512] = "";

	fixture_setup();
	read_good(&cfg, "expire = 3\nmailbox = maildir:/tmp/%u\n"
		  "pop3_support_tls = no\nauth = popauth\n"
		  "lock_timeout = 5s\npop3_listen_tls_port =\n"
		  "pop3_accept_haproxy = 0\nstat_file = /tmp/x.db\n"
		  "login_delay = 0\nsasl_mechanisms = PLAIN\n"
		  "deny_from = 192.0.2.7\npid_file = /run/pop3d.pid\n");
	mu_config_warn_unimplemented(&cfg, collect, warned);
	/* what the table says is not built yet, in table order (the set
	 * shrinks as features land; the implemented ones never appear) */
	for (size_t i = 0; i < mu_directive_count; i++)
		if (!mu_directives[i].implemented &&
		    is_set_in_file(mu_directives[i].name))
			collect(mu_directives[i].name, want);
	CHECK(strcmp(warned, want) == 0, "warned about: \"%s\", want \"%s\"",
	      warned, want);
	mu_config_free(&cfg);

	warned[0] = '\0';
	mu_config_init(&cfg);
	mu_config_warn_unimplemented(&cfg, collect, warned);
	CHECK(warned[0] == '\0', "defaults warned about: %s", warned);
	mu_config_free(&cfg);
	return fixture_finish();
}
