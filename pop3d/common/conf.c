/* Reading the configuration at start, on SIGHUP and for pop3d -t. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libmu/url.h"
#include "libmu/util.h"
#include "pop3d/common/conf.h"
#include "pop3d/common/limits.h"
#include "pop3d/common/session.h"

/* the session keeps host_id in a buffer of its own */
_Static_assert(POP3_HOST_ID_MAX < SESSION_HOST_ID_MAX,
	       "SESSION_HOST_ID_MAX holds the longest host_id");

unsigned
conf_directive_line(const char *file, const char *name)
{
	FILE *f = file != NULL ? fopen(file, "r") : NULL;
	size_t nlen = strlen(name);
	char buf[1024];
	unsigned lineno = 0, found = 0;

	if (f == NULL)
		return 0;
	while (fgets(buf, sizeof buf, f) != NULL) {
		const char *p = buf;

		lineno++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (strncmp(p, name, nlen) == 0 &&
		    (p[nlen] == ' ' || p[nlen] == '\t' || p[nlen] == '=')) {
			found = lineno;
			break;
		}
		/* a line longer than buf: skip its continuation */
		while (strchr(buf, '\n') == NULL &&
		       fgets(buf, sizeof buf, f) != NULL)
			;
	}
	fclose(f);
	return found;
}

/* host_id is the domain of the APOP timestamp, an RFC 822 msg-id (RFC
 * 1939 section 7), and of the CRAM-MD5 challenge (RFC 2195 section 2):
 * atoms -- printable ASCII but for spaces and the specials ()<>@,;:\".[]
 * -- joined by dots, or an address literal in brackets; and it must
 * leave the greeting whole within 512 octets (POP3_HOST_ID_MAX).  A name
 * that breaks either would have clients see a greeting without a usable
 * timestamp.  0, or -1 with the reason in why. */
static int
check_host_id(const char *host_id, char *why, size_t size)
{
	size_t len = strlen(host_id);
	bool literal = host_id[0] == '[';
	const char *specials = literal ? "[]\\" : "()<>@,;:\\\".[]";
	size_t label = 0;

	if (len > POP3_HOST_ID_MAX) {
		snprintf(why, size, "too long (%zu octets): at most %d, so that "
			 "the greeting with its APOP timestamp fits in 512 "
			 "(RFC 2449 section 4)", len, POP3_HOST_ID_MAX);
		return -1;
	}
	if (literal && (len < 3 || host_id[len - 1] != ']')) {
		snprintf(why, size, "an address literal must end with ']'");
		return -1;
	}
	for (size_t i = literal ? 1 : 0; i < (literal ? len - 1 : len); i++) {
		unsigned char c = (unsigned char)host_id[i];
		const char *what = NULL;
		char quoted[4];

		if (c == ' ')
			what = "a space";
		else if (c < 0x20 || c == 0x7f)
			what = "a control character";
		else if (c > 0x7f)
			what = "a non-ASCII octet (use the ASCII form of the "
				"name, xn--...)";
		else if (c != '.' && strchr(specials, c) != NULL) {
			snprintf(quoted, sizeof quoted, "'%c'", c);
			what = quoted;
		}
		if (what != NULL) {
			snprintf(why, size, "contains %s, which the APOP "
				 "timestamp (an RFC 822 msg-id, RFC 1939 section "
				 "7) cannot hold", what);
			return -1;
		}
		if (c == '.' && !literal) {
			if (label == 0)
				break;          /* the empty label, below */
			label = 0;
			continue;
		}
		label++;
	}
	if (!literal && label == 0) {
		snprintf(why, size, "has an empty label (a leading, trailing "
			 "or double '.')");
		return -1;
	}
	return 0;
}

/* ---- config_file_path: relative paths ---- */

/* Directives that name files or directories, looked up in
 * config_file_path when relative.  Not the mailbox template: its paths
 * are each user's, and ~/ or %h make them relative to the home. */
static const struct {
	const char *name;
	enum { PATH_ONE, PATH_LIST, PATH_URL, PATH_LOG } kind;
} path_directives[] = {
	{ "pop3_certificate_path", PATH_LIST },
	{ "pop3_private_key_path", PATH_LIST },
	{ "pop3_log_file", PATH_LOG },
	{ "data_file_path", PATH_LIST },
	{ "stat_file", PATH_ONE },
	{ "bulletin_source", PATH_URL },
	{ "bulletin_db", PATH_ONE },
	{ "popauth_db", PATH_ONE },
	{ "telemetry_dir", PATH_ONE },
	{ "pid_file", PATH_ONE },
};

static char **
string_field(struct mu_config *cfg, const char *name)
{
	const struct mu_cfg_directive *d = mu_directive_find(name);

	return (char **)(void *)((char *)cfg + d->offset);
}

static char *
absolute(const char *path)
{
	char cwd[4096];

	if (path[0] == '/' || getcwd(cwd, sizeof cwd) == NULL)
		return mu_xstrdup(path);
	return mu_xasprintf("%s/%s", cwd, path);
}

/* The directory of file, absolute: config_file_path's default. */
static char *
file_dir(const char *file)
{
	char *abs = absolute(file != NULL ? file : ".");
	char *slash = strrchr(abs, '/');

	if (slash == abs)
		slash[1] = '\0';       /* a file in / */
	else if (slash != NULL)
		*slash = '\0';
	return abs;
}

/* config_file_path as a list of absolute directories (a relative one is
 * taken from the config file's directory, where the file itself lives);
 * unset: that directory alone. */
static char **
search_dirs(const struct mu_config *cfg, const char *file, size_t *n_r)
{
	char *home = file_dir(file);
	char **dirs = NULL;
	size_t n = 0;
	const char *p = cfg->config_file_path;

	while (p != NULL && *p != '\0') {
		const char *colon = strchr(p, ':');
		size_t len = colon != NULL ? (size_t)(colon - p) : strlen(p);

		if (len > 0) {
			dirs = mu_xreallocarray(dirs, n + 1, sizeof *dirs);
			dirs[n++] = p[0] == '/' ? mu_xstrndup(p, len) :
				mu_xasprintf("%s/%.*s", home, (int)len, p);
		}
		p = colon != NULL ? colon + 1 : NULL;
	}
	if (n == 0) {
		dirs = mu_xreallocarray(dirs, 1, sizeof *dirs);
		dirs[n++] = home;
	} else {
		free(home);
	}
	*n_r = n;
	return dirs;
}

/* A relative path: the first directory that has it, else the first
 * directory (a file pop3d creates, such as stat_file, goes there). */
static char *
resolve(char *const *dirs, size_t n, const char *path, size_t len)
{
	if (len == 0 || path[0] == '/')
		return mu_xstrndup(path, len);
	for (size_t i = 0; i < n; i++) {
		char *candidate = mu_xasprintf("%s%s%.*s", dirs[i],
					       strcmp(dirs[i], "/") == 0 ? "" :
					       "/", (int)len, path);

		if (access(candidate, F_OK) == 0)
			return candidate;
		free(candidate);
	}
	return mu_xasprintf("%s%s%.*s", dirs[0],
			    strcmp(dirs[0], "/") == 0 ? "" : "/", (int)len,
			    path);
}

static char *
resolve_list(char *const *dirs, size_t n, const char *value)
{
	struct mu_buf b;
	const char *p = value;
	char *out;

	mu_buf_init(&b);
	for (;;) {
		const char *colon = strchr(p, ':');
		size_t len = colon != NULL ? (size_t)(colon - p) : strlen(p);
		char *one = resolve(dirs, n, p, len);

		mu_buf_appendf(&b, "%s%s", p == value ? "" : ":", one);
		free(one);
		if (colon == NULL)
			break;
		p = colon + 1;
	}
	out = mu_xstrdup(b.data);
	mu_buf_free(&b);
	return out;
}

void
conf_resolve_paths(struct mu_config *cfg, const char *file)
{
	size_t n;
	char **dirs = search_dirs(cfg, file, &n);

	for (size_t i = 0; i < sizeof path_directives / sizeof *path_directives;
	     i++) {
		char **field = string_field(cfg, path_directives[i].name);
		const char *v = *field, *colon;
		char *resolved = NULL;

		if (v == NULL || v[0] == '\0')
			continue;
		switch (path_directives[i].kind) {
		case PATH_ONE:
			resolved = resolve(dirs, n, v, strlen(v));
			break;
		case PATH_LIST:
			resolved = resolve_list(dirs, n, v);
			break;
		case PATH_LOG:
			if (strcmp(v, "-") == 0 || strcmp(v, "syslog") == 0)
				continue;
			resolved = resolve(dirs, n, v, strlen(v));
			break;
		case PATH_URL:
			/* the scheme stays; a bare path is the whole URL; an
			 * unknown scheme is left for the URL's own check to
			 * refuse, rather than taken for a file name */
			colon = strchr(v, ':');
			if (colon != NULL && memchr(v, '/', (size_t)(colon - v)) ==
			    NULL && strncmp(v, "mbox:", 5) != 0 &&
			    strncmp(v, "maildir:", 8) != 0 &&
			    strncmp(v, "mh:", 3) != 0)
				continue;
			if (colon != NULL && (strncmp(v, "mbox:", 5) == 0 ||
					      strncmp(v, "maildir:", 8) == 0 ||
					      strncmp(v, "mh:", 3) == 0)) {
				char *path = resolve(dirs, n, colon + 1,
						     strlen(colon + 1));

				resolved = mu_xasprintf("%.*s%s",
							(int)(colon + 1 - v), v,
							path);
				free(path);
			} else {
				resolved = resolve(dirs, n, v, strlen(v));
			}
			break;
		}
		free(*field);
		*field = resolved;
	}
	for (size_t i = 0; i < n; i++)
		free(dirs[i]);
	free(dirs);
}

/* ---- what to do when a port cannot be had ---- */

const char *
conf_listen_hint(int err, unsigned port)
{
	switch (err) {
	case EADDRINUSE:
		return " (another server has it: another POP3 server, or a "
		       "pop3d already running? stop it, or choose another "
		       "port with pop3_listen_port or pop3_listen_tls_port)";
	case EACCES:
		if (port < 1024 && geteuid() != 0)
			return " (ports below 1024 need root: start pop3d as "
			       "root, or choose a port of 1024 or above)";
		return "";
	case EADDRNOTAVAIL:
		return " (no interface of this machine has that address; see "
		       "pop3_listen_addr)";
	default:
		return "";
	}
}

/* ---- context_max_mem: the session's network buffers ---- */

size_t
conf_output_capacity(const struct mu_config *cfg)
{
	unsigned long room = cfg->context_max_mem > CONF_CONTEXT_MEM_MIN ?
		cfg->context_max_mem - POP3_INPUT_BUFSIZE : POP3_REPLY_MAX;

	return room < POP3_OUTPUT_BUFSIZE ? (size_t)room : POP3_OUTPUT_BUFSIZE;
}

size_t
conf_relay_capacity(const struct mu_config *cfg, size_t full)
{
	size_t out = conf_output_capacity(cfg);
	unsigned long room = cfg->context_max_mem > out ?
		cfg->context_max_mem - out : 0;

	/* never below what the session's own input buffer holds: the
	 * client's commands must pass whole */
	if (room < POP3_INPUT_BUFSIZE)
		room = POP3_INPUT_BUFSIZE;
	return room < full ? (size_t)room : full;
}

static void
report_problem(FILE *errs, const char *file, const char *directive,
	       const char *what, const char *error)
{
	unsigned line = conf_directive_line(file, directive);

	if (line > 0)
		fprintf(errs, "%s:%u: %s: %s%s\n", file, line, directive, what,
			error);
	else
		fprintf(errs, "%s: %s: %s%s\n", file, directive, what, error);
}

int
conf_read_checked(struct mu_config *cfg, const char *file, bool explicit_file,
		  FILE *errs)
{
	const char *error;
	char why[256];
	int problems;

	problems = mu_config_read(cfg, file, !explicit_file, errs);
	if (problems < 0)
		return 1;
	/* before anything opens a file: every path is absolute from here
	 * on, also for a daemon that has moved to / (SIGHUP, certificates) */
	conf_resolve_paths(cfg, file);
	if (cfg->context_max_mem < CONF_CONTEXT_MEM_MIN) {
		snprintf(why, sizeof why, "%lu bytes is too small: at least %d "
			 "(an input buffer of %d, which a command line or a "
			 "SASL response needs, and one reply line of %d)",
			 cfg->context_max_mem, CONF_CONTEXT_MEM_MIN,
			 POP3_INPUT_BUFSIZE, POP3_REPLY_MAX);
		report_problem(errs, file, "context_max_mem", "", why);
		problems++;
	}
	if (cfg->mailbox != NULL &&
	    mu_url_check_template(cfg->mailbox, &error) < 0) {
		report_problem(errs, file, "mailbox", "", error);
		problems++;
	}
	/* checked here, so that pop3d -t, a start and SIGHUP all refuse it:
	 * no session ever sends a greeting cut short */
	if (cfg->host_id != NULL &&
	    check_host_id(cfg->host_id, why, sizeof why) < 0) {
		report_problem(errs, file, "host_id",
			       conf_directive_line(file, "host_id") > 0 ? "" :
			       "the system hostname (set host_id): ", why);
		problems++;
	} else {
		/* after host_id, which bounds the greeting's text; a broken
		 * file is refused like a broken directive (a SIGHUP keeps
		 * the texts in use) */
		problems += texts_load(cfg, errs, NULL);
	}
	return problems;
}

int
conf_load(struct mu_config *cfg, const char *file, bool explicit_file,
	  const char **error_r)
{
	/* the error convention (doc/hacking.md): the callee owns the text */
	static char error_buf[1024];
	char *text = NULL;
	size_t len = 0;
	FILE *errs = open_memstream(&text, &len);
	int problems;

	if (errs == NULL) {
		snprintf(error_buf, sizeof error_buf,
			 "%s: cannot collect errors: %s", file,
			 strerror(errno));
		*error_r = error_buf;
		return -1;
	}
	problems = conf_read_checked(cfg, file, explicit_file, errs);
	fclose(errs);
	if (problems == 0) {
		free(text);
		return 0;
	}
	/* one line: the first problem, without its line end */
	if (text != NULL && text[0] != '\0')
		snprintf(error_buf, sizeof error_buf, "%.*s",
			 (int)strcspn(text, "\n"), text);
	else
		snprintf(error_buf, sizeof error_buf,
			 "%s: bad configuration", file);
	free(text);
	*error_r = error_buf;
	return -1;
}

const char *
conf_host_id(const struct mu_config *cfg, char *buf, size_t size)
{
	if (cfg->host_id != NULL && cfg->host_id[0] != '\0')
		snprintf(buf, size, "%s", cfg->host_id);
	else if (gethostname(buf, size - 1) < 0)
		snprintf(buf, size, "localhost");
	else
		buf[size - 1] = '\0';
	return buf;
}
