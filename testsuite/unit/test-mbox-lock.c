/* The delivery lock against another process, as an MTA holds it:
 *  - open waits while the dotlock or the fcntl lock is held, and goes on
 *    when it is released;
 *  - it gives up with MU_MBERR_LOCK after lock_timeout;
 *  - stale dotlocks (dead PID, too old) are broken, live ones are not;
 *  - mail delivered by a concurrent writer during a session survives a
 *    commit with deletions and is seen by the next open;
 *  - a directory the user cannot write falls back to fcntl alone. */
#include "config.h"

#include <signal.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <utime.h>

#include "lock.h"
#include "mbox-testlib.h"

static char *path, *lockpath;

static const char box[] =
	"From a@example.org Mon Jan  1 00:00:00 2024\nSubject: a\n\nbody a\n\n"
	"From b@example.org Mon Jan  1 00:00:01 2024\nSubject: b\n\nbody b\n\n"
	"From c@example.org Mon Jan  1 00:00:02 2024\nSubject: c\n\nbody c\n\n";

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A child that takes the MTA's locks (which of them as asked), says so
 * on a pipe, and holds them for hold seconds, or until told (hold < 0). */
static pid_t
mta_hold(bool dotlock, bool fcntl_lock, double hold, int *tell_fd)
{
	int ready[2], go[2];
	pid_t pid;
	char c;

	if (pipe(ready) < 0 || pipe(go) < 0)
		exit(99);
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		exit(99);
	if (pid == 0) {
		struct mu_dotlock dl = { 0 };
		const char *err;
		bool to;
		int fd = open(path, O_RDWR);

		close(ready[0]);
		close(go[1]);
		if (dotlock && mu_dotlock_acquire(&dl, path, 5, &to, &err) < 0)
			_exit(3);
		if (fcntl_lock && mu_fcntl_lock(fd, true, 5, &to, &err) < 0)
			_exit(4);
		if (write(ready[1], "x", 1) != 1)
			_exit(5);
		if (hold >= 0)
			usleep((useconds_t)(hold * 1e6));
		else if (read(go[0], &c, 1) < 0)
			_exit(6);
		if (dotlock)
			mu_dotlock_release(&dl);
		_exit(0);
	}
	close(ready[1]);
	close(go[0]);
	if (read(ready[0], &c, 1) != 1) {
		printf("MTA child did not get its locks\n");
		exit(99);
	}
	close(ready[0]);
	*tell_fd = go[1];
	return pid;
}

static void
reap_ok(pid_t pid)
{
	int status;

	CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	      WEXITSTATUS(status) == 0, "child %d failed: 0x%x", (int)pid, status);
}

static void
waits_then_opens(const char *what, bool dotlock, bool fcntl_lock)
{
	int tell;
	pid_t pid = mta_hold(dotlock, fcntl_lock, 1.0, &tell);
	double t0 = now(), dt;
	struct mu_mailbox *mb = open_mbox(path, MU_OPEN_WRITE, 10);

	dt = now() - t0;
	CHECK(mb != NULL, "%s: open failed", what);
	CHECK(dt >= 0.7, "%s: open did not wait (%.2f s)", what, dt);
	CHECK(dt < 5, "%s: open waited too long (%.2f s)", what, dt);
	if (mb != NULL)
		CHECK(mu_mailbox_count(mb) == 3, "%s: count", what);
	mu_mailbox_close(mb);
	close(tell);
	reap_ok(pid);
}

static void
times_out(const char *what, bool dotlock, bool fcntl_lock)
{
	int tell;
	pid_t pid = mta_hold(dotlock, fcntl_lock, -1, &tell);
	struct mu_mailbox *mb;
	enum mu_mailbox_error code = MU_MBERR_NONE;
	const char *err;
	char *url = mu_xasprintf("mbox:%s", path);
	double t0 = now(), dt;

	CHECK(mu_mailbox_open(&mb, url, MU_OPEN_WRITE, 1, &code, &err) < 0,
	      "%s: opened a locked mailbox", what);
	dt = now() - t0;
	CHECK(code == MU_MBERR_LOCK, "%s: code %d (%s)", what, (int)code, err);
	CHECK(dt >= 0.9 && dt < 4, "%s: gave up after %.2f s", what, dt);
	if (write(tell, "x", 1) != 1)
		exit(99);
	close(tell);
	reap_ok(pid);
	free(url);
}

static void
write_lockfile(const char *content, time_t age)
{
	struct utimbuf ut;

	write_file(lockpath, content, strlen(content));
	ut.actime = ut.modtime = time(NULL) - age;
	utime(lockpath, &ut);
}

static void
stale_locks(void)
{
	struct mu_mailbox *mb;
	enum mu_mailbox_error code;
	const char *err;
	char *url = mu_xasprintf("mbox:%s", path), pidline[32];
	pid_t dead;
	double t0;

	/* a PID that is gone */
	fflush(stdout);
	dead = fork();
	if (dead == 0)
		_exit(0);
	waitpid(dead, NULL, 0);
	snprintf(pidline, sizeof pidline, "%d\n", (int)dead);
	write_lockfile(pidline, 0);
	t0 = now();
	mb = open_mbox(path, MU_OPEN_WRITE, 5);
	CHECK(mb != NULL && now() - t0 < 1, "dead PID: lock not broken");
	mu_mailbox_close(mb);
	CHECK(access(lockpath, F_OK) < 0, "dead PID: lock file left");

	/* a live PID, but older than MU_DOTLOCK_STALE */
	snprintf(pidline, sizeof pidline, "%d\n", (int)getpid());
	write_lockfile(pidline, MU_DOTLOCK_STALE + 60);
	mb = open_mbox(path, MU_OPEN_WRITE, 5);
	CHECK(mb != NULL, "old lock: not broken");
	mu_mailbox_close(mb);

	/* an empty lock file (no PID), old */
	write_lockfile("", MU_DOTLOCK_STALE + 60);
	mb = open_mbox(path, MU_OPEN_WRITE, 5);
	CHECK(mb != NULL, "old empty lock: not broken");
	mu_mailbox_close(mb);

	/* a live PID, fresh: respected */
	write_lockfile(pidline, 0);
	CHECK(mu_mailbox_open(&mb, url, MU_OPEN_WRITE, 1, &code, &err) < 0 &&
	      code == MU_MBERR_LOCK, "live lock: not respected");
	CHECK(access(lockpath, F_OK) == 0, "live lock: removed");

	/* an empty lock file, fresh: respected */
	write_lockfile("", 0);
	CHECK(mu_mailbox_open(&mb, url, MU_OPEN_WRITE, 1, &code, &err) < 0 &&
	      code == MU_MBERR_LOCK, "fresh empty lock: not respected");
	unlink(lockpath);
	free(url);
}

/* The MTA side of a delivery: dotlock, fcntl, append, fsync. */
static void
deliver(const char *msg)
{
	struct mu_dotlock dl;
	const char *err;
	bool to;
	int fd;

	if (mu_dotlock_acquire(&dl, path, 20, &to, &err) < 0) {
		printf("deliver: %s\n", err);
		_exit(7);
	}
	fd = open(path, O_WRONLY | O_APPEND);
	if (fd < 0 || mu_fcntl_lock(fd, true, 20, &to, &err) < 0 ||
	    mu_write_all(fd, msg, strlen(msg)) < 0 || fsync(fd) < 0)
		_exit(8);
	mu_fcntl_unlock(fd);
	close(fd);
	mu_dotlock_release(&dl);
}

/* A writer delivers during the session, before and while we commit. */
static void
concurrent_writer(int round)
{
	struct mu_mailbox *mb;
	const char *err;
	char late[3][128];
	int ready[2];
	pid_t pid;
	char c;

	for (int k = 0; k < 3; k++)
		snprintf(late[k], sizeof late[k], "From mta@example.org Tue Jan  2 "
			 "00:00:0%d 2024\nSubject: late %d.%d\n\nlate %d\n\n", k,
			 round, k, k);
	write_file(path, box, sizeof box - 1);
	mb = open_mbox(path, MU_OPEN_WRITE | MU_OPEN_SESSION_LOCK, 20);
	CHECK(mb != NULL, "writer: open");
	if (mb == NULL || pipe(ready) < 0)
		exit(99);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		close(ready[0]);
		deliver(late[0]);
		if (write(ready[1], "x", 1) != 1)
			_exit(9);
		/* these two race with the commit */
		usleep((useconds_t)(round * 700));
		deliver(late[1]);
		deliver(late[2]);
		_exit(0);
	}
	close(ready[1]);
	if (read(ready[0], &c, 1) != 1)
		exit(99);
	close(ready[0]);
	mu_mailbox_set_deleted(mb, 0, true);
	mu_mailbox_set_deleted(mb, 2, true);
	CHECK(mu_mailbox_commit(mb, &err) == 0, "writer: commit: %s", err);
	mu_mailbox_close(mb);
	reap_ok(pid);

	mb = open_mbox(path, MU_OPEN_READONLY, 20);
	CHECK(mb != NULL && mu_mailbox_count(mb) == 4, "writer round %d: count %zu",
	      round, mb ? mu_mailbox_count(mb) : 0);
	if (mb != NULL && mu_mailbox_count(mb) == 4) {
		char want[64];
		CHECK(message_is(mb, 0, "Subject: b\n\nbody b\n", 19), "writer: b");
		/* the two racing deliveries may land in either order */
		int seen[3] = { 0 };
		for (size_t j = 1; j < 4; j++)
			for (int k = 0; k < 3; k++) {
				int n = snprintf(want, sizeof want,
						 "Subject: late %d.%d\n\nlate %d\n",
						 round, k, k);
				size_t ml;
				char *m = render_message(mb, j, &ml);
				char *e;
				size_t el;
				e = crlf(want, (size_t)n, &el);
				if (m && ml == el && memcmp(m, e, el) == 0)
					seen[k]++;
				free(e);
				free(m);
			}
		CHECK(seen[0] == 1 && seen[1] == 1 && seen[2] == 1,
		      "writer round %d: late mail seen %d/%d/%d times", round,
		      seen[0], seen[1], seen[2]);
	}
	mu_mailbox_close(mb);
}

/* As an unprivileged user in a directory it cannot write: no dotlock,
 * fcntl alone (and an fcntl holder still blocks it). */
static void
fcntl_only(void)
{
	char *dir, *box_path;
	pid_t pid;
	int status;

	if (geteuid() != 0) {
		printf("not root: the read-only directory case is not run\n");
		return;
	}
	dir = scratch_path("ro");
	box_path = scratch_path("ro/inbox");
	if (mkdir(dir, 0755) < 0)
		exit(99);
	write_file(box_path, box, sizeof box - 1);
	chmod(box_path, 0644);
	chmod(scratch_dir, 0755);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		struct mu_mailbox *mb;
		enum mu_mailbox_error code;
		const char *err;
		char *url = mu_xasprintf("mbox:%s", box_path);

		if (setgid(65534) < 0 || setuid(65534) < 0)
			_exit(10);
		if (mu_mailbox_open(&mb, url, MU_OPEN_READONLY, 5, &code, &err) < 0) {
			printf("read-only dir: %s\n", err);
			_exit(11);
		}
		if (mu_mailbox_count(mb) != 3)
			_exit(12);
		mu_mailbox_close(mb);
		/* the session lock cannot live there: a clear refusal */
		if (mu_mailbox_open(&mb, url, MU_OPEN_READONLY | MU_OPEN_SESSION_LOCK,
				    5, &code, &err) == 0 || code != MU_MBERR_PERM)
			_exit(13);
		printf("refused as expected: %s\n", err);
		fflush(stdout);
		_exit(0);
	}
	CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	      WEXITSTATUS(status) == 0, "fcntl-only child: 0x%x", status);
	{
		char *lp = scratch_path("ro/inbox.lock");
		CHECK(access(lp, F_OK) < 0, "a lock was left");
		free(lp);
	}
	chmod(scratch_dir, 0700);
	free(dir);
	free(box_path);
}

int
main(void)
{
	scratch_init("test-mbox-lock");
	path = scratch_path("inbox");
	lockpath = scratch_path("inbox.lock");
	write_file(path, box, sizeof box - 1);

	waits_then_opens("dotlock and fcntl", true, true);
	waits_then_opens("dotlock only", true, false);
	waits_then_opens("fcntl only", false, true);
	times_out("dotlock and fcntl", true, true);
	times_out("dotlock only", true, false);
	times_out("fcntl only", false, true);
	stale_locks();
	for (int round = 0; round < 8; round++)
		concurrent_writer(round);
	fcntl_only();

	free(path);
	free(lockpath);
	scratch_cleanup();
	return check_verdict();
}
