/* Reading the configuration at start, on SIGHUP and for pop3d -t. */
#ifndef POP3D_CONF_H
#define POP3D_CONF_H

#include <stdbool.h>
#include <stdio.h>

#include "pop3d/common/settings.h"
#include "pop3d/common/limits.h"
/* the response texts come with a configuration (data_file_path) */
#include "pop3d/common/texts.h"

/* Read file into cfg (already mu_config_init'ed) and check what the
 * parser cannot: the mailbox template.  A missing file is an error only
 * when explicit_file (given with -c).  Every problem goes to errs as
 * `FILE:LINE: message`; returns the number of problems, 0 if sound. */
int conf_read_checked(struct mu_config *cfg, const char *file,
		      bool explicit_file, FILE *errs);

/* The same, keeping only the first problem: the one line on stderr that a
 * bad config gets at start.  0 ok, -1 bad with *error_r (a static
 * buffer, valid until the next call). */
int conf_load(struct mu_config *cfg, const char *file, bool explicit_file,
	      const char **error_r);

/* config_file_path: every relative path in a directive that names files
 * (certificates, keys, popauth_db, stat_file, bulletin_db,
 * bulletin_source, telemetry_dir, pop3_log_file, pid_file,
 * data_file_path) becomes the first of config_file_path's directories
 * that has it, or the first directory when none has.  conf_read_checked
 * does it. */
void conf_resolve_paths(struct mu_config *cfg, const char *file);

/* context_max_mem: the least that still works -- the input buffer
 * (limits.h), which must hold a whole command line or SASL response,
 * and room for one reply line. */
#define CONF_CONTEXT_MEM_MIN (POP3_INPUT_BUFSIZE + POP3_REPLY_MAX)

/* The output buffer a session may fill under context_max_mem: the whole
 * POP3_OUTPUT_BUFSIZE by default, less when the limit is lower. */
size_t conf_output_capacity(const struct mu_config *cfg);

/* After login, the network process holds the output buffer and the
 * client's input on its way to the transaction process: the part of
 * full (that buffer's size) the limit leaves for the latter. */
size_t conf_relay_capacity(const struct mu_config *cfg, size_t full);

/* What an administrator can do about a port that cannot be listened on
 * (errno err): a phrase in parentheses, with a leading blank, or "". */
const char *conf_listen_hint(int err, unsigned port);

/* The line where file sets directive name, 0 if it does not. */
unsigned conf_directive_line(const char *file, const char *name);

/* host_id, or the system's host name when it is unset: into buf,
 * which is returned. */
const char *conf_host_id(const struct mu_config *cfg, char *buf, size_t size);

#endif
