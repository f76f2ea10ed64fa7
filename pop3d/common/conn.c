/* The transport: plain descriptors or GnuTLS over them, behind one set of
 * read/write/wait calls, so that the reader and the writer do not care
 * which.  GnuTLS gets our own push/pull functions (read() and write(), not
 * its default recv() and send()) because in inetd mode the two ends may be
 * pipes rather than one socket. */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pop3d/common/conn.h"
#include "pop3d/common/limits.h"

void
conn_init(struct conn *c, int in_fd, int out_fd)
{
	memset(c, 0, sizeof *c);
	c->in_fd = in_fd;
	c->out_fd = out_fd;
	c->tls = NULL;
	c->read_waits = CONN_IN;
	c->write_waits = CONN_OUT;
}

static bool
errno_is_again(int e)
{
	return e == EAGAIN || e == EWOULDBLOCK || e == EINTR;
}

static bool
errno_is_gone(int e)
{
	return e == EPIPE || e == ECONNRESET;
}

/* ---- GnuTLS transport ---- */

static ssize_t
tls_pull(gnutls_transport_ptr_t ptr, void *buf, size_t size)
{
	const struct conn *c = ptr;

	return read(c->in_fd, buf, size);
}

static ssize_t
tls_push(gnutls_transport_ptr_t ptr, const void *data, size_t len)
{
	const struct conn *c = ptr;

	return write(c->out_fd, data, len);
}

/* GnuTLS asks this only for blocking waits inside its own calls; with the
 * handshake timeout off and non-blocking descriptors that should not
 * happen, but an answer must still be right. */
static int
tls_pull_timeout(gnutls_transport_ptr_t ptr, unsigned int ms)
{
	const struct conn *c = ptr;
	struct pollfd pfd = { .fd = c->in_fd, .events = POLLIN };

	return poll(&pfd, 1, ms == GNUTLS_INDEFINITE_TIMEOUT ? -1 : (int)ms);
}

static enum conn_dir
tls_direction(gnutls_session_t tls)
{
	return gnutls_record_get_direction(tls) ? CONN_OUT : CONN_IN;
}

/* ---- reading and writing ---- */

ssize_t
conn_read(struct conn *c, void *buf, size_t size, const char **error_r)
{
	ssize_t n;

	if (c->tls == NULL) {
		n = read(c->in_fd, buf, size);
		if (n >= 0)
			return n;
		if (errno_is_again(errno))
			return CONN_AGAIN;
		if (errno == ECONNRESET)
			return 0;
		*error_r = strerror(errno);
		return CONN_ERROR;
	}

	errno = 0;
	n = gnutls_record_recv(c->tls, buf, size);
	if (n >= 0) {
		c->read_waits = CONN_IN;
		return n;
	}
	switch (n) {
	case GNUTLS_E_AGAIN:
	case GNUTLS_E_INTERRUPTED:
		c->read_waits = tls_direction(c->tls);
		return CONN_AGAIN;
	case GNUTLS_E_PREMATURE_TERMINATION:
		/* gone without close_notify: nothing was cut that a POP3
		 * command depends on, so this is an ordinary end */
		return 0;
	case GNUTLS_E_PULL_ERROR:
		if (errno == ECONNRESET)
			return 0;
		*error_r = errno != 0 ? strerror(errno) : gnutls_strerror((int)n);
		return CONN_ERROR;
	}
	if (!gnutls_error_is_fatal((int)n)) {
		/* a warning alert, or a renegotiation request we ignore
		 * (RFC 5746 lets the server decline by not answering) */
		c->read_waits = CONN_IN;
		return CONN_AGAIN;
	}
	*error_r = gnutls_strerror((int)n);
	return CONN_ERROR;
}

ssize_t
conn_write(struct conn *c, const void *data, size_t len, const char **error_r)
{
	ssize_t n;

	if (c->tls == NULL) {
		n = write(c->out_fd, data, len);
		if (n > 0)
			return n;
		if (n < 0 && errno_is_again(errno))
			return CONN_AGAIN;
		if (n < 0 && errno_is_gone(errno))
			return CONN_CLOSED;
		*error_r = n == 0 ? "write() wrote nothing" : strerror(errno);
		return CONN_ERROR;
	}

	errno = 0;
	n = gnutls_record_send(c->tls, data, len);
	if (n > 0) {
		c->write_waits = CONN_OUT;
		return n;
	}
	if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED) {
		c->write_waits = tls_direction(c->tls);
		return CONN_AGAIN;
	}
	if (n == GNUTLS_E_PUSH_ERROR && errno_is_gone(errno))
		return CONN_CLOSED;
	*error_r = n == GNUTLS_E_PUSH_ERROR && errno != 0 ? strerror(errno) :
		gnutls_strerror((int)n);
	return CONN_ERROR;
}

static int
wait_fd(int fd, enum conn_dir dir, int timeout_ms, const char **error_r)
{
	struct pollfd pfd = {
		.fd = fd,
		.events = dir == CONN_IN ? POLLIN : POLLOUT,
	};
	int r = poll(&pfd, 1, timeout_ms);

	if (r < 0) {
		if (errno == EINTR)
			return 0;
		*error_r = strerror(errno);
		return -1;
	}
	/* POLLHUP and POLLERR count as ready: the next read or write
	 * reports what happened */
	return r > 0 ? 1 : 0;
}

static int
wait_dir(const struct conn *c, enum conn_dir dir, int timeout_ms,
	 const char **error_r)
{
	return wait_fd(dir == CONN_IN ? c->in_fd : c->out_fd, dir, timeout_ms,
		       error_r);
}

int
conn_wait(struct conn *c, enum conn_dir dir, int timeout_ms,
	  const char **error_r)
{
	enum conn_dir need = dir;

	if (c->tls != NULL) {
		/* a record already decrypted (or several commands in one
		 * record) is invisible to poll(): waiting for the socket
		 * would stall a pipelining client */
		if (dir == CONN_IN && gnutls_record_check_pending(c->tls) > 0)
			return 1;
		need = dir == CONN_IN ? c->read_waits : c->write_waits;
	}
	return wait_dir(c, need, timeout_ms, error_r);
}

/* ---- starting and ending TLS ---- */

static long long
ms_since(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - start->tv_sec) * 1000LL +
		(now.tv_nsec - start->tv_nsec) / 1000000;
}

int
conn_start_tls(struct conn *c, gnutls_session_t tls, int timeout_ms,
	       const char **error_r, int *tls_error_r)
{
	struct timespec start;

	*tls_error_r = 0;

	gnutls_transport_set_ptr(tls, c);
	gnutls_transport_set_pull_function(tls, tls_pull);
	gnutls_transport_set_pull_timeout_function(tls, tls_pull_timeout);
	gnutls_transport_set_push_function(tls, tls_push);
	/* our own deadline below, over non-blocking descriptors */
	gnutls_handshake_set_timeout(tls, 0);

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		long long left;
		int r;

		errno = 0;
		r = gnutls_handshake(tls);
		if (r == GNUTLS_E_SUCCESS)
			break;
		if (r != GNUTLS_E_AGAIN && r != GNUTLS_E_INTERRUPTED &&
		    gnutls_error_is_fatal(r)) {
			if ((r == GNUTLS_E_PULL_ERROR || r == GNUTLS_E_PUSH_ERROR)
			    && errno != 0)
				*error_r = strerror(errno);
			else if (r == GNUTLS_E_PREMATURE_TERMINATION)
				*error_r = "the client closed the connection";
			else
				*error_r = gnutls_strerror(r);
			*tls_error_r = r;
			/* tell the client why (protocol_version for a client
			 * below tls_min_proto, ...); best effort, no waiting */
			(void)gnutls_alert_send_appropriate(tls, r);
			gnutls_deinit(tls);
			return -1;
		}
		left = timeout_ms - ms_since(&start);
		if (left <= 0) {
			*error_r = "handshake timed out";
			gnutls_deinit(tls);
			return -1;
		}
		if (r == GNUTLS_E_AGAIN &&
		    wait_dir(c, tls_direction(tls), (int)left, error_r) < 0) {
			gnutls_deinit(tls);
			return -1;
		}
	}
	c->tls = tls;
	c->read_waits = CONN_IN;
	c->write_waits = CONN_OUT;
	return 0;
}

void
conn_end(struct conn *c)
{
	struct timespec start;
	const char *error;

	if (c->tls == NULL)
		return;
	/* close_notify, so that the client can tell our end from a cut
	 * connection (RFC 8446 section 6.1); SHUT_WR: its answer is not
	 * worth waiting for */
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		long long left;
		int r = gnutls_bye(c->tls, GNUTLS_SHUT_WR);

		if (r != GNUTLS_E_AGAIN && r != GNUTLS_E_INTERRUPTED)
			break;
		left = POP3_TLS_BYE_WAIT_MS - ms_since(&start);
		if (left <= 0 ||
		    wait_dir(c, tls_direction(c->tls), (int)left, &error) < 0)
			break;
	}
	gnutls_deinit(c->tls);
	c->tls = NULL;
}
