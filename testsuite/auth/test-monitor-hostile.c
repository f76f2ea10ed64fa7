/* A network process taken over, against the real monitor (doc/privsep.md):
 * every case starts a session through privsep_split() -- the same split
 * net_session_run() makes -- and the network process it returns is played by
 * this program, which sends what a compromised one could: malformed,
 * truncated, unknown or out-of-place datagrams, bad names, passwords and
 * digests, an APOP digest over a timestamp it made up, channel binding
 * fields that are malformed or where no TLS can be, SASL responses that
 * are not strict base64, more attempts than PRIVSEP_MAX_ATTEMPTS, wrong
 * passwords until the stat file blocks the right one (for the name, and
 * for the address over other names), impersonation by a user not listed
 * in impersonation_users.  The monitor must end the session (no reply, its end of the
 * control socket closed) or refuse (FAIL, after the failure delay where a
 * credential was checked); it must never answer OK, and no transaction
 * process may start: the data socket a transaction process would write
 * its "+OK" greeting to stays silent and reaches end of file, which it
 * could not while one held it.  The right password, well asked, does log
 * in, so that the test can fail. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "libmu/log.h"
#include "libmu/mailbox.h"
#include "pop3d/common/settings.h"
#include "libmu/util.h"
#include "pop3d/common/ipc.h"
#include "pop3d/common/limits.h"
#include "pop3d/monitor/monitor.h"
#include "pop3d/monitor/privsep.h"
#include "pop3d/common/session.h"
#include "pop3d/common/shared.h"
#include "pop3d/monitor/statdb.h"
#include "pop3d/net/net_session.h"
#include "pop3d/net/tls.h"
#include "pop3d/userdb/userdb.h"
#include "testsuite/lib/check.h"

#define USER "alice"
#define PASSWORD "alice-secret"
#define ADMIN "admin"                   /* may impersonate, when listed */
#define ADMIN_PASSWORD "admin-secret"
#define CLIENT_ADDR "192.0.2.7"
#define AUTH_TIMES 3
#define REPLY_TIMEOUT_MS 5000

static char dir[] = "/tmp/test-monitor-hostile.XXXXXX";
static struct mu_config cfg;

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* ---------------------------------------------------------------- the network process's side */

/* Log lines a script expects from the monitor, at most. */
#define LOGGED_MAX 4

/* What the monitor said: one entry per datagram, then how it ended. */
#define MAX_REPLIES 16
struct reply {
	enum ipc_type type;
	char text[96];          /* FAIL text, OK name */
	bool close;             /* FAIL's close flag */
	long long ms;           /* since the request */
};

struct net {
	const char *name;
	int ctl, data;
	char timestamp[SESSION_TIMESTAMP_MAX];  /* from HELLO */
	char mechanisms[SESSION_SASL_MECHS_MAX];
	long long sent_at;
	bool ended;             /* the monitor ended the session unasked */
	char logged[LOGGED_MAX][64];    /* expect_logged(), checked later */
	unsigned nlogged;
	struct ipc_msg msg;
};

static void
send_raw(struct net *n, const void *data, size_t len)
{
	n->sent_at = now_ms();
	if (send(n->ctl, data, len, MSG_NOSIGNAL) != (ssize_t)len)
		CHECK(0, "%s: send: %s", n->name, strerror(errno));
}

static void
send_fields(struct net *n, enum ipc_type type, unsigned nf,
	    const struct ipc_field *f)
{
	const char *error;

	n->sent_at = now_ms();
	if (ipc_send(n->ctl, type, nf, f, &error) < 0)
		CHECK(0, "%s: send: %s", n->name, error);
}

static void
send_strs(struct net *n, enum ipc_type type, unsigned nf, ...)
{
	const char *s[IPC_MAX_FIELDS];
	va_list ap;
	const char *error;

	va_start(ap, nf);
	for (unsigned i = 0; i < nf; i++)
		s[i] = va_arg(ap, const char *);
	va_end(ap);
	n->sent_at = now_ms();
	if (ipc_send_strs(n->ctl, type, nf, s, &error) < 0)
		CHECK(0, "%s: send: %s", n->name, error);
}

/* The next datagram: 1 (*r filled), 0 the monitor closed its end, -1 no
 * answer in time. */
static int
receive(struct net *n, struct reply *r)
{
	const char *error = "";
	int rc = ipc_recv(n->ctl, &n->msg, REPLY_TIMEOUT_MS, NULL, &error);

	memset(r, 0, sizeof *r);
	r->ms = now_ms() - n->sent_at;
	if (rc <= 0)
		return rc;
	r->type = n->msg.type;
	if (n->msg.nfields > 0 && n->msg.field[0].data != NULL)
		snprintf(r->text, sizeof r->text, "%s", n->msg.field[0].data);
	r->close = n->msg.type == IPC_FAIL && n->msg.nfields == 2 &&
		n->msg.field[1].data != NULL &&
		strcmp(n->msg.field[1].data, "1") == 0;
	return 1;
}

/* The monitor must end the session without a word. */
static void
expect_end(struct net *n, const char *what)
{
	struct reply r;
	int rc = receive(n, &r);

	CHECK(rc == 0, "%s: %s: the monitor %s", n->name, what,
	      rc < 0 ? "did not end the session" :
	      r.type == IPC_OK ? "answered OK" : "answered instead of ending");
	n->ended = true;
}

/* The monitor must refuse with a FAIL whose text starts with prefix, no
 * sooner than min_ms after the request. */
static void
expect_fail(struct net *n, const char *what, const char *prefix,
	    long long min_ms)
{
	struct reply r;
	int rc = receive(n, &r);

	if (rc != 1 || r.type != IPC_FAIL) {
		CHECK(0, "%s: %s: expected FAIL, got %s", n->name, what,
		      rc == 0 ? "the end" : rc < 0 ? "nothing" :
		      ipc_type_name(r.type));
		return;
	}
	CHECK(strncmp(r.text, prefix, strlen(prefix)) == 0,
	      "%s: %s: FAIL \"%s\", expected \"%s...\"", n->name, what,
	      r.text, prefix);
	CHECK(r.ms >= min_ms, "%s: %s: FAIL after %lld ms, before the "
	      "failure delay (%lld ms)", n->name, what, r.ms, min_ms);
	CHECK(!r.close, "%s: %s: FAIL with the close flag", n->name, what);
}

/* With PROXY v2 the monitor greets once it knows the client. */
static void
expect_hello(struct net *n, const char *what)
{
	struct reply r;
	int rc = receive(n, &r);

	CHECK(rc == 1 && r.type == IPC_HELLO, "%s: %s: expected HELLO, got %s",
	      n->name, what, rc == 0 ? "the end" : rc < 0 ? "nothing" :
	      ipc_type_name(r.type));
}

/* A FAIL that ends the session, text starting with prefix: an orderly
 * refusal of the client, not the end of a misbehaving network process. */
static void
expect_fail_close(struct net *n, const char *what, const char *prefix)
{
	struct reply r;
	int rc = receive(n, &r);

	CHECK(rc == 1 && r.type == IPC_FAIL && r.close &&
	      strncmp(r.text, prefix, strlen(prefix)) == 0, "%s: %s: expected "
	      "FAIL \"%s...\" with the close flag, got %s \"%s\"", n->name,
	      what, prefix, rc == 0 ? "the end" : rc < 0 ? "nothing" :
	      ipc_type_name(r.type), r.text);
}

static void
expect_continue(struct net *n, const char *what)
{
	struct reply r;
	int rc = receive(n, &r);

	CHECK(rc == 1 && r.type == IPC_CONTINUE, "%s: %s: expected "
	      "CONTINUE, got %s", n->name, what, rc == 0 ? "the end" :
	      rc < 0 ? "nothing" : ipc_type_name(r.type));
}

static void
expect_ok(struct net *n, const char *what)
{
	struct reply r;
	int rc = receive(n, &r);

	CHECK(rc == 1 && r.type == IPC_OK && strcmp(r.text, USER) == 0,
	      "%s: %s: expected OK %s, got %s %s", n->name, what, USER,
	      rc == 0 ? "the end" : rc < 0 ? "nothing" : ipc_type_name(r.type),
	      r.text);
}

/* The log of a case must hold needle (the reason the monitor gave).
 * Checked by the test once the session is over: this process runs as
 * running_identity (nobody, when the test runs as root), which cannot
 * read the monitor's log -- as it should be. */
static void
expect_logged(struct net *n, const char *needle)
{
	if (n->nlogged == LOGGED_MAX) {
		CHECK(0, "%s: more than %d expect_logged()", n->name,
		      LOGGED_MAX);
		return;
	}
	snprintf(n->logged[n->nlogged++], sizeof n->logged[0], "%s", needle);
}

static void
pass(struct net *n, const char *user, const char *password)
{
	send_strs(n, IPC_PASS, 2, user, password);
}

static void
apop_digest(const char *timestamp, const char *secret, char out[33])
{
	struct mu_md5 *h = mu_md5_new();

	mu_md5_update(h, timestamp, strlen(timestamp));
	mu_md5_update(h, secret, strlen(secret));
	mu_md5_final_hex(h, out);
}

/* What a network process would read on the data socket after the script:
 * a transaction process greets there ("+OK ..."); its end of file means no
 * process holds the other end any more. */
struct data_seen {
	size_t octets;
	char first[64];
	bool eof;
};

static void
drain_data(struct net *n, struct data_seen *d)
{
	long long until = now_ms() + REPLY_TIMEOUT_MS;

	memset(d, 0, sizeof *d);
	/* the "client" goes: a transaction process ends its session */
	(void)shutdown(n->data, SHUT_WR);
	while (now_ms() < until) {
		struct pollfd p = { n->data, POLLIN, 0 };
		char buf[512];
		ssize_t got;

		if (poll(&p, 1, (int)(until - now_ms())) <= 0)
			continue;
		got = read(n->data, buf, sizeof buf);
		if (got == 0) {
			d->eof = true;
			return;
		}
		if (got < 0) {
			if (errno == EINTR)
				continue;
			d->eof = true;  /* ECONNRESET: gone too */
			return;
		}
		if (d->octets == 0)
			snprintf(d->first, sizeof d->first, "%.*s",
				 (int)(got < 40 ? got : 40), buf);
		d->octets += (size_t)got;
	}
}

/* ---------------------------------------------------------------- one case */

struct scene {
	bool proxy_v2;          /* the session expects a CLIENT first */
	bool no_apop;           /* apop = no */
	const char *stat;       /* stat file name in dir, NULL: the case's */
	bool login;             /* this case is to log in */
};

/* Reported by the network process to the test. */
struct outcome {
	int failures;
	struct data_seen data;
	bool ended;             /* see struct net */
	char logged[LOGGED_MAX][64];    /* see struct net */
	unsigned nlogged;
};

static volatile sig_atomic_t got_term;

static void
on_term(int sig)
{
	(void)sig;
	got_term = 1;
}

static void
case_log(const char *name, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%s.log", dir, name);
}

/* Does the case's log hold needle? */
static bool
log_has(const char *name, const char *needle)
{
	char path[256], line[1024];
	bool found = false;
	FILE *f;

	case_log(name, path, sizeof path);
	f = fopen(path, "r");
	if (f == NULL)
		return false;
	while (!found && fgets(line, sizeof line, f) != NULL)
		found = strstr(line, needle) != NULL;
	fclose(f);
	return found;
}

/* The network process: the script, then what the data socket shows. */
static void __attribute__((noreturn))
network(struct net_session *s, const char *name, int report,
	void (*script)(struct net *))
{
	static struct net n;
	struct outcome out;
	struct sigaction sa;

	/* the monitor stops a misbehaving network process with SIGTERM:
	 * noted, so that the report still gets out */
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_term;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);

	n.name = name;
	n.ctl = s->monitor_fd;
	n.data = s->data_fd;
	snprintf(n.timestamp, sizeof n.timestamp, "%s", s->apop_timestamp);
	snprintf(n.mechanisms, sizeof n.mechanisms, "%s", s->sasl_mechanisms);
	script(&n);
	close(n.ctl);
	memset(&out, 0, sizeof out);
	drain_data(&n, &out.data);
	out.failures = check_failures;
	out.ended = n.ended;
	memcpy(out.logged, n.logged, sizeof out.logged);
	out.nlogged = n.nlogged;
	if (write(report, &out, sizeof out) != (ssize_t)sizeof out)
		_exit(2);
	_exit(0);
}

static void
run_case(const char *name, const struct scene *sc, void (*script)(struct net *))
{
	char logpath[256], stat[256];
	struct outcome out;
	int report[2], status = 0;
	long long t0 = now_ms();
	int failures_before = check_failures;
	ssize_t got;
	pid_t pid;

	case_log(name, logpath, sizeof logpath);
	snprintf(stat, sizeof stat, "%s/%s.db", dir, sc->stat != NULL ?
		 sc->stat : name);
	if (pipe(report) < 0) {
		perror("pipe");
		exit(1);
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		perror("fork");
		exit(1);
	}
	if (pid == 0) {
		/* the session process, as a listener's child would be */
		struct net_session *ns = mu_xcalloc(1, sizeof *ns);
		struct session *s = &ns->core;
		struct session_conn conn;
		const char *error;
		int null = open("/dev/null", O_RDWR);

		close(report[0]);
		check_failures = 0;    /* this process's own, reported */
		free(cfg.stat_file);
		cfg.stat_file = mu_xstrdup(stat);
		cfg.apop = !sc->no_apop;
		if (mu_log_open("pop3d", logpath, MU_LOG_DEBUG, 1, &error) < 0) {
			printf("log %s: %s\n", logpath, error);
			_exit(2);
		}
		memset(&conn, 0, sizeof conn);
		conn.in_fd = conn.out_fd = null;
		snprintf(conn.client, sizeof conn.client, "%s", CLIENT_ADDR);
		conn.client_port = 50000;
		conn.proxy_v2 = sc->proxy_v2;
		conn.link_fd = -1;
		s->cfg = &cfg;
		snprintf(s->client, sizeof s->client, "%s", CLIENT_ADDR);
		s->client_port = conn.client_port;
		snprintf(s->host_id, sizeof s->host_id, "hostile.example");
		clock_gettime(CLOCK_MONOTONIC, &s->started);
		/* the parent becomes the monitor and exits when done */
		if (privsep_split(ns, &conn) < 0)
			_exit(3);
		network(ns, name, report[1], script);
	}
	close(report[1]);
	got = read(report[0], &out, sizeof out);
	close(report[0]);
	if (waitpid(pid, &status, 0) != pid)
		perror("waitpid");
	if (got != (ssize_t)sizeof out) {
		CHECK(0, "%s: no report from the network process", name);
		return;
	}
	check_failures += out.failures;
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "%s: the monitor ended with status 0x%x", name, status);
	CHECK(out.data.eof, "%s: the data socket did not reach end of file: "
	      "a transaction process still holds it", name);
	for (unsigned i = 0; i < out.nlogged && i < LOGGED_MAX; i++)
		CHECK(log_has(name, out.logged[i]), "%s: no \"%s\" in the log",
		      name, out.logged[i]);
	/* "the monitor logs it and exits" */
	CHECK(!out.ended || log_has(name, "monitor: "), "%s: the monitor "
	      "ended the session without a log line", name);
	if (sc->login) {
		CHECK(strncmp(out.data.first, "+OK", 3) == 0, "%s: no +OK from "
		      "the transaction process (\"%s\")", name, out.data.first);
		CHECK(log_has(name, "login by"), "%s: no login logged", name);
	} else {
		CHECK(out.data.octets == 0, "%s: a transaction process wrote "
		      "\"%s\"", name, out.data.first);
		CHECK(!log_has(name, "login by"), "%s: a login was logged",
		      name);
	}
	printf("%s %-28s %5lld ms\n", check_failures == failures_before ? "ok" :
	       "not ok", name, now_ms() - t0);
}

/* ---------------------------------------------------------------- scripts */

static void
good_pass(struct net *n)
{
	pass(n, USER, PASSWORD);
	expect_ok(n, "the right password");
}

static void
good_apop(struct net *n)
{
	char digest[33];

	CHECK(n->timestamp[0] == '<', "%s: no APOP timestamp in HELLO",
	      n->name);
	apop_digest(n->timestamp, PASSWORD, digest);
	send_strs(n, IPC_APOP, 2, USER, digest);
	expect_ok(n, "APOP over the monitor's timestamp");
}

static void
good_proxy(struct net *n)
{
	send_strs(n, IPC_CLIENT, 2, "198.51.100.9", "4711");
	expect_hello(n, "CLIENT");
	pass(n, USER, PASSWORD);
	expect_ok(n, "CLIENT, then the right password");
}

/* deny_from holds the address the PROXY v2 header gave */
static void
proxy_client_denied(struct net *n)
{
	send_strs(n, IPC_CLIENT, 2, "198.51.100.9", "4711");
	expect_fail_close(n, "a denied CLIENT", "[SYS/PERM] hostile.example "
			  "access denied");
	expect_logged(n, "refused: access denied");
}

/* allow_from does not hold it */
static void
proxy_client_not_allowed(struct net *n)
{
	send_strs(n, IPC_CLIENT, 2, "2001:db8::9", "4711");
	expect_fail_close(n, "a CLIENT outside allow_from", "[SYS/PERM]");
	expect_logged(n, "refused: access denied");
}

static void
unknown_type(struct net *n)
{
	send_raw(n, "\xc8\x00", 2);
	expect_end(n, "type 200");
}

static void
reply_type(struct net *n)
{
	/* well framed, but the monitor's own message */
	send_strs(n, IPC_OK, 1, USER);
	expect_end(n, "OK from the network process");
}

static void
opened_type(struct net *n)
{
	send_strs(n, IPC_OPENED, 0);
	expect_end(n, "OPENED from the network process");
}

/* the login command for the log: one line, no NUL */
static void
handover_command_nul(struct net *n)
{
	struct ipc_field f[4] = { { NULL, 0 }, { NULL, 0 }, { NULL, 0 },
				  { "PASS\0x", 6 } };

	send_fields(n, IPC_HANDOVER, 4, f);
	expect_end(n, "HANDOVER with a NUL in the command");
}

static void
adopt_type(struct net *n)
{
	/* the monitor's message to the listener, never the network's */
	send_strs(n, IPC_ADOPT, 0);
	expect_end(n, "ADOPT from the network process");
}

/* STLS: said once, with no fields; the login after it still works */
static void
tls_then_login(struct net *n)
{
	send_strs(n, IPC_TLS, 0);
	pass(n, USER, PASSWORD);
	expect_ok(n, "TLS, then the right password");
}

static void
tls_twice(struct net *n)
{
	send_strs(n, IPC_TLS, 0);
	send_strs(n, IPC_TLS, 0);
	expect_end(n, "TLS twice");
}

static void
tls_with_field(struct net *n)
{
	send_strs(n, IPC_TLS, 1, "x");
	expect_end(n, "TLS with a field");
}

static void
truncated(struct net *n)
{
	/* PASS, two fields, the first says 5 octets and has 2 */
	send_raw(n, "\x06\x02\x00\x00\x00\x05" "al", 8);
	expect_end(n, "a truncated datagram");
}

static void
five_fields(struct net *n)
{
	send_raw(n, "\x06\x05\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
		 "\x00\x00\x00\x00\x00\x00\x00\x00", 22);
	expect_end(n, "five fields");
}

static void
three_fields(struct net *n)
{
	/* well framed, one field too many for PASS */
	send_strs(n, IPC_PASS, 3, USER, PASSWORD, "x");
	expect_end(n, "PASS with three fields");
}

static void
absent_password(struct net *n)
{
	struct ipc_field f[2] = { { USER, 5 }, { NULL, 0 } };

	send_fields(n, IPC_PASS, 2, f);
	expect_end(n, "PASS without a password field");
}

static void
oversized_field(struct net *n)
{
	/* a length past IPC_FIELD_MAX (and past the datagram) */
	send_raw(n, "\x06\x02\x00\x01\x00\x00" "alice", 11);
	expect_end(n, "a field longer than IPC_FIELD_MAX");
}

static void
oversized_datagram(struct net *n)
{
	size_t len = IPC_MSG_MAX + 64;
	unsigned char *raw = mu_xcalloc(1, len);

	raw[0] = IPC_PASS;
	raw[1] = 2;
	send_raw(n, raw, len);
	free(raw);
	expect_end(n, "a datagram longer than IPC_MSG_MAX");
}

static void
bad_names(struct net *n)
{
	char longname[300];
	struct ipc_field nul[2] = { { "ali\0ce", 6 }, { PASSWORD, 12 } };

	/* each fails like a wrong password, at the failure delay, with the
	 * right password: the name is refused, not looked up */
	pass(n, "ali\001ce", PASSWORD);
	expect_fail(n, "a name with a control byte", "[AUTH]",
		    POP3_AUTH_FAIL_DELAY_MS);
	memset(longname, 'a', 256);
	longname[256] = '\0';
	pass(n, longname, PASSWORD);
	expect_fail(n, "a 256-octet name", "[AUTH]", POP3_AUTH_FAIL_DELAY_MS);
	send_fields(n, IPC_PASS, 2, nul);
	expect_fail(n, "a name with a NUL", "[AUTH]", POP3_AUTH_FAIL_DELAY_MS);
	pass(n, "alice\n", PASSWORD);
	expect_fail(n, "a name with a line end", "[AUTH]",
		    POP3_AUTH_FAIL_DELAY_MS);
}

static void
long_password(struct net *n)
{
	char pw[600];

	/* the right password with 500 octets more: 512 in all */
	snprintf(pw, sizeof pw, "%s%0500d", PASSWORD, 0);
	CHECK(strlen(pw) == 512, "password length");
	pass(n, USER, pw);
	expect_fail(n, "a 512-octet password", "[AUTH]",
		    POP3_AUTH_FAIL_DELAY_MS);
}

static void
bad_digests(struct net *n)
{
	char right[33], upper33[40];

	apop_digest(n->timestamp, PASSWORD, right);
	send_strs(n, IPC_APOP, 2, USER, "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz");
	expect_fail(n, "32 non-hex digits", "[AUTH]", POP3_AUTH_FAIL_DELAY_MS);
	/* the right digest with one octet more, and one less */
	snprintf(upper33, sizeof upper33, "%s0", right);
	send_strs(n, IPC_APOP, 2, USER, upper33);
	expect_fail(n, "33 digits", "[AUTH]", POP3_AUTH_FAIL_DELAY_MS);
	right[31] = '\0';
	send_strs(n, IPC_APOP, 2, USER, right);
	expect_fail(n, "31 digits", "[AUTH]", POP3_AUTH_FAIL_DELAY_MS);
}

static void
forged_timestamp(struct net *n)
{
	char digest[33];

	/* the network process shows the client a timestamp of its own and
	 * relays a digest over it: the monitor checks against its own */
	apop_digest("<1.2@hostile.example>", PASSWORD, digest);
	send_strs(n, IPC_APOP, 2, USER, digest);
	expect_fail(n, "APOP over a made-up timestamp", "[AUTH]",
		    POP3_AUTH_FAIL_DELAY_MS);
}

static void
apop_not_offered(struct net *n)
{
	char digest[33];

	CHECK(n->timestamp[0] == '\0', "%s: a timestamp with apop = no",
	      n->name);
	apop_digest("<1.2@hostile.example>", PASSWORD, digest);
	send_strs(n, IPC_APOP, 2, USER, digest);
	expect_end(n, "APOP when none was offered");
}

static void
step_without_exchange(struct net *n)
{
	send_strs(n, IPC_SASL_STEP, 1, "AGFsaWNlAGFsaWNlLXNlY3JldA==");
	expect_end(n, "SASL_STEP with no exchange");
}

static void
cancel_without_exchange(struct net *n)
{
	send_strs(n, IPC_SASL_CANCEL, 0);
	expect_end(n, "SASL_CANCEL with no exchange");
}

/* a cancel's reason is one the monitor knows, or the session ends: the
 * network process cannot make the monitor say what it likes */
static void
cancel_unknown_reason(struct net *n)
{
	struct ipc_field p[4] = { { "PLAIN", 5 }, { NULL, 0 }, { NULL, 0 },
				  { NULL, 0 } };

	send_fields(n, IPC_SASL_START, 4, p);
	expect_continue(n, "AUTH PLAIN");
	send_strs(n, IPC_SASL_CANCEL, 1, SESSION_RESPONSE_TOO_LONG);
	expect_fail(n, "a response too long", "[AUTH] response too long", 0);
	send_fields(n, IPC_SASL_START, 4, p);
	expect_continue(n, "AUTH PLAIN again");
	send_strs(n, IPC_SASL_CANCEL, 1, "+OK logged in");
	expect_end(n, "SASL_CANCEL with a reason of its own");
}

static void
cancel_two_fields(struct net *n)
{
	struct ipc_field p[4] = { { "PLAIN", 5 }, { NULL, 0 }, { NULL, 0 },
				  { NULL, 0 } };

	send_fields(n, IPC_SASL_START, 4, p);
	expect_continue(n, "AUTH PLAIN");
	send_strs(n, IPC_SASL_CANCEL, 2, SESSION_RESPONSE_NUL,
		  SESSION_RESPONSE_NUL);
	expect_end(n, "SASL_CANCEL with two fields");
}

static void
mech_not_offered(struct net *n)
{
	struct ipc_field f[4] = { { "SCRAM-SHA-256", 13 }, { NULL, 0 },
				  { NULL, 0 }, { NULL, 0 } };

	/* no user has SCRAM keys: not offered, though libgsasl has it */
	CHECK(strstr(n->mechanisms, "SCRAM") == NULL, "%s: SCRAM offered: %s",
	      n->name, n->mechanisms);
	send_fields(n, IPC_SASL_START, 4, f);
	expect_fail(n, "SCRAM-SHA-256 not offered", "unsupported", 0);
	f[0] = (struct ipc_field){ "X-NOPE", 6 };
	send_fields(n, IPC_SASL_START, 4, f);
	expect_fail(n, "an unknown mechanism", "unsupported", 0);
	/* a mechanism name past the longest there is */
	f[0] = (struct ipc_field){ "PLAINPLAINPLAINPLAINPLAIN", 25 };
	send_fields(n, IPC_SASL_START, 4, f);
	expect_end(n, "a 25-octet mechanism name");
}

static void
pass_during_sasl(struct net *n)
{
	struct ipc_field f[4] = { { "PLAIN", 5 }, { NULL, 0 }, { NULL, 0 },
				  { NULL, 0 } };

	send_fields(n, IPC_SASL_START, 4, f);
	expect_continue(n, "AUTH PLAIN without an initial response");
	pass(n, USER, PASSWORD);
	expect_end(n, "PASS while an exchange runs");
}

static void
second_start(struct net *n)
{
	struct ipc_field f[4] = { { "PLAIN", 5 }, { NULL, 0 }, { NULL, 0 },
				  { NULL, 0 } };

	send_fields(n, IPC_SASL_START, 4, f);
	expect_continue(n, "AUTH PLAIN without an initial response");
	send_fields(n, IPC_SASL_START, 4, f);
	expect_end(n, "a second SASL_START during an exchange");
}

static void
client_twice(struct net *n)
{
	send_strs(n, IPC_CLIENT, 2, "198.51.100.9", "4711");
	expect_hello(n, "the first CLIENT");
	send_strs(n, IPC_CLIENT, 2, "198.51.100.10", "4711");
	expect_end(n, "a second CLIENT");
}

static void
client_not_ip(struct net *n)
{
	send_strs(n, IPC_CLIENT, 2, "evil.example", "4711");
	expect_end(n, "CLIENT with a host name");
}

static void
client_bad_port(struct net *n)
{
	send_strs(n, IPC_CLIENT, 2, "198.51.100.9", "65536");
	expect_end(n, "CLIENT with port 65536");
}

static void
client_without_proxy(struct net *n)
{
	/* no PROXY v2 header was to come: a network process taken over
	 * must not pick the address the blocks count against */
	send_strs(n, IPC_CLIENT, 2, "198.51.100.9", "4711");
	expect_end(n, "CLIENT without PROXY v2");
}

static void
pass_before_client(struct net *n)
{
	pass(n, USER, PASSWORD);
	expect_end(n, "PASS before CLIENT");
}

static void
client_after_pass(struct net *n)
{
	pass(n, USER, "wrong");
	expect_fail(n, "a wrong password", "[AUTH]", POP3_AUTH_FAIL_DELAY_MS);
	send_strs(n, IPC_CLIENT, 2, "198.51.100.9", "4711");
	expect_end(n, "CLIENT after a login attempt");
}

static void
handover_too_big(struct net *n)
{
	char *big = mu_xcalloc(1, POP3_INPUT_BUFSIZE + 1);
	struct ipc_field f[2] = { { NULL, 0 }, { big, POP3_INPUT_BUFSIZE + 1 } };

	memset(big, 'x', POP3_INPUT_BUFSIZE + 1);
	send_fields(n, IPC_HANDOVER, 2, f);
	free(big);
	expect_end(n, "HANDOVER with more input than the input buffer");
}

static void
handover_one_field(struct net *n)
{
	send_strs(n, IPC_HANDOVER, 1, "x");
	expect_end(n, "HANDOVER with one field");
}

static void
too_many_attempts(struct net *n)
{
	struct ipc_field f[4] = { { "X-NOPE", 6 }, { NULL, 0 }, { NULL, 0 },
				  { NULL, 0 } };
	struct reply r;
	int rc;

	/* attempts that cost no failure delay: refused mechanisms, and
	 * exchanges cancelled */
	for (int i = 0; i < PRIVSEP_MAX_ATTEMPTS; i++) {
		if (i % 2 == 0) {
			send_fields(n, IPC_SASL_START, 4, f);
			expect_fail(n, "an unknown mechanism", "unsupported", 0);
		} else {
			struct ipc_field p[4] = { { "PLAIN", 5 }, { NULL, 0 },
						  { NULL, 0 }, { NULL, 0 } };

			send_fields(n, IPC_SASL_START, 4, p);
			expect_continue(n, "AUTH PLAIN");
			send_strs(n, IPC_SASL_CANCEL, 0);
			expect_fail(n, "cancelled", "authentication cancelled", 0);
		}
	}
	/* one more, with the right password: refused, and the end */
	pass(n, USER, PASSWORD);
	rc = receive(n, &r);
	CHECK(rc == 1 && r.type == IPC_FAIL && r.close &&
	      strstr(r.text, "too many login attempts") != NULL,
	      "%s: attempt %d: expected the closing FAIL, got %s \"%s\"",
	      n->name, PRIVSEP_MAX_ATTEMPTS + 1, rc <= 0 ? "nothing" :
	      ipc_type_name(r.type), r.text);
	expect_end(n, "after the closing FAIL");
	n->ended = false;       /* a refusal, not a violation */
}

static void
wrong_password(struct net *n)
{
	pass(n, USER, "wrong");
	expect_fail(n, "a wrong password", "[AUTH] invalid",
		    POP3_AUTH_FAIL_DELAY_MS);
}

static void
blocked_right_password(struct net *n)
{
	pass(n, USER, PASSWORD);
	expect_fail(n, "the right password while blocked",
		    "[AUTH] too many failed logins", POP3_AUTH_FAIL_DELAY_MS);
}

static void
login_too_soon(struct net *n)
{
	pass(n, USER, PASSWORD);
	expect_fail(n, "a second login within login_delay", "[LOGIN-DELAY]",
		    0);
}

/* SASL_START for PLAIN with channel binding fields as given (type and
 * data NULL: absent). */
static void
start_with_binding(struct net *n, const char *type, size_t type_len,
		   const char *data, size_t data_len)
{
	struct ipc_field f[4] = { { "PLAIN", 5 }, { NULL, 0 },
				  { type, type_len }, { data, data_len } };

	send_fields(n, IPC_SASL_START, 4, f);
}

static const char binding32[32] = "0123456789abcdef0123456789abcdef";

static void
cb_unknown_type(struct net *n)
{
	/* RFC 5929 has it, but the network process never sends it */
	start_with_binding(n, "tls-server-end-point", 20, binding32, 32);
	expect_end(n, "binding type tls-server-end-point");
	expect_logged(n, "malformed channel binding");
}

static void
cb_type_with_nul(struct net *n)
{
	start_with_binding(n, "tls-unique\0x", 12, binding32, 12);
	expect_end(n, "binding type with a NUL");
	expect_logged(n, "malformed channel binding");
}

static void
cb_empty_data(struct net *n)
{
	start_with_binding(n, "tls-exporter", 12, "", 0);
	expect_end(n, "tls-exporter with empty data");
	expect_logged(n, "malformed channel binding");
}

static void
cb_absent_data(struct net *n)
{
	start_with_binding(n, "tls-unique", 10, NULL, 0);
	expect_end(n, "tls-unique without data");
	expect_logged(n, "malformed channel binding");
}

static void
cb_data_without_type(struct net *n)
{
	start_with_binding(n, NULL, 0, binding32, 32);
	expect_end(n, "binding data without a type");
	expect_logged(n, "malformed channel binding");
}

static void
cb_data_too_long(struct net *n)
{
	char data[TLS_CHANNEL_BINDING_MAX + 1];

	/* one octet past what tls_channel_binding() can hand over */
	memset(data, 'b', sizeof data);
	start_with_binding(n, "tls-exporter", 12, data, sizeof data);
	expect_end(n, "binding data over TLS_CHANNEL_BINDING_MAX");
	expect_logged(n, "malformed channel binding");
}

static void
cb_without_tls(struct net *n)
{
	/* well formed, but this server has no certificate: no connection
	 * of it can have TLS, so the binding is made up */
	start_with_binding(n, "tls-exporter", 12, binding32, 32);
	expect_end(n, "a binding where no TLS can be");
	expect_logged(n, "channel binding without TLS");
}

static void
plus_without_binding(struct net *n)
{
	struct ipc_field f[4] = { { "SCRAM-SHA-256-PLUS", 18 }, { NULL, 0 },
				  { NULL, 0 }, { NULL, 0 } };

	/* not offered here (no SCRAM keys): refused before the binding */
	send_fields(n, IPC_SASL_START, 4, f);
	expect_fail(n, "SCRAM-SHA-256-PLUS", "unsupported", 0);
}

/* "\0alice\0alice-secret": the right credentials for PLAIN */
#define PLAIN_GOOD "AGFsaWNlAGFsaWNlLXNlY3JldA=="

static void
sasl_bad_base64(struct net *n)
{
	/* each, on a fresh exchange: refused as base64, whatever it would
	 * decode to -- most of them hold the right credentials */
	static const char *const bad[] = {
		"AGFsaWNlAGFsaWNl!LXNlY3JldA==",	/* not the alphabet */
		PLAIN_GOOD "AGFs",			/* data after the padding */
		"AGFsaWNlAGFs aWNlLXNlY3JldA==",	/* a space */
		"AGFsaWNlAGFsaWNl\r\nLXNlY3JldA==",	/* a line end */
		"AGFsaWNlAGFsaWNlLXNlY3JldA",		/* padding left out */
		PLAIN_GOOD "=",				/* padding too long */
		"AGFsaWNlAGFsaWNlLXNlY3JldA=A",		/* padding inside */
	};
	struct ipc_field f[4] = { { "PLAIN", 5 }, { NULL, 0 }, { NULL, 0 },
				  { NULL, 0 } };
	char what[96];

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		send_fields(n, IPC_SASL_START, 4, f);
		expect_continue(n, "AUTH PLAIN");
		send_strs(n, IPC_SASL_STEP, 1, bad[i]);
		snprintf(what, sizeof what, "SASL_STEP bad base64 #%zu", i + 1);
		expect_fail(n, what, "invalid base64", 0);
	}
	/* the same in an initial response */
	f[1] = (struct ipc_field){ PLAIN_GOOD "AGFs", strlen(PLAIN_GOOD) + 4 };
	send_fields(n, IPC_SASL_START, 4, f);
	expect_fail(n, "initial response with data after the padding",
		    "invalid base64", 0);
	/* the control: the right credentials, well encoded, log in */
	f[1] = (struct ipc_field){ NULL, 0 };
	send_fields(n, IPC_SASL_START, 4, f);
	expect_continue(n, "AUTH PLAIN");
	send_strs(n, IPC_SASL_STEP, 1, PLAIN_GOOD);
	expect_ok(n, "AUTH PLAIN after the refusals");
}

static void
step_after_bad_base64(struct net *n)
{
	struct ipc_field f[4] = { { "PLAIN", 5 }, { NULL, 0 }, { NULL, 0 },
				  { NULL, 0 } };

	send_fields(n, IPC_SASL_START, 4, f);
	expect_continue(n, "AUTH PLAIN");
	send_strs(n, IPC_SASL_STEP, 1, "!!!!");
	expect_fail(n, "SASL_STEP bad base64", "invalid base64", 0);
	/* the refusal ended the exchange */
	send_strs(n, IPC_SASL_STEP, 1, PLAIN_GOOD);
	expect_end(n, "SASL_STEP after the exchange was refused");
}

static void
wrong_passwords_others(struct net *n)
{
	/* accounts that exist and accounts that do not: each counts for the
	 * address */
	static const char *const names[] = { ADMIN, "bob", "carol", "dave" };

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		pass(n, names[i], "wrong");
		expect_fail(n, "a wrong password", "[AUTH] invalid",
			    POP3_AUTH_FAIL_DELAY_MS);
	}
}

static void
wrong_password_erin(struct net *n)
{
	pass(n, "erin", "wrong");
	expect_fail(n, "a wrong password", "[AUTH] invalid",
		    POP3_AUTH_FAIL_DELAY_MS);
}

static void
address_blocked(struct net *n)
{
	blocked_right_password(n);
	expect_logged(n, "address " CLIENT_ADDR " blocked");
}

static void
impersonate_allowed(struct net *n)
{
	pass(n, ADMIN "!" USER, ADMIN_PASSWORD);
	expect_ok(n, "admin!alice, admin listed");
}

static void
impersonate_refused(struct net *n)
{
	pass(n, ADMIN "!" USER, ADMIN_PASSWORD);
	expect_fail(n, "admin!alice, admin not listed", "[AUTH] invalid",
		    POP3_AUTH_FAIL_DELAY_MS);
	expect_logged(n, "not listed in impersonation_users");
}

/* ---------------------------------------------------------------- setup */

static void
make_popauth(const char *path)
{
	struct userdb_record rec, admin;
	struct userdb *db;
	const char *error;

	memset(&rec, 0, sizeof rec);
	memset(&admin, 0, sizeof admin);
	rec.secret = (char *)PASSWORD;  /* for APOP */
	if (userdb_hash_password(PASSWORD, &rec.hash, &error) < 0 ||
	    userdb_hash_password(ADMIN_PASSWORD, &admin.hash, &error) < 0 ||
	    userdb_open(path, USERDB_CREATE, &db, NULL, &error) < 0 ||
	    userdb_store(db, USER, &rec, &error) < 0 ||
	    userdb_store(db, ADMIN, &admin, &error) < 0 ||
	    userdb_summary_update(db, &error) < 0 ||
	    userdb_close(db, &error) < 0) {
		printf("popauth db: %s\n", error);
		exit(1);
	}
	free(rec.hash);
	free(admin.hash);
}

static void
make_config(void)
{
	char path[256], mail[256];
	FILE *f;

	snprintf(path, sizeof path, "%s/popauth.db", dir);
	make_popauth(path);
	snprintf(mail, sizeof mail, "%s/mail", dir);
	if (mkdir(mail, 0700) < 0) {
		perror(mail);
		exit(1);
	}
	mu_config_init(&cfg);
	snprintf(path, sizeof path, "%s/pop3d.conf", dir);
	f = fopen(path, "w");
	if (f == NULL) {
		perror(path);
		exit(1);
	}
	fprintf(f, "auth = popauth\n"
		"popauth_db = %s/popauth.db\n"
		"mailbox = maildir:%s/%%u\n"
		"pop3_auth_times = %d\n"
		"block_interval_auths = 10 minutes\n"
		"stat_file = %s/unused.db\n"
		"host_id = hostile.example\n", dir, mail, AUTH_TIMES, dir);
	fclose(f);
	if (mu_config_read(&cfg, path, false, stdout) != 0)
		exit(1);
}

/* The failure count the stat file holds for (address, name). */
static unsigned long
failures_counted(const char *stat_name, const char *name)
{
	char path[256], key[300], value[STATDB_VALUE_MAX];
	unsigned long count = 0;
	long long last;
	struct statdb *db;
	const char *error;

	snprintf(path, sizeof path, "%s/%s.db", dir, stat_name);
	snprintf(key, sizeof key, "fail\t%s%s%s", CLIENT_ADDR,
		 name != NULL ? "\t" : "", name != NULL ? name : "");
	if (statdb_open(path, &db, &error) < 0) {
		CHECK(0, "stat file %s: %s", path, error);
		return 0;
	}
	if (statdb_fetch(db, key, value, sizeof value, &error) == 1 &&
	    sscanf(value, "%lu %lld", &count, &last) != 2)
		count = 0;
	statdb_close(db, &error);
	return count;
}

static void
remove_tree(const char *path)
{
	char cmd[512];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
	if (system(cmd) != 0)
		printf("could not remove %s\n", path);
}

int
main(void)
{
	static const struct scene plain = { 0 }, login = { .login = true },
		proxy = { .proxy_v2 = true },
		proxy_login = { .proxy_v2 = true, .login = true },
		no_apop = { .no_apop = true },
		block = { .stat = "block" },
		block_login = { .stat = "block", .login = true };
	long long t0 = now_ms();

	/* as pop3d's main does before any session */
	mu_mailbox_set_file_tag(POP3D_MAILBOX_FILE_TAG);
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	make_config();
	/* the session processes write to sockets their peers may have
	 * closed; the error, not the signal, is what they handle */
	signal(SIGPIPE, SIG_IGN);

	/* the controls: a well-formed login works, so the test can fail */
	run_case("good-pass", &login, good_pass);
	run_case("good-apop", &login, good_apop);
	run_case("good-proxy", &proxy_login, good_proxy);

	/* framing, types, field counts, sizes: the session ends */
	run_case("unknown-type", &plain, unknown_type);
	run_case("monitor-type-ok", &plain, reply_type);
	run_case("transaction-type-opened", &plain, opened_type);
	run_case("listener-type-adopt", &plain, adopt_type);
	run_case("truncated", &plain, truncated);
	run_case("five-fields", &plain, five_fields);
	run_case("pass-three-fields", &plain, three_fields);
	run_case("pass-absent-password", &plain, absent_password);
	run_case("oversized-field", &plain, oversized_field);
	run_case("oversized-datagram", &plain, oversized_datagram);
	run_case("handover-too-big", &plain, handover_too_big);
	run_case("handover-one-field", &plain, handover_one_field);
	run_case("handover-command-nul", &plain, handover_command_nul);

	/* names, passwords, digests: refused like a wrong password */
	run_case("bad-names", &plain, bad_names);
	run_case("password-512", &plain, long_password);
	run_case("apop-bad-digests", &plain, bad_digests);
	run_case("apop-forged-timestamp", &plain, forged_timestamp);
	run_case("apop-not-offered", &no_apop, apop_not_offered);

	/* SASL out of place */
	run_case("sasl-step-no-exchange", &plain, step_without_exchange);
	run_case("sasl-cancel-no-exchange", &plain, cancel_without_exchange);
	run_case("sasl-cancel-unknown-reason", &plain, cancel_unknown_reason);
	run_case("sasl-cancel-two-fields", &plain, cancel_two_fields);
	run_case("sasl-mech-not-offered", &plain, mech_not_offered);
	run_case("pass-during-sasl", &plain, pass_during_sasl);
	run_case("sasl-start-twice", &plain, second_start);

	/* CLIENT: once, first, with PROXY v2 only, an IP address */
	run_case("client-twice", &proxy, client_twice);
	run_case("client-not-ip", &proxy, client_not_ip);
	run_case("client-bad-port", &proxy, client_bad_port);
	run_case("client-without-proxy", &plain, client_without_proxy);
	run_case("pass-before-client", &proxy, pass_before_client);
	run_case("client-after-pass", &plain, client_after_pass);

	/* channel binding fields: malformed, or where no TLS can be */
	run_case("sasl-cb-unknown-type", &plain, cb_unknown_type);
	run_case("sasl-cb-type-nul", &plain, cb_type_with_nul);
	run_case("sasl-cb-empty-data", &plain, cb_empty_data);
	run_case("sasl-cb-absent-data", &plain, cb_absent_data);
	run_case("sasl-cb-data-no-type", &plain, cb_data_without_type);
	run_case("sasl-cb-data-too-long", &plain, cb_data_too_long);
	run_case("sasl-cb-without-tls", &plain, cb_without_tls);
	run_case("sasl-plus-no-binding", &plain, plus_without_binding);
	/* strict base64: refused, the exchange over, no credential used */
	run_case("sasl-bad-base64", &login, sasl_bad_base64);
	run_case("sasl-step-after-refusal", &plain, step_after_bad_base64);

	/* STLS's notice: once, without fields */
	run_case("tls-then-login", &login, tls_then_login);
	run_case("tls-twice", &plain, tls_twice);
	run_case("tls-with-field", &plain, tls_with_field);

	run_case("too-many-attempts", &plain, too_many_attempts);

	/* wrong passwords, one per connection, until the pair is blocked:
	 * then the right password is refused too */
	for (int i = 0; i < AUTH_TIMES; i++) {
		run_case("wrong-password", &block, wrong_password);
		CHECK(failures_counted("block", USER) == (unsigned long)i + 1,
		      "wrong-password %d: the stat file counts %lu failures",
		      i + 1, failures_counted("block", USER));
	}
	run_case("blocked", &block, blocked_right_password);
	CHECK(failures_counted("block", USER) == AUTH_TIMES,
	      "a refusal while blocked was counted");
	/* a control: the same login, the block's stat file gone */
	{
		char path[256];

		snprintf(path, sizeof path, "%s/block.db", dir);
		unlink(path);
	}
	run_case("after-block-cleared", &block_login, good_pass);

	/* the address as a whole: 5 x pop3_auth_times failures over other
	 * names (pop3_auth_times = 1 here, to keep the delays few) block
	 * alice too, who never failed; a login on the way does not reset
	 * the address */
	cfg.auth_times = 1;
	{
		static const struct scene addr = { .stat = "address" },
			addr_login = { .stat = "address", .login = true };

		run_case("address-four-names", &addr, wrong_passwords_others);
		run_case("address-not-yet", &addr_login, good_pass);
		run_case("address-fifth-name", &addr, wrong_password_erin);
		run_case("address-blocked", &addr, address_blocked);
		CHECK(failures_counted("address", NULL) ==
		      BLOCK_ADDRESS_FACTOR, "address: %lu failures counted for "
		      "the address, expected %d",
		      failures_counted("address", NULL), BLOCK_ADDRESS_FACTOR);
		CHECK(failures_counted("address", USER) == 0, "address: a "
		      "refusal while blocked was counted for alice");
	}
	cfg.auth_times = AUTH_TIMES;

	/* impersonation through PASS: only a listed user may; a refusal is
	 * a failure of both names (test-blocks.py) */
	{
		static char *admins[] = { (char *)ADMIN, NULL };
		char **configured = cfg.impersonation_users;

		cfg.impersonation_users = admins;
		run_case("impersonate-listed", &login, impersonate_allowed);
		cfg.impersonation_users = configured;
		run_case("impersonate-not-listed", &plain, impersonate_refused);
		CHECK(failures_counted("impersonate-not-listed", ADMIN) == 1 &&
		      failures_counted("impersonate-not-listed", USER) == 1,
		      "impersonate-not-listed: counted %lu for admin, %lu for "
		      "alice, expected 1 and 1",
		      failures_counted("impersonate-not-listed", ADMIN),
		      failures_counted("impersonate-not-listed", USER));
	}

	/* the address ACL applies to the address a PROXY v2 header gave */
	{
		static char *deny[] = { (char *)"198.51.100.0/24", NULL },
			*allow[] = { (char *)"198.51.100.9", NULL };
		char **d0 = cfg.deny_from, **a0 = cfg.allow_from;

		cfg.deny_from = deny;
		run_case("proxy-client-denied", &proxy, proxy_client_denied);
		cfg.deny_from = d0;
		cfg.allow_from = allow;
		run_case("proxy-client-allowed", &proxy_login, good_proxy);
		run_case("proxy-client-not-allowed", &proxy,
			 proxy_client_not_allowed);
		cfg.allow_from = a0;
	}

	/* LOGIN-DELAY, enforced by the monitor from its stat file */
	cfg.login_delay = 600;
	{
		static const struct scene delay_login = { .stat = "delay",
							  .login = true },
			delay = { .stat = "delay" };

		run_case("login-delay-first", &delay_login, good_pass);
		run_case("login-delay-second", &delay, login_too_soon);
	}
	cfg.login_delay = 0;

	if (check_failures == 0)
		remove_tree(dir);
	else
		printf("logs kept in %s\n", dir);
	printf("%d check(s) failed, %lld ms\n", check_failures, now_ms() - t0);
	mu_config_free(&cfg);
	return check_status();
}
