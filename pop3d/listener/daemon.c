/* Standalone mode: listening sockets (the plain port, the implicit-TLS
 * port), one forked child per connection, at most max_children at once.
 *
 * Signals are blocked except inside ppoll(), so a handler can only run
 * while the loop waits and the flags it sets are seen at once (no lost
 * wake-up between checking a flag and sleeping).
 *
 * The listener never reads from a client: a PROXY header, a TLS
 * handshake or a slow client can only hold its own child. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "libmu/log.h"
#include "libmu/util.h"
#include "pop3d/listener/access.h"
#include "pop3d/listener/adopt.h"
#include "pop3d/common/conf.h"
#include "pop3d/listener/daemon.h"
#include "pop3d/listener/fdlimit.h"
#include "pop3d/common/identity.h"
#include "pop3d/common/ipc.h"
#include "pop3d/common/limits.h"
#include "pop3d/listener/listenerlink.h"
#include "pop3d/monitor/monitor.h"
#include "pop3d/monitor/pam.h"
#include "pop3d/common/net.h"
#include "pop3d/monitor/privsep.h"
#include "pop3d/listener/sdlisten.h"
#include "pop3d/common/session.h"
#include "pop3d/net/net_session.h"
#include "pop3d/net/tls.h"

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

struct listener {
	int fd;
	unsigned port;
	bool implicit_tls;              /* pop3_listen_tls_port, "pop3s" */
	char addr[64];                  /* for the log */
	const char *sd_name;            /* from systemd: its LISTEN_FDNAMES
					 * name ("" if none); NULL: ours */
};

/* What the listener knows of a running session: for its log lines, and
 * for prelogin_per_addr (listenerlink.h). */
struct child {
	pid_t pid;
	char client[SESSION_CLIENT_MAX];
	unsigned port;
	struct timespec started;
	int link_fd;                    /* -1 once the session's end closed */
	/* the client's own address is known: at once, or with PROXY v2
	 * once the session tells us the header's (until then client is
	 * the proxy's, which counts against nobody) */
	bool address_known;
	bool logged_in;
	/* a monitor whose session we adopted (adopt.h): it ends by itself
	 * and no longer counts; an adopted transaction process, with what
	 * a repair of its mailbox needs */
	bool handed_over;
	struct adopted *adopted;
	/* the transaction process we started for this monitor, which may
	 * still refuse the login ([IN-USE]): the session is ours only once
	 * the monitor says it logged in ("L") */
	pid_t adopting;
};

struct daemon {
	struct mu_config *cfg;
	const struct daemon_options *opts;
	char *config_file;              /* absolute: we chdir("/") */
	struct listener listeners[MAX_LISTENERS];
	size_t nlisteners;
	struct sd_socket sd[MAX_LISTENERS];     /* socket activation */
	size_t nsd;
	struct child *children;
	size_t nchildren, max_children;
	struct pollfd *pfd;             /* listeners, then children's links */
	sigset_t wait_mask;             /* the mask while waiting in ppoll */
	sigset_t child_mask;            /* the mask a session starts with */
};

/* Room in the table for each session's monitor and, for a moment, the
 * transaction process it hands over to us (adopt.h) */
#define CHILDREN_CAPACITY(d) (2 * (d)->max_children)

/* "[client 192.0.2.1 port 40000]": the prefix session lines have too, so
 * one fail2ban regex reads both (session.c, session_set_log_prefix). */
static const char *
client_label(const char *client, unsigned port, char *buf, size_t size)
{
	snprintf(buf, size, "[client %s port %u]", client, port);
	return buf;
}

static long long
ms_since(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - start->tv_sec) * 1000LL +
		(now.tv_nsec - start->tv_nsec) / 1000000;
}

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
		snprintf(error, errsize, "%s port %u: %s%s", addr, port,
			 strerror(saved), conf_listen_hint(saved, port));
	return fd;
}

/* One listening socket on pop3_listen_addr; a kernel without IPv6
 * cannot do the default "::", which must still work there. */
static int
listener_open(struct daemon *d, unsigned port, bool implicit_tls)
{
	const char *addr = d->cfg->listen_addr;
	char error[512];
	int fd;

	fd = listen_on(addr, port, error, sizeof error);
	if (fd < 0 && strcmp(addr, "::") == 0) {
		char error4[512];

		fd = listen_on("0.0.0.0", port, error4, sizeof error4);
		if (fd >= 0)
			mu_log(MU_LOG_NOTICE, "cannot listen on %s; IPv4 only",
			       error);
	}
	if (fd < 0) {
		fprintf(stderr, "pop3d: cannot listen on %s\n", error);
		/* with --foreground and "-" the log is stderr: one line */
		if (!d->opts->foreground || strcmp(d->cfg->log_file, "-") != 0)
			mu_log(MU_LOG_CRIT, "cannot listen on %s", error);
		return -1;
	}
	d->listeners[d->nlisteners++] = (struct listener){
		.fd = fd, .port = port, .implicit_tls = implicit_tls,
	};
	snprintf(d->listeners[d->nlisteners - 1].addr,
		 sizeof d->listeners[0].addr, "%s", addr);
	return 0;
}

/* Sockets passed by systemd replace pop3_listen_addr and the ports:
 * the socket units say where to listen. */
static int
daemon_listen_systemd(struct daemon *d)
{
	char error[256];
	int n = sd_listen_collect(d->sd, MAX_LISTENERS, error, sizeof error);

	if (n <= 0) {
		if (n < 0)
			fprintf(stderr, "pop3d: socket activation: %s\n",
				error);
		return n;
	}
	d->nsd = (size_t)n;
	for (size_t i = 0; i < d->nsd; i++) {
		struct listener *l = &d->listeners[d->nlisteners++];
		struct sockaddr_storage ss;
		socklen_t len = sizeof ss;

		*l = (struct listener){
			.fd = d->sd[i].fd, .implicit_tls = d->sd[i].implicit_tls,
			.sd_name = d->sd[i].name,
		};
		memset(&ss, 0, sizeof ss);
		if (getsockname(l->fd, (struct sockaddr *)&ss, &len) == 0) {
			net_addr_format((struct sockaddr *)&ss, len, l->addr,
					sizeof l->addr);
			l->port = net_addr_port((struct sockaddr *)&ss, len);
		} else {
			snprintf(l->addr, sizeof l->addr, "unknown");
		}
	}
	return n;
}

/* Before detaching, so that every problem reaches stderr and the exit
 * status. */
static int
daemon_listen(struct daemon *d)
{
	const struct mu_config *cfg = d->cfg;
	bool tls_port = cfg->listen_tls_port > 0;
	int n = daemon_listen_systemd(d);

	if (n != 0)
		return n < 0 ? -1 : 0;
	if (cfg->listen_port == 0 && !tls_port) {
		fprintf(stderr, "pop3d: pop3_listen_port is 0 and "
			"pop3_listen_tls_port is unset: no port to listen "
			"on\n");
		return -1;
	}
	if (cfg->listen_port != 0 &&
	    listener_open(d, cfg->listen_port, false) < 0)
		return -1;
	if (tls_port && listener_open(d, (unsigned)cfg->listen_tls_port,
				      true) < 0)
		return -1;
	return 0;
}

static void
daemon_unlisten(struct daemon *d)
{
	for (size_t i = 0; i < d->nlisteners; i++)
		close(d->listeners[i].fd);
	d->nlisteners = 0;
}

/* ---- children ---- */

static void start_repair(struct daemon *d, const struct child *c);
static void child_setup(void *ctx);

static struct child *
children_find(struct daemon *d, pid_t pid)
{
	for (size_t i = 0; i < d->nchildren; i++)
		if (d->children[i].pid == pid)
			return &d->children[i];
	return NULL;
}

/* How a session process ended, when that is worth a line: a session
 * writes its own summary, except when it was killed or crashed. */
static void
child_log_end(const struct child *c, int status)
{
	char label[SESSION_CLIENT_MAX + 32];
	long long ms = ms_since(&c->started);

	client_label(c->client, c->port, label, sizeof label);
	if (WIFSIGNALED(status))
		mu_log(MU_LOG_WARNING, "%s session %ld killed by signal %d "
		       "(%s) after %lld.%03llds; it wrote no summary", label,
		       (long)c->pid, WTERMSIG(status),
		       strsignal(WTERMSIG(status)), ms / 1000, ms % 1000);
	else if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
		mu_log(MU_LOG_INFO, "%s session %ld exited with status %d",
		       label, (long)c->pid, WEXITSTATUS(status));
}

static void
child_forget(struct daemon *d, struct child *c)
{
	if (c->link_fd >= 0)
		close(c->link_fd);
	if (c->adopted != NULL) {
		adopted_free(c->adopted);
		free(c->adopted);
	}
	*c = d->children[--d->nchildren];
}

/* Sessions, each counted once: a monitor that handed its session to us
 * is on its way out. */
static size_t
sessions_running(const struct daemon *d)
{
	size_t n = 0;

	for (size_t i = 0; i < d->nchildren; i++)
		if (!d->children[i].handed_over)
			n++;
	return n;
}

static void
children_reap(struct daemon *d)
{
	pid_t pid;
	int status;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		struct child *c = children_find(d, pid);

		if (c == NULL)
			continue;       /* a repair (repair.c) */
		child_log_end(c, status);
		/* what a monitor would do for a transaction process it saw
		 * die: finish an interrupted commit now */
		if (c->adopted != NULL && WIFSIGNALED(status))
			start_repair(d, c);
		child_forget(d, c);
	}
}

static void
children_signal(struct daemon *d, int sig)
{
	for (size_t i = 0; i < d->nchildren; i++)
		(void)kill(d->children[i].pid, sig);
}

/* An adopted transaction process was killed: check its mailbox as the
 * user, in a child of ours that nobody waits for (repair.c logs). */
static void
start_repair(struct daemon *d, const struct child *c)
{
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		mu_log(MU_LOG_ERR, "mailbox repair: fork: %s", strerror(errno));
		return;
	}
	if (pid == 0) {
		/* child_setup takes the table, c with it */
		struct auth_user u = c->adopted->user;

		child_setup(d);
		privsep_repair_child(d->cfg, &u);
	}
}

/* The table of children and the poll array, in mappings of their own
 * (table_free in a child gives them back whole). */
static size_t
table_bytes(const struct daemon *d)
{
	return CHILDREN_CAPACITY(d) * sizeof *d->children;
}

static size_t
pfd_bytes(const struct daemon *d)
{
	return (MAX_LISTENERS + CHILDREN_CAPACITY(d)) * sizeof *d->pfd;
}

static void *
map_zeroed(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		mu_log(MU_LOG_CRIT, "out of memory for the table of sessions");
		abort();
	}
	return p;
}

static void
table_alloc(struct daemon *d)
{
	d->children = map_zeroed(table_bytes(d));
	d->pfd = map_zeroed(pfd_bytes(d));
}

static void
table_free(struct daemon *d)
{
	if (d->children != NULL)
		munmap(d->children, table_bytes(d));
	if (d->pfd != NULL)
		munmap(d->pfd, pfd_bytes(d));
	d->children = NULL;
	d->pfd = NULL;
	d->nchildren = 0;
}

/* In a child of the listener: drop what is the listener's. */
static void
child_setup(void *ctx)
{
	struct daemon *d = ctx;

	/* the other sessions' links are the listener's, never ours */
	for (size_t i = 0; i < d->nchildren; i++)
		if (d->children[i].link_fd >= 0)
			close(d->children[i].link_fd);

	/* the session must not inherit the listener's handlers or mask;
	 * net_session_run() installs its own for SIGTERM */
	for (size_t i = 0; i < N_HANDLED; i++)
		signal(handled_signals[i], SIG_DFL);
	sigprocmask(SIG_SETMASK, &d->child_mask, NULL);
	daemon_unlisten(d);
	/* The table and the poll array are the listener's, which rewrites
	 * them after every fork: a session that kept them would keep its own
	 * copy of every page the listener touched since. */
	table_free(d);
}

static void
child_run(struct daemon *d, int fd, const struct session_conn *conn)
{
	struct session_conn c = *conn;

	child_setup(d);
	if (dup2(fd, 0) < 0 || dup2(fd, 1) < 0) {
		mu_log(MU_LOG_ERR, "[client %s port %u] dup2: %s", c.client,
		       c.client_port, strerror(errno));
		_exit(1);
	}
	if (fd > 1)
		close(fd);
	c.in_fd = 0;
	c.out_fd = 1;
	privsep_exit(net_session_run(d->cfg, &c));
}

/* Answer a connection that gets no session, without ever waiting for
 * it: the listener must not block on a client it is turning away.  The
 * text is an RFC 2449 response code, then what happened; the host_id
 * comes between them, as in every refusal of a connection. */
static void
refuse(const struct daemon *d, int fd, const struct listener *l,
       const char *code, const char *what)
{
	char host[SESSION_HOST_ID_MAX], text[POP3_REPLY_MAX];

	conf_host_id(d->cfg, host, sizeof host);
	snprintf(text, sizeof text, "%s %.400s %s", code, host,
		 text_for(d->cfg, what));
	access_refuse(fd, l->implicit_tls, text);
	close(fd);
}

/* Sessions from address that have not logged in yet. */
static size_t
count_prelogin(const struct daemon *d, const char *address)
{
	size_t n = 0;

	for (size_t i = 0; i < d->nchildren; i++) {
		const struct child *c = &d->children[i];

		if (c->address_known && !c->logged_in &&
		    strcmp(c->client, address) == 0)
			n++;
	}
	return n;
}

static bool
prelogin_full(const struct daemon *d, const char *address)
{
	return d->cfg->prelogin_per_addr > 0 &&
		count_prelogin(d, address) >= d->cfg->prelogin_per_addr;
}

static void
accept_one(struct daemon *d, const struct listener *l)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	struct session_conn conn = {
		.implicit_tls = l->implicit_tls,
		.proxy_v2 = d->opts->proxy_header ||
			d->cfg->accept_haproxy == 2,
	};
	char label[SESSION_CLIENT_MAX + 32];
	struct child *c;
	pid_t pid;
	int fd, link[2];

	fd = accept4(l->fd, (struct sockaddr *)&ss, &len, SOCK_CLOEXEC);
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
	net_addr_format((struct sockaddr *)&ss, len, conn.client,
			sizeof conn.client);
	conn.client_port = net_addr_port((struct sockaddr *)&ss, len);
	client_label(conn.client, conn.client_port, label, sizeof label);

	/* Who may talk to us at all, before anything is read.  With PROXY
	 * v2 the peer is a proxy, which must be one we trust: a client
	 * that reaches the port directly must not name its own address.
	 * The ACL then applies to the header's address (the session's
	 * monitor asks us, listenerlink.h). */
	if (conn.proxy_v2 && !access_proxy_trusted(d->cfg,
						   (struct sockaddr *)&ss, len)) {
		close(fd);
		mu_log(MU_LOG_NOTICE, "%s refused: not in pop3_haproxy_trusted, "
		       "it may not send a PROXY v2 header; closed without "
		       "greeting", label);
		return;
	}
	if (!conn.proxy_v2 && !access_client_allowed(d->cfg,
						     (struct sockaddr *)&ss,
						     len)) {
		refuse(d, fd, l, "[SYS/PERM]", "access denied");
		mu_log(MU_LOG_NOTICE, "%s refused: access denied (deny_from, "
		       "allow_from)", label);
		return;
	}
	children_reap(d);       /* count only sessions still alive */
	if (sessions_running(d) >= d->max_children ||
	    d->nchildren >= CHILDREN_CAPACITY(d)) {
		refuse(d, fd, l, "[SYS/TEMP]", "too many connections");
		mu_log(MU_LOG_NOTICE, "%s refused: %zu sessions running "
		       "(the limit)", label, sessions_running(d));
		return;
	}
	if (!conn.proxy_v2 && prelogin_full(d, conn.client)) {
		refuse(d, fd, l, "[SYS/TEMP]",
		       "too many connections from your address");
		mu_log(MU_LOG_NOTICE, "%s refused: %u sessions from this "
		       "address not logged in yet (prelogin_per_addr)", label,
		       d->cfg->prelogin_per_addr);
		return;
	}
	if (l->implicit_tls && !tls_server_ready()) {
		close(fd);
		mu_log(MU_LOG_ERR, "%s refused on the TLS port %u: TLS is not "
		       "configured (pop3_support_tls, pop3_certificate_path)",
		       label, l->port);
		return;
	}

	if (listener_link_pair(link) < 0) {
		mu_log(MU_LOG_ERR, "%s socketpair: %s", label, strerror(errno));
		refuse(d, fd, l, "[SYS/TEMP]", "POP3 service not available");
		return;
	}
	fflush(NULL);           /* no buffered output twice */
	pid = fork();
	if (pid < 0) {
		mu_log(MU_LOG_ERR, "%s fork: %s", label, strerror(errno));
		close(link[0]);
		close(link[1]);
		refuse(d, fd, l, "[SYS/TEMP]", "POP3 service not available");
		return;
	}
	if (pid == 0) {
		close(link[0]);
		conn.link_fd = link[1];
		child_run(d, fd, &conn);
	}
	close(fd);
	close(link[1]);
	c = &d->children[d->nchildren++];
	c->pid = pid;
	snprintf(c->client, sizeof c->client, "%s", conn.client);
	c->port = conn.client_port;
	c->link_fd = link[0];
	c->address_known = !conn.proxy_v2;
	c->logged_in = false;
	c->handed_over = false;
	c->adopted = NULL;
	c->adopting = 0;
	clock_gettime(CLOCK_MONOTONIC, &c->started);
	mu_log(MU_LOG_DEBUG, "%s session %ld started%s", label, (long)pid,
	       l->implicit_tls ? " (implicit TLS)" : "");
}

/* A session says something (listenerlink.h): it logged in, or it has
 * read a PROXY v2 header and asks whether its client, known only now,
 * may go on -- the address ACL and prelogin_per_addr, which a direct
 * connection met at accept. */
/* A monitor hands its logged-in session over (adopt.h): start the
 * transaction process, and keep it in the table in the monitor's stead. */
static void
child_adopt(struct daemon *d, struct child *c)
{
	/* fresh pages, let go of after the fork: the child keeps its copy
	 * of what it needs, and we never write to pages it shares */
	struct ipc_msg *msg = mmap(NULL, sizeof *msg, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct adopted *a;
	const char *error;
	unsigned nfds = 0;
	int fds[IPC_MAX_FDS];
	struct child *t;
	pid_t pid;

	/* it is there: poll() said so */
	if (msg == MAP_FAILED) {
		mu_log(MU_LOG_ERR, "session %ld: no memory for its handover",
		       (long)c->pid);
		return;
	}
	a = mu_xcalloc(1, sizeof *a);
	if (ipc_recv_fds(c->link_fd, msg, fds, IPC_MAX_FDS, &nfds, 100, NULL,
			 &error) <= 0 || nfds != 2 || msg->type != IPC_ADOPT ||
	    d->nchildren >= CHILDREN_CAPACITY(d)) {
		mu_log(MU_LOG_ERR, "session %ld: bad handover: %s",
		       (long)c->pid, nfds != 2 ? "descriptors missing" :
		       "malformed");
		for (unsigned i = 0; i < nfds; i++)
			close(fds[i]);
		munmap(msg, sizeof *msg);
		free(a);
		return;
	}
	pid = adopt_start(d->cfg, msg, fds, &c->started, c->pid, child_setup,
			  d, a);
	munmap(msg, sizeof *msg);
	if (pid < 0) {
		free(a);
		return;
	}
	c->adopting = pid;
	t = &d->children[d->nchildren++];
	*t = *c;
	t->pid = pid;
	t->link_fd = -1;
	t->logged_in = true;
	t->handed_over = false;
	t->adopted = a;
	t->adopting = 0;
}

static void
child_link_event(struct daemon *d, struct child *c)
{
	char address[LISTENER_LINK_ADDR_MAX + 1];
	unsigned char first;
	bool admit;

	if (recv(c->link_fd, &first, 1, MSG_PEEK | MSG_DONTWAIT) == 1 &&
	    first == IPC_ADOPT) {
		child_adopt(d, c);
		return;
	}
	switch (listener_link_read(c->link_fd, address, sizeof address)) {
	case LINK_NONE:
		return;
	case LINK_CLOSED:
		close(c->link_fd);
		c->link_fd = -1;
		return;
	case LINK_LOGGED_IN:
		c->logged_in = true;
		/* the transaction process we started took the session */
		if (c->adopting > 0 && children_find(d, c->adopting) != NULL)
			c->handed_over = true;
		return;
	case LINK_ADDRESS:
		break;
	}
	/* a refusal is the session's to log: it knows the client's port */
	admit = !prelogin_full(d, address);
	if (admit) {
		snprintf(c->client, sizeof c->client, "%s", address);
		c->address_known = true;
	}
	listener_link_answer(c->link_fd, admit);
}

/* ---- SIGHUP ---- */

static bool
same_string(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static void
daemon_reload(struct daemon *d)
{
	struct mu_config *cfg = mu_xcalloc(1, sizeof *cfg);
	struct mu_config *old = d->cfg;
	const char *error;
	const char *problem;

	mu_config_init(cfg);
	if (conf_load(cfg, d->config_file, d->opts->config_explicit,
		      &problem) < 0) {
		mu_log(MU_LOG_ERR, "SIGHUP: configuration kept: %s", problem);
		mu_config_free(cfg);
		free(cfg);
		return;
	}
	/* always reopened, even unchanged: after logrotate moved the file,
	 * SIGHUP is how a daemon is told to start a new one */
	if (mu_log_open("pop3d", cfg->log_file, cfg->log_level,
			d->opts->foreground, &error) < 0) {
		mu_log(MU_LOG_ERR, "SIGHUP: %s; configuration kept", error);
		mu_config_free(cfg);
		free(cfg);
		return;
	}
	if (!same_string(cfg->listen_addr, old->listen_addr) ||
	    cfg->listen_port != old->listen_port ||
	    cfg->listen_tls_port != old->listen_tls_port ||
	    cfg->context_num != old->context_num)
		mu_log(MU_LOG_NOTICE, "SIGHUP: pop3_listen_addr, "
		       "pop3_listen_port, pop3_listen_tls_port and "
		       "context_num change at restart");
	if (!same_string(cfg->pid_file, old->pid_file))
		mu_log(MU_LOG_NOTICE, "SIGHUP: pid_file changes at restart");
	fd_limit_reload(cfg, old);
	/* certificates are re-read too (renewed ones take effect without a
	 * restart); broken ones leave the old in use, logged (tls.c) */
	tls_server_reload(cfg);
	d->cfg = cfg;
	mu_config_free(old);
	free(old);
	/* pam_service may have changed, and so may its file */
	auth_pam_preload(d->cfg);
	mu_log(MU_LOG_NOTICE, "SIGHUP: configuration re-read; new sessions "
	       "use it");
}

/* ---- pid_file ---- */

/* Opened before detaching, so that a path that cannot be written is an
 * error on stderr and in the exit status; written once the final process
 * is known.  No symlink is followed: the file is made as root. */
static int
pid_file_open(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC |
		      O_NONBLOCK, 0644);
	struct stat st;

	if (fd < 0) {
		fprintf(stderr, "pop3d: pid_file %s: %s\n", path,
			strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		fprintf(stderr, "pop3d: pid_file %s: not a regular file\n",
			path);
		close(fd);
		return -1;
	}
	return fd;
}

static void
pid_file_write(int fd, const char *path)
{
	char line[32];
	int len = snprintf(line, sizeof line, "%ld\n", (long)getpid());

	if (ftruncate(fd, 0) < 0 || mu_write_all(fd, line, (size_t)len) < 0)
		mu_log(MU_LOG_ERR, "pid_file %s: %s", path, strerror(errno));
	close(fd);
}

/* At exit: only a file that still names us (a second daemon started by
 * mistake may have written its own). */
static void
pid_file_remove(const char *path)
{
	char line[32];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0)
		return;
	n = read(fd, line, sizeof line - 1);
	close(fd);
	if (n <= 0)
		return;
	line[n] = '\0';
	if (strtol(line, NULL, 10) == (long)getpid() && unlink(path) < 0)
		mu_log(MU_LOG_WARNING, "pid_file %s: %s", path,
		       strerror(errno));
}

/* ---- the loop ---- */

/* The classic daemon start: a first child that is not a group leader
 * can setsid(); a second one, not a session leader, can never get a
 * controlling terminal back.  The first parent exits 0 at once: the
 * sockets already listen, so whoever started us can connect now. */
static int
detach(void)
{
	pid_t pid;
	int null;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid > 0)
		_exit(0);
	if (setsid() < 0)
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid > 0)
		_exit(0);
	if (chdir("/") < 0)
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
	struct timespec start;

	daemon_unlisten(d);
	children_reap(d);
	mu_log(MU_LOG_NOTICE, "stopping; ending %zu sessions", d->nchildren);
	children_signal(d, SIGTERM);
	clock_gettime(CLOCK_MONOTONIC, &start);
	while (d->nchildren > 0) {
		long long spent = ms_since(&start);
		struct timespec ts;

		if (spent >= POP3_DAEMON_STOP_GRACE_MS) {
			mu_log(MU_LOG_WARNING, "%zu sessions still running "
			       "after %d ms; killing them", d->nchildren,
			       POP3_DAEMON_STOP_GRACE_MS);
			children_signal(d, SIGKILL);
			while (d->nchildren > 0) {
				int status;
				pid_t pid = waitpid(-1, &status, 0);
				struct child *c;

				if (pid < 0)
					break;
				c = children_find(d, pid);
				if (c == NULL)
					continue;
				child_log_end(c, status);
				child_forget(d, c);
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

/* SIGHUP re-reads the file after chdir("/"): a relative -c path must
 * be made absolute first. */
static char *
absolute_path(const char *path)
{
	char cwd[PATH_MAX];

	if (path[0] == '/' || getcwd(cwd, sizeof cwd) == NULL)
		return mu_xstrdup(path);
	return mu_xasprintf("%s/%s", cwd, path);
}

static void
log_listening(const struct daemon *d)
{
	for (size_t i = 0; i < d->nlisteners; i++) {
		const struct listener *l = &d->listeners[i];
		char from[128] = "";

		if (l->sd_name != NULL)
			snprintf(from, sizeof from, " from systemd (fd %d%s%s)",
				 l->fd, l->sd_name[0] ? ", name " : "",
				 l->sd_name);
		mu_log(MU_LOG_NOTICE, "listening on %s port %u%s%s, at most %zu "
		       "sessions", l->addr, l->port,
		       l->implicit_tls ? " (implicit TLS)" : "", from,
		       d->max_children);
	}
	if (d->nsd > 0)
		mu_log(MU_LOG_NOTICE, "%zu listening sockets from systemd; "
		       "pop3_listen_addr and the ports are not used", d->nsd);
	if (d->opts->proxy_header || d->cfg->accept_haproxy == 2)
		mu_log(MU_LOG_NOTICE, "every connection must start with a "
		       "PROXY v2 header");
}

int
daemon_run(struct mu_config *cfg, const struct daemon_options *opts)
{
	struct daemon d = { .cfg = cfg, .opts = opts };
	struct sigaction sa;
	sigset_t blocked;
	char *pid_file = NULL;
	int status = 0, pid_fd = -1;

	d.max_children = opts->max_children ? opts->max_children :
		cfg->context_num;
	if (d.max_children == 0) {
		fprintf(stderr, "pop3d: context_num must be at least 1\n");
		return 1;
	}
	d.config_file = absolute_path(opts->config_file);
	/* every session looks up users and groups: load the NSS modules
	 * once here, so that each process shares them with us instead of
	 * loading and relocating its own copy */
	identity_preload_nss();
	/* and what every login needs: PAM's modules, libgsasl's context */
	auth_pam_preload(d.cfg);
	sasl_preload();
	if (daemon_listen(&d) < 0) {
		daemon_unlisten(&d);
		free(d.config_file);
		return 1;
	}
	/* SIGHUP may change the configuration, never this file: the one
	 * written is the one removed */
	if (cfg->pid_file != NULL && cfg->pid_file[0] != '\0') {
		pid_file = mu_xstrdup(cfg->pid_file);
		pid_fd = pid_file_open(pid_file);
		if (pid_fd < 0) {
			daemon_unlisten(&d);
			free(d.config_file);
			free(pid_file);
			return 1;
		}
	}
	if (!opts->foreground && detach() < 0) {
		mu_log(MU_LOG_CRIT, "cannot detach: %s", strerror(errno));
		return 1;
	}
	if (pid_fd >= 0)
		pid_file_write(pid_fd, pid_file);
	table_alloc(&d);
	log_listening(&d);

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

	while (!got_term) {
		struct pollfd *pfd = d.pfd;
		size_t nfds = d.nlisteners;
		int r;

		for (size_t i = 0; i < d.nlisteners; i++)
			pfd[i] = (struct pollfd){
				.fd = d.listeners[i].fd, .events = POLLIN,
			};
		for (size_t i = 0; i < d.nchildren; i++)
			pfd[nfds++] = (struct pollfd){
				.fd = d.children[i].link_fd, .events = POLLIN,
			};
		r = ppoll(pfd, nfds, NULL, &d.wait_mask);
		if (r < 0 && errno != EINTR) {
			mu_log(MU_LOG_CRIT, "poll: %s", strerror(errno));
			status = 1;
			break;
		}
		/* before the children are reaped or added: the table still
		 * lines up with the poll array (a negative fd is skipped) */
		for (size_t i = 0; r > 0 && i < nfds - d.nlisteners; i++)
			if (pfd[d.nlisteners + i].revents != 0 &&
			    d.children[i].link_fd >= 0)
				child_link_event(&d, &d.children[i]);
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
		for (size_t i = 0; r > 0 && i < d.nlisteners; i++)
			if (pfd[i].revents & POLLIN)
				accept_one(&d, &d.listeners[i]);
	}
	daemon_stop(&d);
	if (pid_file != NULL) {
		pid_file_remove(pid_file);
		free(pid_file);
	}
	table_free(&d);
	free(d.config_file);
	mu_config_free(d.cfg);
	free(d.cfg);
	return status;
}
