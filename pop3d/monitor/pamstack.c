/* Whether a PAM service has a session stack (pamstack.h).
 *
 * The configuration is read as libpam reads it when pam_start loads the
 * handlers, so that the answer is about the stack pam_open_session will
 * run, not about what the files seem to say:
 *
 *  - Both the service's file and the "other" file are read.  libpam puts
 *    their entries on two lists and runs, for each type, the service's
 *    entries when it has any of that type and those of "other" otherwise:
 *    a service file without session lines gets the session stack of
 *    "other", not an empty one.
 *  - A service file is looked for in each directory in turn; a missing
 *    one leaves "other" alone.  With neither file libpam refuses the
 *    service, and so does a file it cannot parse: the answer is then
 *    the safe one, true.
 *  - Lines: blank and comment lines skipped, '#' anywhere ends a line, a
 *    backslash at the end joins the next line (blank and comment lines in
 *    between are skipped, as libpam does).  Fields are separated by
 *    blanks; a field starting with '[' runs to the first ']' that is not
 *    "\]", blanks included (the bracketed control values).
 *  - TYPE CONTROL MODULE [ARGS]: the type is compared without regard to
 *    case and may start with '-' (no log when the module is missing; the
 *    entry is there all the same).  With CONTROL include or substack,
 *    MODULE names a file whose lines of the same type are read in its
 *    place; substack leaves an entry of its own even when the file adds
 *    none.  "@include FILE" in the type field (Debian's libpam) reads all
 *    of FILE's lines in its place.
 *  - Entries libpam installs to fail (no control, no module, a file to
 *    include that cannot be read) count as a stack that runs: the session
 *    would not open without it.
 *
 * Every buffer has a fixed size and include depth, files and lines have
 * limits: a line that does not fit (a comment need not), an include loop
 * or a configuration too large to be real ends the reading with the safe
 * answer. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "pop3d/monitor/pamstack.h"

/* An assembled line, continuation lines included.  Older libpam reads
 * 1024 octets of a line, newer any length; 8 KiB leaves room for long
 * argument lists. */
#define LINE_SIZE 8192
/* Include levels: newer libpam's own limit (older ones recurse until
 * they crash), which also ends loops. */
#define DEPTH_MAX 16
/* Files opened and lines read in all, so that a file that includes
 * itself several times over cannot make the walk take 16 levels of
 * fan-out; a real configuration is a few files of some dozen lines. */
#define FILES_MAX 256
#define LINES_MAX 65536
/* A service name: a file name. */
#define SERVICE_SIZE 256

/* One of libpam's two lists, as far as the session type goes. */
struct stack {
	bool any;       /* an entry of type session: libpam uses this list */
	bool runs;      /* one that is more than pam_permit.so, or fails */
};

struct walk {
	const char *service;    /* as libpam has it: lower case, no '/' */
	const char *incdir;     /* where relative include names are */
	bool unsure;            /* libpam would refuse it, or we cannot tell */
	unsigned files, lines;
	struct stack conf;      /* the service's entries */
	struct stack other;     /* those of "other", the fallback */
	/* One buffer each serves every level: a line is done with before an
	 * include it names is read, and a path before its file is. */
	char line[LINE_SIZE];
	char path[PATH_MAX];
};

static void read_file(struct walk *w, FILE *f, bool service_field,
		      bool session_only, int depth, struct stack *st);

/* One physical line of f into buf (room for size - 1 octets and the
 * NUL), without its newline and without what follows a '#', which is a
 * comment however long; *hash says whether there was one.  Its length,
 * -1 at the end of the file, -2 when the part before a '#' does not fit,
 * on a NUL octet (libpam would see the line end there; we cannot tell
 * what was meant) or on a read error. */
static long
physical_line(FILE *f, char *buf, size_t size, bool *hash)
{
	size_t len = 0;
	int c;

	*hash = false;
	while ((c = getc(f)) != EOF && c != '\n') {
		if (*hash)
			continue;
		if (c == '#')
			*hash = true;
		else if (c == '\0' || len + 1 >= size)
			return -2;
		else
			buf[len++] = (char)c;
	}
	if (ferror(f))
		return -2;
	if (c == EOF && len == 0 && !*hash)
		return -1;
	buf[len] = '\0';
	return (long)len;
}

/* The next line as libpam assembles it into buf: 1, or 0 at the end of
 * the file.  A blank or comment line is skipped, also between a line
 * that ends in a backslash and the one it continues; a comment after an
 * entry ends the line, a backslash before it or not.  -1 when a line
 * does not fit in size octets, when a line ending in a backslash is the
 * last (libpam refuses the file then), or on a read error. */
static int
read_line(FILE *f, char *buf, size_t size)
{
	size_t used = 0;

	for (;;) {
		char *p = buf + used, *s, *e;
		bool hash;
		long n = physical_line(f, p, size - used, &hash);

		if (n == -2)
			return -1;
		if (n == -1)
			return used > 0 ? -1 : 0;
		s = p + strspn(p, " \t");
		if (*s == '\0')
			continue;
		if (hash)
			return 1;
		e = p + n;
		while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if (e[-1] != '\\')
			return 1;
		/* joined with a blank, as libpam does */
		e[-1] = ' ';
		*e = '\0';
		used = (size_t)(e - buf);
	}
}

/* The next field of the line at *rest, cut out in place as libpam does
 * it, NULL when there is none.  A field in brackets loses them and keeps
 * its blanks; "\]" in it stands for ']'. */
static char *
next_field(char **rest)
{
	char *from = *rest, *end;

	if (from == NULL)
		return NULL;
	from += strspn(from, " \t\n");
	if (*from == '\0') {
		*rest = NULL;
		return NULL;
	}
	if (*from == '[') {
		char *to;

		for (to = end = ++from; *end != '\0' && *end != ']';
		     ++to, ++end) {
			if (*end == '\\' && end[1] == ']')
				++end;
			*to = *end;
		}
		if (to != end)
			*to = '\0';
	} else {
		end = from + strcspn(from, " \t\n");
	}
	if (*end != '\0')
		*end++ = '\0';
	*rest = *end != '\0' ? end : NULL;
	return from;
}

/* Does a module field name pam_permit.so, by itself or with a
 * directory? */
static bool
is_permit(const char *module)
{
	const char *base = strrchr(module, '/');

	return strcmp(base != NULL ? base + 1 : module, "pam_permit.so") == 0;
}

/* Read the file an include names, its entries going to st: false when
 * libpam could not (no name, not there, too deep). */
static bool
include(struct walk *w, const char *name, bool session_only, int depth,
	struct stack *st)
{
	const char *path = name;
	FILE *f;

	if (name == NULL || depth + 1 >= DEPTH_MAX)
		return false;
	if (name[0] != '/') {
		int n;

		if (w->incdir == NULL)
			return false;
		n = snprintf(w->path, sizeof w->path, "%s/%s", w->incdir,
			     name);
		if (n < 0 || (size_t)n >= sizeof w->path)
			return false;
		path = w->path;
	}
	if (++w->files > FILES_MAX) {
		w->unsure = true;
		return true;
	}
	f = fopen(path, "re");
	if (f == NULL)
		return false;
	read_file(w, f, false, session_only, depth + 1, st);
	fclose(f);
	return true;
}

/* One assembled line.  service_field: the line starts with the service
 * it is for (the single-file configuration), and which list its entry
 * goes to follows from it; otherwise the entry goes to st.  session_only:
 * the line is read for an include of type session, where libpam skips
 * the other types and gives a line without a valid type that type. */
static void
read_entry(struct walk *w, char *line, bool service_field,
	   bool session_only, int depth, struct stack *st)
{
	char *rest = line;
	char *field;
	bool substack;

	if (service_field) {
		field = next_field(&rest);
		if (field == NULL)
			return;
		if (strcasecmp(field, "other") == 0)
			st = &w->other;
		else if (strcasecmp(field, w->service) == 0)
			st = &w->conf;
		else
			return;
	}

	field = next_field(&rest);
	if (field != NULL && field[0] == '-')
		field++;
	if (field != NULL && strcasecmp(field, "@include") == 0) {
		/* libpam gives up on the whole configuration when it cannot
		 * read this file (unless it is read for a type, when it
		 * installs a failing entry: true either way) */
		if (!include(w, next_field(&rest), session_only, depth, st))
			w->unsure = true;
		return;
	}
	if (field == NULL || strcasecmp(field, "session") != 0) {
		/* No type, or one libpam does not know: an entry bound to
		 * fail, of the type being read, or auth when any is. */
		bool known = field != NULL &&
			(strcasecmp(field, "auth") == 0 ||
			 strcasecmp(field, "account") == 0 ||
			 strcasecmp(field, "password") == 0);

		if (!known && session_only)
			st->any = st->runs = true;
		return;
	}

	field = next_field(&rest);
	if (field == NULL) {
		/* no control: a failing entry */
		st->any = st->runs = true;
		return;
	}
	substack = strcasecmp(field, "substack") == 0;
	if (substack || strcasecmp(field, "include") == 0) {
		if (substack)
			st->any = true;
		if (!include(w, next_field(&rest), true, depth, st))
			st->any = st->runs = true;
		return;
	}
	field = next_field(&rest);
	st->any = true;
	/* no module is a failing entry too */
	if (field == NULL || !is_permit(field))
		st->runs = true;
}

/* Every line of f, until the walk is unsure of its answer. */
static void
read_file(struct walk *w, FILE *f, bool service_field, bool session_only,
	  int depth, struct stack *st)
{
	int n;

	while (!w->unsure && (n = read_line(f, w->line, sizeof w->line)) != 0) {
		if (n < 0 || ++w->lines > LINES_MAX) {
			w->unsure = true;
			break;
		}
		read_entry(w, w->line, service_field, session_only, depth, st);
	}
}

/* Open name in the first directory that has it, as libpam looks for a
 * service file: 1 with *f, 0 when none has it, -1 when one has a file
 * that cannot be opened (libpam would go on to the next; whether the
 * administrator meant it to is past telling). */
static int
open_service(struct walk *w, const char *const *dirs, const char *name,
	     FILE **f)
{
	for (; *dirs != NULL; dirs++) {
		int n = snprintf(w->path, sizeof w->path, "%s/%s", *dirs, name);

		if (n < 0 || (size_t)n >= sizeof w->path)
			return -1;
		w->files++;
		*f = fopen(w->path, "re");
		if (*f != NULL)
			return 1;
		if (errno != ENOENT && errno != ENOTDIR)
			return -1;
	}
	return 0;
}

/* The service's file and "other" from the directories: false when
 * neither was there (libpam refuses the service). */
static bool
read_dirs(struct walk *w, const char *const *dirs)
{
	bool found = false;
	FILE *f;

	switch (open_service(w, dirs, w->service, &f)) {
	case -1:
		w->unsure = true;
		return true;
	case 1:
		/* a service called "other" is its own fallback */
		read_file(w, f, false, false, 0,
			  strcmp(w->service, "other") == 0 ? &w->other
							   : &w->conf);
		fclose(f);
		found = true;
		break;
	}
	if (w->unsure)
		return true;
	switch (open_service(w, dirs, "other", &f)) {
	case -1:
		w->unsure = true;
		return true;
	case 1:
		read_file(w, f, false, false, 0, &w->other);
		fclose(f);
		found = true;
		break;
	}
	return found;
}

static bool
any_dir(const char *const *dirs)
{
	struct stat st;

	for (; *dirs != NULL; dirs++)
		if (stat(*dirs, &st) == 0 && S_ISDIR(st.st_mode))
			return true;
	return false;
}

bool
pam_service_has_session_at(const struct pamstack_where *where,
			   const char *service)
{
	/* some 12 KiB: kept off the stack of whoever calls */
	struct walk *w = calloc(1, sizeof *w);
	char name[SERVICE_SIZE];
	const char *base;
	bool answer;
	size_t i;

	if (w == NULL)
		return true;
	/* libpam's service: the part after the last '/', in lower case */
	base = strrchr(service, '/');
	base = base != NULL ? base + 1 : service;
	for (i = 0; base[i] != '\0' && i < sizeof name - 1; i++)
		name[i] = (char)tolower((unsigned char)base[i]);
	name[i] = '\0';
	if (i == 0 || base[i] != '\0') {
		free(w);
		return true;
	}
	w->service = name;
	w->incdir = where->dirs[0];

	if (where->conf == NULL || any_dir(where->dirs)) {
		if (!read_dirs(w, where->dirs))
			w->unsure = true;
	} else {
		/* no directory: includes have nowhere to look but absolute
		 * names (libpam looks in the directory that is not there) */
		FILE *f = fopen(where->conf, "re");

		w->incdir = NULL;
		if (f == NULL) {
			w->unsure = true;
		} else {
			read_file(w, f, true, false, 0, NULL);
			fclose(f);
		}
	}

	if (w->unsure)
		answer = true;
	else if (w->conf.any)
		answer = w->conf.runs;
	else
		answer = w->other.runs;
	free(w);
	return answer;
}

bool
pam_service_has_session(const char *service)
{
	static const char *const system_dirs[] = {
		"/etc/pam.d", "/usr/lib/pam.d", NULL
	};
	static const struct pamstack_where system = {
		system_dirs, "/etc/pam.conf"
	};
	const char *wrapper = getenv("PAM_WRAPPER");
	const char *dir = getenv("PAM_WRAPPER_SERVICE_DIR");

	/* libpam_wrapper, which the tests preload, moves the directory: when
	 * PAM_WRAPPER is 1 and PAM_WRAPPER_SERVICE_DIR is set (its own test)
	 * it copies that directory's files and has libpam look for service
	 * files in the copy and nowhere else.  (Debian's libpam still looks
	 * up include names without a directory in /etc/pam.d then; here
	 * they are looked up beside the service files, where a test puts
	 * them.) */
	if (wrapper != NULL && wrapper[0] == '1' && dir != NULL &&
	    dir[0] != '\0') {
		const char *const dirs[] = { dir, NULL };
		const struct pamstack_where wrapped = { dirs, NULL };

		return pam_service_has_session_at(&wrapped, service);
	}
	return pam_service_has_session_at(&system, service);
}
