/* The command table: each POP3 command, its handler, the states it is
 * allowed in and how many arguments it takes.  The checks common to all
 * commands live here once; a handler sees only well-formed calls. */
#include "config.h"

#include <strings.h>
#include <string.h>

#include "libmu/log.h"
#include "pop3d/common/cmd.h"
#include "pop3d/common/reply.h"
#include "pop3d/net/tls.h"

#define AUTH STATE_AUTHORIZATION
#define TRANS STATE_TRANSACTION

static const struct command commands[] = {
	/* RFC 1939 section 7 (optional commands), 2449 section 5 (CAPA) */
	{ "USER", cmd_user, AUTH, 1, 1, CMD_CREDENTIALS },
	{ "PASS", cmd_pass, AUTH, 1, CMD_ARGS_REST, CMD_CREDENTIALS },
	{ "APOP", cmd_apop, AUTH, 2, 2, CMD_CREDENTIALS },
	/* RFC 5034: the mechanism and an initial response */
	{ "AUTH", cmd_auth, AUTH, 0, 2, CMD_CREDENTIALS },
	{ "CAPA", cmd_capa, AUTH | TRANS, 0, 0, 0 },
	/* RFC 2595 section 4 */
	{ "STLS", cmd_stls, AUTH, 0, 0, 0 },
	/* RFC 1939 sections 5 and 6 */
	{ "QUIT", cmd_quit, AUTH | TRANS, 0, 0, 0 },
	{ "STAT", cmd_stat, TRANS, 0, 0, 0 },
	{ "LIST", cmd_list, TRANS, 0, 1, 0 },
	{ "RETR", cmd_retr, TRANS, 1, 1, 0 },
	{ "DELE", cmd_dele, TRANS, 1, 1, 0 },
	{ "NOOP", cmd_noop, TRANS, 0, 0, 0 },
	{ "RSET", cmd_rset, TRANS, 0, 0, 0 },
	{ "TOP", cmd_top, TRANS, 2, 2, 0 },
	{ "UIDL", cmd_uidl, TRANS, 0, 1, 0 },
};

static const struct command *
command_find(const char *name)
{
	/* RFC 1939 section 3: keywords are case-insensitive */
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (strcasecmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

/* Split args at spaces into at most max words.  Runs of spaces and
 * trailing spaces are tolerated (some clients send "STAT ").  Returns
 * the number of words, or -1 if there are more than max. */
static int
split_words(char *args, char **argv, int max)
{
	int argc = 0;
	char *p = args;

	for (;;) {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			return argc;
		if (argc == max)
			return -1;
		argv[argc++] = p;
		while (*p != ' ' && *p != '\0')
			p++;
		if (*p == ' ')
			*p++ = '\0';
	}
}

int
cmd_dispatch(struct session *s, char *line)
{
	const struct command *cmd;
	char *argv[POP3_MAX_ARGS + 1];
	char *args;
	int argc;

	args = strchr(line, ' ');
	if (args != NULL)
		*args++ = '\0';
	else
		args = line + strlen(line);

	cmd = command_find(line);
	if (cmd == NULL) {
		char name[32];

		mu_log(MU_LOG_DEBUG, "unknown command \"%s\"",
		       log_quote(line, name, sizeof name));
		return reply_error(s, ERR_UNKNOWN_COMMAND);
	}
	if (!(cmd->states & s->state))
		return reply_error(s, ERR_WRONG_STATE);
	/* pop3_force_tls: refused before any backend sees the credentials */
	if ((cmd->flags & CMD_CREDENTIALS) && !tls_login_allowed(s))
		return tls_refuse_login(s);

	if (cmd->max_args == CMD_ARGS_REST) {
		argv[0] = args;
		argc = *args != '\0' ? 1 : 0;
	} else {
		argc = split_words(args, argv, cmd->max_args);
	}
	if (argc < cmd->min_args || argc < 0)
		return reply_error(s, ERR_SYNTAX);
	argv[argc] = NULL;
	return cmd->handler(s, argc, argv);
}
