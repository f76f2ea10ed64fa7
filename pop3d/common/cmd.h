/* The command table and the helpers every handler shares. */
#ifndef POP3D_CMD_H
#define POP3D_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pop3d/common/session.h"

/* A handler gets its arguments already split and counted by the table.
 * It answers the client itself and returns 0 to go on, -1 when the
 * session must end at once (the client is gone, a response broke). */
typedef int cmd_handler(struct session *s, int argc, char **argv);

/* max_args CMD_ARGS_REST: argv[0] is the rest of the line after the
 * keyword and one space, as sent (PASS: a password may hold spaces,
 * RFC 1939 section 7). */
#define CMD_ARGS_REST (-1)

struct command {
	const char *name;
	cmd_handler *handler;
	unsigned states;                /* enum session_state bits */
	int min_args, max_args;
	/* CMD_CREDENTIALS: carries a password or proof of one; refused
	 * before TLS under pop3_force_tls (tls.h) */
	unsigned flags;
};

#define CMD_CREDENTIALS (1u << 0)

/* Run one command line (without its line end). */
int cmd_dispatch(struct session *s, char *line);

/* ---- helpers (maildrop.c) ---- */

/* Strict decimal: digits only, no sign, no space, no overflow. */
bool parse_number(const char *text, uint64_t *value_r);

/* Map a message-number argument to a mailbox index.  On failure it has
 * already answered -ERR (bad number, no such message, deleted) and
 * returns -1. */
int msg_lookup(struct session *s, const char *arg, size_t *idx_r);

/* Messages not marked deleted, and their octets. */
void maildrop_totals(const struct session *s, size_t *count_r,
		     uint64_t *octets_r);

/* ---- handlers, one file each (or a small group) ---- */
cmd_handler cmd_user, cmd_pass;         /* user.c */
cmd_handler cmd_apop;                   /* apop.c */
cmd_handler cmd_auth;                   /* authcmd.c */
cmd_handler cmd_quit;                   /* quit.c */
cmd_handler cmd_stat;                   /* stat.c */
cmd_handler cmd_list;                   /* list.c */
cmd_handler cmd_retr;                   /* retr.c */
cmd_handler cmd_top;                    /* top.c */
cmd_handler cmd_uidl;                   /* uidl.c */
cmd_handler cmd_dele;                   /* dele.c */
cmd_handler cmd_rset;                   /* rset.c */
cmd_handler cmd_noop;                   /* noop.c */
cmd_handler cmd_capa;                   /* capa.c */
cmd_handler cmd_stls;                   /* stls.c */

#endif
