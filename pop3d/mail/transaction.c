/* The transaction process (privsep.h, doc/privsep.md): forked by the
 * monitor after a good login, it becomes the user, opens the maildrop
 * and serves TRANSACTION and UPDATE over the data socket. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "libmu/log.h"
#include "libmu/privgroup.h"
#include "pop3d/common/identity.h"
#include "pop3d/common/ipc.h"
#include "pop3d/mail/mail_session.h"
#include "pop3d/monitor/privsep.h"
#include "pop3d/common/telemetry.h"

struct reporter {
	int fd;
};

/* To the monitor: OPENED, or FAIL with the refusal for the client. */
static void
report(void *ctx, const char *refusal)
{
	struct reporter *r = ctx;
	const char *error;
	int rc;

	if (refusal == NULL) {
		rc = ipc_send(r->fd, IPC_OPENED, 0, NULL, &error);
	} else {
		const char *f[1] = { refusal };

		rc = ipc_send_strs(r->fd, IPC_FAIL, 1, f, &error);
	}
	if (rc < 0)
		mu_log(MU_LOG_ERR, "transaction: report to the monitor: %s",
		       error);
	close(r->fd);
	r->fd = -1;
	if (rc < 0)
		_exit(1);
}

void
transaction_run(const struct transaction_start *ts)
{
	struct auth_user user = *ts->user;
	struct reporter r = { ts->status_fd };
	struct telemetry *t;
	pid_t parent = getppid();
	const char *error;

	/* PAM belongs to the monitor: this process never touches it */
	user.pam = NULL;

	/* telemetry_dir/USER may be writable by root alone: the file is
	 * made now, before the switch */
	t = telemetry_new(ts->cfg->telemetry_dir);
	telemetry_adopt(t, ts->transcript, ts->transcript_len);
	/* named after the session (the monitor, whose pid the listener
	 * logs), not after this process */
	telemetry_set_pid(t, (long)ts->session_pid);
	telemetry_start(t, user.name);

	if (ts->identity != NULL) {
		enum identity_groups groups = ts->groups;
		gid_t spool = identity_spool_group(ts->cfg->mail_privileged_group,
						  ts->identity->gid);

		if (identity_switch_keep_group(ts->identity, groups, spool,
					       &error) < 0) {
			mu_log(MU_LOG_ERR, "cannot switch to uid %ld gid %ld: %s",
			       (long)ts->identity->uid, (long)ts->identity->gid,
			       error);
			report(&r, "[SYS/TEMP] cannot open mailbox");
			_exit(1);
		}
		mu_privgroup_set(spool);
	}
	/* a monitor killed outright takes the session with it (cleared by
	 * the switch, so set after it) */
	if (!ts->adopted &&
	    (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0 || getppid() != parent))
		_exit(1);
	privsep_exit(mail_session_run(ts->cfg, ts->data_fd, ts->client,
				      ts->client_port, &ts->started, &user, t,
				      ts->input, ts->input_len, ts->output,
				      ts->output_len, ts->command,
				      ts->sasl_mechanisms, report, &r));
}
