/* Logging to stderr, syslog or a file, by level (1 crit .. 6 debug). */
#ifndef MU_LOG_H
#define MU_LOG_H

#include <stdarg.h>

enum mu_log_level {
	MU_LOG_CRIT = 1, MU_LOG_ERR = 2, MU_LOG_WARNING = 3,
	MU_LOG_NOTICE = 4, MU_LOG_INFO = 5, MU_LOG_DEBUG = 6,
};

/* target: "-" (stderr when foreground, else syslog), "syslog", or a path.
 * Returns 0, or -1 with *error_r if the file cannot be opened. */
int mu_log_open(const char *ident, const char *target, unsigned level,
		int foreground, const char **error_r);
void mu_log_close(void);
/* The name lines start with until mu_log_open gives one (until then,
 * and without this call, the program's file name). */
void mu_log_set_ident(const char *ident);
/* A prefix added to every line, e.g. "[client 127.0.0.1]"; NULL clears. */
void mu_log_set_prefix(const char *prefix);
void mu_log(enum mu_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void mu_vlog(enum mu_log_level level, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

#endif
