/* Small helpers shared by the mbox tests: a scratch directory, whole-file
 * reads and writes, and a message rendered as RETR would send it. */
#ifndef MBOX_TESTLIB_H
#define MBOX_TESTLIB_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* the drivers' view of a mailbox: the tests look at mb->errcode */
#include "mailbox-driver.h"
#include "util.h"
#include "testsuite/lib/check.h"
#include "pop3d/common/shared.h"

static char scratch_dir[256];

/* A fresh directory under base, removed by scratch_cleanup; and the
 * mailbox files named as pop3d names them, which the tests look for. */
static __attribute__((unused)) const char *
scratch_init_in(const char *base, const char *name)
{
	mu_mailbox_set_file_tag(POP3D_MAILBOX_FILE_TAG);
	snprintf(scratch_dir, sizeof scratch_dir, "%s/%s-XXXXXX", base, name);
	if (mkdtemp(scratch_dir) == NULL) {
		perror("mkdtemp");
		exit(99);
	}
	return scratch_dir;
}

/* ... under $TMPDIR, or /tmp. */
static __attribute__((unused)) const char *
scratch_init(const char *name)
{
	const char *tmp = getenv("TMPDIR");

	return scratch_init_in(tmp && *tmp ? tmp : "/tmp", name);
}

/* ... under $TMPDIR, or else /dev/shm when there is one: for tests whose
 * many fsyncs prove nothing about what they test (a SIGKILL does not
 * lose the page cache) and would be slow on a real disk. */
static __attribute__((unused)) const char *
scratch_init_fast(const char *name)
{
	const char *tmp = getenv("TMPDIR");

	if ((tmp == NULL || *tmp == '\0') && access("/dev/shm", W_OK) == 0)
		return scratch_init_in("/dev/shm", name);
	return scratch_init(name);
}

static __attribute__((unused)) void
scratch_cleanup(void)
{
	char *cmd = mu_xasprintf("rm -rf '%s'", scratch_dir);

	if (system(cmd) != 0)
		printf("warning: could not remove %s\n", scratch_dir);
	free(cmd);
}

static __attribute__((unused)) char *
scratch_path(const char *name)
{
	return mu_xasprintf("%s/%s", scratch_dir, name);
}

static __attribute__((unused)) void
write_file(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	if (fd < 0 || mu_write_all(fd, data, len) < 0 || close(fd) < 0) {
		printf("cannot write %s: %s\n", path, strerror(errno));
		exit(99);
	}
}

static __attribute__((unused)) void
append_file(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_APPEND);

	if (fd < 0 || mu_write_all(fd, data, len) < 0 || close(fd) < 0) {
		printf("cannot append to %s: %s\n", path, strerror(errno));
		exit(99);
	}
}

/* The whole file (NUL-terminated for convenience); NULL if missing. */
static __attribute__((unused)) char *
read_file(const char *path, size_t *len_r)
{
	struct stat st;
	char *buf;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0)
		exit(99);
	buf = mu_xmalloc((size_t)st.st_size + 1);
	if (mu_read_full(fd, buf, (size_t)st.st_size) != st.st_size)
		exit(99);
	buf[st.st_size] = '\0';
	close(fd);
	*len_r = (size_t)st.st_size;
	return buf;
}

/* What RETR sends for message idx, before dot-stuffing: every line with
 * CRLF.  NULL on a stream error. */
static __attribute__((unused)) char *
render_message(struct mu_mailbox *mb, size_t idx, size_t *len_r)
{
	struct mu_msgstream st;
	struct mu_buf out;
	const char *err, *d;
	size_t l;
	bool eol;
	int rc;

	if (mu_msgstream_open(mb, idx, &st, &err) < 0) {
		printf("stream_open %zu: %s\n", idx, err);
		return NULL;
	}
	mu_buf_init(&out);
	while ((rc = mu_msgstream_next(&st, &d, &l, &eol)) == 1) {
		mu_buf_append(&out, d, l);
		if (eol)
			mu_buf_append(&out, "\r\n", 2);
	}
	mu_msgstream_close(&st);
	if (rc < 0) {
		mu_buf_free(&out);
		return NULL;
	}
	*len_r = out.len;
	return out.data ? out.data : mu_xstrdup("");
}

/* LF text to the CRLF form RETR sends (a missing final LF is added). */
static __attribute__((unused)) char *
crlf(const char *s, size_t len, size_t *len_r)
{
	struct mu_buf b;

	mu_buf_init(&b);
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n')
			mu_buf_append(&b, "\r\n", 2);
		else
			mu_buf_append(&b, s + i, 1);
	}
	if (len > 0 && s[len - 1] != '\n')
		mu_buf_append(&b, "\r\n", 2);
	*len_r = b.len;
	return b.data ? b.data : mu_xstrdup("");
}

/* Does message idx read back as want (LF text) and have its size? */
static __attribute__((unused)) bool
message_is(struct mu_mailbox *mb, size_t idx, const char *want, size_t wlen)
{
	size_t glen = 0, elen;
	char *got = render_message(mb, idx, &glen);
	char *exp = crlf(want, wlen, &elen);
	const struct mu_message_info *info = mu_mailbox_info(mb, idx);
	bool ok = got != NULL && info != NULL && glen == elen &&
		  memcmp(got, exp, elen) == 0 && info->size == elen;

	if (!ok && got != NULL && info != NULL)
		printf("  message %zu: got %zu bytes (size %llu), want %zu:\n"
		       "  got  [%.*s]\n  want [%.*s]\n", idx, glen,
		       (unsigned long long)info->size, elen, (int)glen, got,
		       (int)elen, exp);
	free(got);
	free(exp);
	return ok;
}

static __attribute__((unused)) struct mu_mailbox *
open_mbox(const char *path, int flags, unsigned timeout)
{
	struct mu_mailbox *mb;
	enum mu_mailbox_error code;
	const char *err;
	char *url = mu_xasprintf("mbox:%s", path);

	if (mu_mailbox_open(&mb, url, flags, timeout, &code, &err) < 0) {
		printf("open %s: %s (code %d)\n", path, err, (int)code);
		mb = NULL;
	}
	free(url);
	return mb;
}

#endif
