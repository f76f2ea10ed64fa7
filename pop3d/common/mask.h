/* Which parts of what a client sends are secrets: the one rule that both
 * pop3_cmd_debug (the log) and telemetry_dir (transcripts) follow. */
#ifndef POP3D_MASK_H
#define POP3D_MASK_H

#include <stdbool.h>
#include <stddef.h>

/* What stands in for a secret. */
#define MASK_TEXT "***"

/* Copy line (a command line, without its line end) into buf, cut to
 * size, with its secrets replaced by MASK_TEXT: the argument of PASS,
 * the digest of APOP, the initial response of AUTH, and the whole line
 * when secret_input (a SASL continuation, RFC 5034 section 4) unless it
 * is the "*" that cancels the exchange.  Returns buf. */
const char *mask_client_line(const char *line, bool secret_input, char *buf,
			     size_t size);

#endif
