/* LOGIN-DELAY (logindelay.h). */
#include "config.h"

#include <stdio.h>

#include "pop3d/monitor/logindelay.h"

#define KEY_MAX 300

bool
login_delay_enabled(const struct mu_config *cfg)
{
	return cfg->login_delay > 0;
}

int
login_delay_check(const struct mu_config *cfg, struct statdb *db,
		  const char *user, long long now, long long *wait_r,
		  const char **error_r)
{
	char key[KEY_MAX], value[STATDB_VALUE_MAX];
	long long last;
	int rc;

	if (!login_delay_enabled(cfg))
		return 0;
	snprintf(key, sizeof key, "login\t%s", user);
	rc = statdb_fetch(db, key, value, sizeof value, error_r);
	if (rc <= 0)
		return rc;
	if (sscanf(value, "%lld", &last) != 1)
		return 0;       /* damaged: as if never logged in */
	/* a clock set back must not lock the user out for long */
	if (last > now)
		last = now;
	if (now - last >= (long long)cfg->login_delay * 1000)
		return 0;
	*wait_r = (last + (long long)cfg->login_delay * 1000 - now + 999) / 1000;
	return 1;
}

int
login_delay_record(const struct mu_config *cfg, struct statdb *db,
		   const char *user, long long now, const char **error_r)
{
	char key[KEY_MAX], value[32];

	if (!login_delay_enabled(cfg))
		return 0;
	snprintf(key, sizeof key, "login\t%s", user);
	snprintf(value, sizeof value, "%lld", now);
	return statdb_store(db, key, value, error_r);
}
