/* What the three compile stages share: the lexer's tokens, the generic
 * argument lists the parser builds (RFC 5228 section 8.2 grammar), and the
 * one place errors are written.  Internal to libmu/sieve. */
#ifndef MU_SIEVE_COMPILE_H
#define MU_SIEVE_COMPILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ast.h"

enum sieve_token_kind {
	SIEVE_TOK_EOF, SIEVE_TOK_IDENTIFIER, SIEVE_TOK_TAG, SIEVE_TOK_NUMBER,
	SIEVE_TOK_STRING, SIEVE_TOK_LBRACKET, SIEVE_TOK_RBRACKET,
	SIEVE_TOK_LPAREN, SIEVE_TOK_RPAREN, SIEVE_TOK_LBRACE,
	SIEVE_TOK_RBRACE, SIEVE_TOK_COMMA, SIEVE_TOK_SEMICOLON,
};

struct sieve_token {
	enum sieve_token_kind kind;
	struct sieve_pos pos;
	char *text;             /* identifier, tag (without ':'), string value */
	size_t len;
	uint64_t number;
};

struct sieve_compiler;

struct sieve_lexer {
	struct sieve_compiler *c;
	const char *p, *end;
	const char *line_start;
	unsigned line;
};

/* One argument as written, before the command or test that takes it is
 * known: RFC 5228 section 2.6 (tag, number, string or string list). */
enum sieve_arg_kind { SIEVE_ARG_TAG, SIEVE_ARG_NUMBER, SIEVE_ARG_STRING,
		      SIEVE_ARG_STRING_LIST };

struct sieve_arg {
	enum sieve_arg_kind kind;
	struct sieve_pos pos;
	char *tag;                      /* lower-cased, without ':' */
	uint64_t number;
	struct sieve_strlist strings;   /* STRING: one item */
};

struct sieve_args {
	struct sieve_arg *items;
	size_t count;
	/* the test or test list that ends the arguments */
	struct sieve_test **tests;
	size_t ntests;
	bool has_test;                  /* a test or a test list was given */
	bool test_list;                 /* it was in parentheses */
	struct sieve_pos tests_pos;
};

struct sieve_compiler {
	const char *name;
	struct sieve_lexer lexer;
	struct sieve_token tok;         /* the current token */
	struct sieve_script *script;
	unsigned depth;                 /* nested blocks and tests */
	bool failed;
	bool seen_command;              /* a command other than require ran */
	char error[SIEVE_MAX_ERROR];
};

/* Record the first error as "NAME:LINE:COLUMN: message"; returns -1. */
int sieve_error(struct sieve_compiler *c, struct sieve_pos pos,
		const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* lexer.c: the next token into *tok (freeing the old one's text).
 * 0 ok, -1 on a lexical error (recorded). */
void sieve_lexer_init(struct sieve_lexer *lx, struct sieve_compiler *c,
		      const char *text, size_t len);
int sieve_lexer_next(struct sieve_lexer *lx, struct sieve_token *tok);
void sieve_token_free(struct sieve_token *tok);
/* "end of script", "'}'", "string", "identifier 'foo'" ... for errors */
const char *sieve_token_describe(const struct sieve_token *tok,
				 char *buf, size_t size);

/* check.c: turn a parsed command or test into its typed form, checking
 * its name, tags, arguments and required extensions.  NULL on error.
 * owner: the command or test whose argument the test is. */
struct sieve_test *sieve_check_test(struct sieve_compiler *c, const char *name,
				    struct sieve_pos pos, const char *owner,
				    struct sieve_args *args);
struct sieve_command *sieve_check_command(struct sieve_compiler *c,
					  const char *name, struct sieve_pos pos,
					  struct sieve_args *args, bool has_block,
					  struct sieve_block *block);
void sieve_args_free(struct sieve_args *args);

#endif
