/* The config reader (cfg.h): storing a value by its directive's type,
 * defaults, the `name = value` file reader and the printer.
 *
 * Autoconf's config.h is reached through -I. with angle brackets; this
 * library's headers are named otherwise. */
#include <config.h>

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cfg.h"
#include "cfg-impl.h"
#include "util.h"

/* A config line longer than this is refused rather than split or truncated:
 * no directive needs more, and a bounded reader cannot be made to grow. */
#define MU_CONFIG_LINE_MAX 4096
/* How much of a bad value is quoted back in an error message. */
#define MU_CONFIG_QUOTE_MAX 80

#define FIELD(base, d) ((void *)((char *)(base) + (d)->offset))
#define CFIELD(base, d, type) \
	((type const *)(const void *)((const char *)(base) + (d)->offset))

/* --------------------------------------------------- storing a value */

/* What a value of each type looks like, for "missing value" errors. */
static const char *
type_expects(const struct mu_cfg_directive *d)
{
	static char names[200];

	if (d->expects != NULL)
		return d->expects;
	switch (d->type) {
	case MU_CFG_STRING:
		return "a value";
	case MU_CFG_UINT:
	case MU_CFG_INT_OPT:
	case MU_CFG_LONG_OPT:
	case MU_CFG_ULONG:
		return "a number";
	case MU_CFG_DURATION:
		return "a duration, e.g. 90s, 3min, 1h, 5 days";
	case MU_CFG_SIZE:
		return "a size, e.g. 256K, 2M, 1G";
	case MU_CFG_BOOL:
		return "yes or no";
	case MU_CFG_LIST:
		return "a list of words";
	case MU_CFG_CHOICE:
		return mu_cfg_choices_text(names, sizeof names, d->choices);
	}
	return "a value";
}

/* The noun in `NAME: bad NOUN "VALUE" (hint)`. */
static const char *
type_noun(const struct mu_cfg_directive *d)
{
	switch (d->type) {
	case MU_CFG_UINT:
	case MU_CFG_INT_OPT:
	case MU_CFG_LONG_OPT:
	case MU_CFG_ULONG:
		return "number";
	case MU_CFG_DURATION:
		return "duration";
	case MU_CFG_SIZE:
		return "size";
	case MU_CFG_BOOL:
		return "boolean";
	case MU_CFG_LIST:
		return "list";
	case MU_CFG_STRING:
	case MU_CFG_CHOICE:
		break;
	}
	return "value";
}

/* What the directive's bounds allow; UNIT names what is counted ("" for
 * plain numbers, " second" for durations). */
static const char *
bounds_hint(const struct mu_cfg_directive *d, const char *unit)
{
	unsigned long limit = d->max != 0 ? d->max : d->min;
	const char *plural = *unit != '\0' && limit != 1 ? "s" : "";

	if (d->max != 0)
		return mu_cfg_hint("use %lu to %lu%s%s", d->min, d->max, unit,
				   plural);
	return mu_cfg_hint("at least %lu%s%s", d->min, unit, plural);
}

static int
check_bounds(const struct mu_cfg_directive *d, unsigned long v,
	     const char *unit, const char **hint_r)
{
	if (v >= d->min && (d->max == 0 || v <= d->max))
		return 0;
	*hint_r = bounds_hint(d, unit);
	return -1;
}

/* A number that fits both the field's C type and the directive's bounds. */
static int
parse_number(const struct mu_cfg_directive *d, const char *text,
	     unsigned long type_max, unsigned long *value_r,
	     const char **hint_r)
{
	unsigned long max = d->max != 0 && d->max < type_max ? d->max : type_max;

	if (mu_parse_uint(text, max, value_r, hint_r) < 0) {
		/* all digits: too large, so say what the range is */
		if (d->max != 0 && text[strspn(text, "0123456789")] == '\0')
			*hint_r = bounds_hint(d, "");
		return -1;
	}
	return check_bounds(d, *value_r, "", hint_r);
}

/* Words of TEXT, each one of the directive's choices (compared
 * case-insensitively and stored as spelled there), none twice. */
static int
parse_choice_list(const struct mu_cfg_directive *d, const char *text,
		  void *field, const char **hint_r)
{
	char names[200];
	char **list = mu_cfg_list_split(text);

	mu_cfg_choices_text(names, sizeof names, d->choices);
	if (list == NULL)
		return mu_cfg_list_blank(d, field, names, hint_r);
	for (char **w = list; *w != NULL; w++) {
		size_t i;

		for (i = 0; d->choices[i] != NULL; i++)
			if (strcasecmp(*w, d->choices[i]) == 0)
				break;
		if (d->choices[i] == NULL) {
			*hint_r = mu_cfg_hint("unknown \"%.40s\"; use %s", *w,
					      names);
			mu_cfg_list_free(list);
			return -1;
		}
		free(*w);
		*w = mu_xstrdup(d->choices[i]);
	}
	return mu_cfg_list_store(list, field, hint_r);
}

/* The type's plain parser: TEXT (not empty) into the field. */
static int
parse_plain(const struct mu_cfg_directive *d, const char *text, void *field,
	    const char **hint_r)
{
	unsigned long ul;
	unsigned secs;
	bool b;
	int choice;

	switch (d->type) {
	case MU_CFG_STRING:
		free(*(char **)field);
		*(char **)field = mu_xstrdup(text);
		return 0;
	case MU_CFG_UINT:
		if (parse_number(d, text, UINT_MAX, &ul, hint_r) < 0)
			return -1;
		*(unsigned *)field = (unsigned)ul;
		return 0;
	case MU_CFG_INT_OPT:
		if (parse_number(d, text, INT_MAX, &ul, hint_r) < 0)
			return -1;
		*(int *)field = (int)ul;
		return 0;
	case MU_CFG_LONG_OPT:
		if (parse_number(d, text, LONG_MAX, &ul, hint_r) < 0)
			return -1;
		*(long *)field = (long)ul;
		return 0;
	case MU_CFG_ULONG:
		if (parse_number(d, text, ULONG_MAX, &ul, hint_r) < 0)
			return -1;
		*(unsigned long *)field = ul;
		return 0;
	case MU_CFG_DURATION:
		if (mu_parse_duration(text, &secs, hint_r) < 0 ||
		    check_bounds(d, secs, " second", hint_r) < 0)
			return -1;
		*(unsigned *)field = secs;
		return 0;
	case MU_CFG_SIZE:
		if (mu_parse_size(text, &ul, hint_r) < 0 ||
		    check_bounds(d, ul, " byte", hint_r) < 0)
			return -1;
		*(unsigned long *)field = ul;
		return 0;
	case MU_CFG_BOOL:
		if (mu_parse_bool(text, &b, hint_r) < 0)
			return -1;
		*(bool *)field = b;
		return 0;
	case MU_CFG_CHOICE:
		if (mu_parse_choice(text, d->choices, &choice, hint_r) < 0)
			return -1;
		*(int *)field = choice;
		return 0;
	case MU_CFG_LIST:
		if (d->choices != NULL)
			return parse_choice_list(d, text, field, hint_r);
		return mu_cfg_list_store(mu_cfg_list_split(text), field,
					 hint_r);
	}
	*hint_r = "unknown directive type";
	return -1;
}

/* The "unset" state of a field (-1, NULL). */
static void
set_unset(const struct mu_cfg_directive *d, void *field)
{
	switch (d->type) {
	case MU_CFG_STRING:
		free(*(char **)field);
		*(char **)field = NULL;
		break;
	case MU_CFG_LIST:
		mu_cfg_list_free(*(char ***)field);
		*(char ***)field = NULL;
		break;
	case MU_CFG_INT_OPT:
		*(int *)field = -1;
		break;
	case MU_CFG_LONG_OPT:
		*(long *)field = -1;
		break;
	default:
		break;
	}
}

enum set_result { SET_OK, SET_EMPTY_REFUSED, SET_BAD };

static enum set_result
set_value(void *base, const struct mu_cfg_directive *d, const char *text,
	  const char **hint_r)
{
	void *field = FIELD(base, d);

	if (*text == '\0') {
		switch (d->empty) {
		case MU_EMPTY_ERROR:
			return SET_EMPTY_REFUSED;
		case MU_EMPTY_UNSET:
			set_unset(d, field);
			return SET_OK;
		case MU_EMPTY_STRING:
			free(*(char **)field);
			*(char **)field = mu_xstrdup("");
			return SET_OK;
		}
	}
	if ((d->parse ? d->parse : parse_plain)(d, text, field, hint_r) < 0)
		return SET_BAD;
	return SET_OK;
}

/* ------------------------------------------------ defaults and release */

void
mu_cfg_defaults(const struct mu_cfg_table *t, void *base)
{
	for (size_t i = 0; i < t->count; i++) {
		const struct mu_cfg_directive *d = &t->directives[i];
		const char *why = NULL;

		if (d->default_text == NULL) {
			set_unset(d, FIELD(base, d));
			continue;
		}
		if (set_value(base, d, d->default_text, &why) != SET_OK) {
			/* a broken table is a bug, not a user error */
			fprintf(stderr, "mu_cfg_defaults: default of %s \"%s\": "
				"%s\n", d->name, d->default_text,
				why ? why : "empty value refused");
			abort();
		}
	}
}

void
mu_cfg_release(const struct mu_cfg_table *t, void *base)
{
	for (size_t i = 0; i < t->count; i++) {
		const struct mu_cfg_directive *d = &t->directives[i];

		if (d->type == MU_CFG_STRING || d->type == MU_CFG_LIST)
			set_unset(d, FIELD(base, d));
	}
}

const struct mu_cfg_directive *
mu_cfg_find(const struct mu_cfg_table *t, const char *name)
{
	for (size_t i = 0; i < t->count; i++)
		if (strcasecmp(t->directives[i].name, name) == 0)
			return &t->directives[i];
	return NULL;
}

/* ------------------------------------------------------------ the reader */

struct reader {
	const struct mu_cfg_table *table;
	void *base;
	bool *explicit_set;             /* or NULL */
	const char *file;
	unsigned line;
	FILE *errs;
	int errors;
	unsigned *first_line;           /* per directive; 0: not seen yet */
};

static void
report(struct reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
report(struct reader *r, const char *fmt, ...)
{
	va_list ap;

	r->errors++;
	if (r->errs == NULL)
		return;
	fprintf(r->errs, "%s:%u: ", r->file, r->line);
	va_start(ap, fmt);
	vfprintf(r->errs, fmt, ap);
	va_end(ap);
	fputc('\n', r->errs);
}

enum line_status { LINE_OK, LINE_EOF, LINE_TOO_LONG, LINE_NUL, LINE_IO_ERROR };

/* One line into buf (NUL-terminated, without its LF or a CR before it).
 * A line is never split: an overlong one is read to its end and refused. */
static enum line_status
read_line(FILE *f, char buf[MU_CONFIG_LINE_MAX + 2])
{
	size_t len = 0;
	bool overlong = false, nul = false, any = false;
	int c;

	while ((c = getc(f)) != EOF) {
		any = true;
		if (c == '\n')
			break;
		if (c == '\0')
			nul = true;
		/* one byte of slack for the CR of a CRLF file */
		if (len < MU_CONFIG_LINE_MAX + 1)
			buf[len++] = (char)c;
		else
			overlong = true;
	}
	if (ferror(f))
		return LINE_IO_ERROR;
	if (!any)
		return LINE_EOF;
	if (len > 0 && buf[len - 1] == '\r')
		len--;
	buf[len] = '\0';
	if (overlong || len > MU_CONFIG_LINE_MAX)
		return LINE_TOO_LONG;
	return nul ? LINE_NUL : LINE_OK;
}

/* A double-quoted value starting at *p (on the quote) into out; \" and \\
 * are the only escapes.  0 ok (p past the quote), -1 with *why set. */
static int
unquote(const char **pp, char *out, const char **why)
{
	const char *p = *pp + 1;

	for (;;) {
		char c = *p++;

		if (c == '\0') {
			*why = "missing closing quote";
			return -1;
		}
		if (c == '"')
			break;
		if (c == '\\') {
			c = *p++;
			if (c != '"' && c != '\\') {
				*why = "bad escape in quoted value (only \\\" "
				       "and \\\\ are allowed)";
				return -1;
			}
		}
		*out++ = c;
	}
	*out = '\0';
	*pp = p;
	return 0;
}

static void
parse_line(struct reader *r, char *line, char *value_buf)
{
	char *p = line, *name, *value;
	const struct mu_cfg_directive *d;
	const char *why = NULL;
	size_t idx;

	while (mu_cfg_is_blank(*p))
		p++;
	if (*p == '\0' || *p == '#')
		return;
	name = p;
	while (*p != '\0' && !mu_cfg_is_blank(*p) && *p != '=')
		p++;
	if (p == name) {
		report(r, "missing directive name before \"=\" "
		       "(expected \"name = value\")");
		return;
	}
	if (*p != '\0' && *p != '=')
		*p++ = '\0';
	while (mu_cfg_is_blank(*p))
		p++;
	if (*p != '=') {
		report(r, "%.*s: missing \"=\" (expected \"%.*s = value\")",
		       MU_CONFIG_QUOTE_MAX, name, MU_CONFIG_QUOTE_MAX, name);
		return;
	}
	*p++ = '\0';
	while (mu_cfg_is_blank(*p))
		p++;

	if (*p == '"') {
		const char *q = p;

		if (unquote(&q, value_buf, &why) < 0) {
			report(r, "%.*s: %s", MU_CONFIG_QUOTE_MAX, name, why);
			return;
		}
		while (mu_cfg_is_blank(*q))
			q++;
		if (*q != '\0' && *q != '#') {
			report(r, "%.*s: unexpected text after the closing "
			       "quote", MU_CONFIG_QUOTE_MAX, name);
			return;
		}
		value = value_buf;
	} else {
		/* '#' opens a comment only at the start or after a blank,
		 * so a password like pa#ss survives */
		char *end;

		value = p;
		for (end = p; *end != '\0'; end++)
			if (*end == '#' && (end == value || mu_cfg_is_blank(end[-1])))
				break;
		while (end > value && mu_cfg_is_blank(end[-1]))
			end--;
		*end = '\0';
	}

	d = mu_cfg_find(r->table, name);
	if (d == NULL && r->table->ignore_unknown)
		return;
	if (d == NULL) {
		const char *whose, *near = mu_cfg_suggest(r->table, name,
							  &whose);

		if (near == NULL)
			report(r, "unknown directive \"%.*s\"",
			       MU_CONFIG_QUOTE_MAX, name);
		else
			report(r, "unknown directive \"%.*s\"; did you mean "
			       "\"%s\"?%s%s%s", MU_CONFIG_QUOTE_MAX, name, near,
			       whose ? " (" : "", whose ? whose : "",
			       whose ? ")" : "");
		return;
	}
	idx = (size_t)(d - r->table->directives);
	if (r->first_line[idx] != 0) {
		report(r, "%s: set twice (first on line %u)", d->name,
		       r->first_line[idx]);
		return;
	}
	r->first_line[idx] = r->line;

	switch (set_value(r->base, d, value, &why)) {
	case SET_OK:
		if (r->explicit_set != NULL)
			r->explicit_set[idx] = true;
		break;
	case SET_EMPTY_REFUSED:
		report(r, "%s: missing value (expected %s)", d->name,
		       type_expects(d));
		break;
	case SET_BAD:
		report(r, "%s: bad %s \"%.*s%s\" (%s)", d->name, type_noun(d),
		       MU_CONFIG_QUOTE_MAX, value,
		       strlen(value) > MU_CONFIG_QUOTE_MAX ? "..." : "", why);
		break;
	}
}

int
mu_cfg_read(const struct mu_cfg_table *t, void *base, bool *explicit_set,
	    char **file_r, const char *file, bool missing_ok, FILE *errs)
{
	struct reader r = {
		.table = t, .base = base, .explicit_set = explicit_set,
		.file = file, .line = 0, .errs = errs, .errors = 0,
	};
	char *line, *value_buf;
	FILE *f = fopen(file, "re");
	int result;

	if (f == NULL) {
		if (errno == ENOENT && missing_ok)
			return 0;
		if (errs != NULL)
			fprintf(errs, "%s: cannot open: %s\n", file,
				strerror(errno));
		return -1;
	}
	if (file_r != NULL) {
		free(*file_r);
		*file_r = mu_xstrdup(file);
	}
	r.first_line = mu_xcalloc(t->count, sizeof *r.first_line);
	line = mu_xmalloc(MU_CONFIG_LINE_MAX + 2);
	value_buf = mu_xmalloc(MU_CONFIG_LINE_MAX + 2);

	for (;;) {
		enum line_status st = read_line(f, line);

		if (st == LINE_EOF)
			break;
		r.line++;
		if (st == LINE_IO_ERROR) {
			if (errs != NULL)
				fprintf(errs, "%s:%u: read error: %s\n", file,
					r.line, strerror(errno));
			r.errors = -1;
			break;
		}
		if (st == LINE_TOO_LONG)
			report(&r, "line too long (more than %d bytes)",
			       MU_CONFIG_LINE_MAX);
		else if (st == LINE_NUL)
			report(&r, "NUL byte in line");
		else
			parse_line(&r, line, value_buf);
	}
	result = r.errors;
	fclose(f);
	free(line);
	free(value_buf);
	free(r.first_line);
	return result;
}

/* ----------------------------------------------------------- the printer */

/* Quoted when plain text would read back differently: a leading quote or
 * blank, a trailing blank, a '#' that could open a comment, or a trailing
 * CR (the reader would take it for the CR of a CRLF line end). */
static void
print_string(FILE *out, const char *s)
{
	size_t len = strlen(s);

	if (len == 0)
		return;
	if (s[0] != '"' && !mu_cfg_is_blank(s[0]) && !mu_cfg_is_blank(s[len - 1]) &&
	    s[len - 1] != '\r' && strchr(s, '#') == NULL) {
		fprintf(out, " %s", s);
		return;
	}
	fputs(" \"", out);
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

static void
print_value(FILE *out, const void *base, const struct mu_cfg_directive *d)
{
	struct mu_buf b;
	char *const *list;
	int iv;
	long lv;

	switch (d->type) {
	case MU_CFG_STRING: {
		const char *s = *CFIELD(base, d, char *);

		if (s != NULL)
			print_string(out, s);
		break;
	}
	case MU_CFG_UINT:
	case MU_CFG_DURATION:
		fprintf(out, " %u", *CFIELD(base, d, unsigned));
		break;
	case MU_CFG_INT_OPT:
		if ((iv = *CFIELD(base, d, int)) >= 0)
			fprintf(out, " %d", iv);
		break;
	case MU_CFG_LONG_OPT:
		if ((lv = *CFIELD(base, d, long)) >= 0)
			fprintf(out, " %ld", lv);
		break;
	case MU_CFG_SIZE:
	case MU_CFG_ULONG:
		fprintf(out, " %lu", *CFIELD(base, d, unsigned long));
		break;
	case MU_CFG_BOOL:
		fputs(*CFIELD(base, d, bool) ? " yes" : " no", out);
		break;
	case MU_CFG_CHOICE:
		fprintf(out, " %s", d->choices[*CFIELD(base, d, int)]);
		break;
	case MU_CFG_LIST:
		list = *CFIELD(base, d, char **);
		if (list == NULL)
			break;
		mu_buf_init(&b);
		for (size_t i = 0; list[i] != NULL; i++)
			mu_buf_appendf(&b, "%s%s", i ? " " : "", list[i]);
		print_string(out, b.data);      /* mu_buf keeps a NUL */
		mu_buf_free(&b);
		break;
	}
}

void
mu_cfg_print(const struct mu_cfg_table *t, const void *base, FILE *out)
{
	for (size_t i = 0; i < t->count; i++) {
		fprintf(out, "%s =", t->directives[i].name);
		print_value(out, base, &t->directives[i]);
		fputc('\n', out);
	}
}
