/* The Sieve lexer: RFC 5228 section 8.1 (lexical tokens).
 *
 * Comments (`#` to end of line, bracketed comments) and white space are
 * skipped; tokens carry the line and column where they start so that
 * every later error can name its place. */
#include <config.h>             /* autoconf's, through -I. */

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "compile.h"
#include "util.h"

int
sieve_error(struct sieve_compiler *c, struct sieve_pos pos, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (c->failed)
		return -1;	/* the first error is the one that matters */
	c->failed = true;
	n = snprintf(c->error, sizeof c->error, "%s:%u:%u: ", c->name,
		     pos.line, pos.column);
	if (n < 0 || (size_t)n >= sizeof c->error)
		return -1;
	va_start(ap, fmt);
	vsnprintf(c->error + n, sizeof c->error - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

void
sieve_lexer_init(struct sieve_lexer *lx, struct sieve_compiler *c,
		 const char *text, size_t len)
{
	lx->c = c;
	lx->p = text;
	lx->end = text + len;
	lx->line_start = text;
	lx->line = 1;
}

void
sieve_token_free(struct sieve_token *tok)
{
	free(tok->text);
	tok->text = NULL;
	tok->len = 0;
}

static struct sieve_pos
here(const struct sieve_lexer *lx)
{
	struct sieve_pos pos = { lx->line, (unsigned)(lx->p - lx->line_start) + 1 };
	return pos;
}

/* Step over one octet, counting lines. */
static void
advance(struct sieve_lexer *lx)
{
	if (*lx->p == '\n') {
		lx->line++;
		lx->line_start = lx->p + 1;
	}
	lx->p++;
}

static bool
at(const struct sieve_lexer *lx, const char *s)
{
	size_t n = strlen(s);
	return (size_t)(lx->end - lx->p) >= n && memcmp(lx->p, s, n) == 0;
}

static bool
is_ident_start(int ch)
{
	return isalpha((unsigned char)ch) || ch == '_';
}

static bool
is_ident_char(int ch)
{
	return isalnum((unsigned char)ch) || ch == '_';
}

/* White space and comments (RFC 5228 section 2.3). */
static int
skip_blanks(struct sieve_lexer *lx)
{
	while (lx->p < lx->end) {
		char ch = *lx->p;

		if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n') {
			advance(lx);
		} else if (ch == '#') {
			while (lx->p < lx->end && *lx->p != '\n')
				advance(lx);
		} else if (at(lx, "/*")) {
			struct sieve_pos start = here(lx);

			advance(lx);
			advance(lx);
			while (lx->p < lx->end && !at(lx, "*/"))
				advance(lx);
			if (lx->p >= lx->end)
				return sieve_error(lx->c, start,
						   "unterminated comment: '/*' without '*/'");
			advance(lx);
			advance(lx);
		} else {
			break;
		}
	}
	return 0;
}

static void
append_char(struct mu_buf *b, char ch)
{
	mu_buf_append(b, &ch, 1);
}

static int
finish_string(struct sieve_lexer *lx, struct sieve_token *tok, struct mu_buf *b)
{
	if (b->len > SIEVE_MAX_STRING) {
		mu_buf_free(b);
		return sieve_error(lx->c, tok->pos,
				   "string longer than %d octets", SIEVE_MAX_STRING);
	}
	append_char(b, '\0');
	tok->kind = SIEVE_TOK_STRING;
	tok->text = b->data;
	tok->len = b->len - 1;
	return 0;
}

/* quoted-string: a backslash takes the next octet literally, so "\\"
 * is a backslash and "\"" a quote (RFC 5228 section 2.4.2). */
static int
lex_quoted(struct sieve_lexer *lx, struct sieve_token *tok)
{
	struct mu_buf b;

	mu_buf_init(&b);
	advance(lx);	/* the opening quote */
	for (;;) {
		if (lx->p >= lx->end) {
			mu_buf_free(&b);
			return sieve_error(lx->c, tok->pos,
					   "unterminated string: no closing '\"'");
		}
		if (*lx->p == '"')
			break;
		if (*lx->p == '\\') {
			advance(lx);
			if (lx->p >= lx->end)
				continue;	/* reported as unterminated */
		}
		/* CRLF inside a string is kept as written; a bare LF too */
		if (b.len <= SIEVE_MAX_STRING)
			append_char(&b, *lx->p);
		advance(lx);
	}
	advance(lx);	/* the closing quote */
	return finish_string(lx, tok, &b);
}

/* multi-line: "text:" blanks [hash-comment] CRLF, then lines up to one
 * holding a single ".", a leading "." of any other line removed
 * (dot-unstuffing, RFC 5228 section 2.4.2).  The value's lines end in
 * CRLF as the RFC defines them, whatever the script file uses. */
static int
lex_multiline(struct sieve_lexer *lx, struct sieve_token *tok)
{
	struct mu_buf b;

	lx->p += 5;	/* "text:" has no newline */
	while (lx->p < lx->end && (*lx->p == ' ' || *lx->p == '\t'))
		advance(lx);
	if (lx->p < lx->end && *lx->p == '#')
		while (lx->p < lx->end && *lx->p != '\n')
			advance(lx);
	if (lx->p < lx->end && *lx->p == '\r')
		advance(lx);
	if (lx->p >= lx->end || *lx->p != '\n')
		return sieve_error(lx->c, here(lx),
				   "'text:' must be followed by the end of the line");
	advance(lx);

	mu_buf_init(&b);
	for (;;) {
		const char *eol, *line = lx->p;
		size_t len;

		if (line >= lx->end) {
			mu_buf_free(&b);
			return sieve_error(lx->c, tok->pos,
					   "unterminated multi-line string: "
					   "no line holding a single '.'");
		}
		eol = memchr(line, '\n', (size_t)(lx->end - line));
		len = eol ? (size_t)(eol - line) : (size_t)(lx->end - line);
		if (len > 0 && line[len - 1] == '\r')
			len--;
		while (lx->p < (eol ? eol + 1 : lx->end))
			advance(lx);
		if (len == 1 && line[0] == '.')
			break;
		if (len > 0 && line[0] == '.') {
			line++;
			len--;
		}
		if (b.len <= SIEVE_MAX_STRING) {
			mu_buf_append(&b, line, len);
			mu_buf_append(&b, "\r\n", 2);
		}
	}
	return finish_string(lx, tok, &b);
}

/* number = 1*DIGIT [QUANTIFIER], QUANTIFIER = "K" / "M" / "G"
 * (RFC 5228 section 2.4.1: powers of 1024). */
static int
lex_number(struct sieve_lexer *lx, struct sieve_token *tok)
{
	uint64_t n = 0, scale = 1;

	while (lx->p < lx->end && isdigit((unsigned char)*lx->p)) {
		unsigned d = (unsigned)(*lx->p - '0');

		if (n > (UINT64_MAX - d) / 10)
			return sieve_error(lx->c, tok->pos, "number too large");
		n = n * 10 + d;
		advance(lx);
	}
	if (lx->p < lx->end) {
		switch (toupper((unsigned char)*lx->p)) {
		case 'K': scale = UINT64_C(1) << 10; advance(lx); break;
		case 'M': scale = UINT64_C(1) << 20; advance(lx); break;
		case 'G': scale = UINT64_C(1) << 30; advance(lx); break;
		}
	}
	if (lx->p < lx->end && is_ident_char(*lx->p))
		return sieve_error(lx->c, here(lx),
				   "bad number: unexpected '%c' (quantifiers are K, M and G)",
				   *lx->p);
	if (n > UINT64_MAX / scale)
		return sieve_error(lx->c, tok->pos, "number too large");
	tok->kind = SIEVE_TOK_NUMBER;
	tok->number = n * scale;
	return 0;
}

static void
lex_word(struct sieve_lexer *lx, struct sieve_token *tok)
{
	const char *start = lx->p;

	while (lx->p < lx->end && is_ident_char(*lx->p))
		advance(lx);
	tok->len = (size_t)(lx->p - start);
	tok->text = mu_xstrndup(start, tok->len);
	/* identifiers and tags are case-insensitive (RFC 5228 section 2.4.3) */
	for (size_t i = 0; i < tok->len; i++)
		tok->text[i] = (char)tolower((unsigned char)tok->text[i]);
}

int
sieve_lexer_next(struct sieve_lexer *lx, struct sieve_token *tok)
{
	char ch;

	sieve_token_free(tok);
	memset(tok, 0, sizeof *tok);
	if (skip_blanks(lx) < 0)
		return -1;
	tok->pos = here(lx);
	if (lx->p >= lx->end) {
		tok->kind = SIEVE_TOK_EOF;
		return 0;
	}
	ch = *lx->p;
	switch (ch) {
	case '[': tok->kind = SIEVE_TOK_LBRACKET; advance(lx); return 0;
	case ']': tok->kind = SIEVE_TOK_RBRACKET; advance(lx); return 0;
	case '(': tok->kind = SIEVE_TOK_LPAREN; advance(lx); return 0;
	case ')': tok->kind = SIEVE_TOK_RPAREN; advance(lx); return 0;
	case '{': tok->kind = SIEVE_TOK_LBRACE; advance(lx); return 0;
	case '}': tok->kind = SIEVE_TOK_RBRACE; advance(lx); return 0;
	case ',': tok->kind = SIEVE_TOK_COMMA; advance(lx); return 0;
	case ';': tok->kind = SIEVE_TOK_SEMICOLON; advance(lx); return 0;
	case '"': return lex_quoted(lx, tok);
	case ':':
		advance(lx);
		if (lx->p >= lx->end || !is_ident_start(*lx->p))
			return sieve_error(lx->c, tok->pos,
					   "':' must start a tag such as ':is'");
		tok->kind = SIEVE_TOK_TAG;
		lex_word(lx, tok);
		return 0;
	}
	if (isdigit((unsigned char)ch))
		return lex_number(lx, tok);
	if (is_ident_start(ch)) {
		if ((size_t)(lx->end - lx->p) >= 5 &&
		    strncasecmp(lx->p, "text:", 5) == 0)
			return lex_multiline(lx, tok);
		tok->kind = SIEVE_TOK_IDENTIFIER;
		lex_word(lx, tok);
		return 0;
	}
	if (ch == '\0')
		return sieve_error(lx->c, tok->pos, "NUL octet in script");
	if (isprint((unsigned char)ch))
		return sieve_error(lx->c, tok->pos, "unexpected character '%c'", ch);
	return sieve_error(lx->c, tok->pos, "unexpected octet 0x%02x",
			   (unsigned)(unsigned char)ch);
}

const char *
sieve_token_describe(const struct sieve_token *tok, char *buf, size_t size)
{
	switch (tok->kind) {
	case SIEVE_TOK_EOF: return "end of script";
	case SIEVE_TOK_IDENTIFIER:
		snprintf(buf, size, "identifier '%s'", tok->text);
		return buf;
	case SIEVE_TOK_TAG:
		snprintf(buf, size, "tag ':%s'", tok->text);
		return buf;
	case SIEVE_TOK_NUMBER: return "a number";
	case SIEVE_TOK_STRING: return "a string";
	case SIEVE_TOK_LBRACKET: return "'['";
	case SIEVE_TOK_RBRACKET: return "']'";
	case SIEVE_TOK_LPAREN: return "'('";
	case SIEVE_TOK_RPAREN: return "')'";
	case SIEVE_TOK_LBRACE: return "'{'";
	case SIEVE_TOK_RBRACE: return "'}'";
	case SIEVE_TOK_COMMA: return "','";
	case SIEVE_TOK_SEMICOLON: return "';'";
	}
	return "?";
}
