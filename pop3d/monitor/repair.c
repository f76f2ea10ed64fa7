/* The monitor after its transaction process was killed: finish at once
 * what a commit it was making may have left half done (privsep.h).
 *
 * An mbox commit rewrites the file in place under a journal; killed in
 * the middle, it leaves the mailbox with a stretch of old bytes after the
 * new tail until something opens the mailbox and replays the journal.
 * Other programs read /var/mail directly (mutt, mail(1), biff, a delivery
 * agent's own checks), so that something is the monitor, which sees the
 * death: it opens the mailbox the way the session did -- as the user,
 * with the spool group kept for the locks -- and closes it again.  For
 * Maildir and MH the open only rescans. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "libmu/log.h"
#include "libmu/mailbox.h"
#include "libmu/privgroup.h"
#include "libmu/url.h"
#include "libmu/util.h"
#include "pop3d/common/identity.h"
#include "pop3d/monitor/monitor.h"
#include "pop3d/common/owner.h"
#include "pop3d/monitor/privsep.h"

/* In the child: become the session's user, as transaction_run does. */
static int
become_session_user(const struct mu_config *cfg, const struct auth_user *u,
		    const char **error_r)
{
	struct identity id;
	enum identity_groups groups = IDENTITY_GROUPS_ALL;
	gid_t spool;
	int rc;

	if (!identity_privileged())
		return 0;
	memset(&id, 0, sizeof id);
	if (u->backend == AUTH_BACKEND_PAM) {
		id.name = u->name;
		id.uid = u->uid;
		id.gid = u->gid;
	} else if (cfg->mail_user[0] != '\0') {
		rc = identity_lookup(cfg->mail_user, &id, error_r);
		if (rc <= 0) {
			if (rc == 0)
				*error_r = "mail_user: no such user";
			return -1;
		}
		groups = IDENTITY_GROUPS_ONE;
	} else {
		return 0;       /* the session ran as root too (warned) */
	}
	spool = identity_spool_group(cfg->mail_privileged_group, id.gid);
	/* this process ends soon: a looked-up identity is not freed */
	if (identity_switch_keep_group(&id, groups, spool, error_r) < 0)
		return -1;
	mu_privgroup_set(spool);
	return 0;
}

void
privsep_repair_child(const struct mu_config *cfg, const struct auth_user *u)
{
	const char *template = u->mailbox != NULL ? u->mailbox :
		cfg->mailbox;
	const char *error = "unknown error";
	enum mu_mailbox_error code;
	struct mu_mailbox *mb;
	struct timespec start, end;
	char *url;

	clock_gettime(CLOCK_MONOTONIC, &start);
	/* the tests' kill hook is for the session that died, not for the
	 * repair of what it left */
	unsetenv("MU_TEST_KILL_AFTER_WRITES");
	if (become_session_user(cfg, u, &error) < 0) {
		mu_log(MU_LOG_ERR, "mailbox repair: cannot become the user: %s",
		       error);
		_exit(1);
	}
	url = mu_url_expand(template, u->name, u->home, &error);
	if (url == NULL || maildrop_check_owner(url, &error) < 0) {
		mu_log(MU_LOG_ERR, "mailbox repair: %s", error);
		_exit(1);
	}
	if (mu_mailbox_open(&mb, url, MU_OPEN_WRITE | MU_OPEN_SESSION_LOCK |
			    MU_OPEN_NOCREATE, cfg->lock_timeout, &code,
			    &error) < 0) {
		mu_log(MU_LOG_ERR, "mailbox repair: %s: %s", url, error);
		_exit(1);
	}
	mu_mailbox_close(mb);
	clock_gettime(CLOCK_MONOTONIC, &end);
	mu_log(MU_LOG_NOTICE, "mailbox checked after the session was killed "
	       "(an interrupted commit is finished) in %lld ms",
	       (end.tv_sec - start.tv_sec) * 1000LL +
	       (end.tv_nsec - start.tv_nsec) / 1000000);
	privsep_exit(0);
}

void
privsep_repair_mailbox(struct monitor *m)
{
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		mu_log(MU_LOG_ERR, "mailbox repair: fork: %s", strerror(errno));
		return;
	}
	if (pid == 0)
		privsep_repair_child(m->cfg, &m->session_user);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		mu_log(MU_LOG_ERR, "mailbox repair after the session was "
		       "killed failed; the next open finishes it");
}
