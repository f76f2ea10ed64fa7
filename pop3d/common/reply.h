/* The one writer of everything the server sends: it owns CRLF line ends,
 * dot-stuffing (RFC 1939 section 3) and when bytes hit the socket. */
#ifndef POP3D_REPLY_H
#define POP3D_REPLY_H

#include <stdint.h>

#include "pop3d/common/session.h"

/* "s" unless n is 1, for "1 message" / "2 messages" */
#define PLURAL(n) ((n) == 1 ? "" : "s")

/* Fixed error texts, one table in reply.c. */
enum reply_error {
	ERR_UNKNOWN_COMMAND,
	ERR_WRONG_STATE,
	ERR_SYNTAX,
	ERR_LINE_TOO_LONG,
	ERR_NUL_BYTE,
	ERR_TOO_MANY_ERRORS,
	ERR_BAD_MSGNO,
	ERR_NO_SUCH_MESSAGE,
	ERR_AUTH_FAILED,
	ERR_AUTH_TEMPFAIL,
	ERR_IDLE_TIMEOUT,
};

/* Single-line replies: "+OK text" / "-ERR text" and CRLF.  Each is
 * buffered whole and so reaches the client in one write().  reply_ok
 * ends a run of bad commands, reply_err and reply_error extend it.
 * All return 0, so a handler can `return reply_err(...)`. */
int reply_ok(struct session *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int reply_err(struct session *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int reply_error(struct session *s, enum reply_error e);

/* A SASL challenge (RFC 5034 section 4): "+ " and the base64 text. */
int reply_continue(struct session *s, const char *challenge);

/* A line of a multi-line response (dot-stuffed), and its final ".". */
void reply_line(struct session *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void reply_end_multi(struct session *s);

/* Send a message from an open stream: CRLF line ends, dot-stuffed, at
 * most body_lines lines of the body (UINT64_MAX: all).  *octets_r gets
 * the octets sent before dot-stuffing, comparable with the message size.
 * Returns 0, or -1 (logged) if the stream or the client failed: the
 * multi-line response is then broken and the session must end. */
int reply_message(struct session *s, struct mu_msgstream *st,
		  uint64_t body_lines, uint64_t *octets_r);

/* How much of s->outbuf replies may fill (context_max_mem). */
size_t reply_capacity(const struct session *s);

/* Write out everything buffered; waits up to pop3_conn_timeout for a
 * slow client.  0, or -1 when the client is gone (s->out_failed). */
int reply_flush(struct session *s);

#endif
