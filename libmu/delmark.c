/* Deletion marks in a message header: finding and clearing them (see
 * delmark.h for which programs write which). */
#include "config.h"

#include <string.h>

#include "delmark.h"
#include "mailbox-driver.h"
#include "util.h"

char
mu_delmark_letter(const char *line, size_t len, size_t *value_r)
{
	if (mu_header_is(line, len, "Status")) {
		*value_r = strlen("Status:");
		return 'd';
	}
	if (mu_header_is(line, len, "X-Status")) {
		*value_r = strlen("X-Status:");
		return 'D';
	}
	return 0;
}

bool
mu_delmark_in_line(const char *line, size_t len)
{
	size_t v;
	char letter = mu_delmark_letter(line, len, &v);

	return letter != 0 && memchr(line + v, letter, len - v) != NULL;
}

int
mu_delmark_clear(int fd, off_t start, off_t end)
{
	struct mu_msgstream st;
	const char *data;
	size_t len;
	bool eol, line_start = true;
	char letter = 0;	/* the line's, while in a status field line */
	int cleared = 0, rc;

	mu_msgstream_init_fd(&st, fd, false, start, end, MU_STREAM_PLAIN);
	for (;;) {
		off_t off = mu_msgstream_offset(&st);
		size_t v = 0;

		rc = mu_msgstream_next(&st, &data, &len, &eol);
		if (rc <= 0)
			break;
		if (line_start) {
			if (eol && len == 0)
				break;          /* the header ends */
			letter = mu_delmark_letter(data, len, &v);
		}
		/* a line longer than the stream's buffer comes in several
		 * chunks: the letter may be in any of them.  A PLAIN stream
		 * returns the file's bytes as they are: the k-th byte of the
		 * chunk is the file's byte off + k */
		for (size_t k = v; letter != 0 && k < len; k++) {
			if (data[k] != letter)
				continue;
			if (mu_pwrite_all(fd, " ", 1, off + (off_t)k) < 0) {
				rc = -1;
				break;
			}
			cleared++;
		}
		if (rc < 0)
			break;
		line_start = eol;
		if (eol)
			letter = 0;
	}
	mu_msgstream_close(&st);
	return rc < 0 ? -1 : cleared;
}
