/* LOGIN-DELAY (RFC 2449 section 6.5, `login_delay`): the least time from
 * one login of a user to the next.  The time is recorded when a login
 * succeeds (the maildrop is open), not at QUIT, so that a client holding
 * a session open cannot dodge it; it is checked after a correct password,
 * and a refused attempt records nothing, so refusals never push the next
 * allowed login further away.  Kept in the stat file as
 * "login\t<user>" -> "<milliseconds since the epoch>", under the mailbox
 * user's name as the backend spelled it. */
#ifndef POP3D_LOGINDELAY_H
#define POP3D_LOGINDELAY_H

#include <stdbool.h>

#include "pop3d/common/settings.h"
#include "pop3d/monitor/statdb.h"

bool login_delay_enabled(const struct mu_config *cfg);

/* now_ms: statdb_now_ms().  1 too early (*wait_r: whole seconds left,
 * rounded up), 0 allowed, -1 error. */
int login_delay_check(const struct mu_config *cfg, struct statdb *db,
		      const char *user, long long now_ms, long long *wait_r,
		      const char **error_r);

int login_delay_record(const struct mu_config *cfg, struct statdb *db,
		       const char *user, long long now_ms, const char **error_r);

#endif
