/* One POP3 session: the bounded line reader, the idle timeout, the
 * greeting and the command loop (RFC 1939 sections 3-4, RFC 2449
 * section 4 for line lengths and pipelining). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "libmu/log.h"
#include "libmu/util.h"
#include "pop3d/common/cmd.h"
#include "pop3d/common/conf.h"
#include "pop3d/common/mask.h"
#include "pop3d/common/net.h"
#include "pop3d/monitor/privsep.h"
#include "pop3d/net/proxy.h"
#include "pop3d/common/reply.h"
#include "pop3d/common/session.h"
#include "pop3d/common/sessionlog.h"
#include "pop3d/common/telemetry.h"
#include "pop3d/net/tls.h"

enum line_status {
	LINE_OK,
	LINE_TOO_LONG,          /* discarded whole; the session goes on */
	LINE_NUL,               /* voided by a NUL byte; the session goes on */
	LINE_EOF,
	LINE_TIMEOUT,
	LINE_LOGIN_TIMEOUT,     /* login_timeout since the connection came */
	LINE_FLOOD,             /* POP3_FLOOD_MAX octets without a line end */
	LINE_SHUTDOWN,          /* SIGTERM while waiting for the client */
	LINE_ERROR,
};

const char *
log_quote(const char *text, char *buf, size_t size)
{
	size_t o = 0;

	if (size == 0)
		return buf;
	for (const unsigned char *p = (const unsigned char *)text;
	     *p != '\0' && o + 5 < size; p++) {
		if (*p < 0x20 || *p >= 0x7f || *p == '\\')
			o += (size_t)snprintf(buf + o, size - o, "\\x%02x", *p);
		else
			buf[o++] = (char)*p;
	}
	buf[o] = '\0';
	return buf;
}

/* Every line about a client starts with the same prefix, so one
 * fail2ban regex finds the address in all of them (doc/pop3d.8, LOGS):
 * "[client ADDR port N user NAME]", port and user when known. */
void
session_set_log_prefix(struct session *s)
{
	char name[64], port[24] = "";

	if (s->client_port != 0)
		snprintf(port, sizeof port, " port %u", s->client_port);
	if (s->logged_in)
		snprintf(s->log_prefix, sizeof s->log_prefix,
			 "[client %s%s user %s]", s->client, port,
			 log_quote(s->user.name, name, sizeof name));
	else
		snprintf(s->log_prefix, sizeof s->log_prefix, "[client %s%s]",
			 s->client, port);
	mu_log_set_prefix(s->log_prefix);
}

void
session_forget_pending_user(struct session *s)
{
	if (s->pending_user != NULL) {
		explicit_bzero(s->pending_user, strlen(s->pending_user));
		free(s->pending_user);
		s->pending_user = NULL;
	}
}

/* Milliseconds left of the idle timeout that started at *start; -1 when
 * there is no timeout (pop3_conn_timeout = 0). */
static int
idle_ms_left(const struct session *s, const struct timespec *start)
{
	if (s->cfg->conn_timeout == 0)
		return -1;
	return mu_ms_left(start, (long long)s->cfg->conn_timeout * 1000);
}

int
session_login_ms_left(const struct session *s)
{
	/* the network process before login; after it, and in the
	 * transaction process, only the idle timeout counts */
	if (s->cfg->login_timeout == 0 || s->state != STATE_AUTHORIZATION ||
	    s->handed_over || s->monitor_fd < 0)
		return -1;
	return mu_ms_left(&s->started, (long long)s->cfg->login_timeout * 1000);
}

/* The shorter of two waits in milliseconds, -1 meaning no limit. */
static int
min_wait(int a, int b)
{
	if (a < 0)
		return b;
	if (b < 0)
		return a;
	return a < b ? a : b;
}

/* Read more input into the buffer.  Everything buffered for the client is
 * written first: this is the one place where the server waits for the
 * client, so replies to pipelined commands go out together here. */
static enum line_status
fill_input(struct session *s, const struct timespec *start)
{
	if (s->in_off > 0) {
		memmove(s->inbuf, s->inbuf + s->in_off, s->in_len - s->in_off);
		s->in_len -= s->in_off;
		s->in_off = 0;
	}
	if (reply_flush(s) < 0)
		return LINE_ERROR;
	for (;;) {
		/* Before login the deadline is fixed at the connection:
		 * commands do not push it back, so a client that keeps
		 * talking without logging in cannot hold a session slot
		 * longer than login_timeout. */
		int login_ms = session_login_ms_left(s);
		int wait_ms = min_wait(idle_ms_left(s, start), login_ms);
		const char *error = "unknown error";
		ssize_t n;
		int r;

		if (session_stop_requested)
			return LINE_SHUTDOWN;
		if (login_ms == 0)
			return LINE_LOGIN_TIMEOUT;
		if (wait_ms == 0)
			return LINE_TIMEOUT;
		/* through the transport: TLS may hold decrypted input that
		 * poll() cannot see (conn.c) */
		r = conn_wait(&s->conn, CONN_IN, wait_ms, &error);
		if (r < 0) {
			mu_log(MU_LOG_ERR, "poll for input: %s", error);
			return LINE_ERROR;
		}
		if (r == 0)
			continue;       /* the loop re-checks the deadline */
		n = conn_read(&s->conn, s->inbuf + s->in_len,
			      sizeof s->inbuf - s->in_len, &error);
		if (n > 0) {
			s->in_len += (size_t)n;
			return LINE_OK;
		}
		if (n == 0) {
			s->in_eof = true;
			return LINE_EOF;
		}
		if (n == CONN_AGAIN)
			continue;
		mu_log(MU_LOG_ERR, "read from client: %s", error);
		return LINE_ERROR;
	}
}

/* The transcript (telemetry_dir) gets every line the client sends,
 * masked by the same rule as the log. */
static void
record_input(struct session *s, enum line_status r, const char *line)
{
	char masked[POP3_LINE_MAX + 1];

	if (s->telemetry == NULL)
		return;
	if (r == LINE_OK) {
		mask_client_line(line, s->secret_input, masked,
				 sizeof masked);
		telemetry_record(s->telemetry, TELEMETRY_CLIENT, masked,
				 strlen(masked));
	} else if (r == LINE_TOO_LONG) {
		telemetry_note(s->telemetry, "overlong line discarded");
	} else if (r == LINE_NUL) {
		telemetry_note(s->telemetry, "line with a NUL byte discarded");
	}
}

/* Read one command line into s->line.  A line ends at LF, with or without
 * CR before it (bare LF is accepted from sloppy clients).  A line longer
 * than POP3_LINE_MAX is skipped up to its end and reported once, so it can
 * never be taken for two commands; memory stays bounded whatever the
 * client sends. */
static enum line_status
read_line_into(struct session *s, char *buf, size_t max)
{
	struct timespec start;
	size_t skipped = 0;     /* octets of an overlong line dropped so far */

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		char *p = s->inbuf + s->in_off;
		size_t avail = s->in_len - s->in_off;
		char *nl = memchr(p, '\n', avail);
		enum line_status r;

		if (nl != NULL) {
			size_t len = (size_t)(nl - p);

			s->in_off += len + 1;
			if (skipped == 0 && len > 0 && p[len - 1] == '\r')
				len--;
			if (skipped > 0 || len > max)
				r = LINE_TOO_LONG;
			else if (memchr(p, '\0', len) != NULL)
				r = LINE_NUL;
			else {
				memcpy(buf, p, len);
				buf[len] = '\0';
				r = LINE_OK;
			}
			/* the line may be a password: leave no copy behind */
			explicit_bzero(p, len);
			record_input(s, r, buf);
			return r;
		}
		/* a line longer than the buffer can hold is skipped as it
		 * comes; a shorter one waits in the buffer for its end */
		if (skipped > 0 || avail > max + 1 ||
		    avail >= sizeof s->inbuf) {
			skipped += avail;
			explicit_bzero(p, avail);
			s->in_off = s->in_len;
			if (skipped >= POP3_FLOOD_MAX)
				return LINE_FLOOD;
		}
		if (s->in_eof)
			return LINE_EOF;
		r = fill_input(s, &start);
		if (r != LINE_OK)
			return r;
	}
}

static enum line_status
read_line(struct session *s)
{
	return read_line_into(s, s->line, POP3_LINE_MAX);
}

/* RFC 2449 section 8: [SYS/TEMP], the client may simply try again; the
 * host_id says which server, as the other refusals of a connection do. */
static void
login_timed_out(struct session *s)
{
	mu_log(MU_LOG_NOTICE, "not logged in %u s after connecting "
	       "(login_timeout); closing", s->cfg->login_timeout);
	session_end_set(s, SESSION_END_LOGIN_TIMEOUT);
	reply_err(s, "[SYS/TEMP] %s login time out", s->host_id);
}

int
session_read_response(struct session *s, char *buf, size_t size,
		      const char **why_r)
{
	switch (read_line_into(s, buf, size - 1)) {
	case LINE_OK:
		return 1;
	case LINE_TOO_LONG:
		*why_r = SESSION_RESPONSE_TOO_LONG;
		return 0;
	case LINE_NUL:
		*why_r = SESSION_RESPONSE_NUL;
		return 0;
	case LINE_FLOOD:
		mu_log(MU_LOG_NOTICE, "%d octets without a line end; closing",
		       POP3_FLOOD_MAX);
		session_end_set(s, SESSION_END_FLOOD);
		return -1;
	case LINE_TIMEOUT:
		mu_log(MU_LOG_INFO, "idle for %u s; closing",
		       s->cfg->conn_timeout);
		session_end_set(s, SESSION_END_TIMEOUT);
		reply_error(s, ERR_IDLE_TIMEOUT);
		return -1;
	case LINE_LOGIN_TIMEOUT:
		login_timed_out(s);
		return -1;
	case LINE_SHUTDOWN:
		session_end_set(s, SESSION_END_SHUTDOWN);
		return -1;
	case LINE_EOF:
		mu_log(MU_LOG_INFO, "connection closed");
		session_end_set(s, SESSION_END_DROPPED);
		return -1;
	case LINE_ERROR:
		break;
	}
	session_end_set(s, SESSION_END_ERROR);
	return -1;
}

/* The APOP timestamp is the monitor's (privsep.c): it checks digests
 * against its own copy, never against one the network side sends. */
static void
send_greeting(struct session *s)
{
	if (s->apop_timestamp[0] != '\0') {
		reply_ok(s, "%s POP3 server ready %s", s->host_id,
			 s->apop_timestamp);
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

static void
session_loop(struct session *s)
{
	char masked[POP3_LINE_MAX + 1];

	for (;;) {
		switch (read_line(s)) {
		case LINE_OK:
			/* masked before the handler runs: PASS wipes its
			 * argument */
			if (s->cfg->cmd_debug > 0)
				mask_client_line(s->line, false, masked,
						 sizeof masked);
			s->cmd_masked = s->cfg->cmd_debug > 1 ? masked : NULL;
			if (cmd_dispatch(s, s->line) < 0) {
				/* a login hands the session over (privsep.h):
				 * the command worked, and its +OK comes from
				 * the transaction process, which logs it */
				s->cmd_masked = NULL;
				if (s->handed_over)
					return;
				session_end_set(s, SESSION_END_ERROR);
				return;
			}
			s->cmd_masked = NULL;
			explicit_bzero(s->line, sizeof s->line);
			if (s->cfg->cmd_debug > 0)
				session_log_command(s, masked);
			break;
		case LINE_TOO_LONG:
			reply_error(s, ERR_LINE_TOO_LONG);
			session_log_command(s, "(overlong line)");
			break;
		case LINE_NUL:
			reply_error(s, ERR_NUL_BYTE);
			session_log_command(s, "(line with a NUL byte)");
			break;
		case LINE_FLOOD:
			mu_log(MU_LOG_NOTICE, "%d octets without a line end; "
			       "closing", POP3_FLOOD_MAX);
			session_end_set(s, SESSION_END_FLOOD);
			reply_error(s, ERR_LINE_TOO_LONG);
			return;
		case LINE_TIMEOUT:
			mu_log(MU_LOG_INFO, "idle for %u s; closing",
			       s->cfg->conn_timeout);
			session_end_set(s, SESSION_END_TIMEOUT);
			reply_error(s, ERR_IDLE_TIMEOUT);
			return;
		case LINE_LOGIN_TIMEOUT:
			login_timed_out(s);
			return;
		case LINE_SHUTDOWN:
			/* closed without a word: RFC 1939 has no unsolicited
			 * reply, and a client sending a command just now
			 * would take one for its answer */
			mu_log(MU_LOG_INFO, "server stopping; closing");
			session_end_set(s, SESSION_END_SHUTDOWN);
			return;
		case LINE_EOF:
			if (s->state == STATE_TRANSACTION)
				mu_log(MU_LOG_NOTICE, "connection closed without "
				       "QUIT; no change made to the mailbox");
			else
				mu_log(MU_LOG_INFO, "connection closed");
			/* a stop closes the connection from our side too
			 * (privsep: the network process may end first) */
			session_end_set(s, session_stop_requested ?
					SESSION_END_SHUTDOWN : SESSION_END_DROPPED);
			return;
		case LINE_ERROR:
			session_end_set(s, SESSION_END_ERROR);
			return;
		}
		if (s->closing || s->out_failed) {
			/* QUIT recorded its own end; this is anything else */
			session_end_set(s, SESSION_END_ERROR);
			return;
		}
		if (s->bad_commands >= POP3_MAX_BAD_COMMANDS) {
			mu_log(MU_LOG_NOTICE, "%u bad commands in a row; closing",
			       s->bad_commands);
			session_end_set(s, SESSION_END_TOO_MANY_ERRORS);
			reply_error(s, ERR_TOO_MANY_ERRORS);
			return;
		}
	}
}

/* TCP_NODELAY: each reply is one write(), so Nagle would only add a
 * delayed-ACK stall per reply.  Pipes (tests, inetd wrappers) say
 * ENOTSOCK, which is fine. */
static void
set_nodelay(int fd)
{
	int one = 1;

	if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) < 0 &&
	    errno != ENOTSOCK && errno != EOPNOTSUPP && errno != ENOPROTOOPT)
		mu_log(MU_LOG_WARNING, "TCP_NODELAY: %s", strerror(errno));
}

/* Non-blocking descriptors let every wait go through poll() with the idle
 * timeout, so a client that stops reading cannot hold the process. */
static int
set_nonblocking(int fd, int *old_flags_r)
{
	int flags = fcntl(fd, F_GETFL);

	*old_flags_r = flags;
	if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) {
		mu_log(MU_LOG_ERR, "fcntl(O_NONBLOCK) on fd %d: %s", fd,
		       strerror(errno));
		return -1;
	}
	return 0;
}

static void
session_free(struct session *s)
{
	/* no commit here: only QUIT commits (RFC 1939 section 6) */
	mu_mailbox_close(s->mbox);
	if (s->logged_in)
		auth_user_free(&s->user);
	free(s->mailbox_url);
	session_forget_pending_user(s);
	explicit_bzero(s->inbuf, sizeof s->inbuf);
	telemetry_free(s->telemetry);
	mu_log_set_prefix(NULL);
	munmap(s, sizeof *s);
}

/* A session's buffers are large (context_max_mem may allow all of them)
 * and mostly never touched: from the heap, calloc would have to clear
 * them, and every page a forked process writes is a page of its own.
 * Fresh anonymous pages are zero and cost nothing until used. */
static struct session *
session_new(void)
{
	void *p = mmap(NULL, sizeof(struct session), PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		mu_log(MU_LOG_CRIT, "out of memory for a session");
		abort();
	}
	return p;
}

static void
on_stop_signal(int sig)
{
	(void)sig;
	session_stop_requested = 1;
}

/* SIGTERM (the daemon stopping, or an administrator) and SIGINT end the
 * session at its next wait for the client, with a summary line and
 * without committing (RFC 1939 section 6: only QUIT commits).  No
 * SA_RESTART, so that a wait in progress returns at once. */
static void
catch_stop_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGTERM, &sa, NULL) < 0 ||
	    sigaction(SIGINT, &sa, NULL) < 0)
		mu_log(MU_LOG_WARNING, "sigaction: %s", strerror(errno));
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

	timeout_ms = min_wait(timeout_ms, session_login_ms_left(s));
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
	session_set_log_prefix(s);
	mu_log(MU_LOG_INFO, "connection through proxy %s port %u", proxy,
	       proxy_port);
	return 0;
}

int
session_run(const struct mu_config *cfg, const struct session_conn *conn)
{
	struct session *s = session_new();
	int in_fd = conn->in_fd, out_fd = conn->out_fd;
	int in_flags = -1, out_flags = -1, status = 0;

	clock_gettime(CLOCK_MONOTONIC, &s->started);
	catch_stop_signals();
	s->cfg = cfg;
	s->out_cap = conf_output_capacity(cfg);         /* context_max_mem */
	s->in_fd = in_fd;
	s->out_fd = out_fd;
	s->state = STATE_AUTHORIZATION;
	snprintf(s->client, sizeof s->client, "%s", conn->client);
	s->client_port = conn->client_port;
	s->implicit_tls = conn->implicit_tls;
	session_set_log_prefix(s);
	conf_host_id(cfg, s->host_id, sizeof s->host_id);
	/* Before a byte from the client is read: the monitor stays
	 * privileged, this process goes on as running_identity
	 * (doc/privsep.md) */
	if (privsep_split(s, conn) < 0) {
		/* on a POP3S connection plain text would only break the
		 * client's handshake */
		if (!conn->implicit_tls)
			send_unavailable(s, out_fd);
		status = 1;
		goto out;
	}

	if (set_nonblocking(in_fd, &in_flags) < 0 ||
	    (out_fd != in_fd && set_nonblocking(out_fd, &out_flags) < 0)) {
		status = 1;
		goto out;
	}
	set_nodelay(out_fd);
	conn_init(&s->conn, s->in_fd, s->out_fd);
	/* the PROXY header comes before anything else, TLS included: the
	 * proxy writes it ahead of the client's bytes */
	if (conn->proxy_v2 &&
	    (read_proxy_header(s) < 0 || privsep_send_client(s) != 0)) {
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
		send_greeting(s);
		session_loop(s);
		/* logged in: the transaction process serves the session,
		 * through us */
		if (s->handed_over && !s->direct)
			privsep_relay(s);
	} else {
		session_end_set(s, SESSION_END_TLS);
	}
	/* handed over directly: the connection is the transaction
	 * process's, its file status flags included */
	if (s->direct)
		goto out_free;
	(void)reply_flush(s);
	conn_end(&s->conn);
end:
	/* after a login the transaction process logs the summary */
	if (!s->handed_over)
		session_log_summary(s);
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
	session_free(s);
	return status;
}

int
session_run_transaction(const struct mu_config *cfg, int fd,
			const char *client, unsigned client_port,
			const struct timespec *started,
			struct auth_user *user, struct telemetry *telemetry,
			const char *input, size_t input_len,
			const char *output, size_t output_len,
			const char *command,
			const char *sasl_mechanisms,
			void (*report)(void *ctx, const char *refusal),
			void *ctx)
{
	struct session *s = session_new();
	int flags = -1, status = 0;

	/* inherited from a monitor's session_run, but not by a process the
	 * listener started (adopt.h) */
	catch_stop_signals();
	s->started = *started;
	s->cfg = cfg;
	s->out_cap = conf_output_capacity(cfg);         /* context_max_mem */
	s->in_fd = s->out_fd = fd;
	s->monitor_fd = s->data_fd = -1;
	s->state = STATE_AUTHORIZATION;
	snprintf(s->client, sizeof s->client, "%s", client);
	s->client_port = client_port;
	s->telemetry = telemetry;
	snprintf(s->sasl_mechanisms, sizeof s->sasl_mechanisms, "%s",
		 sasl_mechanisms != NULL ? sasl_mechanisms : "");
	session_set_log_prefix(s);
	conf_host_id(cfg, s->host_id, sizeof s->host_id);
	if (set_nonblocking(fd, &flags) < 0) {
		report(ctx, "[SYS/TEMP] cannot open mailbox");
		status = 1;
		goto out;
	}
	conn_init(&s->conn, fd, fd);
	/* the network process's replies to what came before the login
	 * lead ours, in the same write */
	if (output != NULL && output_len <= s->out_cap) {
		memcpy(s->outbuf, output, output_len);
		s->out_len = output_len;
	}
	/* the reply stays in the buffer until we know which it is: a
	 * refusal goes to the client through the network process, which
	 * stays in AUTHORIZATION */
	(void)session_login(s, user);
	if (s->state != STATE_TRANSACTION) {
		const char *text = s->last_reply;

		if (strncmp(text, "-ERR ", 5) == 0)
			text += 5;
		report(ctx, text[0] != '\0' ? text :
		       "[SYS/TEMP] cannot open mailbox");
		s->out_len = 0;
		goto out;
	}
	report(ctx, NULL);
	/* pop3_cmd_debug 2: the login command, with the reply it got here */
	if (command != NULL)
		session_log_command(s, command);
	/* Reading the mailbox went through buffers now free again: give
	 * their pages back, for a session mostly waits, and a page it keeps
	 * is a page of its own */
	malloc_trim(0);
	/* pipelined after the login: served before the first flush, so
	 * their replies leave with the login's in one write */
	if (input != NULL && input_len > 0 && input_len <= sizeof s->inbuf) {
		memcpy(s->inbuf, input, input_len);
		s->in_len = input_len;
	}
	session_loop(s);
	(void)reply_flush(s);
	session_log_summary(s);
	telemetry_note(s->telemetry, "session end: %s",
		       session_end_name(s->end));
out:
	session_free(s);
	return status;
}
