/* The transport under the reader (session.c) and the writer (reply.c):
 * the client's descriptors as they are, or a GnuTLS session over them.
 * The descriptors are non-blocking; nothing here sleeps except
 * conn_wait(), which always has a deadline from its caller. */
#ifndef POP3D_CONN_H
#define POP3D_CONN_H

#include <stdbool.h>
#include <sys/types.h>

#include <gnutls/gnutls.h>

/* conn_read() and conn_write() results besides an octet count */
#define CONN_ERROR  (-1)        /* *error_r says why */
#define CONN_AGAIN  (-2)        /* not now: conn_wait(), then call again */
#define CONN_CLOSED (-3)        /* conn_write: the client is gone */

enum conn_dir { CONN_IN, CONN_OUT };

struct conn {
	int in_fd, out_fd;              /* the same socket, or inetd's pipes */
	gnutls_session_t tls;           /* NULL: plain */
	/* What an interrupted TLS read or write waits for: a TLS record
	 * layer may need to write to make a read progress, and back. */
	enum conn_dir read_waits, write_waits;
};

void conn_init(struct conn *c, int in_fd, int out_fd);

/* Up to size octets: > 0 octets read, 0 end of input (an orderly close,
 * a reset, a TLS peer gone without close_notify), CONN_AGAIN, or
 * CONN_ERROR. */
ssize_t conn_read(struct conn *c, void *buf, size_t size, const char **error_r);

/* Up to len octets: > 0 octets written, CONN_AGAIN, CONN_CLOSED or
 * CONN_ERROR.  After CONN_AGAIN, call again with the same data (GnuTLS
 * may already hold part of it in a record). */
ssize_t conn_write(struct conn *c, const void *data, size_t len,
		   const char **error_r);

/* Wait until a read (CONN_IN) or a write (CONN_OUT) can progress, at most
 * timeout_ms (-1: no limit).  Input GnuTLS has already decrypted counts
 * as ready at once: poll() cannot see it.  1 ready, 0 not yet (timeout or
 * a signal: the caller re-checks its deadline), -1 error. */
int conn_wait(struct conn *c, enum conn_dir dir, int timeout_ms,
	      const char **error_r);

/* Put the TLS session tls (initialised, credentials set) over c's
 * descriptors and run the server handshake, at most timeout_ms.  On
 * success c->tls is tls and 0 is returned; on failure tls is freed,
 * c stays plain but unusable (the byte stream is spent) and -1 is
 * returned with *error_r set, and *tls_error_r the GnuTLS error code
 * (0 when the failure was not GnuTLS's: a timeout, a poll error). */
int conn_start_tls(struct conn *c, gnutls_session_t tls, int timeout_ms,
		   const char **error_r, int *tls_error_r);

/* End TLS politely (close_notify, without waiting long for the client)
 * and free it.  The descriptors stay open; harmless on a plain conn. */
void conn_end(struct conn *c);

#endif
