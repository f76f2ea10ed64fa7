/* Dispatch from a state's command table (cmd.h): the checks common to all
 * commands live here once; a handler sees only well-formed calls. */
#include "config.h"

#include <strings.h>
#include <string.h>

#include "libmu/log.h"
#include "pop3d/common/cmd.h"
#include "pop3d/common/reply.h"

/* Every keyword of the commands pop3d serves, in either state (RFC 1939,
 * 2449, 2595, 5034): one that the current state's table lacks is in the
 * wrong state, not unknown. */
static const char *const keywords[] = {
	"USER", "PASS", "APOP", "AUTH", "CAPA", "STLS", "QUIT",
	"STAT", "LIST", "RETR", "DELE", "NOOP", "RSET", "TOP", "UIDL",
};

static bool
known_keyword(const char *name)
{
	/* RFC 1939 section 3: keywords are case-insensitive */
	for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++)
		if (strcasecmp(keywords[i], name) == 0)
			return true;
	return false;
}

static const struct command *
command_find(const struct cmd_table *table, const char *name)
{
	for (size_t i = 0; i < table->count; i++)
		if (strcasecmp(table->commands[i].name, name) == 0)
			return &table->commands[i];
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

enum cmd_result
cmd_dispatch(struct session *s, char *line)
{
	const struct command *cmd;
	enum cmd_result result;
	char *argv[POP3_MAX_ARGS + 1];
	char *args;
	int argc;

	args = strchr(line, ' ');
	if (args != NULL)
		*args++ = '\0';
	else
		args = line + strlen(line);

	cmd = command_find(s->commands, line);
	if (cmd == NULL && known_keyword(line)) {
		reply_error(s, ERR_WRONG_STATE);
		return CMD_OK;
	}
	if (cmd == NULL) {
		char name[32];

		mu_log(MU_LOG_DEBUG, "unknown command \"%s\"",
		       log_quote(line, name, sizeof name));
		reply_error(s, ERR_UNKNOWN_COMMAND);
		return CMD_OK;
	}
	/* pop3_force_tls: refused before any backend sees the credentials */
	if ((cmd->flags & CMD_CREDENTIALS) &&
	    s->commands->credentials_guard != NULL &&
	    !s->commands->credentials_guard(s, &result))
		return result;

	if (cmd->max_args == CMD_ARGS_REST) {
		argv[0] = args;
		argc = *args != '\0' ? 1 : 0;
	} else {
		argc = split_words(args, argv, cmd->max_args);
	}
	if (argc < cmd->min_args || argc < 0) {
		reply_error(s, ERR_SYNTAX);
		return CMD_OK;
	}
	argv[argc] = NULL;
	return cmd->handler(s, argc, argv);
}
