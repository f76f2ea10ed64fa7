/* pop3_fd_limit (Gromox's name): a daemon with many sessions wants more
 * descriptors than the usual soft limit of 1024. */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/resource.h>

#include "libmu/log.h"
#include "pop3d/common/settings.h"
#include "pop3d/listener/fdlimit.h"

void
fd_limit_apply(unsigned long limit)
{
	struct rlimit rl;
	rlim_t want;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0) {
		mu_log(MU_LOG_WARNING, "pop3_fd_limit: getrlimit: %s",
		       strerror(errno));
		return;
	}
	want = limit == 0 ? rl.rlim_max : (rlim_t)limit;
	if (want == rl.rlim_cur)
		return;
	if (want > rl.rlim_max) {
		struct rlimit raised = { .rlim_cur = want, .rlim_max = want };

		if (setrlimit(RLIMIT_NOFILE, &raised) == 0) {
			mu_log(MU_LOG_INFO, "descriptor limit raised to %lu",
			       (unsigned long)want);
			return;
		}
		mu_log(MU_LOG_WARNING, "pop3_fd_limit %lu: above the hard "
		       "limit %lu and cannot raise it (%s); using %lu",
		       (unsigned long)want, (unsigned long)rl.rlim_max,
		       strerror(errno), (unsigned long)rl.rlim_max);
		want = rl.rlim_max;
	}
	rl.rlim_cur = want;
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
		mu_log(MU_LOG_WARNING, "pop3_fd_limit %lu: setrlimit: %s",
		       (unsigned long)want, strerror(errno));
	else
		mu_log(MU_LOG_DEBUG, "descriptor limit set to %lu",
		       (unsigned long)want);
}

unsigned long
fd_limit_wanted(const struct mu_config *cfg)
{
	bool pop3 = mu_config_is_set(cfg, "pop3_fd_limit");
	bool daemons = mu_config_is_set(cfg, "daemons_fd_limit");
	unsigned long a = cfg->fd_limit, b = cfg->daemons_fd_limit;
	struct rlimit rl;

	if (!daemons)
		return a;
	if (!pop3)
		return b;
	if (a != 0 && b != 0)
		return a > b ? a : b;
	/* one is the hard limit: the other wins only above it (root may
	 * raise the hard limit; fd_limit_apply tries) */
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return 0;
	if (a == 0 && b == 0)
		return 0;
	return (rlim_t)(a != 0 ? a : b) > rl.rlim_max ? (a != 0 ? a : b) : 0;
}

void
fd_limit_reload(const struct mu_config *cfg, const struct mu_config *old)
{
	unsigned long want = fd_limit_wanted(cfg);

	if (want != fd_limit_wanted(old))
		fd_limit_apply(want);
}
