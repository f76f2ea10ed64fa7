/* Standalone mode: one listening socket, one forked child per connection,
 * at most max_children at once.
 *
 * Signals are blocked except inside ppoll(), so a handler can only run
 * while the loop waits and the flags it sets are seen at once (no lost
 * wake-up between checking a flag and sleeping). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "libmu/log.h"
#include "libmu/util.h"
#include "pop3d/conf.h"
#include "pop3d/daemon.h"
#include "pop3d/limits.h"
#include "pop3d/net.h"
#include "pop3d/session.h"

static volatile sig_atomic_t got_term, got_chld, got_hup;

static void
on_signal(int sig)
{
	switch (sig) {
	case SIGTERM:
	case SIGINT:
		got_term = 1;
		break;
	case SIGCHLD:
		got_chld = 1;
		break;
	case SIGHUP:
		got_hup = 1;
		break;
	}
}

static const int handled_signals[] = { SIGTERM, SIGINT, SIGCHLD, SIGHUP };
#define N_HANDLED (sizeof handled_signals / sizeof handled_signals[0])

struct daemon {
	struct mu_config *cfg;
	const struct daemon_options *opts;
	int listen_fd;
	pid_t *children;
	size_t nchildren, max_children;
	sigset_t wait_mask;             /* the mask while waiting in ppoll */
	sigset_t child_mask;            /* the mask a session starts with */
};

/* ---- listening ---- */

static int
listen_on(const char *addr, unsigned port, char *error, size_t errsize)
{
	struct addrinfo hints = {
		.ai_flags = AI_PASSIVE | AI_NUMERICSERV,
		.ai_socktype = SOCK_STREAM,
	};
	struct addrinfo *res, *ai;
	char service[16];
	int fd = -1, saved = 0, r;

	snprintf(service, sizeof service, "%u", port);
	r = getaddrinfo(addr, service, &hints, &res);
	if (r != 0) {
		snprintf(error, errsize, "%s: %s", addr, gai_strerror(r));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		int one = 1, zero = 0;

		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC |
			    SOCK_NONBLOCK, ai->ai_protocol);
		if (fd < 0) {
			saved = errno;
			continue;
		}
		/* restart at once after a stop, despite TIME_WAIT sockets */
		if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one,
			       sizeof one) < 0)
			mu_log(MU_LOG_WARNING, "SO_REUSEADDR: %s",
			       strerror(errno));
		/* "::" serves IPv4 too (mapped addresses), whatever the
		 * system default in net.ipv6.bindv6only */
		if (ai->ai_family == AF_INET6 &&
		    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero,
			       sizeof zero) < 0)
			mu_log(MU_LOG_WARNING, "IPV6_V6ONLY: %s",
			       strerror(errno));
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 &&
		    listen(fd, SOMAXCONN) == 0)
			break;
		saved = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0)
		snprintf(error, errsize, "%s port %u: %s", addr, port,
			 strerror(saved));
	return fd;
}

static int
daemon_listen(struct daemon *d)
{
	const struct mu_config *cfg = d->cfg;
	char error[512];

	if (cfg->listen_port == 0) {
		fprintf(stderr, "pop3d: pop3_listen_port is 0 and there is no "
			"other port to listen on\n");
		return -1;
	}
	d->listen_fd = listen_on(cfg->listen_addr, cfg->listen_port, error,
				 sizeof error);
	/* a kernel without IPv6 cannot do "::"; the default must still
	 * work there */
	if (d->listen_fd < 0 && strcmp(cfg->listen_addr, "::") == 0) {
		char error4[512];

		d->listen_fd = listen_on("0.0.0.0", cfg->listen_port, error4,
					 sizeof error4);
		if (d->listen_fd >= 0)
			mu_log(MU_LOG_NOTICE, "cannot listen on %s; IPv4 only",
			       error);
	}
	if (d->listen_fd < 0) {
		fprintf(stderr, "pop3d: cannot listen on %s\n", error);
		mu_log(MU_LOG_CRIT, "cannot listen on %s", error);
		return -1;
	}
	mu_log(MU_LOG_NOTICE, "listening on %s port %u, at most %zu sessions",
	       cfg->listen_addr, cfg->listen_port, d->max_children);
	return 0;
}

/* ---- children ---- */

static void
children_forget(struct daemon *d, pid_t pid)
{
	for (size_t i = 0; i < d->nchildren; i++) {
		if (d->children[i] == pid) {
			d->children[i] = d->children[--d->nchildren];
			return;
		}
	}
}

static void
children_reap(struct daemon *d)
{
	pid_t pid;
	int status;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		children_forget(d, pid);
		if (WIFSIGNALED(status) && WTERMSIG(status) != SIGTERM)
			mu_log(MU_LOG_WARNING, "session %ld killed by signal %d",
			       (long)pid, WTERMSIG(status));
		else if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
			mu_log(MU_LOG_INFO, "session %ld exited with status %d",
			       (long)pid, WEXITSTATUS(status));
	}
}

static void
children_signal(struct daemon *d, int sig)
{
	for (size_t i = 0; i < d->nchildren; i++)
		(void)kill(d->children[i], sig);
}

static void
child_run(struct daemon *d, int fd, const char *client)
{
	/* the session must not inherit the listener's handlers or mask:
	 * SIGTERM ends it at once, without committing anything */
	for (size_t i = 0; i < N_HANDLED; i++)
		signal(handled_signals[i], SIG_DFL);
	sigprocmask(SIG_SETMASK, &d->child_mask, NULL);
	close(d->listen_fd);
	if (dup2(fd, 0) < 0 || dup2(fd, 1) < 0) {
		mu_log(MU_LOG_ERR, "[client %s] dup2: %s", client,
		       strerror(errno));
		_exit(1);
	}
	if (fd > 1)
		close(fd);
	exit(session_run(d->cfg, 0, 1, client));
}

static void
accept_one(struct daemon *d)
{
	static const char too_many[] = "-ERR [SYS/TEMP] too many connections\r\n";
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	char client[SESSION_CLIENT_MAX];
	pid_t pid;
	int fd;

	fd = accept4(d->listen_fd, (struct sockaddr *)&ss, &len, SOCK_CLOEXEC);
	if (fd < 0) {
		if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
		    errno == ENOMEM) {
			struct timespec ts = {
				.tv_sec = 0,
				.tv_nsec = POP3_ACCEPT_BACKOFF_MS * 1000000L,
			};

			mu_log(MU_LOG_WARNING, "accept: %s", strerror(errno));
			nanosleep(&ts, NULL);
		} else if (errno != EAGAIN && errno != EWOULDBLOCK &&
			   errno != EINTR && errno != ECONNABORTED &&
			   errno != EPROTO) {
			mu_log(MU_LOG_ERR, "accept: %s", strerror(errno));
		}
		return;
	}
	net_addr_format((struct sockaddr *)&ss, len, client, sizeof client);

	children_reap(d);       /* count only sessions still alive */
	if (d->nchildren >= d->max_children) {
		/* best effort and never blocking: the listener must not
		 * wait on a client it is refusing */
		(void)send(fd, too_many, sizeof too_many - 1,
			   MSG_DONTWAIT | MSG_NOSIGNAL);
		close(fd);
		mu_log(MU_LOG_NOTICE, "[client %s] refused: %zu sessions "
		       "running", client, d->nchildren);
		return;
	}

	fflush(NULL);           /* no buffered output twice */
	pid = fork();
	if (pid < 0) {
		mu_log(MU_LOG_ERR, "[client %s] fork: %s", client,
		       strerror(errno));
		(void)send(fd, too_many, sizeof too_many - 1,
			   MSG_DONTWAIT | MSG_NOSIGNAL);
		close(fd);
		return;
	}
	if (pid == 0)
		child_run(d, fd, client);
	close(fd);
	d->children[d->nchildren++] = pid;
	mu_log(MU_LOG_DEBUG, "[client %s] session %ld started", client,
	       (long)pid);
}

/* ---- SIGHUP ---- */

static void
daemon_reload(struct daemon *d)
{
	struct mu_config *cfg = mu_xcalloc(1, sizeof *cfg);
	struct mu_config *old = d->cfg;
	const char *error;
	char *problem;

	mu_config_init(cfg);
	if (conf_load(cfg, d->opts->config_file, d->opts->config_explicit,
		      &problem) < 0) {
		mu_log(MU_LOG_ERR, "SIGHUP: configuration kept: %s", problem);
		free(problem);
		mu_config_free(cfg);
		free(cfg);
		return;
	}
	if ((cfg->log_file == NULL) != (old->log_file == NULL) ||
	    (cfg->log_file != NULL && strcmp(cfg->log_file, old->log_file) != 0) ||
	    cfg->log_level != old->log_level) {
		mu_log_close();
		if (mu_log_open("pop3d", cfg->log_file, cfg->log_level,
				d->opts->foreground, &error) < 0) {
			(void)mu_log_open("pop3d", old->log_file, old->log_level,
					  d->opts->foreground, &error);
			mu_log(MU_LOG_ERR, "SIGHUP: cannot open log %s: %s; "
			       "configuration kept", cfg->log_file, error);
			mu_config_free(cfg);
			free(cfg);
			return;
		}
	}
	if (strcmp(cfg->listen_addr, old->listen_addr) != 0 ||
	    cfg->listen_port != old->listen_port ||
	    cfg->context_num != old->context_num)
		mu_log(MU_LOG_NOTICE, "SIGHUP: pop3_listen_addr, "
		       "pop3_listen_port and context_num change at restart");
	conf_warn_unimplemented(cfg);
	d->cfg = cfg;
	mu_config_free(old);
	free(old);
	mu_log(MU_LOG_NOTICE, "SIGHUP: configuration re-read; new sessions "
	       "use it");
}

/* ---- the loop ---- */

static int
detach(void)
{
	pid_t pid = fork();
	int null;

	if (pid < 0)
		return -1;
	if (pid > 0)
		_exit(0);
	if (setsid() < 0 || chdir("/") < 0)
		return -1;
	null = open("/dev/null", O_RDWR);
	if (null < 0)
		return -1;
	if (dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0)
		return -1;
	if (null > 2)
		close(null);
	return 0;
}

static void
daemon_stop(struct daemon *d)
{
	struct timespec start, now;

	close(d->listen_fd);
	children_reap(d);
	mu_log(MU_LOG_NOTICE, "stopping; ending %zu sessions", d->nchildren);
	children_signal(d, SIGTERM);
	clock_gettime(CLOCK_MONOTONIC, &start);
	while (d->nchildren > 0) {
		long long spent;
		struct timespec ts;

		clock_gettime(CLOCK_MONOTONIC, &now);
		spent = (now.tv_sec - start.tv_sec) * 1000LL +
			(now.tv_nsec - start.tv_nsec) / 1000000;
		if (spent >= POP3_DAEMON_STOP_GRACE_MS) {
			mu_log(MU_LOG_WARNING, "%zu sessions still running "
			       "after %d ms; killing them", d->nchildren,
			       POP3_DAEMON_STOP_GRACE_MS);
			children_signal(d, SIGKILL);
			while (d->nchildren > 0) {
				pid_t pid = waitpid(-1, NULL, 0);

				if (pid < 0)
					break;
				children_forget(d, pid);
			}
			break;
		}
		ts.tv_sec = (POP3_DAEMON_STOP_GRACE_MS - spent) / 1000;
		ts.tv_nsec = (POP3_DAEMON_STOP_GRACE_MS - spent) % 1000 * 1000000;
		got_chld = 0;
		(void)ppoll(NULL, 0, &ts, &d->wait_mask);
		children_reap(d);
	}
	mu_log(MU_LOG_NOTICE, "stopped");
}

int
daemon_run(struct mu_config *cfg, const struct daemon_options *opts)
{
	struct daemon d = { .cfg = cfg, .opts = opts, .listen_fd = -1 };
	struct sigaction sa;
	sigset_t blocked;

	d.max_children = opts->max_children ? opts->max_children :
		cfg->context_num;
	if (d.max_children == 0) {
		fprintf(stderr, "pop3d: context_num must be at least 1\n");
		return 1;
	}
	if (daemon_listen(&d) < 0)
		return 1;
	if (!opts->foreground && detach() < 0) {
		mu_log(MU_LOG_CRIT, "cannot detach: %s", strerror(errno));
		return 1;
	}
	d.children = mu_xcalloc(d.max_children, sizeof *d.children);

	sigemptyset(&blocked);
	for (size_t i = 0; i < N_HANDLED; i++)
		sigaddset(&blocked, handled_signals[i]);
	sigprocmask(SIG_BLOCK, &blocked, &d.child_mask);
	d.wait_mask = d.child_mask;
	for (size_t i = 0; i < N_HANDLED; i++)
		sigdelset(&d.wait_mask, handled_signals[i]);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < N_HANDLED; i++)
		sigaction(handled_signals[i], &sa, NULL);

	int status = 0;

	while (!got_term) {
		struct pollfd pfd = { .fd = d.listen_fd, .events = POLLIN };
		int r = ppoll(&pfd, 1, NULL, &d.wait_mask);

		if (r < 0 && errno != EINTR) {
			mu_log(MU_LOG_CRIT, "poll: %s", strerror(errno));
			status = 1;
			break;
		}
		if (got_chld) {
			got_chld = 0;
			children_reap(&d);
		}
		if (got_term)
			break;
		if (got_hup) {
			got_hup = 0;
			daemon_reload(&d);
		}
		if (r > 0 && (pfd.revents & POLLIN))
			accept_one(&d);
	}
	daemon_stop(&d);
	free(d.children);
	mu_config_free(d.cfg);
	free(d.cfg);
	return status;
}
