/* The session lock: a second session on the same mbox gets
 * MU_MBERR_IN_USE at once (not after lock_timeout), from this process
 * or another; a plain open is not blocked; the lock goes with its holder
 * (close, or the process killed); delivery is not blocked by it; and a
 * missing mbox is locked all the same. */
#include "config.h"

#include <signal.h>
#include <sys/wait.h>
#include <time.h>

#include "lock.h"
#include "mbox-testlib.h"

static const char box[] =
	"From a@example.org Mon Jan  1 00:00:00 2024\nSubject: a\n\nbody a\n\n";

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Try a session open; return its error code (NONE when it opened). */
static enum mu_mailbox_error
try_session(const char *p, double *took)
{
	struct mu_mailbox *mb;
	enum mu_mailbox_error code;
	const char *err;
	char *url = mu_xasprintf("mbox:%s", p);
	double t0 = now();

	if (mu_mailbox_open(&mb, url, MU_OPEN_WRITE | MU_OPEN_SESSION_LOCK, 30,
			    &code, &err) == 0) {
		mu_mailbox_close(mb);
		code = MU_MBERR_NONE;
	}
	*took = now() - t0;
	free(url);
	return code;
}

int
main(void)
{
	struct mu_mailbox *a, *plain;
	char *path, *missing;
	double took;
	int status, ready[2];
	pid_t pid;
	char c;

	scratch_init("test-mbox-session-lock");
	path = scratch_path("inbox");
	missing = scratch_path("nothing-yet");
	write_file(path, box, sizeof box - 1);

	a = open_mbox(path, MU_OPEN_WRITE | MU_OPEN_SESSION_LOCK, 30);
	CHECK(a != NULL, "first session");

	CHECK(try_session(path, &took) == MU_MBERR_IN_USE, "second session "
	      "not refused");
	CHECK(took < 1, "IN_USE took %.2f s", took);

	/* another process is refused too */
	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(try_session(path, &took) == MU_MBERR_IN_USE && took < 1 ? 0 : 1);
	CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	      WEXITSTATUS(status) == 0, "other process not refused at once");

	/* a reader without the session lock is not blocked */
	plain = open_mbox(path, MU_OPEN_READONLY, 30);
	CHECK(plain != NULL && mu_mailbox_count(plain) == 1, "plain open");
	mu_mailbox_close(plain);

	/* an MTA delivers during the session without waiting */
	{
		struct mu_dotlock dl;
		const char *err;
		bool to;
		int fd = open(path, O_WRONLY | O_APPEND);
		double t0 = now();

		CHECK(mu_dotlock_acquire(&dl, path, 5, &to, &err) == 0 && dl.held,
		      "MTA dotlock");
		CHECK(fd >= 0 && mu_fcntl_lock(fd, true, 5, &to, &err) == 0,
		      "MTA fcntl");
		CHECK(now() - t0 < 0.5, "MTA waited for the session");
		mu_fcntl_unlock(fd);
		close(fd);
		mu_dotlock_release(&dl);
	}

	mu_mailbox_close(a);
	CHECK(try_session(path, &took) == MU_MBERR_NONE, "lock not released "
	      "by close");

	/* a holder that is killed leaves no stale session lock */
	if (pipe(ready) < 0)
		exit(99);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		struct mu_mailbox *mb = open_mbox(path, MU_OPEN_WRITE |
						  MU_OPEN_SESSION_LOCK, 30);
		if (mb == NULL || write(ready[1], "x", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(ready[1]);
	CHECK(read(ready[0], &c, 1) == 1, "holder child");
	close(ready[0]);
	CHECK(try_session(path, &took) == MU_MBERR_IN_USE, "child's lock "
	      "not seen");
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	CHECK(try_session(path, &took) == MU_MBERR_NONE, "killed holder's "
	      "lock still there");

	/* a mailbox that does not exist yet is locked all the same */
	a = open_mbox(missing, MU_OPEN_WRITE | MU_OPEN_SESSION_LOCK, 30);
	CHECK(a != NULL && mu_mailbox_count(a) == 0, "missing mbox session");
	CHECK(try_session(missing, &took) == MU_MBERR_IN_USE, "missing mbox: "
	      "second session not refused");
	mu_mailbox_close(a);
	CHECK(access(missing, F_OK) < 0, "the missing mbox was created");

	free(path);
	free(missing);
	scratch_cleanup();
	return check_verdict();
}
