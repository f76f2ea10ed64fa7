/* Dates for the timestamp test: RFC 5322 date-times (section 3.3, with the
 * obsolete forms of section 4.3), epoch numbers, and the date strings of
 * GNU Mailutils' expiry recipe ("now - 5 days").  Parsed by hand rather
 * than with strptime/getdate: those depend on the locale and the TZ of
 * the process, and a cron job's environment is not to be trusted. */
#include <config.h>             /* autoconf's, through -I. */

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ast.h"

static const char *const month_names[12] = {
	"jan", "feb", "mar", "apr", "may", "jun",
	"jul", "aug", "sep", "oct", "nov", "dec",
};
static const char *const day_names[7] = {
	"mon", "tue", "wed", "thu", "fri", "sat", "sun",
};

/* obs-zone (RFC 5322 section 4.3): offsets in minutes east of UTC. */
static const struct {
	const char *name;
	int minutes;
} zone_names[] = {
	{ "ut", 0 }, { "gmt", 0 }, { "utc", 0 }, { "z", 0 },
	{ "est", -5 * 60 }, { "edt", -4 * 60 },
	{ "cst", -6 * 60 }, { "cdt", -5 * 60 },
	{ "mst", -7 * 60 }, { "mdt", -6 * 60 },
	{ "pst", -8 * 60 }, { "pdt", -7 * 60 },
};

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar
 * (eras of 400 years, March-based years so leap days come last). */
static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static unsigned
days_in_month(int64_t y, unsigned m)
{
	static const unsigned days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : days[m - 1];
}

/* Skip white space and comments (CFWS, RFC 5322 section 3.2.2). */
static const char *
skip_cfws(const char *p)
{
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		if (*p != '(')
			return p;
		for (int depth = 0; *p != '\0'; p++) {
			if (*p == '\\' && p[1] != '\0')
				p++;
			else if (*p == '(')
				depth++;
			else if (*p == ')' && --depth == 0) {
				p++;
				break;
			}
		}
	}
}

static const char *
read_digits(const char *p, unsigned min, unsigned max, int64_t *value_r,
	    unsigned *ndigits_r)
{
	int64_t v = 0;
	unsigned n = 0;

	while (isdigit((unsigned char)*p) && n < max) {
		v = v * 10 + (*p++ - '0');
		n++;
	}
	if (n < min || isdigit((unsigned char)*p))
		return NULL;
	*value_r = v;
	if (ndigits_r != NULL)
		*ndigits_r = n;
	return p;
}

static const char *
read_word(const char *p, char *buf, size_t size)
{
	size_t n = 0;

	while (isalpha((unsigned char)*p)) {
		if (n + 1 < size)
			buf[n++] = (char)tolower((unsigned char)*p);
		p++;
	}
	buf[n] = '\0';
	return p;
}

static int
name_index(const char *word, const char *const *names, int count)
{
	/* "Tue" and "Tuesday", "Jul" and "July" */
	if (strlen(word) < 3)
		return -1;
	for (int i = 0; i < count; i++)
		if (strncmp(word, names[i], 3) == 0)
			return i;
	return -1;
}

static const char *
read_zone(const char *p, int *minutes_r)
{
	char word[16];

	if (*p == '+' || *p == '-') {
		int64_t v;
		int sign = *p == '-' ? -1 : 1;

		p = read_digits(p + 1, 4, 4, &v, NULL);
		if (p == NULL || v % 100 > 59)
			return NULL;
		*minutes_r = sign * (int)(v / 100 * 60 + v % 100);
		return p;
	}
	p = read_word(p, word, sizeof word);
	if (word[0] == '\0') {
		*minutes_r = 0;         /* no zone at all: taken as UTC */
		return p;
	}
	for (size_t i = 0; i < sizeof zone_names / sizeof zone_names[0]; i++)
		if (strcmp(word, zone_names[i].name) == 0) {
			*minutes_r = zone_names[i].minutes;
			return p;
		}
	/* military zones: their signs were published backwards, so RFC 5322
	 * section 4.3 says to take them as -0000 */
	if (strlen(word) == 1 && word[0] != 'j') {
		*minutes_r = 0;
		return p;
	}
	return NULL;
}

int
sieve_parse_rfc5322_date(const char *text, time_t *t_r)
{
	const char *p = skip_cfws(text), *q;
	char word[16];
	int64_t day, year, hour, minute, second = 0;
	unsigned ndigits;
	int month, zone;

	/* [ day-of-week "," ] */
	q = read_word(p, word, sizeof word);
	if (word[0] != '\0') {
		if (name_index(word, day_names, 7) < 0)
			return -1;
		p = skip_cfws(q);
		if (*p == ',')
			p = skip_cfws(p + 1);
	}
	/* date = day month year */
	if ((p = read_digits(p, 1, 2, &day, NULL)) == NULL)
		return -1;
	p = read_word(skip_cfws(p), word, sizeof word);
	if ((month = name_index(word, month_names, 12)) < 0)
		return -1;
	if ((p = read_digits(skip_cfws(p), 2, 9, &year, &ndigits)) == NULL)
		return -1;
	/* obs-year: two digits are 1950-2049, three are from 1900 */
	if (ndigits == 2)
		year += year < 50 ? 2000 : 1900;
	else if (ndigits == 3)
		year += 1900;
	/* time-of-day = hour ":" minute [ ":" second ] */
	if ((p = read_digits(skip_cfws(p), 1, 2, &hour, NULL)) == NULL)
		return -1;
	p = skip_cfws(p);
	if (*p++ != ':')
		return -1;
	if ((p = read_digits(skip_cfws(p), 2, 2, &minute, NULL)) == NULL)
		return -1;
	p = skip_cfws(p);
	if (*p == ':') {
		if ((p = read_digits(skip_cfws(p + 1), 2, 2, &second, NULL)) == NULL)
			return -1;
		p = skip_cfws(p);
	}
	if ((p = read_zone(p, &zone)) == NULL)
		return -1;
	/* a zone name after a numeric zone ("+0200 CEST") is a comment */
	p = read_word(skip_cfws(p), word, sizeof word);
	if (*skip_cfws(p) != '\0')
		return -1;

	if (year < 1900 || day < 1 || day > (int64_t)days_in_month(year, (unsigned)month + 1) ||
	    hour > 23 || minute > 59 || second > 60)
		return -1;
	*t_r = (time_t)(days_from_civil(year, (unsigned)month + 1, (unsigned)day) * 86400 +
			hour * 3600 + minute * 60 + second - (int64_t)zone * 60);
	return 0;
}

/* An epoch number: digits only, around blanks. */
static int
parse_epoch(const char *text, time_t *t_r)
{
	const char *p = skip_cfws(text);
	int64_t v;

	if (!isdigit((unsigned char)*p))
		return -1;
	p = read_digits(p, 1, 18, &v, NULL);
	if (p == NULL || *skip_cfws(p) != '\0')
		return -1;
	*t_r = (time_t)v;
	return 0;
}

int
sieve_parse_header_time(const char *text, time_t *t_r)
{
	if (parse_epoch(text, t_r) == 0)
		return 0;
	return sieve_parse_rfc5322_date(text, t_r);
}

static const struct {
	const char *name;
	int64_t seconds;
} units[] = {
	{ "s", 1 }, { "sec", 1 }, { "secs", 1 }, { "second", 1 }, { "seconds", 1 },
	{ "m", 60 }, { "min", 60 }, { "mins", 60 }, { "minute", 60 }, { "minutes", 60 },
	{ "h", 3600 }, { "hour", 3600 }, { "hours", 3600 },
	{ "d", 86400 }, { "day", 86400 }, { "days", 86400 },
	{ "w", 604800 }, { "week", 604800 }, { "weeks", 604800 },
};

/* "N [unit]" at p into *seconds_r; p_r past it (and its blanks). */
static int
parse_amount(const char *p, int64_t *seconds_r, const char **p_r,
	     const char **error_r)
{
	char word[16];
	int64_t n, scale = 1;

	if (!isdigit((unsigned char)*p) ||
	    (p = read_digits(p, 1, 12, &n, NULL)) == NULL) {
		*error_r = "expected a number (at most 12 digits) after \"now -\"";
		return -1;
	}
	p = skip_cfws(p);
	if (*p != '\0' && strncasecmp(p, "ago", 3) != 0) {
		size_t k;

		p = read_word(p, word, sizeof word);
		for (k = 0; k < sizeof units / sizeof units[0]; k++)
			if (strcmp(word, units[k].name) == 0)
				break;
		if (word[0] == '\0' || k == sizeof units / sizeof units[0]) {
			*error_r = "unknown unit (use seconds, minutes, hours, "
				   "days or weeks)";
			return -1;
		}
		scale = units[k].seconds;
		p = skip_cfws(p);
	}
	/* 12 digits times a week fit easily in 63 bits */
	*seconds_r = n * scale;
	*p_r = p;
	return 0;
}

/* "N unit ago" (GNU date's form, which Mailutils' timestamp test takes
 * too) as now - N unit.  1 parsed, 0 not this form. */
static int
parse_ago(const char *p, struct sieve_datespec *spec)
{
	const char *error;
	int64_t seconds;

	if (!isdigit((unsigned char)*p) ||
	    parse_amount(p, &seconds, &p, &error) < 0 ||
	    strncasecmp(p, "ago", 3) != 0 || *skip_cfws(p + 3) != '\0')
		return 0;
	spec->relative = true;
	spec->offset = -seconds;
	return 1;
}

int
sieve_datespec_parse(const char *text, struct sieve_datespec *spec,
		     const char **error_r)
{
	const char *p = skip_cfws(text);
	int64_t seconds;
	int sign;

	memset(spec, 0, sizeof *spec);
	if (strncasecmp(p, "now", 3) != 0 || isalpha((unsigned char)p[3])) {
		if (sieve_parse_header_time(text, &spec->absolute) == 0 ||
		    parse_ago(p, spec))
			return 0;
		*error_r = "expected \"now\", \"now - N days\" (or seconds, "
			   "minutes, hours, weeks), \"N days ago\", an epoch "
			   "number or an RFC 5322 date";
		return -1;
	}
	spec->relative = true;
	p = skip_cfws(p + 3);
	if (*p == '\0')
		return 0;
	if (*p != '+' && *p != '-') {
		*error_r = "expected '+' or '-' after \"now\"";
		return -1;
	}
	sign = *p == '-' ? -1 : 1;
	p = skip_cfws(p + 1);
	if (parse_amount(p, &seconds, &p, error_r) < 0)
		return -1;
	if (*p != '\0') {
		*error_r = "unexpected text after the unit";
		return -1;
	}
	spec->offset = sign * seconds;
	return 0;
}

time_t
sieve_datespec_resolve(const struct sieve_datespec *spec, time_t now)
{
	return spec->relative ? (time_t)((int64_t)now + spec->offset) : spec->absolute;
}
