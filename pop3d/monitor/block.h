/* Blocks after failed logins (`pop3_auth_times`, `block_interval_auths`;
 * pop3d.conf(5)).  Counted in the stat file, so they hold across
 * connections and across every session process:
 *
 *   - per pair (name, client address): pop3_auth_times failures in a row,
 *     each within block_interval_auths of the one before, block the pair;
 *     a good login resets the pair;
 *   - per client address over all names: 5 x pop3_auth_times failures
 *     block the address as a whole; logins do not reset it (an attacker
 *     who owns one account must not be able to clear his count with it).
 *
 * A block lasts block_interval_auths after the last counted failure.
 * Attempts while blocked are refused without looking at the password and
 * are not counted, so a user whose client keeps retrying is let in once
 * the interval has passed.  block_interval_auths = 0 turns blocks off.
 *
 * Every name a login involves is counted and checked: for `a!b` both the
 * authenticating user a (whose password is being guessed) and the mailbox
 * b, so that varying one part cannot bypass a block on the other.  Names
 * are counted case-insensitively (ASCII), for backends that match names
 * that way (LDAP behind PAM). */
#ifndef POP3D_BLOCK_H
#define POP3D_BLOCK_H

#include <stdbool.h>

#include "pop3d/common/limits.h"
#include "pop3d/common/settings.h"
#include "pop3d/monitor/statdb.h"

#define BLOCK_MAX_NAMES 2

struct block_subject {
	const char *address;
	const char *names[BLOCK_MAX_NAMES];
	unsigned nnames;
};

bool block_enabled(const struct mu_config *cfg);

/* 1 blocked (*why_r says which key), 0 not, -1 error. */
int block_check(const struct mu_config *cfg, struct statdb *db,
		const struct block_subject *sub, long long now_ms,
		const char **why_r, const char **error_r);

int block_record_failure(const struct mu_config *cfg, struct statdb *db,
			 const struct block_subject *sub, long long now_ms,
			 const char **error_r);

/* A good login: forget the pairs' failures. */
int block_record_success(const struct mu_config *cfg, struct statdb *db,
			 const struct block_subject *sub, const char **error_r);

#endif
