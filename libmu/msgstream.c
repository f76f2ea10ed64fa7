/* The line stream over a byte range of a file, shared by every driver.
 *
 * The rule for where lines end lives here and only here: the scanners
 * that compute sizes read through the same code, so the size announced
 * by STAT/LIST is by construction the number of octets RETR sends. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mailbox-driver.h"
#include "util.h"

void
mu_msgstream_init_fd(struct mu_msgstream *st, int fd, bool own_fd,
		     off_t start, off_t end, int kind)
{
	memset(st, 0, sizeof *st);
	st->fd = fd;
	st->own_fd = own_fd;
	st->pos = start;
	st->end = end;
	st->kind = kind;
	st->at_line_start = true;
}

/* Move the unread bytes to the front and read more.  1 read, 0 nothing
 * left in the range, -1 error (the file shrank under us: the message
 * changed on disk, and sending a short copy would corrupt it). */
static int
stream_fill(struct mu_msgstream *st)
{
	size_t room, want;
	ssize_t n;

	if (st->buf == NULL)
		st->buf = mu_xmalloc(MU_STREAM_BUFSIZE);
	if (st->buf_off > 0) {
		memmove(st->buf, st->buf + st->buf_off, st->buf_len - st->buf_off);
		st->buf_len -= st->buf_off;
		st->buf_off = 0;
	}
	room = MU_STREAM_BUFSIZE - st->buf_len;
	if (room == 0 || st->pos >= st->end)
		return 0;
	want = (uint64_t)(st->end - st->pos) < room ? (size_t)(st->end - st->pos) : room;
	n = mu_pread_full(st->fd, st->buf + st->buf_len, want, st->pos);
	if (n < 0)
		return -1;
	if (n == 0) {
		errno = ESTALE;
		return -1;
	}
	st->buf_len += (size_t)n;
	st->pos += n;
	return 1;
}

/* Does p (avail bytes) start with ">...>From " (mboxrd quoting)? */
static bool
is_quoted_from(const char *p, size_t avail)
{
	size_t i = 0;

	while (i < avail && p[i] == '>')
		i++;
	return i > 0 && avail - i >= 5 && memcmp(p + i, "From ", 5) == 0;
}

int
mu_msgstream_next(struct mu_msgstream *st, const char **data, size_t *len,
		  bool *eol)
{
	const char *p, *nl;
	size_t avail, clen, consumed;
	bool is_eol;

	for (;;) {
		avail = st->buf_len - st->buf_off;
		p = st->buf ? st->buf + st->buf_off : NULL;
		nl = avail ? memchr(p, '\n', avail) : NULL;
		if (nl != NULL || st->pos >= st->end || avail >= MU_STREAM_BUFSIZE)
			break;
		if (stream_fill(st) < 0)
			return -1;
	}
	if (avail == 0)
		return 0;

	if (nl != NULL) {
		clen = (size_t)(nl - p);
		consumed = clen + 1;
		if (clen > 0 && p[clen - 1] == '\r')
			clen--;
		is_eol = true;
	} else if (st->pos >= st->end) {
		/* final line without LF: counts as if it had CRLF */
		clen = consumed = avail;
		is_eol = true;
	} else {
		/* a line longer than the buffer; keep a trailing CR back so
		 * that CR LF split across reads is still one terminator */
		clen = avail;
		if (p[clen - 1] == '\r')
			clen--;
		consumed = clen;
		is_eol = false;
	}

	if (st->at_line_start) {
		st->line_in_body = st->in_body;
		if (st->kind == MU_STREAM_MBOXRD && is_quoted_from(p, clen)) {
			p++;
			clen--;
		} else if (!st->in_body && is_eol && clen == 0) {
			st->in_body = true;	/* the blank line ends the header */
		}
	}
	st->at_line_start = is_eol;
	st->buf_off += consumed;
	*data = p;
	*len = clen;
	*eol = is_eol;
	return 1;
}

off_t
mu_msgstream_offset(const struct mu_msgstream *st)
{
	/* the unread part of the buffer lies just before pos */
	return st->pos - (off_t)(st->buf_len - st->buf_off);
}

bool
mu_msgstream_in_body(const struct mu_msgstream *st)
{
	return st->line_in_body;
}

void
mu_msgstream_close(struct mu_msgstream *st)
{
	free(st->buf);
	st->buf = NULL;
	if (st->own_fd && st->fd >= 0)
		close(st->fd);
	st->fd = -1;
}
