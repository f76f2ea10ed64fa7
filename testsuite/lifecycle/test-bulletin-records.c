/* Bulletin delivery (pop3d/mail/bulletin.c) with each kind of record, through
 * the code pop3d runs at login, on real mailboxes of the three formats:
 *
 *  - ~/.popbull (bulletin_db unset) and bulletin_db (GDBM): a new user
 *    gets every bulletin, a returning user none, and after a bulletin is
 *    added only that one; the record then says the last number, in the
 *    format GNU Mailutils reads ("3" and a line end in ~/.popbull);
 *  - a record that is not a number, and a user with no home and no
 *    bulletin_db: nothing is delivered, nothing is overwritten;
 *  - the process killed (POP3D_TEST_BULLETIN_KILL) after each durable step
 *    of a delivery, and again during the delivery that follows: in the end
 *    every bulletin is in the mailbox exactly once.
 *
 * pop3d runs this as the session's user after login; the end-to-end
 * checks through pop3d are test-bulletin-*.py (popauth users have no
 * home, so ~/.popbull is tested here, with a home of our own). */
#include <config.h>

#include <gdbm.h>
#include <signal.h>
#include <sys/wait.h>

#include "testsuite/unit/mailtest.h"
#include "libmu/log.h"
#include "pop3d/common/settings.h"
#include "pop3d/mail/lifecycle.h"

#define MAX_BULLETINS 4

static const char *const formats[] = { "mbox", "maildir", "mh" };

/* bulletin_source: an mbox of n bulletins, "bulletin 1" ... */
static void
write_source(const char *path, int n)
{
	struct mu_buf b;

	mu_buf_init(&b);
	for (int i = 1; i <= n; i++)
		mu_buf_appendf(&b, "From news@example.org Mon Jan  1 00:00:%02d 2024\n"
			       "From: news@example.org\nSubject: bulletin %d\n\n"
			       "Announcement number %d.\n>From the desk\n\n",
			       i, i, i);
	put_file(path, b.data, b.len);
	mu_buf_free(&b);
}

/* How many messages of url have Subject "bulletin n", for n = 1..MAX,
 * and how many messages there are in all. */
static size_t
count_bulletins(const char *url, int counts[MAX_BULLETINS + 1])
{
	struct mu_mailbox *mb;
	enum mu_mailbox_error code;
	const char *error;
	size_t total;

	memset(counts, 0, sizeof(int) * (MAX_BULLETINS + 1));
	if (mu_mailbox_open(&mb, url, MU_OPEN_READONLY, 5, &code, &error) < 0) {
		printf("cannot open %s: %s\n", url, error);
		exit(99);
	}
	total = mu_mailbox_count(mb);
	for (size_t i = 0; i < total; i++) {
		size_t len;
		char *text = stream_message(mb, i, &len, &error);
		char *s = text != NULL ? strstr(text, "\r\nSubject: bulletin ") : NULL;

		if (s != NULL) {
			int n = atoi(s + strlen("\r\nSubject: bulletin "));
			if (n >= 1 && n <= MAX_BULLETINS)
				counts[n]++;
			/* the marker comes first, the bulletin whole after it */
			CHECK(strncmp(text, "X-Bulletin-Id: ", 15) == 0,
			      "%s: bulletin %d starts with its marker", url, n);
			CHECK(strstr(text, "\r\nFrom the desk\r\n") != NULL,
			      "%s: bulletin %d body intact", url, n);
		}
		free(text);
	}
	mu_mailbox_close(mb);
	return total;
}

/* What pop3d does at login: open the maildrop locked, deliver. */
static size_t
deliver(const struct mu_config *cfg, const struct auth_user *user,
	const char *url)
{
	struct mu_mailbox *mb;
	enum mu_mailbox_error code;
	const char *error;
	size_t n;

	if (mu_mailbox_open(&mb, url, MU_OPEN_WRITE | MU_OPEN_SESSION_LOCK |
			    MU_OPEN_CREATE, 5, &code, &error) < 0) {
		printf("cannot open %s: %s\n", url, error);
		exit(99);
	}
	n = bulletins_deliver(cfg, user, "\"test\"", mb);
	mu_mailbox_close(mb);
	return n;
}

/* The same in a child that kills itself after its step-th durable step.
 * Returns true if it died that way (false: it finished first). */
static bool
deliver_killed(const struct mu_config *cfg, const struct auth_user *user,
	       const char *url, int step)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		exit(99);
	if (pid == 0) {
		char v[16];
		snprintf(v, sizeof v, "%d", step);
		setenv("POP3D_TEST_BULLETIN_KILL", v, 1);
		deliver(cfg, user, url);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) < 0)
		exit(99);
	return WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
}

static char *
db_value(const char *db, const char *user)
{
	GDBM_FILE dbf = gdbm_open(db, 0, GDBM_READER, 0, NULL);
	datum key = { (char *)user, (int)strlen(user) }, val;
	char *s = NULL;

	if (dbf == NULL)
		return NULL;
	val = gdbm_fetch(dbf, key);
	if (val.dptr != NULL) {
		s = mu_xstrndup(val.dptr, (size_t)val.dsize);
		free(val.dptr);
	}
	gdbm_close(dbf);
	return s;
}

/* The record as a string: ~/.popbull's content or the db's value. */
static char *
record(const struct mu_config *cfg, const struct auth_user *user)
{
	if (cfg->bulletin_db != NULL)
		return db_value(cfg->bulletin_db, user->name);
	return get_file(pathf("%s/.popbull", user->home), NULL);
}

static void
check_counts(const char *url, int want_total, int bulletins, const char *what)
{
	int counts[MAX_BULLETINS + 1];
	size_t total = count_bulletins(url, counts);

	CHECK((int)total == want_total, "%s: %s: %zu messages, want %d", url,
	      what, total, want_total);
	for (int n = 1; n <= MAX_BULLETINS; n++)
		CHECK(counts[n] == (n <= bulletins ? 1 : 0),
		      "%s: %s: bulletin %d there %d times", url, what, n,
		      counts[n]);
}

/* new user, returning user, user after a new bulletin */
static void
check_story(const char *dir, const char *fmt, bool use_db)
{
	struct mu_config cfg;
	char name[] = "carol";	/* auth_user.name is not const */
	struct auth_user user = { .name = name };
	char *source = pathf("%s/bulletins", dir);
	char *url = pathf("%s:%s/%s-%s", fmt, dir, fmt, use_db ? "db" : "file");
	const char *rec1, *rec2;
	char *got;

	mu_config_init(&cfg);
	cfg.bulletin_source = mu_xasprintf("mbox:%s", source);
	cfg.bulletin_db = use_db ? mu_xasprintf("%s/bulletin-%s.db", dir, fmt)
				 : NULL;
	user.home = pathf("%s/home-%s-%d", dir, fmt, use_db);
	make_dir(user.home);
	write_source(source, 2);
	/* the mailbox does not exist yet: MU_OPEN_CREATE makes it */
	CHECK(deliver(&cfg, &user, url) == 2, "%s: a new user gets both", url);
	check_counts(url, 2, 2, "new user");
	rec1 = use_db ? "2" : "2\n";
	got = record(&cfg, &user);
	CHECK(got != NULL && strcmp(got, rec1) == 0, "%s: record \"%s\"", url,
	      got ? got : "(none)");
	free(got);
	CHECK(use_db || !exists(pathf("%s/.popbull.pop3d-new", user.home)),
	      "%s: no temporary record left", url);

	CHECK(deliver(&cfg, &user, url) == 0, "%s: a returning user gets none",
	      url);
	check_counts(url, 2, 2, "returning user");

	write_source(source, 3);
	CHECK(deliver(&cfg, &user, url) == 1, "%s: only the new bulletin", url);
	check_counts(url, 3, 3, "after a new bulletin");
	rec2 = use_db ? "3" : "3\n";
	got = record(&cfg, &user);
	CHECK(got != NULL && strcmp(got, rec2) == 0, "%s: record \"%s\"", url,
	      got ? got : "(none)");
	free(got);
	mu_config_free(&cfg);
}

/* A record that is not ours, and a user nowhere to keep one. */
static void
check_refusals(const char *dir)
{
	struct mu_config cfg;
	char name[] = "dave";	/* auth_user.name is not const */
	struct auth_user user = { .name = name };
	char *url = pathf("mbox:%s/refusals", dir);
	char *got;

	mu_config_init(&cfg);
	cfg.bulletin_source = mu_xasprintf("mbox:%s/bulletins", dir);
	user.home = pathf("%s/home-dave", dir);
	make_dir(user.home);
	put_str(pathf("%s/.popbull", user.home), "seven\n");
	CHECK(deliver(&cfg, &user, url) == 0, "a bad ~/.popbull delivers none");
	got = record(&cfg, &user);
	CHECK(got != NULL && strcmp(got, "seven\n") == 0,
	      "a bad ~/.popbull is left alone");
	free(got);
	put_str(pathf("%s/.popbull", user.home), "1 3\n");
	CHECK(deliver(&cfg, &user, url) == 0,
	      "a pending number that is not the next delivers none");

	user.home = NULL;       /* a virtual user, and no bulletin_db */
	CHECK(deliver(&cfg, &user, url) == 0, "no home, no db: none");
	check_counts(url, 0, 0, "refusals");
	mu_config_free(&cfg);
}

/* Killed after step k, then (second) killed again after step j of the
 * delivery that follows, then left to finish: each bulletin once. */
static void
check_kills(const char *dir, const char *fmt, bool use_db)
{
	static int run;
	struct mu_config cfg;
	char name[] = "erin";	/* auth_user.name is not const */
	struct auth_user user = { .name = name };
	char *source = pathf("%s/kill-source", dir);

	mu_config_init(&cfg);
	cfg.bulletin_source = mu_xasprintf("mbox:%s", source);
	write_source(source, 3);
	for (int k = 1; ; k++) {
		for (int j = 0; j <= 3; j++) {
			char *url = pathf("%s:%s/kill-%d", fmt, dir, ++run);
			bool died;

			user.home = pathf("%s/kill-home-%d", dir, run);
			make_dir(user.home);
			free(cfg.bulletin_db);
			cfg.bulletin_db = use_db ?
				mu_xasprintf("%s/kill-%d.db", dir, run) : NULL;
			died = deliver_killed(&cfg, &user, url, k);
			if (!died && j == 0) {
				/* k is past the last step: all delivered */
				check_counts(url, 3, 3, "no kill");
				mu_config_free(&cfg);
				CHECK(k > 6, "%s: only %d steps", url, k - 1);
				return;
			}
			if (j > 0)
				deliver_killed(&cfg, &user, url, j);
			deliver(&cfg, &user, url);
			check_counts(url, 3, 3, use_db ? "killed, bulletin_db" :
				     "killed, ~/.popbull");
			CHECK(deliver(&cfg, &user, url) == 0,
			      "%s: nothing more after recovery", url);
		}
	}
}

int
main(void)
{
	const char *dir = scratch_make("bulletin-records");
	const char *error;

	if (mu_log_open("test", "-", 3, 1, &error) < 0)
		return 99;
	for (size_t i = 0; i < 3; i++) {
		for (int db = 0; db <= 1; db++) {
			check_story(dir, formats[i], db);
			check_kills(dir, formats[i], db);
		}
	}
	check_refusals(dir);
	if (check_failures > 0)
		printf("%d failure%s\n", check_failures, check_failures == 1 ? "" : "s");
	return check_status();
}
