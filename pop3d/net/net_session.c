/* The network process's session (net_session.h): from the connection to
 * the login that hands it over -- the split from the monitor, the PROXY
 * header, implicit TLS, the greeting, the AUTHORIZATION command loop, then
 * the relay of a TLS session. */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "libmu/log.h"
#include "libmu/util.h"
#include "pop3d/common/conf.h"
#include "pop3d/common/net.h"
#include "pop3d/common/reply.h"
#include "pop3d/common/sessionlog.h"
#include "pop3d/common/telemetry.h"
#include "pop3d/common/texts.h"
#include "pop3d/monitor/privsep.h"
#include "pop3d/net/auth_commands.h"
#include "pop3d/net/net_session.h"
#include "pop3d/net/proxy.h"
#include "pop3d/net/tls.h"

/* The APOP timestamp is the monitor's (privsep.c): it checks digests
 * against its own copy, never against one the network side sends. */
static void
send_greeting(struct net_session *n)
{
	struct session *s = &n->core;

	if (n->apop_timestamp[0] != '\0') {
		reply_ok(s, "%s POP3 server ready %s", s->host_id,
			 n->apop_timestamp);
	} else {
		reply_ok(s, "%s POP3 server ready", s->host_id);
	}
}

/* The negative greeting (RFC 2449 section 8, [SYS/TEMP]) of a session
 * that cannot start -- running_identity missing, no process to be had:
 * the client learns it is the server's fault, and which server, instead
 * of seeing the connection close without a word.  The reason is in the
 * log.  Written directly: the reply buffer is not set up yet. */
static void
send_unavailable(const struct session *s, int fd)
{
	char line[POP3_REPLY_MAX];
	int len = snprintf(line, sizeof line, "-ERR [SYS/TEMP] %.400s %s\r\n",
			   s->host_id, text_get(s->cfg, TEXT_SERVICE_UNAVAILABLE));

	if (len > 0)
		(void)mu_write_all(fd, line, (size_t)len);
}

/* pop3_accept_haproxy = 2, or -H: a PROXY v2 header comes before
 * anything else, and its source address is the client from now on (for
 * logs, blocks and telemetry).  A missing, truncated, malformed or late
 * header ends the connection without a greeting.  0, or -1 when the
 * session must end. */
static int
read_proxy_header(struct session *s)
{
	struct proxy_v2_info info;
	const char *error = "unknown error";
	char proxy[SESSION_CLIENT_MAX];
	unsigned proxy_port = s->client_port;
	int timeout_ms = s->cfg->conn_timeout == 0 ? -1 :
		s->cfg->conn_timeout > 86400 ? 86400000 :
		(int)s->cfg->conn_timeout * 1000;

	timeout_ms = session_min_wait(timeout_ms, session_login_ms_left(s));
	if (proxy_v2_read(s->in_fd, timeout_ms, &session_stop_requested, &info,
			  &error) < 0) {
		mu_log(MU_LOG_NOTICE, "PROXY v2 header refused: %s; closing "
		       "without greeting", error);
		session_end_set(s, SESSION_END_PROXY);
		return -1;
	}
	if (info.local) {
		mu_log(MU_LOG_INFO, "PROXY v2 header without a client address "
		       "(LOCAL); the connection is the proxy's own");
		return 0;
	}
	snprintf(proxy, sizeof proxy, "%s", s->client);
	net_addr_format((const struct sockaddr *)&info.src, info.src_len,
			s->client, sizeof s->client);
	s->client_port = net_addr_port((const struct sockaddr *)&info.src,
				       info.src_len);
	session_set_log_prefix(s, NULL);
	mu_log(MU_LOG_INFO, "connection through proxy %s port %u", proxy,
	       proxy_port);
	return 0;
}

void
net_forget_pending_user(struct net_session *n)
{
	if (n->pending_user != NULL) {
		explicit_bzero(n->pending_user, strlen(n->pending_user));
		free(n->pending_user);
		n->pending_user = NULL;
	}
}

int
net_session_run(const struct mu_config *cfg, const struct session_conn *conn)
{
	struct net_session *n = session_new(sizeof *n);
	struct session *s = &n->core;
	int in_fd = conn->in_fd, out_fd = conn->out_fd;
	int in_flags = -1, out_flags = -1, status = 0;

	clock_gettime(CLOCK_MONOTONIC, &s->started);
	session_catch_stop_signals();
	s->cfg = cfg;
	s->out_cap = conf_output_capacity(cfg);         /* context_max_mem */
	s->in_fd = in_fd;
	s->out_fd = out_fd;
	s->state = STATE_AUTHORIZATION;
	s->commands = &authorization_commands;
	snprintf(s->client, sizeof s->client, "%s", conn->client);
	s->client_port = conn->client_port;
	s->implicit_tls = conn->implicit_tls;
	session_set_log_prefix(s, NULL);
	conf_host_id(cfg, s->host_id, sizeof s->host_id);
	/* Before a byte from the client is read: the monitor stays
	 * privileged, this process goes on as running_identity
	 * (doc/privsep.md) */
	if (privsep_split(n, conn) < 0) {
		/* on a POP3S connection plain text would only break the
		 * client's handshake */
		if (!conn->implicit_tls)
			send_unavailable(s, out_fd);
		status = 1;
		goto out;
	}

	/* login_timeout counts from here until a login hands over */
	s->login_timer = true;
	if (session_set_nonblocking(in_fd, &in_flags) < 0 ||
	    (out_fd != in_fd &&
	     session_set_nonblocking(out_fd, &out_flags) < 0)) {
		status = 1;
		goto out;
	}
	session_set_nodelay(out_fd);
	conn_init(&s->conn, s->in_fd, s->out_fd);
	/* the PROXY header comes before anything else, TLS included: the
	 * proxy writes it ahead of the client's bytes */
	if (conn->proxy_v2 &&
	    (read_proxy_header(s) < 0 || privsep_send_client(n) != 0)) {
		(void)reply_flush(s);
		goto end;
	}
	s->telemetry = telemetry_new(cfg->telemetry_dir);
	telemetry_note(s->telemetry, "connection from %s port %u, pid %ld%s",
		       s->client, s->client_port, (long)getpid(),
		       s->implicit_tls ? ", implicit TLS" : "");
	mu_log(MU_LOG_INFO, "session start");
	/* RFC 8314 section 3.3: on a POP3S connection the TLS handshake
	 * comes first; a client that fails it gets no greeting at all */
	if (!s->implicit_tls || tls_session_start(s) == 0) {
		send_greeting(n);
		session_loop(s);
		/* logged in: the transaction process serves the session,
		 * through us */
		if (n->handed_over && !n->direct)
			privsep_relay(n);
	} else {
		session_end_set(s, SESSION_END_TLS);
	}
	/* handed over directly: the connection is the transaction
	 * process's, its file status flags included */
	if (n->direct)
		goto out_free;
	(void)reply_flush(s);
	conn_end(&s->conn);
end:
	/* after a login the transaction process logs the summary */
	if (!n->handed_over)
		session_log_summary(s, NULL, NULL);
	telemetry_note(s->telemetry, "session end: %s",
		       session_end_name(s->end));
out:
	/* restore what we changed: in inetd mode with a terminal or a pipe
	 * the file descriptions may be shared with other processes */
	if (in_flags >= 0)
		(void)fcntl(in_fd, F_SETFL, in_flags);
	if (out_flags >= 0)
		(void)fcntl(out_fd, F_SETFL, out_flags);
out_free:
	net_forget_pending_user(n);
	free(n->user);
	session_free(s, sizeof *n);
	return status;
}

