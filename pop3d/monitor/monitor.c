/* The monitor (monitor.h, doc/privsep.md): the privileged side of a
 * session.  It answers the network process's requests one at a time and
 * trusts nothing in them. */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "libmu/log.h"
#include "libmu/util.h"
#include "pop3d/listener/access.h"
#include "pop3d/listener/listenerlink.h"
#include "pop3d/monitor/logindelay.h"
#include "pop3d/monitor/monitor.h"
#include "pop3d/monitor/privsep.h"
#include "pop3d/monitor/statdb.h"

#define TEXT_AUTH_FAILED "[AUTH] invalid user name or password"
#define TEXT_BLOCKED "[AUTH] too many failed logins; try again later"
#define TEXT_TEMPFAIL "[SYS/TEMP] authentication temporarily unavailable"

/* ---------------------------------------------------------------- replies */

int
monitor_fail(struct monitor *m, const char *text, bool close)
{
	const char *f[2] = { text, close ? "1" : "0" };
	const char *error;

	if (ipc_send_strs(m->ctl_fd, IPC_FAIL, 2, f, &error) < 0) {
		mu_log(MU_LOG_ERR, "monitor: send: %s", error);
		return -1;
	}
	if (close)
		m->told_to_close = true;
	return close ? -1 : 0;
}

/* Sleep until the attempt is POP3_AUTH_FAIL_DELAY_MS old.  Every failure
 * is answered at that moment, however long the backend took (a dummy
 * hash, PAM's own work): the time of the answer says nothing about why. */
static void
delay_failure(const struct monitor *m)
{
	struct timespec until = m->at.start;

	until.tv_sec += POP3_AUTH_FAIL_DELAY_MS / 1000;
	until.tv_nsec += (POP3_AUTH_FAIL_DELAY_MS % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL)
	       == EINTR)
		;
}

/* ---------------------------------------------------------------- the stat file */

static bool
stat_needed(const struct mu_config *cfg)
{
	return block_enabled(cfg) || login_delay_enabled(cfg);
}

/* NULL when the stat file is not needed or cannot be opened (*failed_r
 * then, logged). */
static struct statdb *
stat_open(struct monitor *m, bool *failed_r)
{
	struct statdb *db = NULL;
	const char *error;

	*failed_r = false;
	if (!stat_needed(m->cfg))
		return NULL;
	if (statdb_open(m->cfg->stat_file, &db, &error) < 0) {
		mu_log(MU_LOG_ERR, "%s", error);
		*failed_r = true;
		return NULL;
	}
	return db;
}

static void
stat_close(struct statdb *db)
{
	const char *error;

	if (db != NULL && statdb_close(db, &error) < 0)
		mu_log(MU_LOG_ERR, "%s", error);
}

static void
subject_of(const struct monitor *m, struct block_subject *sub)
{
	sub->address = m->client;
	sub->nnames = 0;
	if (!m->at.identified)
		return;
	sub->names[sub->nnames++] = m->at.authuser;
	if (m->at.target[0] != '\0')
		sub->names[sub->nnames++] = m->at.target;
}

/* ---------------------------------------------------------------- attempts */

static char why_buf[512];

static void
set_why(struct monitor *m, const char *why)
{
	snprintf(why_buf, sizeof why_buf, "%s", why != NULL ? why : "failed");
	m->at.why = why_buf;
}

void
attempt_begin(struct monitor *m, const char *method)
{
	if (m->at.authenticated)
		auth_user_free(&m->at.user);
	memset(&m->at, 0, sizeof m->at);
	m->at.method = method;
	m->at.result = AUTH_FAIL;
	clock_gettime(CLOCK_MONOTONIC, &m->at.start);
}

/* The quoted name for log lines: control bytes escaped. */
static const char *
quoted(const char *name, char *buf, size_t size)
{
	return log_quote(name, buf, size);
}

int
attempt_identify(struct monitor *m, const char *user, const char *authzid)
{
	const char *bang, *error;
	struct block_subject sub;
	struct statdb *db;
	bool failed;
	char q[64];

	if (m->at.identified)
		return 0;
	if (strlen(user) > 2 * USERDB_NAME_MAX + 1) {
		set_why(m, "user name too long");
		return -1;
	}
	bang = strchr(user, '!');
	if (bang != NULL) {
		size_t n = (size_t)(bang - user);

		if (n > USERDB_NAME_MAX) {
			set_why(m, "user name too long");
			return -1;
		}
		memcpy(m->at.authuser, user, n);
		m->at.authuser[n] = '\0';
		if (strlen(bang + 1) > USERDB_NAME_MAX) {
			set_why(m, "user name too long");
			return -1;
		}
		memcpy(m->at.target, bang + 1, strlen(bang + 1) + 1);
	} else {
		if (strlen(user) > USERDB_NAME_MAX) {
			set_why(m, "user name too long");
			return -1;
		}
		memcpy(m->at.authuser, user, strlen(user) + 1);
	}
	/* an authorization identity that repeats the authentication
	 * identity asks for nothing more (libgsasl's PLAIN fills it in) */
	if (authzid != NULL && authzid[0] != '\0' &&
	    strcmp(authzid, user) != 0 &&
	    strcmp(authzid, m->at.authuser) != 0) {
		if (bang != NULL) {
			set_why(m, "both an authorization identity and '!'");
			return -1;
		}
		if (strlen(authzid) > USERDB_NAME_MAX) {
			set_why(m, "authorization identity too long");
			return -1;
		}
		memcpy(m->at.target, authzid, strlen(authzid) + 1);
	}
	if (userdb_check_name(m->at.authuser, &error) < 0 ||
	    (m->at.target[0] != '\0' &&
	     userdb_check_name(m->at.target, &error) < 0)) {
		set_why(m, error);
		m->at.authuser[0] = m->at.target[0] = '\0';
		return -1;
	}
	/* "a!a" is a login as a */
	if (strcmp(m->at.target, m->at.authuser) == 0)
		m->at.target[0] = '\0';
	m->at.identified = true;

	/* blocked: the password is not even looked at */
	db = stat_open(m, &failed);
	if (failed) {
		m->at.blocked = true;
		m->at.result = AUTH_TEMPFAIL;
		set_why(m, "the stat file is unusable");
		return 0;
	}
	if (db != NULL) {
		const char *why = NULL;
		int rc;

		subject_of(m, &sub);
		rc = block_check(m->cfg, db, &sub, statdb_now_ms(), &why, &error);
		stat_close(db);
		if (rc < 0) {
			mu_log(MU_LOG_ERR, "%s", error);
			m->at.blocked = true;
			m->at.result = AUTH_TEMPFAIL;
			set_why(m, "the stat file is unusable");
		} else if (rc > 0) {
			m->at.blocked = true;
			set_why(m, why);
			mu_log(MU_LOG_DEBUG, "%s for \"%s\": %s", m->at.method,
			       quoted(m->at.authuser, q, sizeof q), why);
		}
	}
	return 0;
}

void
attempt_check_password(struct monitor *m, const char *password)
{
	struct auth_context ctx = { m->client, true };
	const char *why = NULL;

	if (!m->at.identified || m->at.blocked)
		return;
	memset(&m->at.user, 0, sizeof m->at.user);
	m->at.result = auth_password_ex(m->cfg, &ctx, m->at.authuser, password,
					&m->at.user, &why);
	if (m->at.result == AUTH_OK)
		m->at.authenticated = true;
	else
		set_why(m, why);
}

/* A failed attempt: counted, logged, answered at the fixed delay. */
static int
attempt_failed(struct monitor *m)
{
	struct block_subject sub;
	const char *error;
	struct statdb *db;
	bool failed;
	char q1[64], q2[64];

	if (m->at.authenticated) {
		auth_user_free(&m->at.user);
		m->at.authenticated = false;
	}
	if (m->at.result == AUTH_TEMPFAIL) {
		mu_log(MU_LOG_ERR, "%s for \"%s\": authentication unavailable: "
		       "%s", m->at.method, quoted(m->at.authuser, q1, sizeof q1),
		       m->at.why != NULL ? m->at.why : "unknown reason");
		return monitor_fail(m, TEXT_TEMPFAIL, false);
	}
	if (m->at.blocked) {
		/* fail2ban reads this line too: one per refused attempt */
		mu_log(MU_LOG_NOTICE, "%s refused for \"%s\": %s", m->at.method,
		       quoted(m->at.authuser, q1, sizeof q1), m->at.why);
		delay_failure(m);
		return monitor_fail(m, TEXT_BLOCKED, false);
	}
	db = stat_open(m, &failed);
	if (db != NULL) {
		subject_of(m, &sub);
		if (block_record_failure(m->cfg, db, &sub, statdb_now_ms(),
					 &error) < 0)
			mu_log(MU_LOG_ERR, "%s", error);
		stat_close(db);
	}
	if (m->at.target[0] != '\0')
		mu_log(MU_LOG_NOTICE, "%s failed for \"%s\" as \"%s\": %s",
		       m->at.method, quoted(m->at.authuser, q1, sizeof q1),
		       quoted(m->at.target, q2, sizeof q2),
		       m->at.why != NULL ? m->at.why : "failed");
	else
		mu_log(MU_LOG_NOTICE, "%s failed for \"%s\": %s", m->at.method,
		       quoted(m->at.authuser, q1, sizeof q1),
		       m->at.why != NULL ? m->at.why : "failed");
	delay_failure(m);
	return monitor_fail(m, TEXT_AUTH_FAILED, false);
}

/* Impersonation (`a!b`, or a SASL authzid): a must be listed in
 * impersonation_users, b must exist where a was found.  0 ok (m->at.user
 * is b now), -1 refused (m->at.why, m->at.result). */
static int
impersonate(struct monitor *m)
{
	struct auth_user target;
	const char *why = NULL;
	enum auth_result r;

	if (!mu_list_contains(m->cfg->impersonation_users, m->at.user.name)) {
		set_why(m, "not listed in impersonation_users");
		return -1;
	}
	memset(&target, 0, sizeof target);
	r = auth_lookup_target(m->cfg, &m->at.user, m->at.target, &target,
			       &why);
	if (r != AUTH_OK) {
		m->at.result = r;
		set_why(m, why != NULL ? why : "no such mailbox user");
		return -1;
	}
	auth_user_free(&m->at.user);
	m->at.user = target;
	return 0;
}

int
attempt_finish(struct monitor *m, const char *final_data)
{
	char q1[64], q2[64];
	const char *error;
	struct block_subject sub;
	struct statdb *db;
	bool failed;
	long long wait = 0;
	int rc = 0;

	if (!m->at.authenticated)
		return attempt_failed(m);
	if (m->at.target[0] != '\0' && impersonate(m) < 0) {
		auth_user_free(&m->at.user);
		m->at.authenticated = false;
		return attempt_failed(m);
	}
	db = stat_open(m, &failed);
	if (db != NULL) {
		subject_of(m, &sub);
		if (block_record_success(m->cfg, db, &sub, &error) < 0)
			mu_log(MU_LOG_ERR, "%s", error);
		rc = login_delay_check(m->cfg, db, m->at.user.name, statdb_now_ms(),
				       &wait, &error);
		if (rc < 0)
			mu_log(MU_LOG_ERR, "%s", error);
		stat_close(db);
	}
	if (failed || rc < 0) {
		if (login_delay_enabled(m->cfg)) {
			/* cannot tell whether the delay has passed */
			auth_user_free(&m->at.user);
			m->at.authenticated = false;
			return monitor_fail(m, TEXT_TEMPFAIL, false);
		}
	} else if (rc > 0) {
		/* within the 255 octets the network process takes */
		char text[POP3_REPLY_MAX], said[255 - sizeof "[LOGIN-DELAY]"];
		char num[2][24];
		const char *values[2] = { num[0], num[1] };

		mu_log(MU_LOG_NOTICE, "%s for \"%s\": too soon after the last "
		       "login (%lld s left of login_delay)", m->at.method,
		       quoted(m->at.user.name, q1, sizeof q1), wait);
		auth_user_free(&m->at.user);
		m->at.authenticated = false;
		/* RFC 2449 section 8.1.2: the interval, and what is left of
		 * it (texts.c, login-delay) */
		snprintf(num[0], sizeof num[0], "%u", m->cfg->login_delay);
		snprintf(num[1], sizeof num[1], "%lld", wait);
		snprintf(text, sizeof text, "[LOGIN-DELAY] %s",
			 text_expand(m->cfg, TEXT_LOGIN_DELAY, said,
				     sizeof said, values));
		return monitor_fail(m, text, false);
	}
	if (m->at.target[0] != '\0')
		mu_log(MU_LOG_INFO, "%s: \"%s\" authenticated to impersonate "
		       "\"%s\"", m->at.method,
		       quoted(m->at.authuser, q1, sizeof q1),
		       quoted(m->at.user.name, q2, sizeof q2));
	if (final_data != NULL) {
		/* RFC 5034 section 4: POP3 has no additional data with
		 * success; it goes as a challenge, answered empty */
		const char *f[1] = { final_data };

		m->sasl_phase = SASL_AWAIT_ACK;
		if (ipc_send_strs(m->ctl_fd, IPC_CONTINUE, 1, f, &error) < 0) {
			mu_log(MU_LOG_ERR, "monitor: send: %s", error);
			return -1;
		}
		return 0;
	}
	return attempt_login(m);
}

int
attempt_login(struct monitor *m)
{
	char text[256], q1[64], q2[64];
	const char *error;
	struct statdb *db;
	bool failed;
	int rc;

	rc = privsep_start_transaction(m, text, sizeof text);
	if (rc != 0) {
		auth_user_free(&m->at.user);
		m->at.authenticated = false;
		if (rc == -2)
			return -1;      /* no word to the client: it crashed */
		if (rc < 0)
			return monitor_fail(m, "[SYS/TEMP] cannot open mailbox",
					    true);
		return monitor_fail(m, text, false);
	}
	/* recorded at login, not at QUIT (RFC 2449 section 6.5); without
	 * login_delay there is nothing to record */
	db = login_delay_enabled(m->cfg) ? stat_open(m, &failed) : NULL;
	if (db != NULL) {
		if (login_delay_record(m->cfg, db, m->at.user.name, statdb_now_ms(),
				       &error) < 0)
			mu_log(MU_LOG_ERR, "%s", error);
		stat_close(db);
	}
	if (m->at.target[0] != '\0')
		mu_log(MU_LOG_NOTICE, "login by %s: mailbox user \"%s\", "
		       "authenticated as \"%s\" (impersonation)", m->at.method,
		       quoted(m->at.user.name, q1, sizeof q1),
		       quoted(m->at.authuser, q2, sizeof q2));
	else
		mu_log(MU_LOG_INFO, "login by %s: user \"%s\"", m->at.method,
		       quoted(m->at.user.name, q1, sizeof q1));
	m->session_user = m->at.user;
	m->at.authenticated = false;
	memset(&m->at.user, 0, sizeof m->at.user);
	m->logged_in = true;
	/* it no longer counts against prelogin_per_addr */
	listener_link_logged_in(m->link_fd);
	const char *f[2] = { m->session_user.name, "direct" };
	if (ipc_send_strs(m->ctl_fd, IPC_OK, m->direct ? 2 : 1, f,
			  &error) < 0) {
		mu_log(MU_LOG_ERR, "monitor: send: %s", error);
		return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------- requests */

static bool
is_ip_address(const char *text)
{
	unsigned char buf[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, text, buf) == 1 ||
		inet_pton(AF_INET6, text, buf) == 1;
}

int
monitor_hello(struct monitor *m)
{
	const char *hello[2] = { m->apop_timestamp, m->mechanisms };
	const char *error;

	if (ipc_send_strs(m->ctl_fd, IPC_HELLO, 2, hello, &error) < 0) {
		mu_log(MU_LOG_ERR, "monitor: send: %s", error);
		return -1;
	}
	return 0;
}

/* The client a PROXY v2 header named: the checks a direct connection met
 * at accept (deny_from and allow_from; prelogin_per_addr, which only the
 * listener can count), then the greeting may go. */
static int
admit_client(struct monitor *m)
{
	char text[POP3_REPLY_MAX];

	if (!access_client_allowed_text(m->cfg, m->client)) {
		mu_log(MU_LOG_NOTICE, "refused: access denied (deny_from, "
		       "allow_from)");
		snprintf(text, sizeof text, "[SYS/PERM] %s access denied",
			 m->host_id);
		return monitor_fail(m, text, true);
	}
	if (!listener_link_admit(m->link_fd, m->client)) {
		mu_log(MU_LOG_NOTICE, "refused: too many sessions from this "
		       "address not logged in yet (prelogin_per_addr)");
		snprintf(text, sizeof text, "[SYS/TEMP] %s too many "
			 "connections from your address", m->host_id);
		return monitor_fail(m, text, true);
	}
	return monitor_hello(m);
}

static int
handle_client(struct monitor *m, const struct ipc_msg *msg)
{
	const char *addr = ipc_field_str(msg, 0, SESSION_CLIENT_MAX - 1);
	const char *port = ipc_field_str(msg, 1, 5);
	unsigned long p = 0;

	/* only once, first, only when a PROXY v2 header was to come, and
	 * only an IP address: a network process taken over cannot hop
	 * addresses to dodge the blocks (without the proxy_v2 check it could
	 * name any address on a direct connection) */
	if (!m->proxy_v2 || m->client_final || msg->nfields != 2 ||
	    addr == NULL ||
	    port == NULL || port[0] == '\0' ||
	    (!is_ip_address(addr) && strcmp(addr, m->client) != 0)) {
		mu_log(MU_LOG_ERR, "monitor: CLIENT refused");
		return -1;
	}
	for (const char *c = port; *c != '\0'; c++) {
		if (*c < '0' || *c > '9') {
			mu_log(MU_LOG_ERR, "monitor: CLIENT refused");
			return -1;
		}
		p = p * 10 + (unsigned long)(*c - '0');
	}
	if (p > 65535) {
		mu_log(MU_LOG_ERR, "monitor: CLIENT refused");
		return -1;
	}
	m->client_final = true;
	snprintf(m->client, sizeof m->client, "%s", addr);
	m->client_port = (unsigned)p;
	privsep_monitor_log_prefix(m);
	return admit_client(m);
}

/* Every login request (PASS, APOP, a new SASL_START) starts here: the
 * attempt budget.  CLIENT and HANDOVER ask for no verdict. */
static bool
attempt_allowed(struct monitor *m)
{
	m->client_final = true;
	return ++m->attempts <= PRIVSEP_MAX_ATTEMPTS;
}

static int
handle_pass(struct monitor *m, const struct ipc_msg *msg)
{
	const char *user = ipc_field_str(msg, 0, 2 * USERDB_NAME_MAX + 1);
	const char *password = ipc_field_str(msg, 1, USERDB_PASSWORD_MAX);

	if (msg->nfields != 2 || ipc_field_absent(msg, 0) ||
	    ipc_field_absent(msg, 1)) {
		mu_log(MU_LOG_ERR, "monitor: malformed PASS");
		return -1;
	}
	if (!attempt_allowed(m))
		return monitor_fail(m, "[AUTH] too many login attempts", true);
	attempt_begin(m, "USER/PASS");
	/* too long, or with a NUL: fails like any wrong password */
	if (user == NULL)
		set_why(m, "malformed user name");
	else if (attempt_identify(m, user, NULL) == 0) {
		if (password == NULL)
			set_why(m, "malformed password");
		else
			attempt_check_password(m, password);
	}
	return attempt_finish(m, NULL);
}

static bool
is_hex32(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if (i >= 32 || !isxdigit((unsigned char)s[i]))
			return false;
	return i == 32;
}

static int
handle_apop(struct monitor *m, const struct ipc_msg *msg)
{
	const char *user = ipc_field_str(msg, 0, 2 * USERDB_NAME_MAX + 1);
	const char *digest = ipc_field_str(msg, 1, 32);
	char lower[33];
	const char *why = NULL;

	if (msg->nfields != 2 || ipc_field_absent(msg, 0) ||
	    ipc_field_absent(msg, 1)) {
		mu_log(MU_LOG_ERR, "monitor: malformed APOP");
		return -1;
	}
	if (!attempt_allowed(m))
		return monitor_fail(m, "[AUTH] too many login attempts", true);
	attempt_begin(m, "APOP");
	if (m->apop_timestamp[0] == '\0') {
		/* the network process offered no APOP: it should not ask */
		mu_log(MU_LOG_ERR, "monitor: APOP without a timestamp");
		return -1;
	}
	if (user == NULL || digest == NULL || !is_hex32(digest)) {
		set_why(m, "malformed APOP request");
		return attempt_finish(m, NULL);
	}
	for (int i = 0; i < 33; i++)
		lower[i] = (char)tolower((unsigned char)digest[i]);
	if (attempt_identify(m, user, NULL) == 0 && !m->at.blocked) {
		/* the timestamp is ours, never the network process's */
		memset(&m->at.user, 0, sizeof m->at.user);
		m->at.result = auth_apop(m->cfg, m->at.authuser,
					 m->apop_timestamp, lower, &m->at.user,
					 &why);
		if (m->at.result == AUTH_OK)
			m->at.authenticated = true;
		else
			set_why(m, why);
	}
	return attempt_finish(m, NULL);
}

static int
handle_handover(struct monitor *m, const struct ipc_msg *msg)
{
	/* the monitor only keeps these for the transaction process: the
	 * same bytes the network process could send it any time */
	if (msg->nfields < 2 || msg->nfields > 4 ||
	    (msg->nfields > 3 && msg->field[3].data != NULL &&
	     (msg->field[3].len > POP3_LINE_MAX ||
	      memchr(msg->field[3].data, '\0', msg->field[3].len) != NULL)) ||
	    (msg->field[1].data != NULL &&
	     msg->field[1].len > POP3_INPUT_BUFSIZE)) {
		mu_log(MU_LOG_ERR, "monitor: malformed HANDOVER");
		return -1;
	}
	privsep_keep_handover(m, msg);
	return 0;
}

/* STLS succeeded or is about to: the client's socket carries TLS from
 * now on, which only the network process speaks.  Sent once, if ever. */
static int
handle_tls(struct monitor *m, const struct ipc_msg *msg)
{
	if (msg->nfields != 0 || m->tls) {
		mu_log(MU_LOG_ERR, "monitor: malformed or repeated TLS");
		return -1;
	}
	m->tls = true;
	privsep_monitor_close_client(m);
	return 0;
}

static int
dispatch(struct monitor *m, const struct ipc_msg *msg)
{
	/* with a PROXY v2 header the address comes first (doc/privsep.md) */
	if (!m->client_final && msg->type != IPC_CLIENT &&
	    privsep_monitor_expects_client(m)) {
		mu_log(MU_LOG_ERR, "monitor: %s before CLIENT",
		       ipc_type_name(msg->type));
		return -1;
	}
	if (m->logged_in) {
		mu_log(MU_LOG_ERR, "monitor: %s after login",
		       ipc_type_name(msg->type));
		return -1;
	}
	/* one exchange at a time: nothing else while SASL runs but its own
	 * steps, and the handover that goes before each of them (the step
	 * that ends the exchange may log the user in) */
	if (m->sasl_phase != SASL_IDLE && msg->type != IPC_SASL_STEP &&
	    msg->type != IPC_SASL_CANCEL && msg->type != IPC_HANDOVER) {
		mu_log(MU_LOG_ERR, "monitor: %s during a SASL exchange",
		       ipc_type_name(msg->type));
		return -1;
	}
	switch (msg->type) {
	case IPC_CLIENT:
		return handle_client(m, msg);
	case IPC_HANDOVER:
		return handle_handover(m, msg);
	case IPC_TLS:
		return handle_tls(m, msg);
	case IPC_PASS:
		return handle_pass(m, msg);
	case IPC_APOP:
		return handle_apop(m, msg);
	case IPC_SASL_START:
		if (m->sasl_phase == SASL_IDLE && !attempt_allowed(m))
			return monitor_fail(m, "[AUTH] too many login attempts",
					    true);
		return sasl_handle_start(m, msg);
	case IPC_SASL_STEP:
		return sasl_handle_step(m, msg);
	case IPC_SASL_CANCEL:
		return sasl_handle_cancel(m, msg);
	default:
		mu_log(MU_LOG_ERR, "monitor: unexpected %s from the network "
		       "process", ipc_type_name(msg->type));
		return -1;
	}
}

/* How long the monitor waits for the next request: login_timeout is the
 * network process's to enforce (it tells the client why), but one taken
 * over must not keep a session open past it, so the monitor ends the
 * session itself a little later.  -1: no limit; 0: the time is up. */
static int
request_wait_ms(const struct monitor *m)
{
	if (m->cfg->login_timeout == 0)
		return -1;
	return mu_ms_left(&m->started, (long long)m->cfg->login_timeout * 1000 +
			  POP3_LOGIN_TIMEOUT_GRACE_MS);
}

int
monitor_run(struct monitor *m)
{
	static struct ipc_msg msg;
	const char *error;

	/* with PROXY v2, once the client is known (handle_client) */
	if (!m->proxy_v2 && monitor_hello(m) < 0)
		return 1;
	while (!m->logged_in) {
		int wait_ms = request_wait_ms(m);
		int rc = wait_ms == 0 ? -1 :
			ipc_recv(m->ctl_fd, &msg, wait_ms, privsep_stop_flag(),
				 &error);

		if (rc == 0)
			break;          /* the session is over before login */
		if (rc < 0 && !*privsep_stop_flag() &&
		    request_wait_ms(m) == 0) {
			mu_log(MU_LOG_NOTICE, "monitor: no login within "
			       "login_timeout (%u s); ending the session",
			       m->cfg->login_timeout);
			break;
		}
		if (rc < 0) {
			if (!*privsep_stop_flag())
				mu_log(MU_LOG_ERR, "monitor: receive: %s", error);
			break;
		}
		rc = dispatch(m, &msg);
		/* What was handed over belongs to the one request it came
		 * with.  Once that request is answered -- a failure, a
		 * challenge, a login that took it -- it is gone: the next
		 * request brings its own or none, and input a client sent
		 * before a failed attempt or an STLS can never reach a
		 * later login's transaction process (doc/security.md). */
		if (msg.type != IPC_HANDOVER && msg.type != IPC_CLIENT)
			privsep_drop_handover(m);
		ipc_msg_wipe(&msg);
		if (rc < 0)
			break;
	}
	if (m->at.authenticated)
		auth_user_free(&m->at.user);
	return 0;
}
