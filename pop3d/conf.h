/* Reading the configuration at start, on SIGHUP and for pop3d -t. */
#ifndef POP3D_CONF_H
#define POP3D_CONF_H

#include <stdbool.h>
#include <stdio.h>

#include "libmu/settings.h"

/* Read file into cfg (already mu_config_init'ed) and check what the
 * parser cannot: the mailbox template.  A missing file is an error only
 * when explicit_file (given with -c).  Every problem goes to errs as
 * `FILE:LINE: message`; returns the number of problems, 0 if sound. */
int conf_read_checked(struct mu_config *cfg, const char *file,
		      bool explicit_file, FILE *errs);

/* The same, keeping only the first problem: a malloc'd line for the one
 * line on stderr that a bad config gets at start.  0 ok, -1 bad. */
int conf_load(struct mu_config *cfg, const char *file, bool explicit_file,
	      char **error_r);

/* The line where file sets directive name, 0 if it does not. */
unsigned conf_directive_line(const char *file, const char *name);

/* host_id, or the system's host name when it is unset: into buf,
 * which is returned. */
const char *conf_host_id(const struct mu_config *cfg, char *buf, size_t size);

/* Log one warning per directive set in the file whose feature is not
 * built yet: accepted, never silently ignored. */
void conf_warn_unimplemented(const struct mu_config *cfg);

#endif
