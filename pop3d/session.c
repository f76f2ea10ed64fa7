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
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "libmu/log.h"
#include "libmu/util.h"
#include "pop3d/cmd.h"
#include "pop3d/reply.h"
#include "pop3d/session.h"

enum line_status {
	LINE_OK,
	LINE_TOO_LONG,          /* discarded whole; the session goes on */
	LINE_NUL,               /* voided by a NUL byte; the session goes on */
	LINE_EOF,
	LINE_TIMEOUT,
	LINE_FLOOD,             /* POP3_FLOOD_MAX octets without a line end */
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

void
session_set_log_prefix(struct session *s)
{
	char name[64];

	if (s->logged_in)
		snprintf(s->log_prefix, sizeof s->log_prefix, "[client %s user %s]",
			 s->client, log_quote(s->user.name, name, sizeof name));
	else
		snprintf(s->log_prefix, sizeof s->log_prefix, "[client %s]",
			 s->client);
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

void
session_auth_fail_delay(void)
{
	struct timespec ts = {
		.tv_sec = POP3_AUTH_FAIL_DELAY_MS / 1000,
		.tv_nsec = (POP3_AUTH_FAIL_DELAY_MS % 1000) * 1000000L,
	};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Milliseconds left of the idle timeout that started at *start; -1 when
 * there is no timeout (pop3_conn_timeout = 0). */
static int
idle_ms_left(const struct session *s, const struct timespec *start)
{
	struct timespec now;
	long long limit, spent;

	if (s->cfg->conn_timeout == 0)
		return -1;
	limit = (long long)s->cfg->conn_timeout * 1000;
	clock_gettime(CLOCK_MONOTONIC, &now);
	spent = (now.tv_sec - start->tv_sec) * 1000LL +
		(now.tv_nsec - start->tv_nsec) / 1000000;
	if (spent >= limit)
		return 0;
	return limit - spent > 86400000 ? 86400000 : (int)(limit - spent);
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
		struct pollfd pfd = { .fd = s->in_fd, .events = POLLIN };
		int wait_ms = idle_ms_left(s, start);
		ssize_t n;

		if (wait_ms == 0)
			return LINE_TIMEOUT;
		if (poll(&pfd, 1, wait_ms) < 0) {
			if (errno == EINTR)
				continue;
			mu_log(MU_LOG_ERR, "poll for input: %s", strerror(errno));
			return LINE_ERROR;
		}
		if (pfd.revents == 0)
			continue;       /* the loop re-checks the deadline */
		n = read(s->in_fd, s->inbuf + s->in_len,
			 sizeof s->inbuf - s->in_len);
		if (n > 0) {
			s->in_len += (size_t)n;
			return LINE_OK;
		}
		if (n == 0 || errno == ECONNRESET) {
			s->in_eof = true;
			return LINE_EOF;
		}
		if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
			continue;
		mu_log(MU_LOG_ERR, "read from client: %s", strerror(errno));
		return LINE_ERROR;
	}
}

/* Read one command line into s->line.  A line ends at LF, with or without
 * CR before it (bare LF is accepted from sloppy clients).  A line longer
 * than POP3_LINE_MAX is skipped up to its end and reported once, so it can
 * never be taken for two commands; memory stays bounded whatever the
 * client sends. */
static enum line_status
read_line(struct session *s)
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
			if (skipped > 0 || len > POP3_LINE_MAX)
				r = LINE_TOO_LONG;
			else if (memchr(p, '\0', len) != NULL)
				r = LINE_NUL;
			else {
				memcpy(s->line, p, len);
				s->line[len] = '\0';
				r = LINE_OK;
			}
			/* the line may be a password: leave no copy behind */
			explicit_bzero(p, len);
			return r;
		}
		if (skipped > 0 || avail > POP3_LINE_MAX + 1) {
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

static void
make_apop_timestamp(struct session *s)
{
	unsigned long long rnd;

	/* RFC 1939 section 7: unique per greeting; the random part keeps
	 * it unpredictable even when PIDs and seconds repeat */
	if (getrandom(&rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd) {
		struct timespec now;

		clock_gettime(CLOCK_REALTIME, &now);
		rnd = (unsigned long long)now.tv_nsec * 2654435761ULL ^
			(unsigned long long)getpid() << 32;
	}
	snprintf(s->apop_timestamp, sizeof s->apop_timestamp,
		 "<%ld.%lld.%016llx@%s>", (long)getpid(), (long long)time(NULL),
		 rnd, s->host_id);
}

static void
send_greeting(struct session *s)
{
	if (auth_apop_offered(s->cfg)) {
		make_apop_timestamp(s);
		reply_ok(s, "%s POP3 server ready %s", s->host_id,
			 s->apop_timestamp);
	} else {
		s->apop_timestamp[0] = '\0';
		reply_ok(s, "%s POP3 server ready", s->host_id);
	}
}

static void
session_loop(struct session *s)
{
	for (;;) {
		switch (read_line(s)) {
		case LINE_OK:
			if (cmd_dispatch(s, s->line) < 0)
				return;
			explicit_bzero(s->line, sizeof s->line);
			break;
		case LINE_TOO_LONG:
			reply_error(s, ERR_LINE_TOO_LONG);
			break;
		case LINE_NUL:
			reply_error(s, ERR_NUL_BYTE);
			break;
		case LINE_FLOOD:
			mu_log(MU_LOG_NOTICE, "%d octets without a line end; "
			       "closing", POP3_FLOOD_MAX);
			reply_error(s, ERR_LINE_TOO_LONG);
			return;
		case LINE_TIMEOUT:
			mu_log(MU_LOG_INFO, "idle for %u s; closing",
			       s->cfg->conn_timeout);
			reply_error(s, ERR_IDLE_TIMEOUT);
			return;
		case LINE_EOF:
			if (s->state == STATE_TRANSACTION)
				mu_log(MU_LOG_NOTICE, "connection closed without "
				       "QUIT; no change made to the mailbox");
			else
				mu_log(MU_LOG_INFO, "connection closed");
			return;
		case LINE_ERROR:
			return;
		}
		if (s->closing || s->out_failed)
			return;
		if (s->bad_commands >= POP3_MAX_BAD_COMMANDS) {
			mu_log(MU_LOG_NOTICE, "%u bad commands in a row; closing",
			       s->bad_commands);
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
	mu_log_set_prefix(NULL);
	free(s);
}

int
session_run(const struct mu_config *cfg, int in_fd, int out_fd,
	    const char *client)
{
	struct session *s = mu_xcalloc(1, sizeof *s);
	int in_flags = -1, out_flags = -1, status = 0;

	s->cfg = cfg;
	s->in_fd = in_fd;
	s->out_fd = out_fd;
	s->state = STATE_AUTHORIZATION;
	snprintf(s->client, sizeof s->client, "%s", client);
	session_set_log_prefix(s);
	if (cfg->host_id != NULL && cfg->host_id[0] != '\0')
		snprintf(s->host_id, sizeof s->host_id, "%s", cfg->host_id);
	else if (gethostname(s->host_id, sizeof s->host_id - 1) < 0)
		snprintf(s->host_id, sizeof s->host_id, "localhost");

	if (set_nonblocking(in_fd, &in_flags) < 0 ||
	    (out_fd != in_fd && set_nonblocking(out_fd, &out_flags) < 0)) {
		status = 1;
		goto out;
	}
	set_nodelay(out_fd);
	mu_log(MU_LOG_INFO, "session start");
	send_greeting(s);
	session_loop(s);
	(void)reply_flush(s);
out:
	/* restore what we changed: in inetd mode with a terminal or a pipe
	 * the file descriptions may be shared with other processes */
	if (in_flags >= 0)
		(void)fcntl(in_fd, F_SETFL, in_flags);
	if (out_flags >= 0)
		(void)fcntl(out_fd, F_SETFL, out_flags);
	session_free(s);
	return status;
}
