/* Small helpers for the directory-mailbox tests (Maildir, MH, URLs):
 * a scratch directory, files with exact bytes, and the bytes a POP3
 * writer would send for a message.  Static functions: each test program
 * includes this once. */
#ifndef MAILTEST_H
#define MAILTEST_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
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

/* not every test uses every helper */
#define MAILTEST_HELPER static __attribute__((unused))

static char scratch[256];

MAILTEST_HELPER int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st; (void)flag; (void)ftw;
	remove(path);
	return 0;
}

MAILTEST_HELPER void
scratch_remove(void)
{
	if (scratch[0] != '\0')
		nftw(scratch, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* A fresh directory under $TMPDIR (or /tmp), removed at exit; and the
 * mailbox files named as pop3d names them, which the tests look for. */
MAILTEST_HELPER const char *
scratch_make(const char *name)
{
	const char *t = getenv("TMPDIR");

	mu_mailbox_set_file_tag(POP3D_MAILBOX_FILE_TAG);

	snprintf(scratch, sizeof scratch, "%s/%s-XXXXXX", t ? t : "/tmp", name);
	if (mkdtemp(scratch) == NULL) {
		perror("mkdtemp");
		exit(99);
	}
	atexit(scratch_remove);
	return scratch;
}

MAILTEST_HELPER char *
pathf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

MAILTEST_HELPER char *
pathf(const char *fmt, ...)
{
	char *s;
	va_list ap;

	/* never freed: a test is short and keeps its paths to the end */
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		exit(99);
	va_end(ap);
	return s;
}

MAILTEST_HELPER void
put_file(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	if (fd < 0 || mu_write_all(fd, data, len) < 0 || close(fd) < 0) {
		printf("cannot write %s: %s\n", path, strerror(errno));
		exit(99);
	}
}

MAILTEST_HELPER void
put_str(const char *path, const char *s)
{
	put_file(path, s, strlen(s));
}

MAILTEST_HELPER void
make_dir(const char *path)
{
	if (mkdir(path, 0700) < 0 && errno != EEXIST) {
		printf("cannot mkdir %s: %s\n", path, strerror(errno));
		exit(99);
	}
}

/* The whole file, NUL-terminated; NULL if missing. */
MAILTEST_HELPER char *
get_file(const char *path, size_t *len_r)
{
	struct mu_buf b;
	char chunk[4096];
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return NULL;
	mu_buf_init(&b);
	mu_buf_append(&b, "", 0);
	while ((n = read(fd, chunk, sizeof chunk)) > 0)
		mu_buf_append(&b, chunk, (size_t)n);
	close(fd);
	if (len_r)
		*len_r = b.len;
	return b.data;
}

MAILTEST_HELPER bool
exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

/* The file at path holds exactly want. */
MAILTEST_HELPER void
check_file(const char *path, const char *want, const char *what)
{
	size_t len;
	char *got = get_file(path, &len);

	CHECK(got != NULL, "%s: %s missing", what, path);
	if (got != NULL)
		CHECK(len == strlen(want) && memcmp(got, want, len) == 0,
		      "%s: %s has other bytes:\n%s", what, path, got);
	free(got);
}

/* How many entries of dir have names starting with prefix; hidden ones
 * (starting with '.') count only when prefix does too. */
MAILTEST_HELPER size_t
count_entries(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	if (d == NULL)
		return 0;
	while ((de = readdir(d)) != NULL)
		if (strncmp(de->d_name, prefix, strlen(prefix)) == 0 &&
		    (de->d_name[0] != '.' || prefix[0] == '.'))
			n++;
	closedir(d);
	return n;
}

/* A message file of a fixture: its name under the mailbox root and its
 * bytes (len 0: strlen(data)). */
struct fixture {
	const char *name;
	const char *data;
	size_t len;
};

MAILTEST_HELPER size_t
fixture_len(const struct fixture *f)
{
	return f->len ? f->len : strlen(f->data);
}

MAILTEST_HELPER void
put_fixtures(const char *root, const struct fixture *f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		put_file(pathf("%s/%s", root, f[i].name), f[i].data,
			 fixture_len(&f[i]));
}

/* What POP3 sends for raw message bytes (before dot-stuffing): every
 * line ends in CRLF; LF, and one CR before it, are the old terminator. */
MAILTEST_HELPER char *
crlf_form(const char *raw, size_t len, size_t *out_len)
{
	struct mu_buf b;
	size_t start = 0;

	mu_buf_init(&b);
	mu_buf_append(&b, "", 0);
	for (size_t i = 0; i <= len; i++) {
		if (i < len && raw[i] != '\n')
			continue;
		if (i == len && start == len)
			break;
		size_t end = i;
		if (i < len && end > start && raw[end - 1] == '\r')
			end--;
		mu_buf_append(&b, raw + start, end - start);
		mu_buf_append(&b, "\r\n", 2);
		start = i + 1;
	}
	*out_len = b.len;
	return b.data;
}

/* Message idx as POP3 would send it, read through the mailbox stream;
 * NULL (and *error_r) if the stream cannot be opened or fails. */
MAILTEST_HELPER char *
stream_message(struct mu_mailbox *mb, size_t idx, size_t *len_r,
	       const char **error_r)
{
	struct mu_msgstream st;
	struct mu_buf b;
	const char *d;
	size_t l;
	bool eol;
	int rc;

	if (mu_msgstream_open(mb, idx, &st, error_r) < 0)
		return NULL;
	mu_buf_init(&b);
	mu_buf_append(&b, "", 0);
	while ((rc = mu_msgstream_next(&st, &d, &l, &eol)) == 1) {
		mu_buf_append(&b, d, l);
		if (eol)
			mu_buf_append(&b, "\r\n", 2);
	}
	mu_msgstream_close(&st);
	if (rc < 0) {
		*error_r = "stream read failed";
		mu_buf_free(&b);
		return NULL;
	}
	*len_r = b.len;
	return b.data;
}

/* Message idx streams as exactly the CRLF form of raw, and its size is
 * that length.  Reports and counts a failure otherwise. */
MAILTEST_HELPER void
check_message(struct mu_mailbox *mb, size_t idx, const char *raw, size_t raw_len,
	      const char *what)
{
	size_t want_len, got_len = 0;
	char *want = crlf_form(raw, raw_len, &want_len);
	const char *err = "";
	char *got = stream_message(mb, idx, &got_len, &err);
	const struct mu_message_info *info = mu_mailbox_info(mb, idx);

	CHECK(got != NULL, "%s: stream: %s", what, err);
	if (got != NULL)
		CHECK(got_len == want_len && memcmp(got, want, want_len) == 0,
		      "%s: content differs (got %zu bytes, want %zu)", what,
		      got_len, want_len);
	CHECK(info != NULL && info->size == want_len,
	      "%s: size %llu, want %zu", what,
	      info ? (unsigned long long)info->size : 0ULL, want_len);
	free(want);
	free(got);
}

/* Streaming message idx fails with a temporary error that says why
 * (reason: "gone", "changed"): a file another program removed or
 * rewrote during the session must not be sent. */
MAILTEST_HELPER void
check_stream_fails(struct mu_mailbox *mb, size_t idx, const char *reason)
{
	const char *err = "";
	size_t len;
	char *got = stream_message(mb, idx, &len, &err);

	CHECK(got == NULL && strstr(err, reason) != NULL &&
	      mb->errcode == MU_MBERR_TEMP, "message %zu, want \"%s\": %s",
	      idx + 1, reason, got ? "streamed" : err);
	free(got);
}

/* A missing directory mailbox (url, at path) opens as an empty one, a
 * commit does not create it, and MU_OPEN_NOCREATE makes it a permanent
 * error. */
MAILTEST_HELPER void
check_missing_mailbox(const char *url, const char *path)
{
	struct mu_mailbox *mb;
	enum mu_mailbox_error code;
	const char *err;

	CHECK(mu_mailbox_open(&mb, url, MU_OPEN_WRITE | MU_OPEN_SESSION_LOCK, 1,
			      &code, &err) == 0, "open missing: %s", err);
	if (mb != NULL) {
		CHECK(mu_mailbox_count(mb) == 0, "missing has messages");
		CHECK(mu_mailbox_commit(mb, &err) == 0, "commit empty: %s", err);
		mu_mailbox_close(mb);
	}
	CHECK(!exists(path), "missing %s was created", url);
	CHECK(mu_mailbox_open(&mb, url, MU_OPEN_NOCREATE, 1, &code, &err) < 0 &&
	      code == MU_MBERR_PERM, "NOCREATE on a missing %s: code %d", url,
	      (int)code);
}

MAILTEST_HELPER int
finish(const char *name)
{
	if (check_failures == 0)
		printf("PASS: %s\n", name);
	else
		printf("%d failure(s) in %s\n", check_failures, name);
	return check_status();
}

#endif
