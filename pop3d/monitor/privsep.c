/* The processes of a session (privsep.h, doc/privsep.md): the split into
 * monitor and network process, the monitor's life from start to end, and
 * the start of the transaction process after a good login. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "libmu/log.h"
#include "libmu/util.h"
#include "pop3d/listener/adopt.h"
#include "pop3d/common/identity.h"
#include "pop3d/common/ipc.h"
#include "pop3d/common/limits.h"
#include "pop3d/monitor/monitor.h"
#include "pop3d/monitor/pam.h"
#include "pop3d/monitor/pamstack.h"
#include "pop3d/monitor/privsep.h"
#include "pop3d/net/net_session.h"
#include "pop3d/userdb/userdb.h"

const volatile sig_atomic_t *
privsep_stop_flag(void)
{
	return &session_stop_requested;
}

/* ---------------------------------------------------------------- helpers */

/* Die with the parent: a monitor killed outright must not leave a
 * process serving the client.  Set after any identity switch, which
 * clears it; a parent already gone is caught by the getppid() check. */
static void
die_with_parent(pid_t parent)
{
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0)
		mu_log(MU_LOG_WARNING, "prctl(PR_SET_PDEATHSIG): %s",
		       strerror(errno));
	if (getppid() != parent)
		_exit(1);
}

static void
default_signals_for_child(void)
{
	signal(SIGCHLD, SIG_DFL);
}

static void
on_sigchld(int sig)
{
	(void)sig;      /* only to interrupt the monitor's sleep */
}

/* The monitor never talks to the client: its descriptors go to
 * /dev/null, so that it cannot keep the connection open after the
 * others are done.  inetd may have given the socket as stderr too. */
static void
detach_from_client(const struct session_conn *conn)
{
	struct stat sock, err;
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (null < 0) {
		close(conn->in_fd);
		if (conn->out_fd != conn->in_fd)
			close(conn->out_fd);
		return;
	}
	if (fstat(conn->in_fd, &sock) == 0 && fstat(2, &err) == 0 &&
	    sock.st_dev == err.st_dev && sock.st_ino == err.st_ino &&
	    S_ISSOCK(sock.st_mode))
		(void)dup2(null, 2);
	(void)dup2(null, conn->in_fd);
	if (conn->out_fd != conn->in_fd)
		(void)dup2(null, conn->out_fd);
	if (null != conn->in_fd && null != conn->out_fd && null != 2)
		close(null);
}

/* A copy of the client's socket for the transaction process, when the
 * connection may be handed over as it is: a socket (inetd may give
 * pipes), one for both directions, and no TLS from the first byte (STLS
 * later takes it back: IPC_TLS).  -1 otherwise. */
static int
plain_client_socket(const struct session_conn *conn)
{
	struct stat in, out;

	if (conn->implicit_tls || fstat(conn->in_fd, &in) < 0 ||
	    !S_ISSOCK(in.st_mode))
		return -1;
	if (conn->out_fd != conn->in_fd &&
	    (fstat(conn->out_fd, &out) < 0 || out.st_dev != in.st_dev ||
	     out.st_ino != in.st_ino))
		return -1;
	return fcntl(conn->in_fd, F_DUPFD_CLOEXEC, 3);
}

void
privsep_monitor_close_client(struct monitor *m)
{
	if (m->client_fd >= 0)
		close(m->client_fd);
	m->client_fd = -1;
}

void
privsep_monitor_log_prefix(struct monitor *m)
{
	if (m->client_port != 0)
		snprintf(m->log_prefix, sizeof m->log_prefix,
			 "[client %s port %u]", m->client, m->client_port);
	else
		snprintf(m->log_prefix, sizeof m->log_prefix, "[client %s]",
			 m->client);
	mu_log_set_prefix(m->log_prefix);
}

bool
privsep_monitor_expects_client(const struct monitor *m)
{
	return m->proxy_v2;
}

static void
keep(char **buf, size_t *len, const struct ipc_field *f)
{
	if (*buf != NULL)
		explicit_bzero(*buf, *len);
	free(*buf);
	*buf = NULL;
	*len = 0;
	if (f->data == NULL || f->len == 0)
		return;
	*buf = mu_xmalloc(f->len + 1);
	memcpy(*buf, f->data, f->len);
	(*buf)[f->len] = '\0';
	*len = f->len;
}

void
privsep_keep_handover(struct monitor *m, const struct ipc_msg *msg)
{
	keep(&m->transcript, &m->transcript_len, &msg->field[0]);
	keep(&m->input, &m->input_len, &msg->field[1]);
	keep(&m->output, &m->output_len, msg->nfields > 2 ?
	     &msg->field[2] : &(const struct ipc_field){ NULL, 0 });
	keep(&m->command, &m->command_len, msg->nfields > 3 ?
	     &msg->field[3] : &(const struct ipc_field){ NULL, 0 });
}

void
privsep_drop_handover(struct monitor *m)
{
	static const struct ipc_field none = { NULL, 0 };

	keep(&m->transcript, &m->transcript_len, &none);
	keep(&m->input, &m->input_len, &none);
	keep(&m->output, &m->output_len, &none);
	keep(&m->command, &m->command_len, &none);
}

/* RFC 1939 section 7: unique per greeting; the random part keeps it
 * unpredictable even when PIDs and seconds repeat. */
static void
make_apop_timestamp(struct monitor *m)
{
	unsigned long long rnd;

	if (getrandom(&rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd) {
		struct timespec now;

		clock_gettime(CLOCK_REALTIME, &now);
		rnd = (unsigned long long)now.tv_nsec * 2654435761ULL ^
			(unsigned long long)getpid() << 32;
	}
	snprintf(m->apop_timestamp, sizeof m->apop_timestamp,
		 "<%ld.%lld.%016llx@%s>", (long)getpid(), (long long)time(NULL),
		 rnd, m->host_id);
}

/* What popauth's users hold, for the SASL mechanisms to offer. */
static void
read_popauth_summary(struct monitor *m)
{
	const char *error;
	struct userdb *db;
	bool missing;
	int rc;

	if (!mu_list_contains(m->cfg->auth, "popauth"))
		return;
	if (userdb_open(m->cfg->popauth_db, USERDB_READ, &db, &missing,
			&error) < 0) {
		if (!missing)
			mu_log(MU_LOG_ERR, "%s", error);
		return;
	}
	rc = userdb_summary_read(db, &m->summary, &error);
	if (rc == 0)    /* written by a popauth without summaries: count */
		rc = userdb_summary_compute(db, &m->summary, &error);
	if (rc < 0)
		mu_log(MU_LOG_ERR, "%s", error);
	userdb_close(db, &error);
}

/* ---------------------------------------------------------------- the monitor */

/* The transaction process first: it owns the mailbox and says goodbye to
 * the client through the network process, which must still be there. */
static void
kill_children(struct monitor *m)
{
	if (m->trans_pid > 0)
		(void)kill(m->trans_pid, SIGTERM);
	if (m->net_pid > 0)
		(void)kill(m->net_pid, SIGTERM);
}

/* Wait until the network and transaction processes are gone, passing a
 * SIGTERM on to them. */
static void
wait_children(struct monitor *m)
{
	bool forwarded = false;

	while (m->net_pid > 0 || m->trans_pid > 0) {
		int status;
		pid_t pid = waitpid(-1, &status, WNOHANG);

		if (pid > 0) {
			bool trans = pid == m->trans_pid;

			if (pid == m->net_pid)
				m->net_pid = 0;
			if (trans)
				m->trans_pid = 0;
			if (WIFSIGNALED(status) && WTERMSIG(status) != SIGTERM) {
				mu_log(MU_LOG_WARNING, "%s process %ld killed by "
				       "signal %d", trans ? "transaction" :
				       "network", (long)pid, WTERMSIG(status));
				if (trans)
					m->trans_signal = WTERMSIG(status);
			}
			continue;
		}
		if (pid < 0 && errno != EINTR)
			break;  /* ECHILD: none left */
		if (session_stop_requested && !forwarded) {
			kill_children(m);
			forwarded = true;
		}
		/* SIGCHLD or SIGTERM ends the sleep early */
		struct timespec ts = { 0, 200 * 1000000L };
		nanosleep(&ts, NULL);
	}
}

void
privsep_exit(int status)
{
	fflush(NULL);
	mu_log_close();
	_exit(status);
}

static void __attribute__((noreturn))
monitor_main(const struct session *s, const struct session_conn *conn,
	     int ctl_fd, int data_fd, pid_t net_pid)
{
	struct monitor *m = mu_xcalloc(1, sizeof *m);
	struct sigaction sa;
	const char *error;
	int status;

	m->cfg = s->cfg;
	m->ctl_fd = ctl_fd;
	m->data_fd = data_fd;
	m->net_pid = net_pid;
	snprintf(m->client, sizeof m->client, "%s", s->client);
	m->client_port = s->client_port;
	m->started = s->started;
	m->proxy_v2 = conn->proxy_v2;
	m->link_fd = conn->link_fd;
	snprintf(m->host_id, sizeof m->host_id, "%s", s->host_id);
	m->client_fd = plain_client_socket(conn);
	detach_from_client(conn);
	privsep_monitor_log_prefix(m);

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_sigchld;
	sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGCHLD, &sa, NULL);

	if (identity_privileged()) {
		if (m->cfg->running_identity[0] == '\0')
			mu_log(MU_LOG_WARNING, "running_identity is empty: the "
			       "process reading the network runs as root");
		if (m->cfg->mail_user[0] == '\0' &&
		    mu_list_contains(m->cfg->auth, "popauth"))
			mu_log(MU_LOG_WARNING, "mail_user is empty: sessions of "
			       "virtual (popauth) users run as root");
	}
	if (auth_apop_offered(m->cfg))
		make_apop_timestamp(m);
	read_popauth_summary(m);
	if (sasl_init(m, &error) < 0)
		mu_log(MU_LOG_ERR, "SASL unavailable: gsasl_init: %s", error);
	sasl_compute_offered(m);

	status = monitor_run(m);
	privsep_monitor_close_client(m);
	close(m->ctl_fd);
	if (m->data_fd >= 0)
		close(m->data_fd);
	/* before login, the monitor stops only when the network process is
	 * done, or misbehaved: in both cases it must go (but one told to
	 * close gets to say why to its client first) */
	if (!m->logged_in && !m->told_to_close && m->net_pid > 0)
		(void)kill(m->net_pid, SIGTERM);
	wait_children(m);
	/* a commit cut short must not stay visible until the next login */
	if (m->logged_in && m->trans_signal != 0)
		privsep_repair_mailbox(m);
	if (m->logged_in)
		auth_user_free(&m->session_user);       /* PAM: close the session */
	sasl_done(m);
	privsep_drop_handover(m);
	/* the session's process ends as the one that served it did: the
	 * listener logs a crash as a crash */
	if (m->trans_signal != 0) {
		int sig = m->trans_signal;

		free(m);
		mu_log_close();
		signal(sig, SIG_DFL);
		(void)kill(getpid(), sig);
		_exit(128 + sig);
	}
	free(m);
	privsep_exit(status);
}

/* ---------------------------------------------------------------- the split */

/* The identity of the network process: running_identity when started as
 * root.  0 with *switch_r, -1 (logged) when it cannot be had. */
static int
network_identity(const struct mu_config *cfg, struct identity *id,
		 bool *switch_r)
{
	const char *error = "no such user";
	int rc;

	*switch_r = false;
	if (!identity_privileged() || cfg->running_identity[0] == '\0')
		return 0;
	rc = identity_lookup(cfg->running_identity, id, &error);
	if (rc <= 0) {
		mu_log(MU_LOG_CRIT, "running_identity %s: %s",
		       cfg->running_identity, rc == 0 ? "no such user" : error);
		return -1;
	}
	if (id->uid == 0) {
		mu_log(MU_LOG_CRIT, "running_identity %s is uid 0: it must be an "
		       "unprivileged user", cfg->running_identity);
		identity_free(id);
		return -1;
	}
	*switch_r = true;
	return 0;
}

int
privsep_receive_hello(struct net_session *n)
{
	static struct ipc_msg msg;
	const char *error, *ts, *mechs, *text;
	int rc = ipc_recv(n->monitor_fd, &msg, HELLO_TIMEOUT_MS,
			  &session_stop_requested, &error);

	if (rc <= 0) {
		mu_log(MU_LOG_ERR, "no HELLO from the monitor: %s",
		       rc == 0 ? "it is gone" : error);
		return -1;
	}
	/* the client a PROXY v2 header named is turned away */
	text = ipc_field_str(&msg, 0, 255);
	if (msg.type == IPC_FAIL && msg.nfields == 2 && text != NULL) {
		snprintf(n->refusal, sizeof n->refusal, "%s", text);
		return 1;
	}
	ts = ipc_field_str(&msg, 0, sizeof n->apop_timestamp - 1);
	mechs = ipc_field_str(&msg, 1, sizeof n->sasl_mechanisms - 1);
	if (msg.type != IPC_HELLO || msg.nfields != 2 || ts == NULL ||
	    mechs == NULL) {
		mu_log(MU_LOG_ERR, "malformed HELLO from the monitor");
		return -1;
	}
	snprintf(n->apop_timestamp, sizeof n->apop_timestamp, "%s", ts);
	snprintf(n->sasl_mechanisms, sizeof n->sasl_mechanisms, "%s", mechs);
	return 0;
}

int
privsep_split(struct net_session *n, const struct session_conn *conn)
{
	struct session *s = &n->core;
	struct identity id;
	bool do_switch;
	int ctl[2], data[2];
	pid_t parent = getpid(), pid;
	const char *error;

	n->monitor_fd = n->data_fd = -1;
	memset(&id, 0, sizeof id);
	if (network_identity(s->cfg, &id, &do_switch) < 0)
		return -1;
	if (ipc_socketpair(ctl, &error) < 0) {
		mu_log(MU_LOG_ERR, "socketpair: %s", error);
		identity_free(&id);
		return -1;
	}
	/* the data socket carries a byte stream: plain POP3 */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, data) < 0) {
		mu_log(MU_LOG_ERR, "socketpair: %s", strerror(errno));
		close(ctl[0]);
		close(ctl[1]);
		identity_free(&id);
		return -1;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		mu_log(MU_LOG_ERR, "fork: %s", strerror(errno));
		close(ctl[0]);
		close(ctl[1]);
		close(data[0]);
		close(data[1]);
		identity_free(&id);
		return -1;
	}
	if (pid > 0) {
		close(ctl[1]);
		close(data[0]);
		identity_free(&id);
		monitor_main(s, conn, ctl[0], data[1], pid);
	}

	/* the network process: the listener's link is the monitor's alone,
	 * so that nothing parsing client input can claim a login there */
	close(ctl[0]);
	close(data[1]);
	if (conn->link_fd >= 0)
		close(conn->link_fd);
	default_signals_for_child();
	if (do_switch) {
		if (identity_switch(&id, IDENTITY_GROUPS_ONE, &error) < 0) {
			mu_log(MU_LOG_CRIT, "cannot become running_identity %s: "
			       "%s", id.name, error);
			_exit(1);
		}
		identity_free(&id);
	}
	die_with_parent(parent);
	n->monitor_fd = ctl[1];
	n->data_fd = data[0];
	/* with a PROXY v2 header the monitor greets us once it knows who
	 * the client is (privsep_send_client) */
	return conn->proxy_v2 ? 0 : privsep_receive_hello(n) == 0 ? 0 : -1;
}

/* ---------------------------------------------------------------- transaction */

/* The reply text of a refusal: printable, one line, bounded. */
static void
copy_text(char *out, size_t size, const char *text)
{
	size_t o = 0;

	for (; *text != '\0' && o + 1 < size; text++)
		out[o++] = (*text < 0x20 || *text == 0x7f) ? '?' : *text;
	out[o] = '\0';
}

/* each transaction process of a session makes a transcript file of its
 * own (telemetry.c): there must be a free name for every login */
_Static_assert(POP3_TELEMETRY_NAME_TRIES > PRIVSEP_MAX_ATTEMPTS,
	       "a transcript name for every login of a session");

int
privsep_start_transaction(struct monitor *m, char *text, size_t size)
{
	static struct ipc_msg msg;
	struct auth_user *u = &m->at.user;
	struct identity id, *use = NULL;
	gid_t saved[NGROUPS_MAX];
	int nsaved = -1, st[2], rc;
	bool groups_set = false, looked_up = false, adopted = false;
	const char *error = "unknown error";
	pid_t pid;
	char q[64];

	memset(&id, 0, sizeof id);
	log_quote(u->name, q, sizeof q);
	copy_text(text, size, "[SYS/TEMP] cannot open mailbox");
	/* A PAM transaction is kept for the session only when the service
	 * has a session stack to run (and, with it, credentials to
	 * establish): otherwise nothing needs this process after the login,
	 * and the listener may take the session (adopt.h). */
	if (u->pam != NULL && !pam_service_has_session(m->cfg->pam_service))
		auth_pam_end(u);
	if (identity_privileged()) {
		if (u->backend == AUTH_BACKEND_PAM) {
			if (u->uid == 0) {
				mu_log(MU_LOG_NOTICE, "user \"%s\" is uid 0: "
				       "refused", q);
				copy_text(text, size, "[AUTH] this account may "
					  "not log in over POP3");
				return 1;
			}
			id.name = u->name;
			id.uid = u->uid;
			id.gid = u->gid;
			use = &id;
			/* with no PAM credentials to establish, the
			 * transaction process sets the user's groups itself */
			if (u->pam == NULL)
				goto identity_done;
			/* the user's groups first, so that PAM's setcred
			 * (pam_group) adds to them; the transaction process
			 * inherits them */
			nsaved = getgroups(NGROUPS_MAX, saved);
			if (nsaved < 0 || initgroups(u->name, u->gid) < 0) {
				mu_log(MU_LOG_ERR, "initgroups(%s): %s", q,
				       strerror(errno));
				return 1;
			}
			groups_set = true;
		} else if (m->cfg->mail_user[0] != '\0') {
			rc = identity_lookup(m->cfg->mail_user, &id, &error);
			if (rc <= 0 || id.uid == 0) {
				mu_log(MU_LOG_ERR, "mail_user %s: %s",
				       m->cfg->mail_user, rc < 0 ? error :
				       rc == 0 ? "no such user" :
				       "must not be uid 0");
				if (rc > 0)
					identity_free(&id);
				return 1;
			}
			looked_up = true;
			use = &id;
			u->uid = id.uid;
			u->gid = id.gid;
		}
	}
identity_done:
	rc = 1;
	if (auth_pam_open_session(u, &error) < 0) {
		mu_log(MU_LOG_ERR, "user \"%s\": %s", q, error);
		goto out;
	}
	if (ipc_socketpair(st, &error) < 0) {
		mu_log(MU_LOG_ERR, "socketpair: %s", error);
		goto out;
	}
	if (adopt_possible(m, u)) {
		/* the listener starts it (adopt.h) */
		char mechs[SASL_MECHLIST_MAX];

		sasl_list_after_login(m, mechs, sizeof mechs);
		if (adopt_request(m, u, st[1], mechs, &error) < 0) {
			mu_log(MU_LOG_ERR, "handing the session to the "
			       "listener: %s", error);
			close(st[0]);
			close(st[1]);
			goto out;
		}
		adopted = true;
		pid = 0;
	} else {
		fflush(NULL);
		pid = fork();
	}
	if (pid < 0) {
		mu_log(MU_LOG_ERR, "fork: %s", strerror(errno));
		close(st[0]);
		close(st[1]);
		goto out;
	}
	if (pid == 0 && !adopted) {
		char mechs[SASL_MECHLIST_MAX];
		struct transaction_start ts = {
			.cfg = m->cfg,
			.data_fd = m->client_fd >= 0 ? m->client_fd :
				m->data_fd,
			.status_fd = st[1],
			.user = u,
			.client = m->client,
			.client_port = m->client_port,
			.transcript = m->transcript,
			.transcript_len = m->transcript_len,
			.input = m->input,
			.input_len = m->input_len,
			/* the network process keeps them unless the client's
			 * socket goes with this process */
			.output = m->client_fd >= 0 ? m->output : NULL,
			.output_len = m->client_fd >= 0 ? m->output_len : 0,
			.session_pid = getppid(),
			.started = m->started,
			.identity = use,
			.groups = groups_set ? IDENTITY_GROUPS_KEEP :
				u->backend == AUTH_BACKEND_PAM ?
				IDENTITY_GROUPS_ALL : IDENTITY_GROUPS_ONE,
			.sasl_mechanisms = mechs,
			.command = m->command,
		};

		sasl_list_after_login(m, mechs, sizeof mechs);
		close(st[0]);
		close(m->ctl_fd);
		if (m->client_fd >= 0)
			close(m->data_fd);
		if (m->link_fd >= 0)
			close(m->link_fd);
		default_signals_for_child();
		transaction_run(&ts);
	}
	close(st[1]);
	m->trans_pid = pid;     /* 0 when adopted: not ours to wait for */
	rc = ipc_recv(st[0], &msg, -1, &session_stop_requested, &error);
	close(st[0]);
	if (rc > 0 && msg.type == IPC_OPENED) {
		/* the transaction process has its end (or the client's
		 * socket); ours would keep the other side from seeing it
		 * close */
		close(m->data_fd);
		m->data_fd = -1;
		if (m->client_fd >= 0) {
			privsep_monitor_close_client(m);
			m->direct = true;
		}
		m->adopted = adopted;
		rc = 0;
		goto out;
	}
	if (rc > 0 && msg.type == IPC_FAIL) {
		const char *t = ipc_field_str(&msg, 0, 200);

		copy_text(text, size, t != NULL ? t :
			  "[SYS/TEMP] cannot open mailbox");
		rc = 1;
	} else if (adopted) {
		/* the listener logs how it ended, and repairs after it */
		mu_log(MU_LOG_ERR, "the transaction process failed: %s",
		       rc == 0 ? "it ended without a word" :
		       rc < 0 ? error : "unexpected message");
		rc = -1;
		goto out;
	} else {
		int status = 0;

		/* no answer (a signal, an error): it must not go on alone */
		if (rc < 0)
			(void)kill(pid, SIGTERM);
		(void)waitpid(pid, &status, 0);
		m->trans_pid = 0;
		if (rc == 0 && WIFSIGNALED(status)) {
			mu_log(MU_LOG_WARNING, "transaction process %ld killed "
			       "by signal %d", (long)pid, WTERMSIG(status));
			m->trans_signal = WTERMSIG(status);
			rc = -2;
			goto out;
		}
		mu_log(MU_LOG_ERR, "the transaction process failed: %s",
		       rc == 0 ? "it ended without a word" :
		       rc < 0 ? error : "unexpected message");
		rc = -1;
		goto out;
	}
	if (!adopted)
		(void)waitpid(pid, NULL, 0);   /* it ends after its report */
	m->trans_pid = 0;
out:
	if (groups_set && setgroups((size_t)nsaved, saved) < 0)
		mu_log(MU_LOG_WARNING, "restoring the monitor's groups: %s",
		       strerror(errno));
	if (looked_up)
		identity_free(&id);
	return rc;
}
