/* One POP3 session: the bounded line reader, the idle timeout, the
 * greeting and the command loop (RFC 1939 sections 3-4, RFC 2449
 * section 4 for line lengths and pipelining). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
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
#include "pop3d/common/mask.h"
#include "pop3d/common/reply.h"
#include "pop3d/common/session.h"
#include "pop3d/common/sessionlog.h"
#include "pop3d/common/telemetry.h"

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
session_set_log_prefix(struct session *s, const char *user)
{
	char name[64], port[24] = "";

	if (s->client_port != 0)
		snprintf(port, sizeof port, " port %u", s->client_port);
	if (user != NULL)
		snprintf(s->log_prefix, sizeof s->log_prefix,
			 "[client %s%s user %s]", s->client, port,
			 log_quote(user, name, sizeof name));
	else
		snprintf(s->log_prefix, sizeof s->log_prefix, "[client %s%s]",
			 s->client, port);
	mu_log_set_prefix(s->log_prefix);
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
	    !s->login_timer)
		return -1;
	return mu_ms_left(&s->started, (long long)s->cfg->login_timeout * 1000);
}

int
session_min_wait(int a, int b)
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
		int wait_ms = session_min_wait(idle_ms_left(s, start), login_ms);
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

void
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
			switch (cmd_dispatch(s, s->line)) {
			case CMD_OK:
				break;
			case CMD_HANDOVER:
				/* a login hands the session over (privsep.h):
				 * the command worked, and its +OK comes from
				 * the transaction process, which logs it */
				s->cmd_masked = NULL;
				return;
			case CMD_CLOSE:
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
void
session_set_nodelay(int fd)
{
	int one = 1;

	if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) < 0 &&
	    errno != ENOTSOCK && errno != EOPNOTSUPP && errno != ENOPROTOOPT)
		mu_log(MU_LOG_WARNING, "TCP_NODELAY: %s", strerror(errno));
}

/* Non-blocking descriptors let every wait go through poll() with the idle
 * timeout, so a client that stops reading cannot hold the process. */
int
session_set_nonblocking(int fd, int *old_flags_r)
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

void
session_free(struct session *s, size_t size)
{
	explicit_bzero(s->inbuf, sizeof s->inbuf);
	telemetry_free(s->telemetry);
	mu_log_set_prefix(NULL);
	munmap(s, size);
}

/* A session's buffers are large (context_max_mem may allow all of them)
 * and mostly never touched: from the heap, calloc would have to clear
 * them, and every page a forked process writes is a page of its own.
 * Fresh anonymous pages are zero and cost nothing until used. */
void *
session_new(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
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
void
session_catch_stop_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGTERM, &sa, NULL) < 0 ||
	    sigaction(SIGINT, &sa, NULL) < 0)
		mu_log(MU_LOG_WARNING, "sigaction: %s", strerror(errno));
}

