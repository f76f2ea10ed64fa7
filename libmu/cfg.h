/* A table-driven reader of `name = value` configuration files.
 *
 * The program describes its directives in a table (name, type, where the
 * value goes in its own struct, default, bounds) and gets its struct
 * filled: defaults first (mu_cfg_defaults), then what a file sets
 * (mu_cfg_read).  Every problem is reported as `FILE:LINE: message`, and
 * mu_cfg_print writes the values back in the same syntax.
 *
 * The file syntax: one directive a line, `name = value`; names are
 * case-insensitive; blank lines and lines starting with '#' are comments,
 * and so is the rest of a line from a '#' at its start or after a blank;
 * a value may be double-quoted (escapes \" and \\ only), which keeps
 * blanks and '#'; CRLF line ends are taken as LF; a line is at most 4096
 * octets; a directive may be set once. */
#ifndef MU_CFG_H
#define MU_CFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* The C type of each field: STRING char *, UINT unsigned, INT_OPT int (-1
 * unset), DURATION unsigned seconds, SIZE and ULONG unsigned long, BOOL bool,
 * LIST char ** (NULL-terminated, NULL when empty), CHOICE int (the index
 * of the value in the directive's choices), LONG_OPT long (-1 unset). */
enum mu_cfg_type {
	MU_CFG_STRING, MU_CFG_UINT, MU_CFG_INT_OPT, MU_CFG_DURATION,
	MU_CFG_SIZE, MU_CFG_BOOL, MU_CFG_LIST, MU_CFG_CHOICE, MU_CFG_LONG_OPT,
	MU_CFG_ULONG,
};

struct mu_cfg_directive;
/* A directive's own check, replacing the plain one of its type: parse TEXT
 * (never empty) into the field, which it owns (frees the old value).
 * 0 ok; -1 with *hint_r saying what was expected. */
typedef int mu_cfg_parser(const struct mu_cfg_directive *d, const char *text,
			  void *field, const char **hint_r);

/* How an empty value (`name =`) is taken. */
enum mu_cfg_empty {
	MU_EMPTY_ERROR,                 /* a value is required */
	MU_EMPTY_UNSET,                 /* NULL string / empty list / -1 */
	MU_EMPTY_STRING,                /* the empty string "" */
};

struct mu_cfg_directive {
	const char *name;
	enum mu_cfg_type type;
	size_t offset;                  /* of the field in the caller's struct */
	/* the default in file syntax (parsed by mu_cfg_defaults, so it can be
	 * "3 minutes"); NULL: unset */
	const char *default_text;
	unsigned long min, max;         /* for numbers; max 0: no bound */
	/* the program's own marks, for its own use: the reader never looks
	 * at them */
	unsigned flags;
	enum mu_cfg_empty empty;
	mu_cfg_parser *parse;           /* NULL: the type's plain parser */
	/* what `name =` is told is expected; NULL: the type's own words */
	const char *expects;
	/* CHOICE: the values, NULL-terminated (compared case-insensitively;
	 * the field is the index).  LIST: NULL, or the only words allowed
	 * (compared case-insensitively, stored as spelled here). */
	const char *const *choices;
};

/* Another program's name for a directive, so that a configuration carried
 * over is told the name to use: whose says whose name it is (e.g. "GNU
 * Mailutils' name") and is shown with the suggestion. */
struct mu_cfg_alias {
	const char *name, *ours, *whose;
};

struct mu_cfg_table {
	const struct mu_cfg_directive *directives;
	size_t count;
	const struct mu_cfg_alias *aliases;
	size_t alias_count;
	/* A name the table does not have is skipped without a word (once
	 * its line is `name = value`), for a program that reads a few
	 * directives of another program's file and leaves checking the rest
	 * to that program; otherwise it is an error, with a "did you mean"
	 * where a name is close. */
	bool ignore_unknown;
};

/* Each directive's default into the struct at base (its fields are
 * overwritten, not freed).  A default that does not parse is a bug of the
 * table: reported on stderr, then abort().  Pair with mu_cfg_release. */
void mu_cfg_defaults(const struct mu_cfg_table *t, void *base);

/* Free the strings and lists of the struct at base (set to unset). */
void mu_cfg_release(const struct mu_cfg_table *t, void *base);

/* Read file into the struct at base (which has its defaults).  A missing
 * file is an error unless missing_ok.  explicit_set (t->count entries, or
 * NULL) gets true for each directive the file sets; *file_r (file_r may
 * be NULL) gets a malloc'd copy of file once it is open, replacing (and
 * freeing) what it held.  Each problem is written to errs (may be NULL) as
 * `FILE:LINE: msg`; returns the number of errors (0 = sound), or -1 if
 * the file cannot be read at all (the reason also goes to errs). */
int mu_cfg_read(const struct mu_cfg_table *t, void *base, bool *explicit_set,
		char **file_r, const char *file, bool missing_ok, FILE *errs);

/* Print every setting as `name = value`, one a line, in table order; the
 * output reads back through mu_cfg_read to the same values (unless a
 * value is so long that its printed line passes the reader's 4096-octet
 * limit: it was read from a line near that limit). */
void mu_cfg_print(const struct mu_cfg_table *t, const void *base, FILE *out);

/* The directive called NAME (case-insensitive), or NULL. */
const struct mu_cfg_directive *mu_cfg_find(const struct mu_cfg_table *t,
					   const char *name);

/* The directive closest to NAME, for a "did you mean" hint: a name of the
 * table within a small edit distance, or the table's name for one of its
 * aliases.  NULL when nothing is close; *whose_r (may be NULL) gets the
 * alias's whose, or NULL for a plain typo. */
const char *mu_cfg_suggest(const struct mu_cfg_table *t, const char *name,
			   const char **whose_r);

/* ---- for directive-own parsers (mu_cfg_parser) ---- */

/* A hint with numbers in it, built in a buffer valid until the next
 * call (of this or of the value parsers below). */
const char *mu_cfg_hint(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* TEXT split at spaces and tabs; NULL when there is no word. */
char **mu_cfg_list_split(const char *text);
void mu_cfg_list_free(char **list);
/* Put list (taken over) into a LIST field, unless a word is in it twice
 * (then -1 with *hint_r saying which). */
int mu_cfg_list_store(char **list, void *field, const char **hint_r);
/* A LIST value of only blanks ("  " in quotes, which the reader does not
 * take for an empty value): the empty list where the directive allows
 * an empty value, else -1 with *hint_r saying to USE something. */
int mu_cfg_list_blank(const struct mu_cfg_directive *d, void *field,
		      const char *use, const char **hint_r);

/* ---- value parsers ----
 * One value of a type, strictly (no sign, spaces or junk around it);
 * 0 ok, -1 with *error_r set to a hint of what was expected (a static
 * string, or a buffer valid until the next call).  mu_parse_uint: max 0
 * means no bound but ULONG_MAX.  mu_parse_choice: the index of text in
 * choices (NULL-terminated), compared case-insensitively. */
int mu_parse_duration(const char *text, unsigned *seconds_r, const char **error_r);
int mu_parse_size(const char *text, unsigned long *bytes_r, const char **error_r);
int mu_parse_bool(const char *text, bool *value_r, const char **error_r);
int mu_parse_uint(const char *text, unsigned long max, unsigned long *value_r,
		  const char **error_r);
int mu_parse_choice(const char *text, const char *const *choices,
		    int *index_r, const char **error_r);

/* Exact (case-sensitive) membership; a NULL list is empty. */
bool mu_list_contains(char *const *list, const char *word);

#endif
