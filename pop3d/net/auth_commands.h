/* The AUTHORIZATION state's commands (RFC 1939 section 4), served by the
 * network process: the table and its handlers. */
#ifndef POP3D_AUTH_COMMANDS_H
#define POP3D_AUTH_COMMANDS_H

#include "pop3d/common/cmd.h"

extern const struct cmd_table authorization_commands;

/* ---- handlers, one file each (or a small group) ---- */
cmd_handler cmd_user, cmd_pass;         /* user.c */
cmd_handler cmd_apop;                   /* apop.c */
cmd_handler cmd_auth;                   /* authcmd.c */
cmd_handler cmd_stls;                   /* stls.c */
cmd_handler cmd_capa_authorization;     /* auth_capa.c */
cmd_handler cmd_quit_authorization;     /* auth_quit.c */

#endif
