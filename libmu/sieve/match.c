/* Match types (RFC 5228 section 2.7.1) under the two comparators every
 * Sieve implementation has (section 2.7.3, RFC 4790 section 9):
 * "i;octet" compares octets, "i;ascii-casemap" folds ASCII letters first.
 * Both work on octets, so ":matches" "?" matches exactly one octet. */
#include <config.h>             /* autoconf's, through -I. */

#include <stdlib.h>
#include <string.h>

#include "ast.h"
#include "util.h"

static unsigned char
fold(enum sieve_comparator cmp, unsigned char ch)
{
	if (cmp == SIEVE_CMP_ASCII_CASEMAP && ch >= 'A' && ch <= 'Z')
		return (unsigned char)(ch - 'A' + 'a');
	return ch;
}

static bool
equal_at(enum sieve_comparator cmp, const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (fold(cmp, (unsigned char)a[i]) != fold(cmp, (unsigned char)b[i]))
			return false;
	return true;
}

static bool
contains(enum sieve_comparator cmp, const char *value, const char *key)
{
	size_t vlen = strlen(value), klen = strlen(key);

	if (klen > vlen)
		return false;
	for (size_t i = 0; i + klen <= vlen; i++)
		if (equal_at(cmp, value + i, key, klen))
			return true;
	return false;
}

/* A :matches pattern, its escapes resolved: "\\" before any octet makes
 * it literal, so "\*" matches a star (section 2.7.1). */
enum glob_kind { GLOB_LITERAL, GLOB_ONE, GLOB_ANY };

struct glob_item {
	enum glob_kind kind;
	unsigned char ch;
};

static struct glob_item *
glob_compile(const char *key, size_t *n_r)
{
	struct glob_item *items = mu_xcalloc(strlen(key) + 1, sizeof *items);
	size_t n = 0;

	for (const char *p = key; *p != '\0'; p++) {
		if (*p == '\\' && p[1] != '\0') {
			p++;
			items[n].kind = GLOB_LITERAL;
			items[n++].ch = (unsigned char)*p;
		} else if (*p == '*') {
			if (n == 0 || items[n - 1].kind != GLOB_ANY)
				items[n++].kind = GLOB_ANY;     /* "**" is "*" */
		} else if (*p == '?') {
			items[n++].kind = GLOB_ONE;
		} else {
			items[n].kind = GLOB_LITERAL;
			items[n++].ch = (unsigned char)*p;
		}
	}
	*n_r = n;
	return items;
}

/* Greedy matching that backtracks only to the last star: linear space,
 * at most O(value * pattern) steps, whatever the pattern. */
static bool
glob_match(enum sieve_comparator cmp, const struct glob_item *pat, size_t np,
	   const char *value)
{
	size_t vlen = strlen(value), p = 0, v = 0;
	size_t star_p = (size_t)-1, star_v = 0;

	while (v < vlen) {
		if (p < np && pat[p].kind == GLOB_ANY) {
			star_p = p++;
			star_v = v;
		} else if (p < np && (pat[p].kind == GLOB_ONE ||
				      fold(cmp, pat[p].ch) ==
				      fold(cmp, (unsigned char)value[v]))) {
			p++;
			v++;
		} else if (star_p != (size_t)-1) {
			p = star_p + 1;
			v = ++star_v;
		} else {
			return false;
		}
	}
	while (p < np && pat[p].kind == GLOB_ANY)
		p++;
	return p == np;
}

bool
sieve_match(enum sieve_match match, enum sieve_comparator cmp,
	    const char *value, const char *key)
{
	switch (match) {
	case SIEVE_MATCH_IS:
		return strlen(value) == strlen(key) &&
		       equal_at(cmp, value, key, strlen(key));
	case SIEVE_MATCH_CONTAINS:
		return contains(cmp, value, key);
	case SIEVE_MATCH_MATCHES: {
		size_t n;
		struct glob_item *pat = glob_compile(key, &n);
		bool ok = glob_match(cmp, pat, n, value);

		free(pat);
		return ok;
	}
	}
	return false;
}
