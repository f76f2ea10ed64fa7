/* The command trace (pop3_cmd_debug) and the summary line of a session.
 * Both go through mu_log at level notice: an administrator who turned
 * the trace on wants to see it at the default pop3_log_level, and the
 * summary is the line to keep if only one is kept. */
#include "config.h"

#include <stdio.h>
#include <time.h>

#include "libmu/log.h"
#include "pop3d/common/sessionlog.h"

volatile sig_atomic_t session_stop_requested;

static const char *const end_names[] = {
	[SESSION_END_UNKNOWN] = "unknown",
	[SESSION_END_QUIT] = "quit",
	[SESSION_END_TIMEOUT] = "timeout",
	[SESSION_END_LOGIN_TIMEOUT] = "login-timeout",
	[SESSION_END_STALLED] = "stalled",
	[SESSION_END_DROPPED] = "dropped",
	[SESSION_END_FLOOD] = "flood",
	[SESSION_END_TOO_MANY_ERRORS] = "too-many-errors",
	[SESSION_END_SHUTDOWN] = "shutdown",
	[SESSION_END_PROXY] = "proxy-error",
	[SESSION_END_REFUSED] = "refused",
	[SESSION_END_TLS] = "tls-error",
	[SESSION_END_ERROR] = "error",
};

const char *
session_end_name(enum session_end why)
{
	if ((size_t)why >= sizeof end_names / sizeof end_names[0] ||
	    end_names[why] == NULL)
		return "unknown";
	return end_names[why];
}

void
session_end_set(struct session *s, enum session_end why)
{
	if (s->end == SESSION_END_UNKNOWN)
		s->end = why;
}

void
session_log_command(const struct session *s, const char *masked)
{
	unsigned level = s->cfg->cmd_debug;

	if (level == 0 || (level == 1 && s->last_reply_ok))
		return;
	mu_log(MU_LOG_NOTICE, "command \"%s\": %s", masked,
	       s->last_reply[0] != '\0' ? s->last_reply : "(no reply)");
}

void
session_log_summary(const struct session *s, const char *user,
		    const struct session_tally *tally)
{
	static const struct session_tally none;
	struct timespec now;
	long long ms;
	char name[64];

	if (tally == NULL)
		tally = &none;
	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (now.tv_sec - s->started.tv_sec) * 1000LL +
		(now.tv_nsec - s->started.tv_nsec) / 1000000;
	mu_log(MU_LOG_NOTICE, "session end: user=%s retrieved=%u octets=%llu "
	       "deleted=%zu duration=%lld.%03llds end=%s",
	       user != NULL ? log_quote(user, name, sizeof name) : "-",
	       tally->retr_count, (unsigned long long)tally->retr_octets,
	       tally->deleted_count, ms / 1000, ms % 1000,
	       session_end_name(s->end));
}
