/* What the log says about a session besides its events: the command
 * trace of pop3_cmd_debug and the one summary line at its end. */
#ifndef POP3D_SESSIONLOG_H
#define POP3D_SESSIONLOG_H

#include "pop3d/common/session.h"

/* After a command has been answered: with pop3_cmd_debug 2, log it and
 * the first line of the reply; with 1, only if the reply was -ERR.
 * masked is the command line as mask_client_line() gave it. */
void session_log_command(const struct session *s, const char *masked);

/* The summary line, once, when the session ends:
 *   session end: user=NAME retrieved=N octets=N deleted=N
 *   duration=S.mmm end=REASON
 * (after the usual [client ADDR port N ...] prefix). */
void session_log_summary(const struct session *s);

#endif
