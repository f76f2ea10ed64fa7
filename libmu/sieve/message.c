/* What the tests see of a message: its header fields, unfolded (RFC 5322
 * section 2.2.3), and its size.  Nothing is decoded: RFC 2047 words stay
 * as written. */
#include <config.h>             /* autoconf's, through -I. */

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mailbox.h"
#include "sieve.h"
#include "util.h"

void
sieve_message_init(struct sieve_message *msg)
{
	memset(msg, 0, sizeof *msg);
}

void
sieve_message_free(struct sieve_message *msg)
{
	for (size_t i = 0; i < msg->count; i++) {
		free(msg->headers[i].name);
		free(msg->headers[i].value);
	}
	free(msg->headers);
	sieve_message_init(msg);
}

static bool
is_blank(char ch)
{
	return ch == ' ' || ch == '\t';
}

/* One whole (unfolded) field "Name: value" into msg. */
static void
add_field(struct sieve_message *msg, const char *field, size_t len)
{
	const char *colon = memchr(field, ':', len);
	const char *v, *end = field + len;
	size_t nlen;
	struct sieve_header *h;

	if (colon == NULL || msg->count >= SIEVE_MAX_HEADERS)
		return;         /* not a field: nothing a test could name */
	nlen = (size_t)(colon - field);
	while (nlen > 0 && is_blank(field[nlen - 1]))
		nlen--;         /* obs-optional: blanks before the colon */
	if (nlen == 0)
		return;
	for (size_t i = 0; i < nlen; i++)
		if ((unsigned char)field[i] < 33 || (unsigned char)field[i] > 126)
			return;
	for (v = colon + 1; v < end && is_blank(*v); v++)
		;
	while (end > v && is_blank(end[-1]))
		end--;

	if (msg->count == msg->cap) {
		msg->cap = msg->cap ? msg->cap * 2 : 16;
		msg->headers = mu_xreallocarray(msg->headers, msg->cap,
						sizeof *msg->headers);
	}
	h = &msg->headers[msg->count++];
	h->name = mu_xstrndup(field, nlen);
	h->value = mu_xstrndup(v, (size_t)(end - v));
}

/* Collects header lines into fields: a line starting with a blank
 * continues the field before it. */
struct field_builder {
	struct sieve_message *msg;
	struct mu_buf field;
};

static void
builder_flush(struct field_builder *b)
{
	if (b->field.len > 0)
		add_field(b->msg, b->field.data, b->field.len);
	mu_buf_free(&b->field);
}

/* Feed one header line (without its terminator). */
static void
builder_line(struct field_builder *b, const char *line, size_t len)
{
	if (b->msg->header_bytes + len > SIEVE_MAX_HEADER_BYTES)
		return;         /* beyond the limit the header is not seen */
	b->msg->header_bytes += len;
	if (len > 0 && is_blank(line[0])) {
		/* unfolding removes the line break only, the blank stays */
		if (b->field.len > 0)
			mu_buf_append(&b->field, line, len);
		return;
	}
	builder_flush(b);
	mu_buf_append(&b->field, line, len);
}

void
sieve_message_from_text(struct sieve_message *msg, const char *text, size_t len)
{
	struct field_builder b = { msg, { NULL, 0, 0 } };
	const char *p = text, *end = text + len;
	bool in_header = true;

	sieve_message_free(msg);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *next = nl ? nl + 1 : end;
		size_t l = (size_t)((nl ? nl : end) - p);

		if (l > 0 && p[l - 1] == '\r' && nl != NULL)
			l--;
		/* the size counts every line with CRLF (see mailbox.h) */
		msg->size += l + 2;
		if (in_header) {
			if (l == 0)
				in_header = false;
			else
				builder_line(&b, p, l);
		}
		p = next;
	}
	builder_flush(&b);
}

int
sieve_message_from_mailbox(struct sieve_message *msg, struct mu_mailbox *mb,
			   size_t idx, const char **error_r)
{
	struct field_builder b = { msg, { NULL, 0, 0 } };
	struct mu_msgstream st;
	struct mu_buf line;
	const struct mu_message_info *info = mu_mailbox_info(mb, idx);
	const char *data;
	size_t len;
	bool eol;
	int rc;

	sieve_message_free(msg);
	if (info == NULL) {
		*error_r = "no such message";
		return -1;
	}
	if (mu_msgstream_open(mb, idx, &st, error_r) < 0)
		return -1;
	mu_buf_init(&line);
	while ((rc = mu_msgstream_next(&st, &data, &len, &eol)) == 1) {
		if (mu_msgstream_in_body(&st))
			break;
		/* a line longer than the whole header budget is cut there */
		if (line.len + len <= SIEVE_MAX_HEADER_BYTES)
			mu_buf_append(&line, data, len);
		if (!eol)
			continue;
		if (line.len == 0)
			break;  /* the blank line: the header is complete */
		builder_line(&b, line.data, line.len);
		line.len = 0;
	}
	if (rc == 1 || rc == 0) {
		if (line.len > 0)
			builder_line(&b, line.data, line.len);
		rc = 0;
	} else {
		*error_r = "cannot read the message";
	}
	mu_buf_free(&line);
	mu_msgstream_close(&st);
	builder_flush(&b);
	msg->size = info->size;
	if (rc < 0)
		sieve_message_free(msg);
	return rc;
}

const char *
sieve_message_header(const struct sieve_message *msg, const char *name,
		     size_t nth)
{
	for (size_t i = 0; i < msg->count; i++)
		if (strcasecmp(msg->headers[i].name, name) == 0 && nth-- == 0)
			return msg->headers[i].value;
	return NULL;
}
