#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <strings.h>
#include <unistd.h>

#include <nettle/md5.h>

#include "log.h"
#include "util.h"

static void __attribute__((noreturn))
out_of_memory(size_t n)
{
	mu_log(MU_LOG_CRIT, "out of memory (%zu bytes)", n);
	_exit(75);	/* EX_TEMPFAIL: nothing was committed */
}

void *
mu_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (p == NULL)
		out_of_memory(n);
	return p;
}

void *
mu_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (p == NULL)
		out_of_memory(n * size);
	return p;
}

void *
mu_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (q == NULL)
		out_of_memory(n);
	return q;
}

void *
mu_xreallocarray(void *p, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size)
		out_of_memory(SIZE_MAX);
	return mu_xrealloc(p, n * size);
}

char *
mu_xstrdup(const char *s)
{
	return mu_xstrndup(s, strlen(s));
}

char *
mu_xstrndup(const char *s, size_t n)
{
	char *p = mu_xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
mu_xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		out_of_memory(strlen(fmt));
	va_end(ap);
	return s;
}

void
mu_buf_init(struct mu_buf *b)
{
	b->data = NULL;
	b->len = b->cap = 0;
}

void
mu_buf_append(struct mu_buf *b, const void *data, size_t len)
{
	if (len > SIZE_MAX - b->len - 1)
		out_of_memory(SIZE_MAX);
	if (b->len + len + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		while (cap < b->len + len + 1)
			cap = cap > SIZE_MAX / 2 ? b->len + len + 1 : cap * 2;
		b->data = mu_xrealloc(b->data, cap);
		b->cap = cap;
	}
	memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
}

void
mu_buf_appendf(struct mu_buf *b, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		out_of_memory(strlen(fmt));
	mu_buf_append(b, s, (size_t)n);
	free(s);
}

void
mu_buf_free(struct mu_buf *b)
{
	free(b->data);
	mu_buf_init(b);
}

/* The loops behind the I/O wrappers below: at the file offset (read,
 * write) or, when positional, at off (pread, pwrite); EINTR retries. */
static int
write_loop(int fd, const void *data, size_t len, bool positional, off_t off)
{
	const char *p = data;

	while (len > 0) {
		ssize_t n = positional ? pwrite(fd, p, len, off) :
			write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		off += n;
		len -= (size_t)n;
	}
	return 0;
}

static ssize_t
read_loop(int fd, void *buf, size_t len, bool positional, off_t off)
{
	size_t got = 0;

	while (got < len) {
		char *p = (char *)buf + got;
		ssize_t n = positional ? pread(fd, p, len - got, off + (off_t)got) :
			read(fd, p, len - got);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

int
mu_write_all(int fd, const void *data, size_t len)
{
	return write_loop(fd, data, len, false, 0);
}

ssize_t
mu_read_full(int fd, void *buf, size_t len)
{
	return read_loop(fd, buf, len, false, 0);
}

ssize_t
mu_pread_full(int fd, void *buf, size_t len, off_t off)
{
	return read_loop(fd, buf, len, true, off);
}

int
mu_pwrite_all(int fd, const void *data, size_t len, off_t off)
{
	return write_loop(fd, data, len, true, off);
}

int
mu_fsync_dir_of(const char *path)
{
	char *copy = mu_xstrdup(path);
	int fd, rc;

	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(copy);
	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* nettle's, not a TLS library's: a mail library needs a hash, not TLS,
 * and a program that reads mail (mu-sieve) should not pull TLS in */
struct mu_md5 {
	struct md5_ctx ctx;
};

struct mu_md5 *
mu_md5_new(void)
{
	struct mu_md5 *h = mu_xmalloc(sizeof *h);

	md5_init(&h->ctx);
	return h;
}

void
mu_md5_update(struct mu_md5 *h, const void *data, size_t len)
{
	md5_update(&h->ctx, len, data);
}

void
mu_md5_final_hex(struct mu_md5 *h, char out[MU_MD5_HEX_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char d[MD5_DIGEST_SIZE];

	md5_digest(&h->ctx, sizeof d, d);
	free(h);
	for (int i = 0; i < MD5_DIGEST_SIZE; i++) {
		out[2 * i] = hex[d[i] >> 4];
		out[2 * i + 1] = hex[d[i] & 15];
	}
	out[MU_MD5_HEX_LEN] = '\0';
}

void
mu_md5_hex(const void *data, size_t len, char out[MU_MD5_HEX_LEN + 1])
{
	struct mu_md5 *h = mu_md5_new();

	mu_md5_update(h, data, len);
	mu_md5_final_hex(h, out);
}

bool
mu_str_equal_ct(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned char diff = la != lb;

	for (size_t i = 0; i < la && i < lb; i++)
		diff |= (unsigned char)(a[i] ^ b[i]);
	return diff == 0;
}

bool
mu_header_is(const char *line, size_t len, const char *name)
{
	size_t n = strlen(name);

	return len > n && line[n] == ':' && strncasecmp(line, name, n) == 0;
}

/* The variable is read once per process (a forked child reads it again),
 * so unset a step costs a getpid() next to a write or an fsync.  One
 * counter for every driver: a step is a step wherever it is taken. */
void
mu_test_kill_point(void)
{
	static pid_t for_pid;
	static long kill_after, steps;

	if (for_pid != getpid()) {
		const char *e = getenv("MU_TEST_KILL_AFTER_WRITES");

		for_pid = getpid();
		kill_after = e != NULL ? atol(e) : 0;
		steps = 0;
	}
	if (kill_after > 0 && ++steps >= kill_after)
		raise(SIGKILL);
}

int
mu_ms_left(const struct timespec *start, long long limit_ms)
{
	struct timespec now;
	long long spent;

	clock_gettime(CLOCK_MONOTONIC, &now);
	spent = (now.tv_sec - start->tv_sec) * 1000LL +
		(now.tv_nsec - start->tv_nsec) / 1000000;
	if (spent >= limit_ms)
		return 0;
	return limit_ms - spent > 86400000 ? 86400000 : (int)(limit_ms - spent);
}
