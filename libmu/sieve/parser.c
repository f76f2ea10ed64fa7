/* The Sieve parser: RFC 5228 section 8.2 (grammar), by recursive descent.
 *
 *   commands  = *command
 *   command   = identifier arguments (";" / block)
 *   block     = "{" commands "}"
 *   arguments = *argument [test / test-list]
 *   argument  = string-list / number / tag
 *   test      = identifier arguments
 *   test-list = "(" test *("," test) ")"
 *
 * The grammar is generic; check.c then gives each command and test its
 * meaning.  This file also enforces where commands may stand: require
 * first (section 3.2), elsif and else only after if or elsif (3.1). */
#include <config.h>             /* autoconf's, through -I. */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "compile.h"
#include "util.h"

static int parse_test(struct sieve_compiler *c, const char *owner,
		      struct sieve_test **test_r);
static int parse_block_body(struct sieve_compiler *c, struct sieve_block *block,
			    bool top);

static int
next(struct sieve_compiler *c)
{
	return sieve_lexer_next(&c->lexer, &c->tok);
}

static int
unexpected(struct sieve_compiler *c, const char *expected)
{
	char buf[128];

	return sieve_error(c, c->tok.pos, "expected %s, found %s", expected,
			   sieve_token_describe(&c->tok, buf, sizeof buf));
}

static int
enter(struct sieve_compiler *c, struct sieve_pos pos)
{
	if (++c->depth > SIEVE_MAX_DEPTH)
		return sieve_error(c, pos, "nesting deeper than %d levels",
				   SIEVE_MAX_DEPTH);
	return 0;
}

static void
strlist_add(struct sieve_strlist *list, char *s)
{
	list->items = mu_xreallocarray(list->items, list->count + 1,
				       sizeof *list->items);
	list->items[list->count++] = s;
}

/* The current token's string, taken over (the token no longer owns it). */
static char *
take_text(struct sieve_compiler *c)
{
	char *s = c->tok.text;

	c->tok.text = NULL;
	return s;
}

/* string-list = "[" string *("," string) "]" / string */
static int
parse_string_list(struct sieve_compiler *c, struct sieve_arg *arg)
{
	if (c->tok.kind == SIEVE_TOK_STRING) {
		arg->kind = SIEVE_ARG_STRING;
		strlist_add(&arg->strings, take_text(c));
		return next(c);
	}
	arg->kind = SIEVE_ARG_STRING_LIST;
	if (next(c) < 0)	/* past "[" */
		return -1;
	for (;;) {
		if (c->tok.kind != SIEVE_TOK_STRING)
			return unexpected(c, arg->strings.count == 0 ?
					  "a string in the string list" :
					  "a string after ',' in the string list");
		if (arg->strings.count >= SIEVE_MAX_LIST)
			return sieve_error(c, c->tok.pos,
					   "string list longer than %d strings",
					   SIEVE_MAX_LIST);
		strlist_add(&arg->strings, take_text(c));
		if (next(c) < 0)
			return -1;
		if (c->tok.kind == SIEVE_TOK_RBRACKET)
			return next(c);
		if (c->tok.kind != SIEVE_TOK_COMMA)
			return unexpected(c, "',' or ']' in the string list");
		if (next(c) < 0)
			return -1;
	}
}

static int
parse_test_list(struct sieve_compiler *c, const char *owner,
		struct sieve_args *args)
{
	if (next(c) < 0)	/* past "(" */
		return -1;
	for (;;) {
		struct sieve_test *test;

		if (args->ntests >= SIEVE_MAX_LIST)
			return sieve_error(c, c->tok.pos,
					   "test list longer than %d tests",
					   SIEVE_MAX_LIST);
		if (parse_test(c, owner, &test) < 0)
			return -1;
		args->tests = mu_xreallocarray(args->tests, args->ntests + 1,
					       sizeof *args->tests);
		args->tests[args->ntests++] = test;
		if (c->tok.kind == SIEVE_TOK_RPAREN)
			return next(c);
		if (c->tok.kind != SIEVE_TOK_COMMA)
			return unexpected(c, "',' or ')' in the test list");
		if (next(c) < 0)
			return -1;
	}
}

/* arguments = *argument [test / test-list]; owner: the command or test
 * they belong to */
static int
parse_arguments(struct sieve_compiler *c, const char *owner,
		struct sieve_args *args)
{
	memset(args, 0, sizeof *args);
	for (;;) {
		struct sieve_arg arg;
		int rc = 0;

		memset(&arg, 0, sizeof arg);
		arg.pos = c->tok.pos;
		switch (c->tok.kind) {
		case SIEVE_TOK_TAG:
			arg.kind = SIEVE_ARG_TAG;
			arg.tag = take_text(c);
			rc = next(c);
			break;
		case SIEVE_TOK_NUMBER:
			arg.kind = SIEVE_ARG_NUMBER;
			arg.number = c->tok.number;
			rc = next(c);
			break;
		case SIEVE_TOK_STRING:
		case SIEVE_TOK_LBRACKET:
			rc = parse_string_list(c, &arg);
			break;
		default:
			goto tests;
		}
		if (args->count >= SIEVE_MAX_LIST) {
			free(arg.tag);
			sieve_strlist_free(&arg.strings);
			return sieve_error(c, arg.pos, "more than %d arguments",
					   SIEVE_MAX_LIST);
		}
		args->items = mu_xreallocarray(args->items, args->count + 1,
					       sizeof *args->items);
		args->items[args->count++] = arg;
		if (rc < 0)
			return -1;
	}
tests:
	args->tests_pos = c->tok.pos;
	if (c->tok.kind == SIEVE_TOK_IDENTIFIER) {
		args->has_test = true;
		args->tests = mu_xmalloc(sizeof *args->tests);
		if (parse_test(c, owner, &args->tests[0]) < 0)
			return -1;
		args->ntests = 1;
	} else if (c->tok.kind == SIEVE_TOK_LPAREN) {
		args->has_test = true;
		args->test_list = true;
		if (enter(c, c->tok.pos) < 0)
			return -1;
		if (parse_test_list(c, owner, args) < 0)
			return -1;
		c->depth--;
	}
	return 0;
}

/* test = identifier arguments */
static int
parse_test(struct sieve_compiler *c, const char *owner,
	   struct sieve_test **test_r)
{
	struct sieve_args args;
	struct sieve_pos pos = c->tok.pos;
	char *name;

	*test_r = NULL;
	memset(&args, 0, sizeof args);
	if (c->tok.kind != SIEVE_TOK_IDENTIFIER)
		return unexpected(c, "a test");
	if (enter(c, pos) < 0)
		return -1;
	name = take_text(c);
	if (next(c) < 0 || parse_arguments(c, name, &args) < 0) {
		free(name);
		sieve_args_free(&args);
		return -1;
	}
	*test_r = sieve_check_test(c, name, pos, owner, &args);
	free(name);
	sieve_args_free(&args);
	c->depth--;
	return *test_r == NULL ? -1 : 0;
}

/* Where a command may stand, given the one before it in its block. */
static int
check_order(struct sieve_compiler *c, const struct sieve_command *cmd,
	    const struct sieve_command *prev)
{
	bool after_if = prev != NULL && (prev->kind == SIEVE_CMD_IF ||
					 prev->kind == SIEVE_CMD_ELSIF);

	switch (cmd->kind) {
	case SIEVE_CMD_ELSIF:
		if (!after_if)
			return sieve_error(c, cmd->pos,
					   "elsif without a preceding if or elsif");
		break;
	case SIEVE_CMD_ELSE:
		if (!after_if)
			return sieve_error(c, cmd->pos,
					   "else without a preceding if or elsif");
		break;
	default:
		break;
	}
	return 0;
}

/* command = identifier arguments (";" / block) */
static int
parse_command(struct sieve_compiler *c, struct sieve_command **cmd_r)
{
	struct sieve_args args;
	struct sieve_block block = { NULL, 0 };
	struct sieve_pos pos = c->tok.pos;
	bool has_block = false;
	char *name;

	*cmd_r = NULL;
	memset(&args, 0, sizeof args);
	if (c->tok.kind != SIEVE_TOK_IDENTIFIER)
		return unexpected(c, "a command");
	name = take_text(c);
	/* require comes first (section 3.2); a command seen, even one whose
	 * block is still being read, closes the door */
	if (strcmp(name, "require") == 0 && c->seen_command) {
		sieve_error(c, pos, "require must come before any other command "
			    "(RFC 5228 section 3.2)");
		goto fail;
	}
	if (strcmp(name, "require") != 0)
		c->seen_command = true;
	if (next(c) < 0 || parse_arguments(c, name, &args) < 0)
		goto fail;
	if (c->tok.kind == SIEVE_TOK_LBRACE) {
		struct sieve_pos open = c->tok.pos;

		has_block = true;
		if (enter(c, open) < 0 || next(c) < 0 ||
		    parse_block_body(c, &block, false) < 0)
			goto fail;
		if (c->tok.kind != SIEVE_TOK_RBRACE) {
			char buf[128];

			sieve_error(c, c->tok.pos,
				    "expected '}' to close the block opened at %u:%u, "
				    "found %s", open.line, open.column,
				    sieve_token_describe(&c->tok, buf, sizeof buf));
			goto fail;
		}
		c->depth--;
	} else if (c->tok.kind != SIEVE_TOK_SEMICOLON) {
		char what[160];

		snprintf(what, sizeof what, "';' or '{' after the arguments of '%s'",
			 name);
		unexpected(c, what);
		goto fail;
	}
	*cmd_r = sieve_check_command(c, name, pos, &args, has_block, &block);
	if (*cmd_r == NULL)
		goto fail;
	free(name);
	sieve_args_free(&args);
	return next(c);	/* past ";" or "}" */
fail:
	free(name);
	sieve_args_free(&args);
	sieve_block_free(&block);
	return -1;
}

/* commands up to "}" (inside a block) or the end of the script (top). */
static int
parse_block_body(struct sieve_compiler *c, struct sieve_block *block, bool top)
{
	for (;;) {
		struct sieve_command *cmd;

		if (c->tok.kind == SIEVE_TOK_EOF)
			return 0;	/* the caller says whether "}" was due */
		if (c->tok.kind == SIEVE_TOK_RBRACE) {
			if (top)
				return sieve_error(c, c->tok.pos,
						   "unexpected '}': no block is open");
			return 0;
		}
		if (parse_command(c, &cmd) < 0 && cmd == NULL)
			return -1;
		block->commands = mu_xreallocarray(block->commands, block->count + 1,
						   sizeof *block->commands);
		block->commands[block->count++] = cmd;
		if (c->failed)
			return -1;
		if (check_order(c, cmd, block->count > 1 ?
				block->commands[block->count - 2] : NULL) < 0)
			return -1;
	}
}

void
sieve_script_free(struct sieve_script *script)
{
	if (script == NULL)
		return;
	sieve_block_free(&script->top);
	free(script->name);
	free(script);
}

static __thread char compile_error[SIEVE_MAX_ERROR];

static int
fail_with(const char *text, const char **error_r)
{
	snprintf(compile_error, sizeof compile_error, "%s", text);
	*error_r = compile_error;
	return -1;
}

int
sieve_compile(const char *name, const char *text, size_t len,
	      struct sieve_script **script_r, const char **error_r)
{
	struct sieve_compiler *c;
	const char *nul;
	int rc;

	*script_r = NULL;
	c = mu_xcalloc(1, sizeof *c);
	c->name = name;
	c->script = mu_xcalloc(1, sizeof *c->script);
	c->script->name = mu_xstrdup(name);
	sieve_lexer_init(&c->lexer, c, text, len);

	if (len > SIEVE_MAX_SCRIPT_SIZE) {
		struct sieve_pos pos = { 1, 1 };
		sieve_error(c, pos, "script larger than %d octets",
			    SIEVE_MAX_SCRIPT_SIZE);
	} else if ((nul = memchr(text, '\0', len)) != NULL) {
		/* strings are C strings from here on: refuse NUL up front */
		struct sieve_pos pos = { 1, 1 };
		const char *ls = text;

		for (const char *p = text; p < nul; p++)
			if (*p == '\n') {
				pos.line++;
				ls = p + 1;
			}
		pos.column = (unsigned)(nul - ls) + 1;
		sieve_error(c, pos, "NUL octet in script");
	} else if (next(c) == 0) {
		parse_block_body(c, &c->script->top, true);
	}

	rc = c->failed ? fail_with(c->error, error_r) : 0;
	if (rc == 0)
		*script_r = c->script;
	else
		sieve_script_free(c->script);
	sieve_token_free(&c->tok);
	free(c);
	return rc;
}

int
sieve_compile_file(const char *path, struct sieve_script **script_r,
		   const char **error_r)
{
	struct stat st;
	char *text;
	ssize_t n;
	int fd, rc;

	*script_r = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		char buf[SIEVE_MAX_ERROR];

		snprintf(buf, sizeof buf, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return fail_with(buf, error_r);
	}
	if (!S_ISREG(st.st_mode) || st.st_size > SIEVE_MAX_SCRIPT_SIZE) {
		char buf[SIEVE_MAX_ERROR];

		if (!S_ISREG(st.st_mode))
			snprintf(buf, sizeof buf, "%s: not a regular file", path);
		else
			snprintf(buf, sizeof buf, "%s:1:1: script larger than %d octets",
				 path, SIEVE_MAX_SCRIPT_SIZE);
		close(fd);
		return fail_with(buf, error_r);
	}
	text = mu_xmalloc((size_t)st.st_size + 1);
	n = mu_read_full(fd, text, (size_t)st.st_size);
	if (n < 0) {
		char buf[SIEVE_MAX_ERROR];

		snprintf(buf, sizeof buf, "%s: %s", path, strerror(errno));
		close(fd);
		free(text);
		return fail_with(buf, error_r);
	}
	close(fd);
	rc = sieve_compile(path, text, (size_t)n, script_r, error_r);
	free(text);
	return rc;
}
