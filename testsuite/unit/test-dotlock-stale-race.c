/* Breaking a stale dotlock is safe when several processes do it at once
 * (libmu/lock.h): each round, a stale PATH.lock (its PID is gone, or it
 * is older than MU_DOTLOCK_STALE) is found by a crowd of processes that
 * all want the lock at the same instant.  Exactly one of them may hold it
 * at a time: a breaker that judged the old file stale must never remove
 * the fresh lock another one made after breaking it first.
 *
 * Inside the lock each process makes a directory that only one process
 * can have (mkdir fails with EEXIST if another is inside), waits a
 * little, and removes it.  No lock file and no temporary file of the
 * breakers is left after a round.
 *
 * The liveness probe of the stale rule, kill(pid, 0), is made slow here
 * (the test's own kill() is the one libmu calls): a breaker is then
 * likely to decide about the old lock file while another one has already
 * replaced it, the window any safe break must survive. */
#include "config.h"

#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <utime.h>

#include "lock.h"
#include "mailtest.h"

#define CROWD 12
#define ROUNDS 25

static const char *path, *lockpath, *inside;

/* kill(pid, 0) takes 3 ms: see above */
int
kill(pid_t pid, int sig)
{
	if (sig == 0)
		usleep(3000);
	return (int)syscall(SYS_kill, pid, sig);
}

static void
stale_lock(int round, pid_t dead)
{
	char pidline[32];
	struct utimbuf ut;

	snprintf(pidline, sizeof pidline, "%d\n", (int)dead);
	put_str(lockpath, pidline);
	/* odd rounds: the age rule; even rounds: the dead-PID rule */
	if (round % 2 == 1) {
		ut.actime = ut.modtime = time(NULL) - MU_DOTLOCK_STALE - 60;
		utime(lockpath, &ut);
	}
}

/* One of the crowd: 0 when the lock was had alone, 1 when another
 * process was inside at the same time, 2 on an error. */
static int
contender(int go_fd)
{
	struct mu_dotlock dl;
	const char *err = "";
	bool timed_out;
	char c;
	int rc = 0;

	if (read(go_fd, &c, 1) < 0)	/* every one starts at once */
		return 2;
	if (mu_dotlock_acquire(&dl, path, 20, &timed_out, &err) < 0) {
		printf("acquire: %s\n", err);
		fflush(stdout);
		return 2;
	}
	if (!dl.held) {
		printf("acquire: no dotlock made\n");
		fflush(stdout);
		return 2;
	}
	if (mkdir(inside, 0700) < 0) {
		rc = errno == EEXIST ? 1 : 2;
		printf("mkdir %s: %s\n", inside, strerror(errno));
		fflush(stdout);
	} else {
		usleep(2000);
		rmdir(inside);
	}
	mu_dotlock_release(&dl);
	return rc;
}

int
main(void)
{
	const char *dir = scratch_make("test-dotlock-stale-race");
	int overlaps = 0, errors = 0;
	pid_t dead;

	path = pathf("%s/mbox", dir);
	lockpath = pathf("%s.lock", path);
	inside = pathf("%s/inside", dir);
	fflush(stdout);
	dead = fork();
	if (dead == 0)
		_exit(0);
	waitpid(dead, NULL, 0);

	for (int round = 0; round < ROUNDS; round++) {
		pid_t kids[CROWD];
		int go[2];

		stale_lock(round, dead);
		if (pipe(go) < 0)
			return 99;
		fflush(stdout);
		for (int k = 0; k < CROWD; k++) {
			kids[k] = fork();
			if (kids[k] == 0) {
				close(go[1]);
				_exit(contender(go[0]));
			}
		}
		close(go[0]);
		close(go[1]);		/* EOF: go */
		for (int k = 0; k < CROWD; k++) {
			int status;

			waitpid(kids[k], &status, 0);
			if (!WIFEXITED(status) || WEXITSTATUS(status) == 2) {
				if (!WIFEXITED(status))
					printf("process %ld: status %#x\n",
					       (long)kids[k], status);
				errors++;
			}
			else if (WEXITSTATUS(status) == 1)
				overlaps++;
		}
		CHECK(!exists(lockpath), "round %d: lock file left", round);
		CHECK(count_entries(dir, "mbox.lock") == 0,
		      "round %d: %zu temporary lock files left", round,
		      count_entries(dir, "mbox.lock"));
		unlink(lockpath);
		rmdir(inside);
	}
	printf("%d rounds of %d processes: %d found another inside the lock, "
	       "%d errors\n", ROUNDS, CROWD, overlaps, errors);
	CHECK(overlaps == 0, "two processes held the lock at once %d times",
	      overlaps);
	CHECK(errors == 0, "%d processes failed", errors);
	return finish("test-dotlock-stale-race");
}
