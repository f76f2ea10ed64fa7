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

int
main(void)
{
	struct mu_config cfg;
	char warned[512] = "";

	fixture_setup();
	read_good(&cfg, "expire = 3\nmailbox = maildir:/tmp/%u\n"
		  "pop3_support_tls = no\nauth = popauth\n"
		  "lock_timeout = 5s\npop3_listen_tls_port =\n");
	mu_config_warn_unimplemented(&cfg, collect, warned);
	CHECK(strcmp(warned, "pop3_listen_tls_port pop3_support_tls expire ") == 0,
	      "warned about: %s", warned);
	mu_config_free(&cfg);

	warned[0] = '\0';
	mu_config_init(&cfg);
	mu_config_warn_unimplemented(&cfg, collect, warned);
	CHECK(warned[0] == '\0', "defaults warned about: %s", warned);
	mu_config_free(&cfg);
	return fixture_finish();
}
