/* The crash test of the mbox commit (doc/mbox-commit.md).
 *
 * A child process opens a mailbox of distinct messages, deletes some,
 * queues added headers, and commits; it is SIGKILLed
 *  - after each of its durable steps in turn (MU_TEST_KILL_AFTER_WRITES=n
 *    for n = 1, 2, ... until a commit runs to its end), and
 *  - at random instants (usleep then kill).
 * Sometimes an MTA delivers a message after the crash (breaking the dead
 * child's dotlock, as real ones do once it looks stale), and sometimes
 * the recovery itself is killed at each of its steps.  Then a plain open
 * runs the recovery and the mailbox must be, byte for byte, either the
 * old mailbox or the committed one, followed by whatever the MTA
 * delivered; and message by message: every kept message exactly once,
 * each deleted one whole or gone, nothing else. */
#include "config.h"

#include <dirent.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>

#include "lock.h"
#include "mbox-testlib.h"

#define NMSG 8
#define ADDED "X-Expire-Timestamp: 1700000000"

static const size_t body_sizes[NMSG] = { 200, 70000, 50, 150000, 10, 3000, 0, 90000 };

struct scenario {
	const char *name;
	bool del[NMSG];
	bool add[NMSG];
};

static const struct scenario scenarios[] = {
	{ "delete first", { 1 }, { 0 } },
	{ "delete last", { [NMSG - 1] = 1 }, { 0 } },
	{ "delete some", { [1] = 1, [4] = 1, [6] = 1 }, { 0 } },
	{ "delete all", { 1, 1, 1, 1, 1, 1, 1, 1 }, { 0 } },
	/* less is cut off than an MTA delivers after the crash: whether
	 * the file was cut is read from the content */
	{ "delete one small", { [4] = 1 }, { 0 } },
	/* the tail grows: added headers outweigh the deletion */
	{ "add headers, delete small", { [4] = 1 },
	  { [0] = 1, [2] = 1, [3] = 1, [5] = 1, [6] = 1, [7] = 1 } },
	{ "add headers only", { 0 }, { [2] = 1, [5] = 1 } },
};
#define NSCEN (sizeof scenarios / sizeof scenarios[0])

static char *path, *journal;
static char *hdr[NMSG], *body[NMSG];   /* message i = hdr + "\n" + body */
static char *unit_old[NMSG], *unit_new[NMSG];
static char *content_old[NMSG], *content_new[NMSG];
static char *late, *late_content;       /* a 1 KiB message */
static char *want_old[NMSG], *want_new[NMSG], *want_late;  /* as RETR sends */
static size_t want_old_len[NMSG], want_new_len[NMSG], want_late_len;

static unsigned long iterations, kill_points, messages_checked;
static bool aside_expected;     /* journal_edge_cases: set aside on purpose */
static unsigned long commit_kills, recovery_kills, random_kill_count;

/* Distinct messages of several sizes (two beyond the 64 KiB copy
 * buffer), with mboxrd-quoted lines and an empty one. */
static void
make_messages(void)
{
	for (int i = 0; i < NMSG; i++) {
		struct mu_buf b, raw, clean;
		size_t k = 0;

		hdr[i] = mu_xasprintf("Subject: message %d\nMessage-Id: <%d@kill.test>\n",
				      i, i);
		mu_buf_init(&raw);
		mu_buf_init(&clean);
		while (raw.len < body_sizes[i]) {
			char line[128];
			int n = snprintf(line, sizeof line, "line %zu of message %d, "
					 "padding padding padding\n", k, i);
			if (k % 50 == 7) {
				mu_buf_append(&raw, ">From a quoted line\n", 20);
				mu_buf_append(&clean, "From a quoted line\n", 19);
			}
			mu_buf_append(&raw, line, (size_t)n);
			mu_buf_append(&clean, line, (size_t)n);
			k++;
		}
		body[i] = raw.data ? raw.data : mu_xstrdup("");
		char *from = mu_xasprintf("From sender%d@example.org Mon Jan  1 "
					  "00:00:%02d 2024\n", i, i);
		mu_buf_init(&b);
		mu_buf_appendf(&b, "%s%s\n%s\n", from, hdr[i], body[i]);
		unit_old[i] = b.data;
		mu_buf_init(&b);
		mu_buf_appendf(&b, "%s%s" ADDED "\n\n%s\n", from, hdr[i], body[i]);
		unit_new[i] = b.data;
		content_old[i] = mu_xasprintf("%s\n%s", hdr[i],
					      clean.data ? clean.data : "");
		content_new[i] = mu_xasprintf("%s" ADDED "\n\n%s", hdr[i],
					      clean.data ? clean.data : "");
		want_old[i] = crlf(content_old[i], strlen(content_old[i]),
				   &want_old_len[i]);
		want_new[i] = crlf(content_new[i], strlen(content_new[i]),
				   &want_new_len[i]);
		mu_buf_free(&clean);
		free(from);
	}
	{
		struct mu_buf raw, clean;

		mu_buf_init(&raw);
		mu_buf_init(&clean);
		mu_buf_append(&raw, "From mta@example.org Tue Jan  2 00:00:00 2024\n", 46);
		mu_buf_append(&clean, "Subject: delivered after the crash\n\n", 36);
		mu_buf_append(&raw, clean.data, clean.len);
		while (clean.len < 1024) {
			mu_buf_append(&raw, ">From late mail\n", 16);
			mu_buf_append(&clean, "From late mail\n", 15);
		}
		mu_buf_append(&raw, "\n", 1);
		late = raw.data;
		late_content = clean.data;
		want_late = crlf(late_content, clean.len, &want_late_len);
	}
}

static void
write_old(void)
{
	struct mu_buf b;

	mu_buf_init(&b);
	for (int i = 0; i < NMSG; i++)
		mu_buf_append(&b, unit_old[i], strlen(unit_old[i]));
	write_file(path, b.data, b.len);
	mu_buf_free(&b);
	unlink(journal);
}

static struct mu_buf
expected_file(const struct scenario *sc, bool committed, int nlate)
{
	struct mu_buf b;

	mu_buf_init(&b);
	for (int i = 0; i < NMSG; i++) {
		const char *u = unit_old[i];
		if (committed && sc->del[i])
			continue;
		if (committed && sc->add[i])
			u = unit_new[i];
		mu_buf_append(&b, u, strlen(u));
	}
	for (int k = 0; k < nlate; k++)
		mu_buf_append(&b, late, strlen(late));
	if (b.data == NULL)
		mu_buf_append(&b, "", 0);
	return b;
}

/* An MTA delivery: dotlock (the dead child's is stale: its PID is gone),
 * fcntl lock, append, fsync. */
static void
mta_deliver(void)
{
	struct mu_dotlock dl;
	const char *err;
	bool to;
	int fd;

	if (mu_dotlock_acquire(&dl, path, 10, &to, &err) < 0) {
		printf("MTA: %s\n", err);
		exit(99);
	}
	fd = open(path, O_WRONLY | O_APPEND);
	if (fd < 0 || mu_fcntl_lock(fd, true, 10, &to, &err) < 0 ||
	    mu_write_all(fd, late, strlen(late)) < 0 || fsync(fd) < 0) {
		printf("MTA delivery failed\n");
		exit(99);
	}
	mu_fcntl_unlock(fd);
	close(fd);
	mu_dotlock_release(&dl);
}

/* The committing child.  Exits 0 when its commit completed. */
static void
child_commit(const struct scenario *sc, long kill_after)
{
	struct mu_mailbox *mb;
	const char *err;
	char num[32];

	if (kill_after > 0) {
		snprintf(num, sizeof num, "%ld", kill_after);
		setenv("MU_TEST_KILL_AFTER_WRITES", num, 1);
	}
	mb = open_mbox(path, MU_OPEN_WRITE | MU_OPEN_SESSION_LOCK, 10);
	if (mb == NULL)
		_exit(3);
	for (int i = 0; i < NMSG; i++) {
		if (sc->del[i])
			mu_mailbox_set_deleted(mb, (size_t)i, true);
		if (sc->add[i])
			mu_mailbox_add_header(mb, (size_t)i, ADDED);
	}
	if (mu_mailbox_commit(mb, &err) < 0) {
		printf("child commit: %s\n", err);
		_exit(4);
	}
	mu_mailbox_close(mb);
	_exit(0);
}

/* A child that only opens (and so recovers), killed after step m. */
static void
child_recover(long kill_after)
{
	char num[32];
	struct mu_mailbox *mb;

	snprintf(num, sizeof num, "%ld", kill_after);
	setenv("MU_TEST_KILL_AFTER_WRITES", num, 1);
	mb = open_mbox(path, MU_OPEN_READONLY, 10);
	if (mb == NULL)
		_exit(3);
	mu_mailbox_close(mb);
	_exit(0);
}

/* 1 killed, 0 exited 0; anything else fails the test. */
static int
reap(pid_t pid, const char *what)
{
	int status;

	if (waitpid(pid, &status, 0) != pid) {
		printf("waitpid: %s\n", strerror(errno));
		exit(99);
	}
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
		return 1;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	printf("FAIL: %s child ended with status 0x%x\n", what, status);
	check_failures++;
	return 0;
}

static pid_t
spawn_commit(const struct scenario *sc, long kill_after)
{
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		exit(99);
	if (pid == 0)
		child_commit(sc, kill_after);
	return pid;
}

/* Journals moved aside by recovery (kind "orphan" or "damaged") in the
 * scratch directory; removed if remove. */
static size_t
count_aside(const char *kind, bool remove)
{
	char *prefix = mu_xasprintf(".inbox.pop3d-journal.%s.", kind);
	size_t n = 0;
	DIR *dir = opendir(scratch_dir);
	struct dirent *de;

	while (dir != NULL && (de = readdir(dir)) != NULL) {
		if (strncmp(de->d_name, prefix, strlen(prefix)) != 0)
			continue;
		n++;
		if (remove) {
			char *p = scratch_path(de->d_name);
			unlink(p);
			free(p);
		}
	}
	if (dir != NULL)
		closedir(dir);
	free(prefix);
	return n;
}

/* The checks after a crash: recovery by a plain open, then the file and
 * every message.  Returns 1 if the commit took effect, 0 if not. */
static int
verify(const struct scenario *sc, int nlate, const char *what)
{
	struct mu_buf old = expected_file(sc, false, nlate);
	struct mu_buf new = expected_file(sc, true, nlate);
	struct mu_mailbox *mb;
	size_t len = 0;
	char *got;
	int committed = -1;

	mb = open_mbox(path, MU_OPEN_READONLY, 10);
	CHECK(mb != NULL, "%s: open after the crash", what);
	got = read_file(path, &len);
	if (got != NULL && len == old.len && memcmp(got, old.data, len) == 0)
		committed = 0;
	else if (got != NULL && len == new.len && memcmp(got, new.data, len) == 0)
		committed = 1;
	CHECK(committed >= 0, "%s: the mailbox is neither the old nor the "
	      "committed one (%zu bytes; old %zu, new %zu)", what, len, old.len,
	      new.len);
	CHECK(access(journal, F_OK) < 0, "%s: journal left after recovery", what);
	/* a journal of our own commit is never taken for another file's */
	CHECK(aside_expected || (count_aside("orphan", false) == 0 &&
				 count_aside("damaged", false) == 0),
	      "%s: the journal was set aside, not applied", what);

	/* message by message, through the driver */
	if (mb != NULL) {
		size_t count = mu_mailbox_count(mb), seen_late = 0;
		int seen[NMSG] = { 0 };

		for (size_t j = 0; j < count; j++) {
			size_t ml;
			char *m = render_message(mb, j, &ml);
			int which = -1;

			messages_checked++;
			for (int i = 0; i < NMSG && m != NULL && which < 0; i++)
				if ((ml == want_old_len[i] &&
				     memcmp(m, want_old[i], ml) == 0) ||
				    (sc->add[i] && ml == want_new_len[i] &&
				     memcmp(m, want_new[i], ml) == 0))
					which = i;
			if (which >= 0) {
				seen[which]++;
			} else if (m != NULL) {
				if (ml == want_late_len && memcmp(m, want_late, ml) == 0)
					seen_late++;
				else
					CHECK(0, "%s: message %zu is none of ours", what, j);
			} else {
				CHECK(0, "%s: message %zu unreadable", what, j);
			}
			free(m);
		}
		for (int i = 0; i < NMSG; i++) {
			if (!sc->del[i])
				CHECK(seen[i] == 1, "%s: kept message %d seen %d times",
				      what, i, seen[i]);
			else
				CHECK(seen[i] <= 1, "%s: deleted message %d seen %d "
				      "times", what, i, seen[i]);
		}
		CHECK(seen_late == (size_t)nlate, "%s: late mail seen %zu times, "
		      "want %d", what, seen_late, nlate);
		mu_mailbox_close(mb);
	}
	free(got);
	mu_buf_free(&old);
	mu_buf_free(&new);
	return committed;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Kill the commit after step n, for every n; with variants: an MTA
 * delivery after the crash, and the recovery killed at each step. */
static void
sweep(const struct scenario *sc, bool deliver, bool kill_recovery)
{
	char what[160];
	unsigned long rec_here = 0;
	long n;

	for (n = 1; n < 10000; n++) {
		int nlate = 0;
		bool killed;

		write_old();
		killed = reap(spawn_commit(sc, n), "commit");
		iterations++;
		if (killed) {
			kill_points++;
			commit_kills++;
		}
		bool had_journal = access(journal, F_OK) == 0;
		if (killed && deliver) {
			mta_deliver();
			nlate++;
		}
		if (killed && kill_recovery && had_journal) {
			/* kill the recovery after each of its steps in turn */
			for (long m = 1; m < 10000; m++) {
				pid_t pid;

				fflush(stdout);
				pid = fork();
				if (pid < 0)
					exit(99);
				if (pid == 0)
					child_recover(m);
				iterations++;
				if (!reap(pid, "recovery"))
					break;
				kill_points++;
				recovery_kills++;
				rec_here++;
				if (deliver && m % 2 == 1) {
					mta_deliver();
					nlate++;
				}
			}
		}
		snprintf(what, sizeof what, "%s, killed after step %ld%s%s", sc->name,
			 n, deliver ? ", MTA delivers" : "",
			 kill_recovery ? ", recovery killed" : "");
		int committed = verify(sc, nlate, what);
		if (!killed) {
			CHECK(committed == 1, "%s: completed but not committed", what);
			break;
		}
	}
	printf("%-26s %-4s commit killed at each of its %ld steps", sc->name,
	       deliver ? "+MTA" : "", n - 1);
	if (kill_recovery)
		printf(", recovery killed at %lu points", rec_here);
	printf("\n");
}

/* Kill at random instants over the length of a commit. */
static void
random_kills(const struct scenario *sc, int rounds)
{
	double t0, span;
	unsigned seed = (unsigned)getpid();
	int applied = 0;

	write_old();
	t0 = now();
	reap(spawn_commit(sc, 0), "commit");
	span = now() - t0;
	for (int r = 0; r < rounds; r++) {
		char what[160];
		pid_t pid;
		bool deliver = r % 3 == 0;

		write_old();
		pid = spawn_commit(sc, 0);
		usleep((useconds_t)(span * 1.2e6 * (rand_r(&seed) / (double)RAND_MAX)));
		kill(pid, SIGKILL);
		reap(pid, "commit");
		iterations++;
		kill_points++;
		random_kill_count++;
		if (deliver)
			mta_deliver();
		snprintf(what, sizeof what, "%s, random kill %d", sc->name, r);
		applied += verify(sc, deliver ? 1 : 0, what) == 1;
	}
	printf("%-28s random kills: %d rounds over %.1f ms, %d committed\n",
	       sc->name, rounds, span * 1e3, applied);
}

/* Journals recovery must not apply: a leftover ".new" (removed), a
 * damaged one and one of a replaced mailbox (both moved aside). */
static void
journal_edge_cases(void)
{
	const struct scenario *sc = &scenarios[0];
	struct mu_buf old = expected_file(sc, false, 0);
	char *tmp = mu_xasprintf("%s.new", journal);
	long n;
	size_t len;
	char *got;

	aside_expected = true;
	/* the first step at which a journal is in place: the commit has
	 * not touched the mbox yet */
	for (n = 1; n < 100; n++) {
		write_old();
		if (!reap(spawn_commit(sc, n), "commit"))
			break;
		if (access(journal, F_OK) == 0)
			break;
	}
	CHECK(access(journal, F_OK) == 0, "no journal after %ld steps", n);

	/* damaged: one byte of its tail flipped */
	{
		int fd = open(journal, O_RDWR);
		char c;
		if (fd < 0 || pread(fd, &c, 1, 200) != 1)
			exit(99);
		c ^= 1;
		if (pwrite(fd, &c, 1, 200) != 1)
			exit(99);
		close(fd);
	}
	verify(sc, 0, "damaged journal");
	got = read_file(path, &len);
	CHECK(got && len == old.len && memcmp(got, old.data, len) == 0,
	      "damaged journal: the mbox changed");
	free(got);
	{
		char *cmd = mu_xasprintf("ls %s/.inbox.pop3d-journal.damaged.* "
					 ">/dev/null 2>&1", scratch_dir);
		CHECK(system(cmd) == 0, "damaged journal not kept aside");
		free(cmd);
	}

	/* a leftover .new journal: removed, the mbox untouched */
	write_file(tmp, "half a journal", 14);
	verify(sc, 0, "leftover .new journal");
	CHECK(access(tmp, F_OK) < 0, "leftover .new journal not removed");

	/* the journal of a mailbox since replaced by another file (same
	 * content, new inode) */
	write_old();
	reap(spawn_commit(sc, n), "commit");
	CHECK(access(journal, F_OK) == 0, "no journal for the orphan case");
	{
		char *copy = mu_xasprintf("%s.copy", path);

		got = read_file(path, &len);
		write_file(copy, got, len);
		free(got);
		if (rename(copy, path) < 0)
			exit(99);
		free(copy);
	}
	verify(sc, 0, "orphan journal");
	{
		char *cmd = mu_xasprintf("ls %s/.inbox.pop3d-journal.orphan.* "
					 ">/dev/null 2>&1", scratch_dir);
		CHECK(system(cmd) == 0, "orphan journal not kept aside");
		free(cmd);
	}
	count_aside("orphan", true);
	count_aside("damaged", true);
	aside_expected = false;
	printf("journal edge cases: damaged, leftover, orphan checked\n");
	free(tmp);
	mu_buf_free(&old);
}

/* ---- the file is no longer the one the journal was made for ----
 *
 * A commit dies with its journal in place; before the next open, the
 * mbox is emptied in place (": > /var/mail/alice"), perhaps with new mail
 * delivered into it, or another mailbox takes its inode (written over
 * it, or created after an rm on a file system that reuses the number).
 * Recovery must see that the journal does not describe this file: it is
 * moved aside as an orphan, never applied, and the file is left exactly
 * as it is. */

enum tamper { T_EMPTIED, T_EMPTIED_DELIVERED, T_REWRITTEN_SAME_SIZE, NTAMPER };
static const char *const tamper_names[NTAMPER] = {
	"emptied", "emptied, 3 messages delivered", "rewritten, same size",
};

/* A mailbox of nmsg other messages: at least min_len bytes, or exactly
 * exact_len if that is not 0 (the last body padded). */
static struct mu_buf
foreign_mailbox(int nmsg, size_t min_len, size_t exact_len)
{
	struct mu_buf b;
	size_t per = (exact_len ? exact_len : min_len) / (size_t)nmsg + 1;

	mu_buf_init(&b);
	for (int k = 0; k < nmsg; k++) {
		size_t start = b.len;

		mu_buf_appendf(&b, "From intruder%d@example.net Wed Jan  3 10:00:%02d "
			       "2024\nSubject: new mail %d\n\n", k, k, k);
		while (b.len - start < per && (!exact_len || b.len + 41 < exact_len))
			mu_buf_appendf(&b, "new mail %d, never seen by the commit\n", k);
		mu_buf_append(&b, "\n", 1);
	}
	if (exact_len) {
		/* pad the last message's body (before its blank line) */
		if (b.len > exact_len) {
			printf("foreign_mailbox: %zu bytes for %zu\n", b.len, exact_len);
			exit(99);
		}
		while (b.len < exact_len) {
			b.data[b.len - 1] = 'x';
			mu_buf_append(&b, "\n", 1);
		}
	}
	return b;
}

/* An MTA delivery of one message (dotlock, fcntl lock, append). */
static void
mta_deliver_bytes(const char *data, size_t len)
{
	struct mu_dotlock dl;
	const char *err;
	bool to;
	int fd;

	if (mu_dotlock_acquire(&dl, path, 10, &to, &err) < 0) {
		printf("MTA: %s\n", err);
		exit(99);
	}
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0600);
	if (fd < 0 || mu_fcntl_lock(fd, true, 10, &to, &err) < 0 ||
	    mu_write_all(fd, data, len) < 0 || fsync(fd) < 0) {
		printf("MTA delivery failed\n");
		exit(99);
	}
	mu_fcntl_unlock(fd);
	close(fd);
	mu_dotlock_release(&dl);
}

/* ": > /var/mail/alice" */
static void
empty_in_place(void)
{
	if (truncate(path, 0) < 0)
		exit(99);
}

/* After a tamper: a plain open must set the journal aside and leave the
 * file as want, with nmsg messages. */
static void
verify_foreign(const char *want, size_t wlen, size_t nmsg, const char *what)
{
	struct mu_mailbox *mb = open_mbox(path, MU_OPEN_READONLY, 10);
	size_t len = 0;
	char *got;

	CHECK(mb != NULL, "%s: open after the tamper", what);
	got = read_file(path, &len);
	CHECK(got != NULL && len == wlen && memcmp(got, want, wlen) == 0,
	      "%s: the journal was applied to a file it was not made for "
	      "(%zu bytes, want the %zu the file had)", what, got ? len : 0, wlen);
	CHECK(access(journal, F_OK) < 0, "%s: journal left in place", what);
	CHECK(count_aside("orphan", true) == 1, "%s: journal not kept aside as an orphan",
	      what);
	if (mb != NULL) {
		CHECK(mu_mailbox_count(mb) == nmsg, "%s: %zu messages, want %zu",
		      what, mu_mailbox_count(mb), nmsg);
		mu_mailbox_close(mb);
	}
	free(got);
}

/* Kill a commit of sc after step n; true if its journal is in place. */
static bool
killed_with_journal(const struct scenario *sc, long n, bool *completed)
{
	write_old();
	*completed = !reap(spawn_commit(sc, n), "commit");
	return !*completed && access(journal, F_OK) == 0;
}

static void
tamper_and_verify(enum tamper t, size_t s0, const char *what)
{
	struct mu_buf fm;
	size_t nmsg = 0;

	switch (t) {
	case T_EMPTIED:
		empty_in_place();
		mu_buf_init(&fm);
		mu_buf_append(&fm, "", 0);
		break;
	case T_EMPTIED_DELIVERED:
		empty_in_place();
		fm = foreign_mailbox(3, s0 + 1, 0);
		/* three deliveries, as an MTA makes them */
		for (size_t off = 0, k = 0; k < 3; k++) {
			const char *next = k < 2 ? strstr(fm.data + off + 1,
							  "\n\nFrom intruder") : NULL;
			size_t end = next ? (size_t)(next - fm.data) + 2 : fm.len;
			mta_deliver_bytes(fm.data + off, end - off);
			off = end;
		}
		nmsg = 3;
		break;
	case T_REWRITTEN_SAME_SIZE:
	default:
		fm = foreign_mailbox(5, 0, s0);
		{
			int fd = open(path, O_WRONLY | O_TRUNC);
			if (fd < 0 || mu_write_all(fd, fm.data, fm.len) < 0 ||
			    close(fd) < 0)
				exit(99);
		}
		nmsg = 5;
		break;
	}
	verify_foreign(fm.data, fm.len, nmsg, what);
	mu_buf_free(&fm);
}

static void
foreign_file_cases(void)
{
	/* P = 0 and P > 0, shrinking and growing commits */
	static const size_t which[] = { 0, 1, 4, 5, 6 };
	struct mu_buf old = expected_file(&scenarios[0], false, 0);
	unsigned long checked = 0;

	for (size_t w = 0; w < sizeof which / sizeof which[0]; w++) {
		const struct scenario *sc = &scenarios[which[w]];
		bool first = true, completed = false;

		for (long n = 1; n < 10000 && !completed; n++) {
			char what[200];

			if (!killed_with_journal(sc, n, &completed))
				continue;
			/* every tamper at the first step with a journal, then
			 * one in turn at each later step */
			for (int t = 0; t < NTAMPER; t++) {
				if (!first && t != (int)(n % NTAMPER))
					continue;
				if (t > 0 && first &&
				    !killed_with_journal(sc, n, &completed))
					break;
				snprintf(what, sizeof what, "%s, killed after step %ld, "
					 "then %s", sc->name, n, tamper_names[t]);
				tamper_and_verify((enum tamper)t, old.len, what);
				checked++;
			}
			first = false;
		}
	}
	printf("foreign files: %lu journals left by killed commits checked "
	       "against emptied, refilled and rewritten files\n", checked);
	mu_buf_free(&old);
}

/* The report's case, small: a two-message mailbox, the commit of DELE 1
 * killed with its journal in place, the file emptied and three new
 * messages delivered, more bytes than the old file had. */
static void
small_emptied_case(void)
{
	static const char small[] =
		"From a@example.org Mon Jan  1 00:00:00 2024\nSubject: old 1\n\n"
		"old one\n\n"
		"From b@example.org Mon Jan  1 00:00:01 2024\nSubject: old 2\n\n"
		"old two\n\n";
	static const struct scenario del1 = { "small: delete 1", { 1 }, { 0 } };
	struct mu_buf fm = foreign_mailbox(3, sizeof small, 0);
	long n;

	for (n = 1; n < 100; n++) {
		write_file(path, small, sizeof small - 1);
		unlink(journal);
		if (!reap(spawn_commit(&del1, n), "commit"))
			break;
		if (access(journal, F_OK) == 0)
			break;
	}
	CHECK(access(journal, F_OK) == 0, "small: no journal after %ld steps", n);
	empty_in_place();
	for (size_t off = 0, k = 0; k < 3; k++) {
		const char *next = k < 2 ? strstr(fm.data + off + 1,
						  "\n\nFrom intruder") : NULL;
		size_t end = next ? (size_t)(next - fm.data) + 2 : fm.len;
		mta_deliver_bytes(fm.data + off, end - off);
		off = end;
	}
	verify_foreign(fm.data, fm.len, 3, "small mailbox emptied, 3 delivered");
	printf("small mailbox: %zu bytes, emptied after the kill, %zu bytes of "
	       "new mail left alone\n", sizeof small - 1, fm.len);
	mu_buf_free(&fm);
}

/* rm and a new mailbox with the same inode number, where the file system
 * gives it back (ext4 does, tmpfs does not): a scratch directory of its
 * own in the current directory. */
static void
inode_reuse_case(void)
{
	char *saved_dir = mu_xstrdup(scratch_dir);
	char *saved_path = path, *saved_journal = journal;
	const struct scenario *sc = &scenarios[2];
	struct mu_buf fm;
	struct stat st;
	char cwd[200];
	ino_t ino;
	bool completed, reused = false;
	long n;

	/* the build directory: /tmp is busy with other programs' files,
	 * which take a freed inode number before the test can */
	if (getcwd(cwd, sizeof cwd) == NULL)
		exit(99);
	scratch_init_in(cwd, "test-mbox-kill-inode");
	path = scratch_path("inbox");
	journal = scratch_path(".inbox.pop3d-journal");
	for (n = 1; n < 100; n++)
		if (killed_with_journal(sc, n, &completed) || completed)
			break;
	CHECK(access(journal, F_OK) == 0, "inode reuse: no journal");
	if (stat(path, &st) < 0)
		exit(99);
	ino = st.st_ino;
	fm = foreign_mailbox(3, (size_t)st.st_size + 1, 0);
	/* ext4 hands a freed inode number out again at once; a few tries,
	 * the later ones with the deletion on disk, in case other files
	 * took it first */
	for (int tries = 0; tries < 20 && !reused; tries++) {
		unlink(path);
		if (tries > 0) {
			int dfd = open(scratch_dir, O_RDONLY | O_DIRECTORY);
			if (dfd >= 0) {
				(void)syncfs(dfd);
				close(dfd);
			}
		}
		write_file(path, fm.data, fm.len);
		reused = stat(path, &st) == 0 && st.st_ino == ino;
	}
	if (reused) {
		verify_foreign(fm.data, fm.len, 3, "rm, new file with the same inode");
		printf("inode reuse: the new file got inode %llu again\n",
		       (unsigned long long)ino);
	} else {
		unlink(journal);
		printf("inode reuse: this file system gave no inode back "
		       "(\"rewritten, same size\" covers the same case)\n");
	}
	mu_buf_free(&fm);
	scratch_cleanup();
	free(path);
	free(journal);
	snprintf(scratch_dir, sizeof scratch_dir, "%s", saved_dir);
	free(saved_dir);
	path = saved_path;
	journal = saved_journal;
}

/* A journal left by an earlier version (magic "MUMBOXJ1", a 128-byte
 * header without the file's identity) is still applied -- it may be the
 * only record of an interrupted commit -- and still refused for a file
 * it cannot describe, by the checks its fields allow. */
static void
journal_to_v1(void)
{
	size_t len, l;
	char *j = read_file(journal, &len);
	struct mu_buf b;
	char sum[MU_MD5_HEX_LEN + 1];
	unsigned char *u;

	if (j == NULL || len < 256 + 48 || memcmp(j, "MUMBOXJ2", 8) != 0) {
		printf("journal_to_v1: not a version 2 journal\n");
		exit(99);
	}
	u = (unsigned char *)j;
	l = 0;
	for (int i = 7; i >= 0; i--)
		l = (l << 8) | u[32 + i];
	mu_buf_init(&b);
	mu_buf_append(&b, "MUMBOXJ1", 8);
	mu_buf_append(&b, j + 8, 80);
	while (b.len < 128)
		mu_buf_append(&b, "", 1);
	mu_buf_append(&b, j + 256, l);
	mu_md5_hex(b.data, b.len, sum);
	mu_buf_append(&b, sum, MU_MD5_HEX_LEN);
	mu_buf_append(&b, j + 256 + l + MU_MD5_HEX_LEN, 16);	/* the phase */
	write_file(journal, b.data, b.len);
	mu_buf_free(&b);
	free(j);
}

static void
v1_cases(void)
{
	static const size_t shrink = 2, grow = 5;
	struct mu_buf old = expected_file(&scenarios[0], false, 0);
	unsigned long applied = 0;
	bool completed = false;
	char what[160];

	for (size_t w = 0; w < 2; w++) {
		const struct scenario *sc = &scenarios[w == 0 ? shrink : grow];

		completed = false;
		for (long n = 1; n < 10000 && !completed; n++) {
			if (!killed_with_journal(sc, n, &completed))
				continue;
			journal_to_v1();
			snprintf(what, sizeof what, "%s, killed after step %ld, "
				 "version 1 journal", sc->name, n);
			verify(sc, 0, what);
			applied++;
		}
	}
	/* P = 0, shrinking: the cut-off bytes' hash refuses it */
	for (long n = 1; n < 100; n++) {
		if (killed_with_journal(&scenarios[0], n, &completed)) {
			journal_to_v1();
			tamper_and_verify(T_EMPTIED_DELIVERED, old.len, "delete first, "
					  "version 1 journal, emptied, 3 delivered");
			break;
		}
	}
	/* growing, not resized: what lies at S0 is not appended mail */
	for (long n = 1; n < 100; n++) {
		if (killed_with_journal(&scenarios[6], n, &completed)) {
			journal_to_v1();
			tamper_and_verify(T_EMPTIED_DELIVERED, old.len, "add headers "
					  "only, version 1 journal, emptied, 3 delivered");
			break;
		}
	}
	printf("version 1 journals: %lu recovered (every step of two commits), 2 refused for "
	       "a refilled file\n", applied);
	mu_buf_free(&old);
}

int
main(void)
{
	double start = now();

	scratch_init_fast("test-mbox-kill");
	printf("working in %s\n", scratch_dir);
	path = scratch_path("inbox");
	journal = scratch_path(".inbox.pop3d-journal");
	make_messages();

	journal_edge_cases();
	small_emptied_case();
	inode_reuse_case();
	foreign_file_cases();
	v1_cases();
	for (size_t s = 0; s < NSCEN; s++) {
		sweep(&scenarios[s], false, false);
		sweep(&scenarios[s], true, false);
	}
	/* the recovery killed at every step: on a shrinking and a growing
	 * commit, with and without mail delivered in between */
	sweep(&scenarios[0], false, true);
	sweep(&scenarios[2], true, true);
	sweep(&scenarios[4], true, true);
	sweep(&scenarios[5], true, true);
	random_kills(&scenarios[2], 60);
	random_kills(&scenarios[5], 40);

	printf("kill points: %lu (commit steps %lu, recovery steps %lu, random "
	       "instants %lu), iterations: %lu, messages checked: %lu, %.1f s\n",
	       kill_points, commit_kills, recovery_kills, random_kill_count,
	       iterations, messages_checked, now() - start);
	scratch_cleanup();
	return check_verdict();
}
