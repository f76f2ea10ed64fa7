/* "Did you mean": the directive of a table closest to a name it does not
 * have, for the config reader's "unknown directive" error. */
#include <config.h>             /* autoconf's, through -I. */

#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "cfg.h"

static int
fold(char c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c == '-' ? '_' : c;
}

/* Optimal string alignment distance (Levenshtein with transpositions of
 * neighbours, "prot" for "port"), case-insensitive and with '-' taken
 * for '_'.  The table's names are short, and a name much longer than
 * all of them is far from each: three rows of a small array do, and a
 * longer name counts as far. */
#define SUGGEST_NAME_MAX 64
static size_t
edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t rows[3][SUGGEST_NAME_MAX + 1];
	size_t *prev2 = rows[0], *prev = rows[1], *cur = rows[2];

	if (la > SUGGEST_NAME_MAX || lb > SUGGEST_NAME_MAX)
		return SIZE_MAX;
	for (size_t j = 0; j <= lb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t *t;

		cur[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = fold(a[i - 1]) == fold(b[j - 1]) ? 0 : 1;
			size_t v = prev[j - 1] + cost;

			if (prev[j] + 1 < v)
				v = prev[j] + 1;
			if (cur[j - 1] + 1 < v)
				v = cur[j - 1] + 1;
			if (i > 1 && j > 1 && fold(a[i - 1]) == fold(b[j - 2]) &&
			    fold(a[i - 2]) == fold(b[j - 1]) &&
			    prev2[j - 2] + 1 < v)
				v = prev2[j - 2] + 1;
			cur[j] = v;
		}
		t = prev2;
		prev2 = prev;
		prev = cur;
		cur = t;
	}
	return prev[lb];
}

const char *
mu_cfg_suggest(const struct mu_cfg_table *t, const char *name,
	       const char **whose_r)
{
	const char *best = NULL;
	size_t best_d = SIZE_MAX, len = strlen(name), limit;

	if (whose_r != NULL)
		*whose_r = NULL;
	for (size_t i = 0; i < t->alias_count; i++) {
		if (strcasecmp(name, t->aliases[i].name) == 0) {
			if (whose_r != NULL)
				*whose_r = t->aliases[i].whose;
			return t->aliases[i].ours;
		}
	}
	/* a slip of one key in a short name, up to three in a long one:
	 * closer than that, a suggestion is more guess than help */
	limit = len <= 4 ? 1 : len <= 10 ? 2 : 3;
	for (size_t i = 0; i < t->count; i++) {
		size_t dist = edit_distance(name, t->directives[i].name);

		if (dist <= limit && dist < best_d) {
			best_d = dist;
			best = t->directives[i].name;
		}
	}
	return best;
}
