/* mu-sieve's settings, read from pop3d's configuration file by libmu's
 * reader (cfg.h) with a table of only the directives mu-sieve uses. */
#include <config.h>             /* autoconf's, through -I. */

#include <string.h>

#include "libmu/cfg.h"
#include "pop3d/common/shared.h"
#include "sieve/conf.h"

/* As pop3d's table has them. */
static const struct mu_cfg_directive directives[] = {
	POP3D_DIRECTIVE_MAILBOX(struct sieve_conf),
	POP3D_DIRECTIVE_LOCK_TIMEOUT(struct sieve_conf),
	POP3D_DIRECTIVE_MAIL_PRIVILEGED_GROUP(struct sieve_conf),
};

static const struct mu_cfg_table table = {
	.directives = directives,
	.count = sizeof directives / sizeof *directives,
	/* the file is pop3d's: its other directives are pop3d's to check */
	.ignore_unknown = true,
};

void
sieve_conf_init(struct sieve_conf *conf)
{
	memset(conf, 0, sizeof *conf);
	mu_cfg_defaults(&table, conf);
}

void
sieve_conf_free(struct sieve_conf *conf)
{
	mu_cfg_release(&table, conf);
}

int
sieve_conf_read(struct sieve_conf *conf, const char *file, bool missing_ok,
		FILE *errs)
{
	return mu_cfg_read(&table, conf, NULL, NULL, file, missing_ok, errs);
}
