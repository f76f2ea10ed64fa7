/* The network process after login (privsep.h): the transaction process
 * speaks plain POP3 on the data socket; this copies bytes between it and
 * the client, through the client's transport (TLS, if any: its state
 * cannot move to another process, so the process that holds it stays).
 * No parsing and no timeouts of its own: the transaction process keeps
 * the idle timeout and the one for a client that stops reading. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "libmu/log.h"
#include "libmu/util.h"
#include "pop3d/common/conf.h"
#include "pop3d/common/limits.h"
#include "pop3d/monitor/privsep.h"
#include "pop3d/common/reply.h"
#include "pop3d/net/net_session.h"

struct relay {
	struct net_session *n;
	struct session *s;              /* n's core */
	char up[RELAY_UP_BUFSIZE];      /* client -> transaction */
	size_t up_off, up_len;
	size_t up_cap;                  /* what of up context_max_mem allows */
	bool client_eof, trans_eof;
	bool trans_hup;         /* it has closed; its last bytes may be unread */
};

/* Write what is buffered for the transaction process, as far as it goes
 * without waiting.  -1 when it is gone. */
static int
push_up(struct relay *r)
{
	while (r->up_off < r->up_len) {
		ssize_t n = send(r->n->data_fd, r->up + r->up_off,
				 r->up_len - r->up_off,
				 MSG_DONTWAIT | MSG_NOSIGNAL);

		if (n > 0) {
			r->up_off += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		return -1;
	}
	explicit_bzero(r->up, r->up_len);
	r->up_off = r->up_len = 0;
	return 0;
}

/* Read from the client into the up buffer.  0 ok (or nothing yet), -1
 * the client is done. */
static int
pull_client(struct relay *r)
{
	const char *error = "unknown error";
	ssize_t n = conn_read(&r->s->conn, r->up + r->up_len,
			      r->up_cap - r->up_len, &error);

	if (n > 0) {
		r->up_len += (size_t)n;
		return 0;
	}
	if (n == CONN_AGAIN)
		return 0;
	if (n < 0)
		mu_log(MU_LOG_INFO, "read from client: %s", error);
	return -1;
}

/* Write the reply buffer to the client.  While the transaction process
 * lives, a slow client is waited for without a limit of ours: the
 * transaction process, blocked behind us, times it out
 * (pop3_conn_timeout) and ends the session with the right reason in its
 * summary line.  0 written, -1 the client is gone. */
static int
flush_to_client(struct relay *r)
{
	struct session *s = r->s;
	size_t done = 0;

	/* with nobody behind us to time the client out, we do */
	if (r->trans_hup)
		return reply_flush(s) < 0 ? -1 : 0;
	while (done < s->out_len) {
		const char *error = "unknown error";
		ssize_t n = conn_write(&s->conn, s->outbuf + done,
				       s->out_len - done, &error);
		struct pollfd pfd[2];
		bool in;

		if (n > 0) {
			done += (size_t)n;
			continue;
		}
		if (n != CONN_AGAIN) {
			if (n == CONN_CLOSED)
				mu_log(MU_LOG_INFO, "client closed the connection");
			else
				mu_log(MU_LOG_ERR, "write to client: %s", error);
			s->out_failed = true;
			s->out_len = 0;
			return -1;
		}
		in = s->conn.tls != NULL && s->conn.write_waits == CONN_IN;
		pfd[0] = (struct pollfd){ .fd = in ? s->conn.in_fd :
					  s->conn.out_fd,
					  .events = in ? POLLIN : POLLOUT };
		pfd[1] = (struct pollfd){ .fd = r->n->data_fd, .events = POLLRDHUP };
		if (poll(pfd, 2, -1) < 0 && errno != EINTR) {
			mu_log(MU_LOG_ERR, "relay: poll: %s", strerror(errno));
			s->out_failed = true;
			return -1;
		}
		if (pfd[1].revents & (POLLRDHUP | POLLHUP | POLLERR)) {
			memmove(s->outbuf, s->outbuf + done, s->out_len - done);
			s->out_len -= done;
			r->trans_hup = true;
			return reply_flush(s) < 0 ? -1 : 0;
		}
	}
	s->out_len = 0;
	return 0;
}

/* Read from the transaction process into the reply buffer (after what
 * we still had to say: one write for both) and pass it on.  0 ok, 1 the
 * transaction process is done, -1 the client is gone. */
static int
pull_transaction(struct relay *r)
{
	struct session *s = r->s;
	ssize_t n;

	/* no room: what we hold goes first (a zero-size recv would read
	 * as the end) */
	if (s->out_len >= reply_capacity(s))
		return flush_to_client(r);
	n = recv(r->n->data_fd, s->outbuf + s->out_len,
			 reply_capacity(s) - s->out_len, MSG_DONTWAIT);

	if (n > 0) {
		s->out_len += (size_t)n;
		return flush_to_client(r);
	}
	if (n < 0 && (errno == EINTR || errno == EAGAIN ||
		      errno == EWOULDBLOCK))
		return 0;
	return 1;
}

void
privsep_relay(struct net_session *n)
{
	struct session *s = &n->core;
	struct relay *r = mu_xcalloc(1, sizeof *r);

	r->n = n;
	r->s = s;
	/* context_max_mem: the reply buffer and this one together */
	r->up_cap = conf_relay_capacity(s->cfg, sizeof r->up);
	/* The replies we still hold go out with the transaction process's
	 * first ones.  A SIGTERM reaches it too (the monitor passes it
	 * on): we relay until it has ended the session its way. */
	while (!r->trans_eof) {
		struct pollfd pfd[2];
		const char *error;
		int nfds = 0, rc, ci = -1, ti;
		bool tls_ready = false;

		if (push_up(r) < 0)
			break;  /* the transaction process went away */
		/* input the client's TLS layer has already decrypted is
		 * invisible to poll() */
		if (!r->client_eof && r->up_len == 0 &&
		    conn_wait(&s->conn, CONN_IN, 0, &error) == 1)
			tls_ready = true;
		if (!r->client_eof && r->up_len < r->up_cap && !tls_ready) {
			bool out = s->conn.tls != NULL &&
				s->conn.read_waits == CONN_OUT;

			pfd[nfds] = (struct pollfd){
				.fd = out ? s->conn.out_fd : s->conn.in_fd,
				.events = out ? POLLOUT : POLLIN };
			ci = nfds++;
		}
		pfd[nfds] = (struct pollfd){ .fd = n->data_fd,
			.events = POLLIN | (r->up_len > 0 ? POLLOUT : 0) };
		ti = nfds++;
		rc = poll(pfd, (nfds_t)nfds, tls_ready ? 0 : -1);
		if (rc < 0) {
			if (errno == EINTR)
				continue;
			mu_log(MU_LOG_ERR, "relay: poll: %s", strerror(errno));
			break;
		}
		if (tls_ready || (ci >= 0 && pfd[ci].revents != 0)) {
			if (pull_client(r) < 0) {
				/* the transaction process sees the end too,
				 * and closes the session its way */
				r->client_eof = true;
				(void)shutdown(n->data_fd, SHUT_WR);
			}
		}
		if (pfd[ti].revents & (POLLIN | POLLHUP | POLLERR)) {
			rc = pull_transaction(r);
			if (rc > 0)
				r->trans_eof = true;
			else if (rc < 0)
				break;  /* the client is gone */
		}
		/* after the client's end, its input is dropped */
		if (r->client_eof)
			r->up_off = r->up_len = 0;
	}
	/* what is left, within pop3_conn_timeout */
	(void)reply_flush(s);
	explicit_bzero(r->up, sizeof r->up);
	free(r);
	close(n->data_fd);
	n->data_fd = -1;
}
