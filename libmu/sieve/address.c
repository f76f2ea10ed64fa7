/* Addresses in a header value, for the address test (RFC 5228 section
 * 5.1): the address-list of RFC 5322 section 3.4, forgiving as real mail
 * needs.  "Name <local@domain>", bare local@domain, comma-separated lists,
 * quoted display names holding commas, comments, groups ("team: a@x, b@y;")
 * and obsolete routes ("<@relay:local@domain>"). */
#include <config.h>             /* autoconf's, through -I. */

#include <stdlib.h>
#include <string.h>

#include "ast.h"
#include "util.h"

struct element {
	struct mu_buf plain;            /* text outside <> and comments */
	struct mu_buf angle;            /* inside the first <...> */
	bool had_angle;
};

static void
element_reset(struct element *e)
{
	mu_buf_free(&e->plain);
	mu_buf_free(&e->angle);
	mu_buf_init(&e->plain);
	mu_buf_init(&e->angle);
	e->had_angle = false;
}

/* The address text without folding blanks outside quoted strings. */
static char *
squeeze(const char *s, size_t len)
{
	char *out = mu_xmalloc(len + 1);
	size_t n = 0;
	bool quoted = false;

	for (size_t i = 0; i < len; i++) {
		char ch = s[i];

		if (ch == '"')
			quoted = !quoted;
		else if (ch == '\\' && quoted && i + 1 < len) {
			out[n++] = ch;
			ch = s[++i];
		} else if (!quoted && (ch == ' ' || ch == '\t' || ch == '\r' ||
				       ch == '\n'))
			continue;
		out[n++] = ch;
	}
	out[n] = '\0';
	return out;
}

static void
add_address(struct sieve_address **list, size_t *count, struct element *e)
{
	struct mu_buf *src = e->had_angle ? &e->angle : &e->plain;
	char *text = squeeze(src->data ? src->data : "", src->len);
	char *spec = text, *at = NULL;
	bool quoted = false;
	struct sieve_address *a;

	/* obs-route (RFC 5322 section 4.4): "@a,@b:local@domain" */
	if (e->had_angle && spec[0] == '@') {
		char *colon = strchr(spec, ':');
		if (colon != NULL)
			spec = colon + 1;
	}
	if (*spec == '\0') {
		free(text);     /* "<>" or an empty list element */
		return;
	}
	for (char *p = spec; *p != '\0'; p++) {
		if (*p == '"')
			quoted = !quoted;
		else if (*p == '\\' && quoted && p[1] != '\0')
			p++;
		else if (*p == '@' && !quoted)
			at = p;
	}

	*list = mu_xreallocarray(*list, *count + 1, sizeof **list);
	a = &(*list)[(*count)++];
	a->all = mu_xstrdup(spec);
	a->localpart = NULL;
	a->domain = NULL;
	if (at == NULL) {
		/* "To: root": a local name only; it has no domain */
		a->localpart = mu_xstrdup(spec);
	} else {
		if (at > spec)
			a->localpart = mu_xstrndup(spec, (size_t)(at - spec));
		if (at[1] != '\0')
			a->domain = mu_xstrdup(at + 1);
	}
	free(text);
}

/* Skip a comment starting at s[i] == '(' (nesting, quoted pairs). */
static size_t
skip_comment(const char *s, size_t i)
{
	int depth = 0;

	for (; s[i] != '\0'; i++) {
		if (s[i] == '\\' && s[i + 1] != '\0')
			i++;
		else if (s[i] == '(')
			depth++;
		else if (s[i] == ')' && --depth == 0)
			return i + 1;
	}
	return i;
}

/* Copy a quoted string starting at s[i] == '"' into b, quotes included. */
static size_t
copy_quoted(const char *s, size_t i, struct mu_buf *b)
{
	size_t start = i++;

	for (; s[i] != '\0' && s[i] != '"'; i++)
		if (s[i] == '\\' && s[i + 1] != '\0')
			i++;
	if (s[i] == '"')
		i++;
	mu_buf_append(b, s + start, i - start);
	return i;
}

void
sieve_address_parse(const char *value, struct sieve_address **list_r,
		    size_t *count_r)
{
	struct element e;
	size_t i = 0;

	*list_r = NULL;
	*count_r = 0;
	mu_buf_init(&e.plain);
	mu_buf_init(&e.angle);
	e.had_angle = false;

	while (value[i] != '\0') {
		char ch = value[i];

		if (ch == '(') {
			i = skip_comment(value, i);
			mu_buf_append(&e.plain, " ", 1);
		} else if (ch == '"') {
			i = copy_quoted(value, i, &e.plain);
		} else if (ch == '<') {
			/* the first <...> is the address; the rest is noise */
			struct mu_buf junk, *dst = e.had_angle ? &junk : &e.angle;

			mu_buf_init(&junk);
			for (i++; value[i] != '\0' && value[i] != '>';) {
				if (value[i] == '"')
					i = copy_quoted(value, i, dst);
				else if (value[i] == '(')
					i = skip_comment(value, i);
				else
					mu_buf_append(dst, &value[i++], 1);
			}
			if (value[i] == '>')
				i++;
			mu_buf_free(&junk);
			e.had_angle = true;
		} else if (ch == ',' || ch == ';') {
			/* ';' ends a group and its last member */
			add_address(list_r, count_r, &e);
			element_reset(&e);
			i++;
		} else if (ch == ':' && !e.had_angle) {
			/* "group-name:" -- the name is not an address */
			element_reset(&e);
			i++;
		} else {
			mu_buf_append(&e.plain, &ch, 1);
			i++;
		}
	}
	add_address(list_r, count_r, &e);
	mu_buf_free(&e.plain);
	mu_buf_free(&e.angle);
}

void
sieve_address_list_free(struct sieve_address *list, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		free(list[i].all);
		free(list[i].localpart);
		free(list[i].domain);
	}
	free(list);
}
