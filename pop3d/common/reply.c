/* The one writer.  Replies are built whole in a bounded output buffer and
 * written when the buffer is full or when the server is about to wait for
 * the client (session.c calls reply_flush before every blocking read).
 * So a single-line reply always leaves in one write(), and the replies to
 * pipelined commands (RFC 2449 PIPELINING) are coalesced into few writes.
 * With TCP_NODELAY on the socket, no reply waits for a delayed ACK. */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "libmu/log.h"
#include "pop3d/common/mask.h"
#include "pop3d/common/reply.h"
#include "pop3d/common/sessionlog.h"
#include "pop3d/common/telemetry.h"
#include "pop3d/common/texts.h"

/* The fixed error replies: their texts live with every other fixed text
 * in texts.c, under the codes pop3_code.txt uses. */
static const enum text_id error_texts[] = {
	[ERR_UNKNOWN_COMMAND] = TEXT_UNKNOWN_COMMAND,
	[ERR_WRONG_STATE] = TEXT_WRONG_STATE,
	[ERR_SYNTAX] = TEXT_SYNTAX,
	[ERR_LINE_TOO_LONG] = TEXT_LINE_TOO_LONG,
	[ERR_NUL_BYTE] = TEXT_NUL_BYTE,
	[ERR_TOO_MANY_ERRORS] = TEXT_TOO_MANY_ERRORS,
	[ERR_BAD_MSGNO] = TEXT_BAD_MSGNO,
	[ERR_NO_SUCH_MESSAGE] = TEXT_NO_SUCH_MESSAGE,
	/* RFC 3206 section 4: [AUTH] says the credentials are at fault; the
	 * text is the same for an unknown user and a wrong password */
	[ERR_AUTH_FAILED] = TEXT_AUTH_FAILED,
	[ERR_AUTH_TEMPFAIL] = TEXT_AUTH_TEMPFAIL,
	[ERR_IDLE_TIMEOUT] = TEXT_IDLE_TIMEOUT,
};

static int
elapsed_ms(const struct timespec *since)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (int)((now.tv_sec - since->tv_sec) * 1000 +
		     (now.tv_nsec - since->tv_nsec) / 1000000);
}

int
reply_flush(struct session *s)
{
	struct timespec start;
	size_t done = 0;
	int limit_ms;

	if (s->out_failed) {
		s->out_len = 0;
		return -1;
	}
	/* a client that stops reading gets the idle timeout, as one that
	 * stops writing does */
	limit_ms = s->cfg->conn_timeout == 0 ? -1 :
		s->cfg->conn_timeout > 86400 ? 86400000 :
		(int)s->cfg->conn_timeout * 1000;
	clock_gettime(CLOCK_MONOTONIC, &start);
	while (done < s->out_len) {
		const char *error = "unknown error";
		ssize_t n = conn_write(&s->conn, s->outbuf + done,
				       s->out_len - done, &error);

		if (n > 0) {
			done += (size_t)n;
			continue;
		}
		if (n == CONN_AGAIN) {
			int wait_ms = -1;

			if (limit_ms >= 0) {
				wait_ms = limit_ms - elapsed_ms(&start);
				if (wait_ms <= 0) {
					mu_log(MU_LOG_NOTICE, "client stopped reading "
					       "for %u s; closing", s->cfg->conn_timeout);
					session_end_set(s, SESSION_END_STALLED);
					goto fail;
				}
			}
			if (session_stop_requested) {
				session_end_set(s, SESSION_END_SHUTDOWN);
				goto fail;
			}
			if (conn_wait(&s->conn, CONN_OUT, wait_ms, &error) < 0) {
				mu_log(MU_LOG_ERR, "poll for output: %s", error);
				goto fail;
			}
			continue;
		}
		if (n == CONN_CLOSED) {
			mu_log(MU_LOG_INFO, "client closed the connection");
			session_end_set(s, SESSION_END_DROPPED);
		} else
			mu_log(MU_LOG_ERR, "write to client: %s", error);
		goto fail;
	}
	s->out_len = 0;
	return 0;
fail:
	s->out_failed = true;
	s->out_len = 0;
	return -1;
}

size_t
reply_capacity(const struct session *s)
{
	return s->out_cap > 0 && s->out_cap < sizeof s->outbuf ? s->out_cap :
		sizeof s->outbuf;
}

/* Append bytes, flushing as the buffer fills. */
static int
out_append(struct session *s, const void *data, size_t len)
{
	const char *p = data;

	while (len > 0) {
		size_t room, n;

		if (s->out_failed)
			return -1;
		if (s->out_len >= reply_capacity(s) && reply_flush(s) < 0)
			return -1;
		room = reply_capacity(s) - s->out_len;
		n = len < room ? len : room;
		memcpy(s->outbuf + s->out_len, p, n);
		s->out_len += n;
		p += n;
		len -= n;
	}
	return 0;
}

/* What the operation side keeps of a reply line: the status line for
 * pop3_cmd_debug, and every line for the transcript (a SASL challenge
 * masked while the exchange is secret). */
static void
note_reply(struct session *s, const char *prefix, const char *line,
	   size_t len)
{
	bool status = strcmp(prefix, "+OK ") == 0 || strcmp(prefix, "-ERR ") == 0;

	if (status) {
		size_t n = len < sizeof s->last_reply ? len :
			sizeof s->last_reply - 1;

		memcpy(s->last_reply, line, n);
		s->last_reply[n] = '\0';
		s->last_reply_ok = prefix[0] == '+';
	}
	if (s->telemetry == NULL)
		return;
	if (s->secret_input && len >= 2 && line[0] == '+' && line[1] == ' ')
		telemetry_record(s->telemetry, TELEMETRY_SERVER, "+ " MASK_TEXT,
				 strlen("+ " MASK_TEXT));
	else
		telemetry_record(s->telemetry, TELEMETRY_SERVER, line, len);
}

/* Format one reply line: prefix, text, CRLF, at most POP3_REPLY_MAX
 * octets.  Bytes that would break the line structure (CR, LF, other
 * controls from, say, a user name) become '?'; the line is appended in
 * one piece so that it leaves in one write(). */
static void put_line(struct session *s, const char *prefix, const char *fmt,
		     va_list ap) __attribute__((format(printf, 3, 0)));

static void
put_line(struct session *s, const char *prefix, const char *fmt, va_list ap)
{
	char line[POP3_REPLY_MAX];
	size_t max = sizeof line - 2;   /* room for CRLF */
	size_t len, plen;
	int n;

	plen = strlen(prefix);
	memcpy(line, prefix, plen);
	n = vsnprintf(line + plen, sizeof line - plen, fmt, ap);
	if (n < 0)
		n = 0;
	/* status lines carry the fixed texts, whichever process made them
	 * (texts.h); the lines of a multi-line response are data */
	if (plen > 0 && (line[0] == '+' || line[0] == '-'))
		n = (int)text_translate(s->cfg, s->host_id, line + plen,
					sizeof line - plen);
	/* "+OK" alone, not "+OK ", when there is no text (NOOP) */
	len = n == 0 && plen > 0 && prefix[plen - 1] == ' ' ? plen - 1 :
		plen + (size_t)n;
	if (len > max)
		len = max;
	for (size_t i = plen; i < len; i++)
		if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f)
			line[i] = '?';
	note_reply(s, prefix, line, len);
	line[len++] = '\r';
	line[len++] = '\n';
	if (s->out_len + len > reply_capacity(s))
		(void)reply_flush(s);
	(void)out_append(s, line, len);
}

int
reply_ok(struct session *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	put_line(s, "+OK ", fmt, ap);
	va_end(ap);
	s->bad_commands = 0;
	return 0;
}

int
reply_err(struct session *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	put_line(s, "-ERR ", fmt, ap);
	va_end(ap);
	s->bad_commands++;
	return 0;
}

int
reply_error(struct session *s, enum reply_error e)
{
	enum text_id id = error_texts[e];
	const char *code = text_response_code(id);

	return reply_err(s, "%s%s%s", code, code[0] != '\0' ? " " : "",
			 text_get(s->cfg, id));
}

int
reply_continue(struct session *s, const char *challenge)
{
	char line[POP3_REPLY_MAX];
	size_t len = strlen(challenge);

	/* the space stays even before an empty challenge: "+ " */
	if (len > sizeof line - 4)
		len = sizeof line - 4;
	line[0] = '+';
	line[1] = ' ';
	memcpy(line + 2, challenge, len);
	len += 2;
	for (size_t i = 2; i < len; i++)
		if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f)
			line[i] = '?';
	note_reply(s, "+ ", line, len);
	line[len++] = '\r';
	line[len++] = '\n';
	if (s->out_len + len > reply_capacity(s))
		(void)reply_flush(s);
	(void)out_append(s, line, len);
	return 0;
}

void
reply_line(struct session *s, const char *fmt, ...)
{
	va_list ap;
	char first[2];

	/* dot-stuff: only the first character matters */
	va_start(ap, fmt);
	vsnprintf(first, sizeof first, fmt, ap);
	va_end(ap);
	va_start(ap, fmt);
	put_line(s, first[0] == '.' ? "." : "", fmt, ap);
	va_end(ap);
}

void
reply_end_multi(struct session *s)
{
	telemetry_record(s->telemetry, TELEMETRY_SERVER, ".", 1);
	(void)out_append(s, ".\r\n", 3);
}

int
reply_message(struct session *s, struct mu_msgstream *st, uint64_t body_lines,
	      uint64_t *octets_r)
{
	uint64_t octets = 0, body_seen = 0;
	bool line_start = true;

	*octets_r = 0;
	for (;;) {
		const char *data;
		size_t len;
		bool eol;
		int r = mu_msgstream_next(st, &data, &len, &eol);

		if (r == 0)
			break;
		if (r < 0) {
			mu_log(MU_LOG_ERR, "reading message: %s", strerror(errno));
			return -1;
		}
		if (line_start && mu_msgstream_in_body(st)) {
			/* TOP: RFC 1939 section 7, n lines of the body */
			if (body_seen >= body_lines)
				break;
			body_seen++;
		}
		if (line_start && len > 0 && data[0] == '.' &&
		    out_append(s, ".", 1) < 0)
			return -1;
		if (out_append(s, data, len) < 0)
			return -1;
		octets += len;
		if (eol) {
			if (out_append(s, "\r\n", 2) < 0)
				return -1;
			octets += 2;
			line_start = true;
		} else if (len > 0) {
			line_start = false;
		}
	}
	*octets_r = octets;
	/* a transcript keeps the dialogue, not the mail */
	telemetry_note(s->telemetry, "message text, %llu octets",
		       (unsigned long long)octets);
	return s->out_failed ? -1 : 0;
}
