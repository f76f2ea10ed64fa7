/* The TRANSACTION state's command table (trans_commands.h): what a
 * logged-in client may send, RFC 1939 sections 5-7 and CAPA (RFC 2449
 * section 5), which both states take. */
#include "config.h"

#include "pop3d/mail/trans_commands.h"

static const struct command commands[] = {
	{ "CAPA", cmd_capa_transaction, 0, 0, 0 },
	/* RFC 1939 sections 5 and 6 */
	{ "QUIT", cmd_quit_transaction, 0, 0, 0 },
	{ "STAT", cmd_stat, 0, 0, 0 },
	{ "LIST", cmd_list, 0, 1, 0 },
	{ "RETR", cmd_retr, 1, 1, 0 },
	{ "DELE", cmd_dele, 1, 1, 0 },
	{ "NOOP", cmd_noop, 0, 0, 0 },
	{ "RSET", cmd_rset, 0, 0, 0 },
	{ "TOP", cmd_top, 2, 2, 0 },
	{ "UIDL", cmd_uidl, 0, 1, 0 },
};

const struct cmd_table transaction_commands = {
	commands, sizeof commands / sizeof commands[0], NULL,
};
