/* Logging to stderr, syslog or a file.
 *
 * Every message becomes one line written with one write(): forked session
 * children share the file descriptor, and O_APPEND plus a single write keeps
 * their lines whole and in order.  Bytes below 0x20 and 0x7f are escaped, so
 * a user name sent by a client cannot forge a second log line. */
#include <config.h>             /* autoconf's, through -I. */

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

/* One log line at most; a longer message is cut and ends in "...". */
#define MU_LOG_LINE_MAX 2048
#define MU_LOG_PREFIX_MAX 256

enum log_target { TARGET_STDERR, TARGET_SYSLOG, TARGET_FILE };

static struct {
	enum log_target target;
	int fd;                         /* stderr or the log file */
	unsigned level;
	char ident[64];
	char prefix[MU_LOG_PREFIX_MAX];
} log_state = {
	/* before mu_log_open, e.g. for errors while reading the config */
	.target = TARGET_STDERR, .fd = STDERR_FILENO, .level = MU_LOG_NOTICE,
};

static const char *const level_names[] = {
	[MU_LOG_CRIT] = "crit", [MU_LOG_ERR] = "error",
	[MU_LOG_WARNING] = "warning", [MU_LOG_NOTICE] = "notice",
	[MU_LOG_INFO] = "info", [MU_LOG_DEBUG] = "debug",
};

static const int syslog_priorities[] = {
	[MU_LOG_CRIT] = LOG_CRIT, [MU_LOG_ERR] = LOG_ERR,
	[MU_LOG_WARNING] = LOG_WARNING, [MU_LOG_NOTICE] = LOG_NOTICE,
	[MU_LOG_INFO] = LOG_INFO, [MU_LOG_DEBUG] = LOG_DEBUG,
};

static unsigned
clamp_level(unsigned level)
{
	if (level < MU_LOG_CRIT)
		return MU_LOG_CRIT;
	if (level > MU_LOG_DEBUG)
		return MU_LOG_DEBUG;
	return level;
}

void
mu_log_close(void)
{
	if (log_state.target == TARGET_FILE)
		close(log_state.fd);
	else if (log_state.target == TARGET_SYSLOG)
		closelog();
	log_state.target = TARGET_STDERR;
	log_state.fd = STDERR_FILENO;
}

int
mu_log_open(const char *ident, const char *target, unsigned level,
	    int foreground, const char **error_r)
{
	static char error_buf[512];
	int fd = -1;

	/* open the new target first: on failure the old one stays usable */
	if (strcmp(target, "-") != 0 && strcmp(target, "syslog") != 0) {
		fd = open(target, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC |
			  O_NOCTTY, 0640);
		if (fd < 0) {
			snprintf(error_buf, sizeof error_buf,
				 "cannot open log file %s: %s", target,
				 strerror(errno));
			*error_r = error_buf;
			return -1;
		}
	}
	mu_log_close();
	snprintf(log_state.ident, sizeof log_state.ident, "%s", ident);
	log_state.level = clamp_level(level);
	if (fd >= 0) {
		log_state.target = TARGET_FILE;
		log_state.fd = fd;
	} else if (strcmp(target, "-") == 0 && foreground) {
		log_state.target = TARGET_STDERR;
		log_state.fd = STDERR_FILENO;
	} else {
		/* LOG_NDELAY: connect now, before a chroot or privilege drop
		 * could make /dev/log unreachable */
		openlog(log_state.ident, LOG_PID | LOG_NDELAY, LOG_MAIL);
		log_state.target = TARGET_SYSLOG;
	}
	return 0;
}

void
mu_log_set_ident(const char *ident)
{
	snprintf(log_state.ident, sizeof log_state.ident, "%s", ident);
}

void
mu_log_set_prefix(const char *prefix)
{
	snprintf(log_state.prefix, sizeof log_state.prefix, "%s",
		 prefix != NULL ? prefix : "");
}

/* ISO 8601 local time with a numeric offset, e.g. 2024-05-01T12:00:00+02:00 */
static size_t
format_timestamp(char *out, size_t size)
{
	struct timespec ts;
	struct tm tm;
	char zone[8];
	size_t n;

	if (clock_gettime(CLOCK_REALTIME, &ts) < 0 ||
	    localtime_r(&ts.tv_sec, &tm) == NULL)
		return 0;
	n = strftime(out, size, "%Y-%m-%dT%H:%M:%S", &tm);
	/* strftime's %z gives +0200; ISO 8601 extended format wants +02:00 */
	if (n == 0 || strftime(zone, sizeof zone, "%z", &tm) != 5)
		return n;
	return n + (size_t)snprintf(out + n, size - n, "%.3s:%.2s", zone,
				    zone + 3);
}

/* Append TEXT to line[*len], escaping control bytes, leaving room for
 * the final newline; cuts with "..." when full. */
static void
append_escaped(char *line, size_t *len, size_t cap, const char *text)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = *len;

	for (; *text != '\0'; text++) {
		unsigned char c = (unsigned char)*text;
		size_t need = (c < 0x20 || c == 0x7f) ? 4 : 1;

		if (n + need > cap - 4) {       /* room for "..." */
			memcpy(line + n, "...", 3);
			n += 3;
			break;
		}
		if (need == 4) {
			line[n++] = '\\';
			line[n++] = 'x';
			line[n++] = hex[c >> 4];
			line[n++] = hex[c & 15];
		} else {
			line[n++] = (char)c;
		}
	}
	*len = n;
}

void
mu_vlog(enum mu_log_level level, const char *fmt, va_list ap)
{
	char message[MU_LOG_LINE_MAX];
	char line[MU_LOG_LINE_MAX + 1];
	size_t len = 0;
	int saved_errno = errno;        /* callers log, then look at errno */
	unsigned lv = clamp_level((unsigned)level);
	int n;

	if (lv > log_state.level) {
		errno = saved_errno;
		return;
	}
	n = vsnprintf(message, sizeof message, fmt, ap);
	if (n < 0)
		snprintf(message, sizeof message, "(unprintable log message)");
	else if ((size_t)n >= sizeof message)
		memcpy(message + sizeof message - 4, "...", 4);

	if (log_state.target == TARGET_FILE) {
		len = format_timestamp(line, sizeof line);
		line[len++] = ' ';
	}
	if (log_state.target != TARGET_SYSLOG)
		len += (size_t)snprintf(line + len, sizeof line - len,
					"%s[%ld]: %s: ", log_state.ident[0] ?
					log_state.ident :
					program_invocation_short_name,
					(long)getpid(), level_names[lv]);
	if (log_state.prefix[0] != '\0') {
		append_escaped(line, &len, sizeof line, log_state.prefix);
		append_escaped(line, &len, sizeof line, " ");
	}
	append_escaped(line, &len, sizeof line, message);

	if (log_state.target == TARGET_SYSLOG) {
		line[len] = '\0';
		syslog(syslog_priorities[lv], "%s", line);
	} else {
		line[len++] = '\n';
		/* one write; a short or failed write to a log has no better
		 * place to be reported */
		if (write(log_state.fd, line, len) < 0)
			(void)0;
	}
	errno = saved_errno;
}

void
mu_log(enum mu_log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	mu_vlog(level, fmt, ap);
	va_end(ap);
}
