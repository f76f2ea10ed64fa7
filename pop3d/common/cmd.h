/* Command tables and their dispatch.  Each state has its table, in the
 * process that serves it: AUTHORIZATION in the network process
 * (net/auth_commands.c), TRANSACTION in the transaction process
 * (mail/trans_commands.c); a session runs the table of s->commands. */
#ifndef POP3D_CMD_H
#define POP3D_CMD_H

#include <stdbool.h>
#include <stddef.h>

#include "pop3d/common/session.h"

/* What a command leaves the session to do. */
enum cmd_result {
	CMD_OK,                 /* answered; read the next command */
	CMD_CLOSE,              /* the session must end at once (the client
				 * or the monitor is gone, a reply broke) */
	CMD_HANDOVER,           /* logged in: the transaction process has
				 * the session, this loop ends */
};

/* A handler gets its arguments already split and counted by the table.
 * It answers the client itself. */
typedef enum cmd_result cmd_handler(struct session *s, int argc,
				    char **argv);

/* max_args CMD_ARGS_REST: argv[0] is the rest of the line after the
 * keyword and one space, as sent (PASS: a password may hold spaces,
 * RFC 1939 section 7). */
#define CMD_ARGS_REST (-1)

struct command {
	const char *name;
	cmd_handler *handler;
	int min_args, max_args;
	/* CMD_CREDENTIALS: carries a password or proof of one; the table's
	 * credentials guard runs first */
	unsigned flags;
};

#define CMD_CREDENTIALS (1u << 0)

/* Before a CMD_CREDENTIALS command, before its arguments are looked at:
 * true to run it; false when it is refused (answered; *result_r). */
typedef bool cmd_guard(struct session *s, enum cmd_result *result_r);

struct cmd_table {
	const struct command *commands;
	size_t count;
	cmd_guard *credentials_guard;           /* NULL: none */
};

/* Run one command line (without its line end) from s->commands.  A
 * keyword POP3 knows but this state does not take gets the wrong-state
 * reply, any other the unknown-command one. */
enum cmd_result cmd_dispatch(struct session *s, char *line);

#endif
