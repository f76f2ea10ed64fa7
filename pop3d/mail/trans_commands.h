/* The TRANSACTION state's commands (RFC 1939 section 5), served by the
 * transaction process: the table and its handlers. */
#ifndef POP3D_TRANS_COMMANDS_H
#define POP3D_TRANS_COMMANDS_H

#include "pop3d/common/cmd.h"

extern const struct cmd_table transaction_commands;

/* ---- handlers, one file each ---- */
cmd_handler cmd_stat;                   /* stat.c */
cmd_handler cmd_list;                   /* list.c */
cmd_handler cmd_retr;                   /* retr.c */
cmd_handler cmd_top;                    /* top.c */
cmd_handler cmd_uidl;                   /* uidl.c */
cmd_handler cmd_dele;                   /* dele.c */
cmd_handler cmd_rset;                   /* rset.c */
cmd_handler cmd_noop;                   /* noop.c */
cmd_handler cmd_capa_transaction;       /* trans_capa.c */
cmd_handler cmd_quit_transaction;       /* trans_quit.c: UPDATE */

#endif
