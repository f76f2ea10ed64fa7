/* The libmu parts of the mailbox lifecycle, one by one:
 *
 *  - the scanner notes the X-Expire-Timestamp value (header lines only,
 *    the first valid one, decimal seconds with blanks around) and the
 *    deletion marks ("Status:" with d, "X-Status:" with D; not "Status: D",
 *    not in the body), for LF and CRLF messages;
 *  - mu_delmark_clear overwrites exactly the mark letters with spaces and
 *    nothing else, header only;
 *  - mu_mailbox_reopen sees appended mail and keeps the session lock (a
 *    second session still gets IN-USE), on each format;
 *  - MU_OPEN_CREATE makes a missing Maildir or MH folder, locked. */
#include <config.h>

#include <sys/wait.h>

#include "testsuite/unit/mailtest.h"
#include "libmu/delmark.h"
#include "libmu/scan.h"

static void
scan_text(const char *text, struct mu_message_info *info)
{
	struct mu_scan sc;
	const char *p = text;

	memset(info, 0, sizeof *info);
	mu_scan_begin(&sc);
	while (*p != '\0') {
		const char *nl = strchr(p, '\n');
		size_t len = nl != NULL ? (size_t)(nl - p) : strlen(p);
		size_t clen = len;

		if (clen > 0 && p[clen - 1] == '\r')
			clen--;
		mu_scan_chunk(&sc, p, clen, true);
		p += len + (nl != NULL);
	}
	mu_scan_end(&sc, info);
}

static void
check_scan(const char *text, int64_t want_ts, bool want_mark)
{
	struct mu_message_info info;

	scan_text(text, &info);
	CHECK(info.expire_ts == want_ts, "expire_ts %lld, want %lld in %s",
	      (long long)info.expire_ts, (long long)want_ts, text);
	CHECK(info.delete_mark == want_mark, "delete_mark %d, want %d in %s",
	      info.delete_mark, want_mark, text);
}

static void
check_scanner(void)
{
	check_scan("Subject: a\nX-Expire-Timestamp: 1700000000\n\nbody\n",
		   1700000000, false);
	check_scan("Subject: a\r\nx-expire-timestamp:\t 1700000001 \r\n\r\nb\r\n",
		   1700000001, false);
	check_scan("X-Expire-Timestamp: 17x\n\nb\n", 0, false);
	check_scan("X-Expire-Timestamp: \n\nb\n", 0, false);
	check_scan("X-Expire-Timestamp: 0\n\nb\n", 0, false);
	check_scan("X-Expire-Timestamp: 1234567890123456789\n\nb\n", 0, false);
	check_scan("X-Expire-Timestamp: yesterday\nX-Expire-Timestamp: 42\n\nb\n",
		   42, false);
	check_scan("X-Expire-Timestamp: 5\nX-Expire-Timestamp: 6\n\nb\n", 5,
		   false);
	check_scan("Subject: a\n\nX-Expire-Timestamp: 1700000000\n", 0, false);
	check_scan("X-Expire-Timestamps: 1700000000\n\nb\n", 0, false);
	check_scan("Status: ROd\n\nb\n", 0, true);
	check_scan("status: d\r\n\r\nb\r\n", 0, true);
	check_scan("Status: RO\n\nb\n", 0, false);
	check_scan("Status: D\n\nb\n", 0, false);       /* a draft, not deleted */
	check_scan("X-Status: DF\n\nb\n", 0, true);
	check_scan("X-Status: AdF\n\nb\n", 0, false);
	check_scan("Subject: Status: d\n\nStatus: d\nX-Status: D\n", 0, false);
	check_scan("X-Status-Info: D\n\nb\n", 0, false);
}

static void
check_clear(void)
{
	const char *dir = pathf("%s/clear", scratch);
	const char *path = pathf("%s/msg", dir);
	const char *before =
		"Subject: d and D stay here\r\n"
		"Status: dROd\r\n"
		"X-Status: FDA\r\n"
		"X-Other: d D\r\n"
		"\r\n"
		"Status: d\r\n";
	const char *after =
		"Subject: d and D stay here\r\n"
		"Status:  RO \r\n"
		"X-Status: F A\r\n"
		"X-Other: d D\r\n"
		"\r\n"
		"Status: d\r\n";
	char *got;
	int fd, n;

	make_dir(dir);
	put_str(path, before);
	fd = open(path, O_RDWR);
	n = mu_delmark_clear(fd, 0, (off_t)strlen(before));
	close(fd);
	got = get_file(path, NULL);
	CHECK(n == 3, "cleared %d letters, want 3", n);
	CHECK(got != NULL && strcmp(got, after) == 0, "after clearing: %s", got);
	free(got);
}

static size_t
count_of(const char *url)
{
	struct mu_mailbox *mb;
	enum mu_mailbox_error code;
	const char *error;
	size_t n;

	if (mu_mailbox_open(&mb, url, MU_OPEN_READONLY, 5, &code, &error) < 0) {
		printf("cannot open %s: %s\n", url, error);
		exit(99);
	}
	n = mu_mailbox_count(mb);
	mu_mailbox_close(mb);
	return n;
}

/* 1 if a second session would get IN-USE now */
static int
in_use(const char *url)
{
	struct mu_mailbox *mb;
	enum mu_mailbox_error code;
	const char *error;
	pid_t pid = fork();
	int status;

	/* flock conflicts between open files, even in one process; a child
	 * makes the point as another session would */
	if (pid == 0) {
		if (mu_mailbox_open(&mb, url, MU_OPEN_WRITE | MU_OPEN_SESSION_LOCK,
				    5, &code, &error) < 0)
			_exit(code == MU_MBERR_IN_USE ? 1 : 2);
		mu_mailbox_close(mb);
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		exit(99);
	return WEXITSTATUS(status);
}

static void
check_reopen(const char *fmt)
{
	static const char msg[] = "Subject: appended\n\nbody\n";
	char *url = pathf("%s:%s/reopen-%s", fmt, scratch, fmt);
	struct mu_mailbox *mb;
	enum mu_mailbox_error code;
	const char *error;

	/* a missing mailbox, made by MU_OPEN_CREATE and locked at once */
	CHECK(mu_mailbox_open(&mb, url, MU_OPEN_WRITE | MU_OPEN_SESSION_LOCK |
			      MU_OPEN_CREATE, 5, &code, &error) == 0,
	      "%s: open: %s", url, error);
	CHECK(in_use(url) == 1, "%s: locked from the start", url);
	CHECK(mu_mailbox_append(mb, msg, strlen(msg), &error) == 0,
	      "%s: append: %s", url, error);
	CHECK(mu_mailbox_count(mb) == 0, "%s: append does not list", url);
	CHECK(mu_mailbox_reopen(&mb, &code, &error) == 0, "%s: reopen: %s",
	      url, error);
	CHECK(mu_mailbox_count(mb) == 1, "%s: reopen lists the new message",
	      url);
	CHECK(in_use(url) == 1, "%s: still locked after reopen", url);
	mu_mailbox_close(mb);
	CHECK(in_use(url) == 0, "%s: unlocked after close", url);
	CHECK(count_of(url) == 1, "%s: one message", url);
}

int
main(void)
{
	scratch_make("lifecycle-libmu");
	check_scanner();
	check_clear();
	check_reopen("mbox");
	check_reopen("maildir");
	check_reopen("mh");
	if (check_failures > 0)
		printf("%d failure%s\n", check_failures, check_failures == 1 ? "" : "s");
	return check_status();
}
