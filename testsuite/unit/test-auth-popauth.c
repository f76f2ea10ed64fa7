/* auth_password() and auth_apop() with `auth = popauth`, against a
 * database made by the popauth binary: right and wrong passwords, unknown
 * users, the per-user mailbox, APOP only for --apop users with the RFC 1939
 * digest (computed here independently of auth.c), and a missing database.
 * Also: an unknown user costs about what a wrong password costs. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util.h"
#include "pop3d/monitor/auth.h"
#include "testsuite/lib/check.h"

static char popauth[4096], db[4096], workdir[] = "/tmp/auth-popauth.XXXXXX";

/* Run popauth -f db with these arguments; its exit status. */
static int
run_popauth(const char *const *args)
{
	const char *argv[16];
	size_t n = 0;
	pid_t pid;
	int status;

	argv[n++] = popauth;
	argv[n++] = "-f";
	argv[n++] = db;
	while (*args != NULL && n < 15)
		argv[n++] = *args++;
	argv[n] = NULL;
	pid = fork();
	if (pid < 0) {
		perror("fork");
		exit(1);
	}
	if (pid == 0) {
		execv(popauth, (char *const *)argv);
		perror(popauth);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

#define POPAUTH(...) run_popauth((const char *const[]){ __VA_ARGS__, NULL })

/* MD5 hex by md5sum(1), independent of the code under test. */
static void
md5sum_hex(const char *text, char out[33])
{
	char cmd[1024];
	FILE *p;

	snprintf(cmd, sizeof cmd, "printf '%%s' '%s' | md5sum", text);
	p = popen(cmd, "r");
	if (p == NULL || fscanf(p, "%32s", out) != 1) {
		printf("cannot run md5sum\n");
		exit(1);
	}
	pclose(p);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
main(void)
{
	const char *top = getenv("top_builddir");
	/* the configuration's strings are writable (mu_config_free frees
	 * them); this test never frees its configuration */
	char popauth_name[] = "popauth", pam_name[] = "pam", service[] = "pop3";
	char *backends[] = { popauth_name, NULL };
	struct mu_config cfg;
	struct auth_user u;
	const char *error;
	enum auth_result r;

	if (top == NULL)
		top = ".";
	snprintf(popauth, sizeof popauth, "%s/pop3d/popauth", top);
	if (mkdtemp(workdir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(db, sizeof db, "%s/users.db", workdir);

	memset(&cfg, 0, sizeof cfg);
	cfg.auth = backends;
	cfg.popauth_db = db;
	cfg.pam_service = service;
	cfg.apop = true;

	/* no database yet: every login fails, none is a temporary failure */
	memset(&u, 0, sizeof u);
	r = auth_password(&cfg, "alice", "pw", &u, &error);
	CHECK(r == AUTH_FAIL, "missing db: result %d", r);

	CHECK(POPAUTH("-a", "alice", "-p", "alice-pw", "--mailbox",
		      "maildir:/srv/vmail/%u") == 0, "popauth -a alice");
	CHECK(POPAUTH("-a", "bob", "-p", "tanstaaf", "--apop") == 0,
	      "popauth -a bob --apop");

	/* USER/PASS */
	memset(&u, 0, sizeof u);
	r = auth_password(&cfg, "alice", "alice-pw", &u, &error);
	CHECK(r == AUTH_OK, "alice right password: %d (%s)", r, error);
	if (r == AUTH_OK) {
		CHECK(strcmp(u.name, "alice") == 0, "name %s", u.name);
		CHECK(u.mailbox != NULL
		      && strcmp(u.mailbox, "maildir:/srv/vmail/%u") == 0,
		      "mailbox %s", u.mailbox ? u.mailbox : "(null)");
		CHECK(u.home == NULL, "home %s", u.home);
		CHECK(u.backend == AUTH_BACKEND_POPAUTH, "backend %d", u.backend);
		CHECK(u.uid == getuid() && u.gid == getgid(), "uid/gid");
		auth_user_free(&u);
	}
	r = auth_password(&cfg, "alice", "alice-pw ", &u, &error);
	CHECK(r == AUTH_FAIL, "alice wrong password: %d", r);
	r = auth_password(&cfg, "Alice", "alice-pw", &u, &error);
	CHECK(r == AUTH_FAIL, "user names are case-sensitive: %d", r);
	r = auth_password(&cfg, "carol", "alice-pw", &u, &error);
	CHECK(r == AUTH_FAIL, "unknown user: %d", r);
	r = auth_password(&cfg, "a/../alice", "alice-pw", &u, &error);
	CHECK(r == AUTH_FAIL, "bad user name: %d", r);
	r = auth_password(&cfg, "bob", "tanstaaf", &u, &error);
	CHECK(r == AUTH_OK, "bob right password: %d (%s)", r, error);
	if (r == AUTH_OK) {
		CHECK(u.mailbox == NULL, "bob has no mailbox override");
		auth_user_free(&u);
	}

	/* APOP: the RFC 1939 section 7 example, digest from md5sum(1) */
	const char *ts = "<1896.697170952@dbc.mtview.ca.us>";
	char digest[33], upper[33];
	md5sum_hex("<1896.697170952@dbc.mtview.ca.us>tanstaaf", digest);
	CHECK(strcmp(digest, "c4c9334bac560ecc979e58001b3e22fb") == 0,
	      "md5sum disagrees with RFC 1939: %s", digest);
	CHECK(auth_apop_offered(&cfg), "APOP offered");
	r = auth_apop(&cfg, "bob", ts, digest, &u, &error);
	CHECK(r == AUTH_OK, "bob APOP: %d (%s)", r, error);
	if (r == AUTH_OK) {
		CHECK(strcmp(u.name, "bob") == 0, "APOP name %s", u.name);
		auth_user_free(&u);
	}
	for (int i = 0; i < 33; i++)
		upper[i] = (char)(digest[i] >= 'a' && digest[i] <= 'f'
				  ? digest[i] - 32 : digest[i]);
	r = auth_apop(&cfg, "bob", ts, upper, &u, &error);
	CHECK(r == AUTH_OK, "bob APOP upper-case digest: %d (%s)", r, error);
	if (r == AUTH_OK)
		auth_user_free(&u);
	r = auth_apop(&cfg, "bob", "<other.1@host>", digest, &u, &error);
	CHECK(r == AUTH_FAIL, "APOP digest of another timestamp: %d", r);
	digest[31] = digest[31] == '0' ? '1' : '0';
	r = auth_apop(&cfg, "bob", ts, digest, &u, &error);
	CHECK(r == AUTH_FAIL, "APOP wrong digest: %d", r);
	r = auth_apop(&cfg, "bob", ts, "c4c9334bac560ecc979e58001b3e22f", &u, &error);
	CHECK(r == AUTH_FAIL, "APOP short digest: %d", r);
	/* alice was added without --apop: no secret, no APOP, even with the
	 * digest of her real password */
	char alice_digest[33];
	md5sum_hex("<1896.697170952@dbc.mtview.ca.us>alice-pw", alice_digest);
	r = auth_apop(&cfg, "alice", ts, alice_digest, &u, &error);
	CHECK(r == AUTH_FAIL, "APOP for a user without --apop: %d", r);
	r = auth_apop(&cfg, "carol", ts, alice_digest, &u, &error);
	CHECK(r == AUTH_FAIL, "APOP unknown user: %d", r);

	/* -m keeps bob's APOP status with the new password */
	CHECK(POPAUTH("-m", "bob", "-p", "new-secret") == 0, "popauth -m bob");
	md5sum_hex("<1896.697170952@dbc.mtview.ca.us>new-secret", digest);
	r = auth_apop(&cfg, "bob", ts, digest, &u, &error);
	CHECK(r == AUTH_OK, "bob APOP after -m: %d (%s)", r, error);
	if (r == AUTH_OK)
		auth_user_free(&u);

	cfg.apop = false;
	CHECK(!auth_apop_offered(&cfg), "apop = no: not offered");
	r = auth_apop(&cfg, "bob", ts, digest, &u, &error);
	CHECK(r == AUTH_FAIL, "apop = no: APOP fails: %d", r);
	cfg.apop = true;
	char *pam_only[] = { pam_name, NULL };
	cfg.auth = pam_only;
	CHECK(!auth_apop_offered(&cfg), "auth = pam: APOP not offered");
	cfg.auth = backends;

	/* An unknown user costs about what a wrong password does: both run
	 * one crypt().  A loose bound: the point is that the unknown user is
	 * not answered in a tiny fraction of the time. */
	double t0 = now();
	for (int i = 0; i < 3; i++)
		auth_password(&cfg, "alice", "wrong", &u, &error);
	double wrong = now() - t0;
	t0 = now();
	for (int i = 0; i < 3; i++)
		auth_password(&cfg, "nobody-such", "wrong", &u, &error);
	double unknown = now() - t0;
	CHECK(unknown > wrong / 3 && unknown < wrong * 3,
	      "timing: wrong password %.3fs, unknown user %.3fs", wrong, unknown);

	/* a database that cannot be read is a temporary failure */
	FILE *f = fopen(db, "w");
	if (f != NULL) {
		fputs("garbage, not GDBM\n", f);
		fclose(f);
	}
	r = auth_password(&cfg, "alice", "alice-pw", &u, &error);
	CHECK(r == AUTH_TEMPFAIL, "corrupt db: %d (%s)", r, error);

	unlink(db);
	rmdir(workdir);
	if (check_failures == 0)
		printf("PASS\n");
	return check_status();
}
