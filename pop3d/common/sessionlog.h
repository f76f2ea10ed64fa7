/* What the log says about a session besides its events: the command
 * trace of pop3_cmd_debug and the one summary line at its end. */
#ifndef POP3D_SESSIONLOG_H
#define POP3D_SESSIONLOG_H

#include <stddef.h>
#include <stdint.h>

#include "pop3d/common/session.h"

/* After a command has been answered: with pop3_cmd_debug 2, log it and
 * the first line of the reply; with 1, only if the reply was -ERR.
 * masked is the command line as mask_client_line() gave it. */
void session_log_command(const struct session *s, const char *masked);

/* What the summary line counts of a session after login (the
 * transaction process's). */
struct session_tally {
	unsigned retr_count;                    /* messages sent by RETR */
	uint64_t retr_octets;
	size_t deleted_count;                   /* removed at QUIT */
};

/* The summary line, once, when the session ends:
 *   session end: user=NAME retrieved=N octets=N deleted=N
 *   duration=S.mmm end=REASON
 * (after the usual [client ADDR port N ...] prefix).  user and tally
 * NULL: nobody logged in. */
void session_log_summary(const struct session *s, const char *user,
			 const struct session_tally *tally);

#endif
