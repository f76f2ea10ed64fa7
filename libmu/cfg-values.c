/* The config reader's values: one value of each type parsed strictly,
 * word lists, and the hints that say what was expected. */
#include <config.h>             /* autoconf's, through -I. */

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cfg.h"
#include "cfg-impl.h"
#include "util.h"

/* Hints with numbers in them are built here; valid until the next call. */
static char hint_buf[256];

const char *
mu_cfg_hint(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(hint_buf, sizeof hint_buf, fmt, ap);
	va_end(ap);
	return hint_buf;
}

const char *
mu_cfg_choices_text(char *buf, size_t size, const char *const *choices)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; choices[i] != NULL && len < size; i++) {
		const char *sep = i == 0 ? "" : choices[i + 1] == NULL ?
			" or " : ", ";

		len += (size_t)snprintf(buf + len, size - len, "%s%s", sep,
					choices[i]);
	}
	return buf;
}

/* ---------------------------------------------------------------- lists */

void
mu_cfg_list_free(char **list)
{
	if (list == NULL)
		return;
	for (char **w = list; *w != NULL; w++)
		free(*w);
	free(list);
}

bool
mu_list_contains(char *const *list, const char *word)
{
	if (list == NULL)
		return false;
	for (; *list != NULL; list++)
		if (strcmp(*list, word) == 0)
			return true;
	return false;
}

char **
mu_cfg_list_split(const char *text)
{
	char **list = NULL;
	size_t n = 0;
	const char *p = text;

	for (;;) {
		const char *start;

		while (mu_cfg_is_blank(*p))
			p++;
		if (*p == '\0')
			break;
		start = p;
		while (*p != '\0' && !mu_cfg_is_blank(*p))
			p++;
		list = mu_xreallocarray(list, n + 2, sizeof *list);
		list[n++] = mu_xstrndup(start, (size_t)(p - start));
		list[n] = NULL;
	}
	return list;
}

/* The first word listed twice, or NULL. */
static const char *
list_duplicate(char *const *list)
{
	if (list == NULL)
		return NULL;
	for (size_t i = 0; list[i] != NULL; i++)
		for (size_t j = 0; j < i; j++)
			if (strcmp(list[i], list[j]) == 0)
				return list[i];
	return NULL;
}

int
mu_cfg_list_store(char **list, void *field, const char **hint_r)
{
	const char *dup = list_duplicate(list);

	if (dup != NULL) {
		*hint_r = mu_cfg_hint("%.60s is listed twice", dup);
		mu_cfg_list_free(list);
		return -1;
	}
	mu_cfg_list_free(*(char ***)field);
	*(char ***)field = list;
	return 0;
}

int
mu_cfg_list_blank(const struct mu_cfg_directive *d, void *field,
		  const char *use, const char **hint_r)
{
	if (d->empty == MU_EMPTY_UNSET) {
		mu_cfg_list_free(*(char ***)field);
		*(char ***)field = NULL;
		return 0;
	}
	*hint_r = mu_cfg_hint("use %s", use);
	return -1;
}

/* -------------------------------------------------------- value parsers */

/* Leading decimal digits of *pp into *value_r, advancing *pp.
 * 0 ok, -1 no digit, -2 the number does not fit in unsigned long long. */
static int
parse_digits(const char **pp, unsigned long long *value_r)
{
	const char *p = *pp;
	unsigned long long v = 0;

	if (*p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		unsigned d = (unsigned)(*p - '0');

		if (v > (ULLONG_MAX - d) / 10)
			return -2;
		v = v * 10 + d;
	}
	*pp = p;
	*value_r = v;
	return 0;
}

int
mu_parse_uint(const char *text, unsigned long max, unsigned long *value_r,
	      const char **error_r)
{
	unsigned long long v;
	const char *p = text;
	int rc;

	if (max == 0)
		max = ULONG_MAX;
	rc = parse_digits(&p, &v);
	if (rc == -1 || *p != '\0') {
		*error_r = "use a whole number of digits only, e.g. 3";
		return -1;
	}
	if (rc == -2 || v > max) {
		*error_r = mu_cfg_hint("at most %lu", max);
		return -1;
	}
	*value_r = (unsigned long)v;
	return 0;
}

struct unit {
	const char *name;
	unsigned long factor;
};

static const struct unit duration_units[] = {
	{ "s", 1 }, { "sec", 1 }, { "secs", 1 }, { "second", 1 },
	{ "seconds", 1 },
	{ "m", 60 }, { "min", 60 }, { "mins", 60 }, { "minute", 60 },
	{ "minutes", 60 },
	{ "h", 3600 }, { "hour", 3600 }, { "hours", 3600 },
	{ "d", 86400 }, { "day", 86400 }, { "days", 86400 },
	{ "w", 604800 }, { "week", 604800 }, { "weeks", 604800 },
	{ NULL, 0 }
};

static const struct unit size_units[] = {
	{ "b", 1 },
	{ "k", 1024UL }, { "kb", 1024UL },
	{ "m", 1024UL * 1024 }, { "mb", 1024UL * 1024 },
	{ "g", 1024UL * 1024 * 1024 }, { "gb", 1024UL * 1024 * 1024 },
	{ NULL, 0 }
};

/* NUMBER [spaces] [UNIT] with UNIT from the table (case-insensitive);
 * no unit means a factor of 1.  0 ok, -1 syntax, -2 above max. */
static int
parse_with_unit(const char *text, const struct unit *units,
		unsigned long long max, unsigned long long *value_r)
{
	const char *p = text;
	unsigned long long v, factor = 1;
	int rc = parse_digits(&p, &v);

	if (rc == -1)
		return -1;
	while (mu_cfg_is_blank(*p))
		p++;
	if (*p != '\0') {
		const struct unit *u;

		for (u = units; u->name != NULL; u++)
			if (strcasecmp(p, u->name) == 0)
				break;
		if (u->name == NULL)
			return -1;
		factor = u->factor;
	} else if (p != text && mu_cfg_is_blank(p[-1])) {
		return -1;      /* trailing spaces but no unit */
	}
	if (rc == -2 || v > max / factor)
		return -2;
	*value_r = v * factor;
	return 0;
}

int
mu_parse_duration(const char *text, unsigned *seconds_r, const char **error_r)
{
	unsigned long long v;

	switch (parse_with_unit(text, duration_units, UINT_MAX, &v)) {
	case -1:
		*error_r = "use e.g. 90s, 3min, 1h, 5 days";
		return -1;
	case -2:
		*error_r = mu_cfg_hint("too long: at most %u seconds", UINT_MAX);
		return -1;
	}
	*seconds_r = (unsigned)v;
	return 0;
}

int
mu_parse_size(const char *text, unsigned long *bytes_r, const char **error_r)
{
	unsigned long long v;

	switch (parse_with_unit(text, size_units, ULONG_MAX, &v)) {
	case -1:
		*error_r = "use bytes or e.g. 256K, 2M, 1G";
		return -1;
	case -2:
		*error_r = mu_cfg_hint("too large: at most %lu bytes",
				       ULONG_MAX);
		return -1;
	}
	*bytes_r = (unsigned long)v;
	return 0;
}

int
mu_parse_bool(const char *text, bool *value_r, const char **error_r)
{
	static const char *const yes[] = { "yes", "true", "on", "1", NULL };
	static const char *const no[] = { "no", "false", "off", "0", NULL };

	for (size_t i = 0; yes[i] != NULL; i++) {
		if (strcasecmp(text, yes[i]) == 0) {
			*value_r = true;
			return 0;
		}
		if (strcasecmp(text, no[i]) == 0) {
			*value_r = false;
			return 0;
		}
	}
	*error_r = "use yes/no, true/false, on/off or 1/0";
	return -1;
}

int
mu_parse_choice(const char *text, const char *const *choices, int *index_r,
		const char **error_r)
{
	char names[200];

	for (int i = 0; choices[i] != NULL; i++) {
		if (strcasecmp(text, choices[i]) == 0) {
			*index_r = i;
			return 0;
		}
	}
	*error_r = mu_cfg_hint("use %s", mu_cfg_choices_text(names,
							     sizeof names,
							     choices));
	return -1;
}
