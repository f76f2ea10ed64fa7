/* The listener adopts a logged-in session (adopt.h). */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libmu/log.h"
#include "libmu/util.h"
#include "pop3d/listener/adopt.h"
#include "pop3d/common/identity.h"
#include "pop3d/common/ipc.h"
#include "pop3d/monitor/monitor.h"
#include "pop3d/monitor/privsep.h"

/* The user record of field 0: NUL-separated, in this order. */
enum {
	REC_NAME, REC_MAILBOX, REC_HOME, REC_UID, REC_GID, REC_BACKEND,
	REC_CLIENT, REC_PORT, REC_MECHANISMS, REC_COMMAND, REC_FIELDS
};

/* ---------------------------------------------------------------- monitor */

bool
adopt_possible(const struct monitor *m, const struct auth_user *u)
{
	return m->link_fd >= 0 && m->client_fd >= 0 && u->pam == NULL;
}

static void
put(char *buf, size_t size, size_t *off, const char *text)
{
	size_t len = strlen(text);

	if (*off + len + 1 > size)
		return;         /* cannot happen: the caller sized buf */
	memcpy(buf + *off, text, len + 1);
	*off += len + 1;
}

int
adopt_request(const struct monitor *m, const struct auth_user *u,
	      int status_fd, const char *mechanisms, const char **error_r)
{
	char rec[4096], num[3][24];
	size_t off = 0;
	const char *parts[REC_FIELDS];
	struct ipc_field f[4];
	int fds[2] = { m->client_fd, status_fd };

	snprintf(num[0], sizeof num[0], "%ju", (uintmax_t)u->uid);
	snprintf(num[1], sizeof num[1], "%ju", (uintmax_t)u->gid);
	snprintf(num[2], sizeof num[2], "%u", m->client_port);
	parts[REC_NAME] = u->name;
	parts[REC_MAILBOX] = u->mailbox != NULL ? u->mailbox : "";
	parts[REC_HOME] = u->home != NULL ? u->home : "";
	parts[REC_UID] = num[0];
	parts[REC_GID] = num[1];
	parts[REC_BACKEND] = u->backend == AUTH_BACKEND_PAM ? "pam" : "popauth";
	parts[REC_CLIENT] = m->client;
	parts[REC_PORT] = num[2];
	parts[REC_MECHANISMS] = mechanisms;
	parts[REC_COMMAND] = m->command != NULL ? m->command : "";
	for (size_t i = 0, total = 0; i < REC_FIELDS; i++) {
		total += strlen(parts[i]) + 1;
		if (total > sizeof rec) {
			*error_r = "user record too long";
			return -1;
		}
	}
	for (size_t i = 0; i < REC_FIELDS; i++)
		put(rec, sizeof rec, &off, parts[i]);
	f[0] = (struct ipc_field){ rec, off };
	f[1] = (struct ipc_field){ m->transcript, m->transcript_len };
	f[2] = (struct ipc_field){ m->input, m->input_len };
	f[3] = (struct ipc_field){ m->output, m->output_len };
	return ipc_send_fds(m->link_fd, IPC_ADOPT, 4, f, fds, 2, error_r);
}

/* ---------------------------------------------------------------- listener */

/* Split field 0 into its parts; false when it is not exactly that. */
static bool
split_record(const struct ipc_field *f, const char *parts[REC_FIELDS])
{
	const char *p = f->data, *end = f->data + f->len;

	if (f->data == NULL || f->len == 0 || end[-1] != '\0')
		return false;
	for (size_t i = 0; i < REC_FIELDS; i++) {
		const char *nul;

		if (p >= end)
			return false;
		nul = memchr(p, '\0', (size_t)(end - p));
		parts[i] = p;
		p = nul + 1;
	}
	return p == end;
}

static bool
parse_id(const char *text, uintmax_t max, uintmax_t *value_r)
{
	char *e;

	errno = 0;
	*value_r = strtoumax(text, &e, 10);
	return errno == 0 && *text != '\0' && *e == '\0' && *value_r <= max;
}

void
adopted_free(struct adopted *a)
{
	free(a->user.name);
	free(a->user.mailbox);
	free(a->user.home);
	memset(a, 0, sizeof *a);
}

/* The child: as under a monitor (privsep_start_transaction), but it
 * chooses the groups itself -- the listener's own must not change. */
static void __attribute__((noreturn))
adopted_child(const struct mu_config *cfg, const struct ipc_msg *msg,
	      const char *parts[REC_FIELDS], const int fds[2],
	      const struct timespec *started, pid_t session_pid,
	      struct adopted *a)
{
	struct identity id;
	const struct identity *use = NULL;
	enum identity_groups groups = IDENTITY_GROUPS_ONE;
	const char *error;

	memset(&id, 0, sizeof id);
	if (identity_privileged()) {
		if (a->user.backend == AUTH_BACKEND_PAM) {
			id.name = a->user.name;
			id.uid = a->user.uid;
			id.gid = a->user.gid;
			groups = IDENTITY_GROUPS_ALL;
			use = &id;
		} else if (cfg->mail_user[0] != '\0') {
			if (identity_lookup(cfg->mail_user, &id, &error) <= 0 ||
			    id.uid == 0) {
				mu_log(MU_LOG_ERR, "mail_user %s: unusable",
				       cfg->mail_user);
				privsep_exit(1);
			}
			use = &id;
		}
	}
	struct transaction_start ts = {
		.cfg = cfg,
		.data_fd = fds[0],
		.status_fd = fds[1],
		.user = &a->user,
		.client = parts[REC_CLIENT],
		.client_port = (unsigned)strtoul(parts[REC_PORT], NULL, 10),
		.transcript = msg->field[1].data,
		.transcript_len = msg->field[1].len,
		.input = msg->field[2].data,
		.input_len = msg->field[2].len,
		.output = msg->field[3].data,
		.output_len = msg->field[3].len,
		.session_pid = session_pid,
		.started = *started,
		.identity = use,
		.groups = groups,
		.sasl_mechanisms = parts[REC_MECHANISMS],
		.command = parts[REC_COMMAND][0] != '\0' ? parts[REC_COMMAND] :
			NULL,
		.adopted = true,
	};
	transaction_run(&ts);
}

pid_t
adopt_start(const struct mu_config *cfg, const struct ipc_msg *msg,
	    const int fds[2], const struct timespec *started,
	    pid_t session_pid, void (*child_setup)(void *), void *ctx,
	    struct adopted *a)
{
	const char *parts[REC_FIELDS];
	uintmax_t uid, gid, port;
	pid_t pid = -1;

	memset(a, 0, sizeof *a);
	if (msg->nfields != 4 || !split_record(&msg->field[0], parts) ||
	    parts[REC_NAME][0] == '\0' ||
	    !parse_id(parts[REC_UID], (uid_t)-1, &uid) ||
	    !parse_id(parts[REC_GID], (gid_t)-1, &gid) ||
	    !parse_id(parts[REC_PORT], 65535, &port) ||
	    (strcmp(parts[REC_BACKEND], "pam") != 0 &&
	     strcmp(parts[REC_BACKEND], "popauth") != 0) ||
	    (msg->field[2].data != NULL &&
	     msg->field[2].len > POP3_INPUT_BUFSIZE)) {
		mu_log(MU_LOG_ERR, "session %ld: malformed ADOPT",
		       (long)session_pid);
		goto out;
	}
	a->user.name = mu_xstrdup(parts[REC_NAME]);
	a->user.mailbox = parts[REC_MAILBOX][0] != '\0' ?
		mu_xstrdup(parts[REC_MAILBOX]) : NULL;
	a->user.home = parts[REC_HOME][0] != '\0' ?
		mu_xstrdup(parts[REC_HOME]) : NULL;
	a->user.uid = (uid_t)uid;
	a->user.gid = (gid_t)gid;
	a->user.backend = strcmp(parts[REC_BACKEND], "pam") == 0 ?
		AUTH_BACKEND_PAM : AUTH_BACKEND_POPAUTH;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		mu_log(MU_LOG_ERR, "session %ld: fork: %s", (long)session_pid,
		       strerror(errno));
		adopted_free(a);
		goto out;
	}
	if (pid == 0) {
		/* child_setup may take away what started points into */
		struct timespec when = *started;

		child_setup(ctx);
		adopted_child(cfg, msg, parts, fds, &when, session_pid, a);
	}
out:
	close(fds[0]);
	close(fds[1]);
	return pid;
}
