/* Small helpers shared by every part: checked allocation, strings, digests. */
#ifndef MU_UTIL_H
#define MU_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

/* Allocation that cannot return NULL: on exhaustion the process logs and
 * exits (a forked session child; the mailbox is untouched until commit). */
void *mu_xmalloc(size_t n);
void *mu_xcalloc(size_t n, size_t size);
void *mu_xrealloc(void *p, size_t n);
/* reallocarray with overflow check */
void *mu_xreallocarray(void *p, size_t n, size_t size);
char *mu_xstrdup(const char *s);
char *mu_xstrndup(const char *s, size_t n);
char *mu_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Growable byte buffer that knows its length. */
struct mu_buf {
	char *data;
	size_t len, cap;
};
void mu_buf_init(struct mu_buf *b);
void mu_buf_append(struct mu_buf *b, const void *data, size_t len);
void mu_buf_appendf(struct mu_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void mu_buf_free(struct mu_buf *b);

/* write()/read() loops over EINTR and short counts; 0 ok, -1 errno set */
int mu_write_all(int fd, const void *data, size_t len);
ssize_t mu_read_full(int fd, void *buf, size_t len);
ssize_t mu_pread_full(int fd, void *buf, size_t len, off_t off);
int mu_pwrite_all(int fd, const void *data, size_t len, off_t off);
/* fsync the directory that holds path */
int mu_fsync_dir_of(const char *path);

/* MD5 in lower-case hex (33 bytes with NUL), through nettle. */
#define MU_MD5_HEX_LEN 32
struct mu_md5;
struct mu_md5 *mu_md5_new(void);
void mu_md5_update(struct mu_md5 *h, const void *data, size_t len);
void mu_md5_final_hex(struct mu_md5 *h, char out[MU_MD5_HEX_LEN + 1]);
void mu_md5_hex(const void *data, size_t len, char out[MU_MD5_HEX_LEN + 1]);

/* Constant-time comparison of equal-length strings. */
bool mu_str_equal_ct(const char *a, const char *b);
/* Case-insensitive prefix match of a header name: "Name:" at line start. */
bool mu_header_is(const char *line, size_t len, const char *name);

/* The kill hook of the crash tests (testsuite/unit/test-mbox-kill,
 * test-msgfile-kill): MU_TEST_KILL_AFTER_WRITES=n makes the process
 * SIGKILL itself right after its n-th durable step (write, fsync, rename,
 * link, ftruncate, unlink) of a commit, a recovery or an append, in any
 * mailbox driver.  Drivers call it after each such step. */
void mu_test_kill_point(void);

/* Milliseconds left of a limit of limit_ms counted from *start
 * (CLOCK_MONOTONIC): 0 when it has passed, at most one day so that it
 * fits a poll() timeout. */
int mu_ms_left(const struct timespec *start, long long limit_ms);

#endif
