/* Blocks after failed logins (block.h).
 *
 * Records in the stat file:
 *   "fail\t<address>"          -> "<count> <time of the last failure>"
 *   "fail\t<address>\t<name>"  -> the same, for the pair
 * Times are milliseconds since the epoch: whole seconds would end a
 * block up to a second early. */
#include "config.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#include "libmu/log.h"
#include "pop3d/monitor/block.h"

#define KEY_MAX 600
/* one failure in this many also sweeps expired records, so names an
 * attacker makes up do not grow the file without bound */
#define PRUNE_ONE_IN 64

struct counter {
	unsigned long count;
	long long last;
};

bool
block_enabled(const struct mu_config *cfg)
{
	return cfg->block_interval_auths > 0 && cfg->auth_times > 0;
}

static void
make_key(char *key, const char *address, const char *name)
{
	size_t o = (size_t)snprintf(key, KEY_MAX, "fail\t%s", address);

	if (name == NULL || o + 2 >= KEY_MAX)
		return;
	key[o++] = '\t';
	for (const char *p = name; *p != '\0' && o + 1 < KEY_MAX; p++)
		key[o++] = (char)tolower((unsigned char)*p);
	key[o] = '\0';
}

/* 1 read, 0 none (or unreadable: a damaged record counts as none), -1 */
static int
read_counter(struct statdb *db, const char *key, struct counter *c,
	     const char **error_r)
{
	char value[STATDB_VALUE_MAX];
	int rc = statdb_fetch(db, key, value, sizeof value, error_r);

	if (rc <= 0)
		return rc;
	if (sscanf(value, "%lu %lld", &c->count, &c->last) != 2)
		return 0;
	return 1;
}

/* Is the counter still running at now? */
static bool
live(const struct mu_config *cfg, const struct counter *c, long long now)
{
	return now >= c->last &&
		now - c->last < (long long)cfg->block_interval_auths * 1000;
}

static int
check_key(const struct mu_config *cfg, struct statdb *db, const char *key,
	  unsigned long limit, long long now, const char **error_r)
{
	struct counter c;
	int rc = read_counter(db, key, &c, error_r);

	if (rc <= 0)
		return rc;
	return live(cfg, &c, now) && c.count >= limit;
}

int
block_check(const struct mu_config *cfg, struct statdb *db,
	    const struct block_subject *sub, long long now, const char **why_r,
	    const char **error_r)
{
	static char why[KEY_MAX + 64];
	char key[KEY_MAX];
	int rc;

	if (!block_enabled(cfg))
		return 0;
	make_key(key, sub->address, NULL);
	rc = check_key(cfg, db, key, (unsigned long)cfg->auth_times *
		       BLOCK_ADDRESS_FACTOR, now, error_r);
	if (rc != 0) {
		snprintf(why, sizeof why, "address %s blocked", sub->address);
		*why_r = why;
		return rc;
	}
	for (unsigned i = 0; i < sub->nnames; i++) {
		make_key(key, sub->address, sub->names[i]);
		rc = check_key(cfg, db, key, cfg->auth_times, now, error_r);
		if (rc != 0) {
			snprintf(why, sizeof why, "user %.256s from %s blocked",
				 sub->names[i], sub->address);
			*why_r = why;
			return rc;
		}
	}
	return 0;
}

static int
count_failure(const struct mu_config *cfg, struct statdb *db, const char *key,
	      long long now, const char **error_r)
{
	struct counter c = { 0, 0 };
	char value[64];
	int rc = read_counter(db, key, &c, error_r);

	if (rc < 0)
		return -1;
	if (rc == 0 || !live(cfg, &c, now))
		c.count = 0;
	c.count++;
	snprintf(value, sizeof value, "%lu %lld", c.count, now);
	return statdb_store(db, key, value, error_r);
}

static int
expired(const char *key, const char *value, void *ctx)
{
	const long long *horizon = ctx;
	unsigned long count;
	long long last;

	(void)key;
	return sscanf(value, "%lu %lld", &count, &last) != 2 || last < *horizon;
}

int
block_record_failure(const struct mu_config *cfg, struct statdb *db,
		     const struct block_subject *sub, long long now,
		     const char **error_r)
{
	char key[KEY_MAX];
	unsigned char dice = 0;

	if (!block_enabled(cfg))
		return 0;
	make_key(key, sub->address, NULL);
	if (count_failure(cfg, db, key, now, error_r) < 0)
		return -1;
	for (unsigned i = 0; i < sub->nnames; i++) {
		/* a!a names one account: count it once */
		if (i > 0 && strcasecmp(sub->names[i], sub->names[0]) == 0)
			continue;
		make_key(key, sub->address, sub->names[i]);
		if (count_failure(cfg, db, key, now, error_r) < 0)
			return -1;
	}
	if (getrandom(&dice, 1, GRND_NONBLOCK) == 1 &&
	    dice % PRUNE_ONE_IN == 0) {
		long long horizon = now -
			(long long)cfg->block_interval_auths * 1000;
		const char *why;

		if (statdb_prune(db, "fail\t", expired, &horizon, &why) < 0)
			mu_log(MU_LOG_WARNING, "pruning the stat file: %s", why);
	}
	return 0;
}

int
block_record_success(const struct mu_config *cfg, struct statdb *db,
		     const struct block_subject *sub, const char **error_r)
{
	char key[KEY_MAX];

	if (!block_enabled(cfg))
		return 0;
	for (unsigned i = 0; i < sub->nnames; i++) {
		make_key(key, sub->address, sub->names[i]);
		if (statdb_delete(db, key, error_r) < 0)
			return -1;
	}
	return 0;
}
