/* The session lock story, the same for every format: a second session
 * gets IN-USE at once, a delivery still gets through, and once the first
 * session ends the next one opens and sees the delivered mail. */
#ifndef SESSION_LOCK_H
#define SESSION_LOCK_H

#include <sys/wait.h>
#include <time.h>

#include "mailtest.h"

/* In a child process (a real second session): open url with the session
 * lock and return the error code it got (0: opened). */
static int
child_open(const char *url, int flags)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		exit(99);
	if (pid == 0) {
		struct mu_mailbox *mb;
		enum mu_mailbox_error code;
		const char *err;

		if (mu_mailbox_open(&mb, url, flags, 5, &code, &err) == 0) {
			mu_mailbox_close(mb);
			_exit(0);
		}
		printf("child open: %s\n", err);
		fflush(stdout);
		_exit(10 + (int)code);
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status) == 0 ? 0 : WEXITSTATUS(status) - 10;
}

static void
check_session_lock(const char *url, size_t count_before)
{
	struct mu_mailbox *mb;
	enum mu_mailbox_error code;
	const char *err;
	const char *delivery = "Subject: during\n\ndelivered while locked\n";
	int lockflags = MU_OPEN_WRITE | MU_OPEN_SESSION_LOCK;

	CHECK(mu_mailbox_open(&mb, url, lockflags, 5, &code, &err) == 0,
	      "first session: %s", err);
	if (mb == NULL)
		return;
	CHECK(mu_mailbox_count(mb) == count_before, "first session sees %zu",
	      mu_mailbox_count(mb));

	time_t t0 = time(NULL);
	CHECK(child_open(url, lockflags) == MU_MBERR_IN_USE,
	      "second session not refused with IN_USE");
	CHECK(child_open(url, MU_OPEN_READONLY | MU_OPEN_SESSION_LOCK) ==
	      MU_MBERR_IN_USE, "read-only second session not refused");
	/* IN-USE is immediate: no waiting for lock_timeout (5 s here) */
	CHECK(time(NULL) - t0 < 4, "IN_USE took %lld s", (long long)(time(NULL) - t0));
	/* without the session flag (a delivery agent's view) it opens */
	CHECK(child_open(url, MU_OPEN_READONLY) == 0, "open without session lock");

	/* a delivery during the session */
	pid_t pid = fork();
	int status = -1;
	if (pid == 0) {
		struct mu_mailbox *dmb;
		if (mu_mailbox_open(&dmb, url, MU_OPEN_WRITE, 5, &code, &err) < 0 ||
		    mu_mailbox_append(dmb, delivery, strlen(delivery), &err) < 0) {
			printf("delivery: %s\n", err);
			fflush(stdout);
			_exit(1);
		}
		mu_mailbox_close(dmb);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "delivery during the session failed");

	/* the session ends (committing its nothing) */
	CHECK(mu_mailbox_commit(mb, &err) == 0, "commit: %s", err);
	CHECK(mu_mailbox_count(mb) == count_before, "open list changed");
	mu_mailbox_close(mb);

	CHECK(child_open(url, lockflags) == 0, "session after the first ended");
	CHECK(mu_mailbox_open(&mb, url, lockflags, 5, &code, &err) == 0,
	      "next session: %s", err);
	if (mb == NULL)
		return;
	CHECK(mu_mailbox_count(mb) == count_before + 1,
	      "next session sees %zu, want %zu", mu_mailbox_count(mb),
	      count_before + 1);
	if (mu_mailbox_count(mb) == count_before + 1)
		check_message(mb, count_before, delivery, strlen(delivery),
			      "mail delivered during the session");
	mu_mailbox_close(mb);
}

#endif
