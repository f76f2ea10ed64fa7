/* The line stream: line ends, CR handling, long lines, mboxrd unquoting,
 * header/body split, and that the scanner's size equals the bytes a
 * POP3 writer would send (every line + CRLF). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* the drivers' stream kinds and its constructor */
#include "mailbox-driver.h"
#include "scan.h"
#include "util.h"
#include "testsuite/lib/check.h"

static int
temp_file(const void *data, size_t len)
{
	char name[] = "/tmp/test-msgstream-XXXXXX";
	int fd = mkstemp(name);

	if (fd < 0 || mu_write_all(fd, data, len) < 0)
		abort();
	unlink(name);
	return fd;
}

/* Stream the whole content; return what a POP3 writer would send
 * (lines joined with CRLF, no dot-stuffing) and the size the scanner saw. */
static char *
render(const char *content, size_t clen, int kind, size_t *out_len,
       uint64_t *scan_size, size_t *body_lines)
{
	struct mu_msgstream st;
	struct mu_scan sc;
	struct mu_message_info info;
	struct mu_buf out;
	const char *d;
	size_t l;
	bool eol;
	int fd = temp_file(content, clen), rc;

	mu_buf_init(&out);
	mu_scan_begin(&sc);
	*body_lines = 0;
	mu_msgstream_init_fd(&st, fd, true, 0, (off_t)clen, kind);
	while ((rc = mu_msgstream_next(&st, &d, &l, &eol)) == 1) {
		mu_scan_chunk(&sc, d, l, eol);
		mu_buf_append(&out, d, l);
		if (eol) {
			mu_buf_append(&out, "\r\n", 2);
			if (mu_msgstream_in_body(&st))
				(*body_lines)++;
		}
	}
	CHECK(rc == 0, "stream error");
	mu_msgstream_close(&st);
	mu_scan_end(&sc, &info);
	*scan_size = info.size;
	*out_len = out.len;
	return out.data ? out.data : mu_xstrdup("");
}

static void
expect(const char *name, const char *in, size_t inlen, int kind,
       const char *want, size_t wantlen, size_t want_body_lines)
{
	size_t len, body;
	uint64_t size;
	char *got = render(in, inlen, kind, &len, &size, &body);

	CHECK(len == wantlen && memcmp(got, want, len) == 0,
	      "%s: rendered %zu bytes, want %zu", name, len, wantlen);
	CHECK(size == wantlen, "%s: scan size %llu, want %zu", name,
	      (unsigned long long)size, wantlen);
	CHECK(body == want_body_lines, "%s: body lines %zu, want %zu", name,
	      body, want_body_lines);
	free(got);
}

#define S(x) x, sizeof(x) - 1

int
main(void)
{
	expect("lf", S("A: b\n\nbody\n"), MU_STREAM_PLAIN,
	       S("A: b\r\n\r\nbody\r\n"), 1);
	expect("crlf", S("A: b\r\n\r\nbody\r\n"), MU_STREAM_PLAIN,
	       S("A: b\r\n\r\nbody\r\n"), 1);
	expect("no final newline", S("A: b\n\nlast"), MU_STREAM_PLAIN,
	       S("A: b\r\n\r\nlast\r\n"), 1);
	expect("lone CR kept", S("A: b\n\nx\ry\n"), MU_STREAM_PLAIN,
	       S("A: b\r\n\r\nx\ry\r\n"), 1);
	expect("empty", "", 0, MU_STREAM_PLAIN, "", 0, 0);
	expect("nul and 8-bit", S("A: \xc3\xa9\n\na\0b\n"), MU_STREAM_PLAIN,
	       S("A: \xc3\xa9\r\n\r\na\0b\r\n"), 1);
	expect("mboxrd", S("A: b\n\n>From x\n>>From y\n>Fro\nFrom z\n"),
	       MU_STREAM_MBOXRD,
	       S("A: b\r\n\r\nFrom x\r\n>From y\r\n>Fro\r\nFrom z\r\n"), 4);
	expect("plain keeps quotes", S(">From x\n"), MU_STREAM_PLAIN,
	       S(">From x\r\n"), 0);

	/* a line three buffers long, with CR LF straddling a buffer edge */
	size_t big = 3 * MU_STREAM_BUFSIZE;
	char *in = mu_xmalloc(big + 8), *want = mu_xmalloc(big + 8);
	memset(in, 'x', big);
	in[MU_STREAM_BUFSIZE - 1] = '\r';	/* lone CR at a buffer edge */
	memcpy(in + big - 1, "\r\nz", 3);	/* CR LF, then "z" */
	memcpy(want, in, big - 1);
	memcpy(want + big - 1, "\r\nz\r\n", 5);
	expect("long line", in, big + 2, MU_STREAM_PLAIN, want, big + 4, 0);
	free(in);
	free(want);

	if (check_failures == 0)
		printf("PASS: test-msgstream\n");
	return check_status();
}
