/* pop3d -t: everything that can be checked without serving anybody. */
#include "config.h"

#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libmu/settings.h"
#include "libmu/util.h"
#include "libmu/url.h"
#include "pop3d/conf.h"
#include "pop3d/identity.h"
#include "pop3d/lint.h"
#include "pop3d/texts.h"
#include "pop3d/tls.h"

struct lint {
	const char *file;
	int errors;
};

static void lint_report(struct lint *l, bool error, const char *directive,
			const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* `FILE:LINE: message` at the directive's line, `FILE: message` when the
 * value is a built-in default. */
static void
lint_report(struct lint *l, bool error, const char *directive,
	    const char *fmt, ...)
{
	unsigned line = conf_directive_line(l->file, directive);
	va_list ap;

	if (line > 0)
		fprintf(stderr, "%s:%u: %s", l->file, line,
			error ? "" : "warning: ");
	else
		fprintf(stderr, "%s: %s", l->file, error ? "" : "warning: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (error)
		l->errors++;
}

/* running_identity, mail_user (doc/privsep.md): an unprivileged user
 * that exists; a session refuses to start without it */
static void
lint_identity(struct lint *l, const char *directive, const char *name)
{
	struct identity id;
	const char *error = "no such user";
	int rc;

	if (name == NULL || name[0] == '\0')
		return;
	rc = identity_lookup(name, &id, &error);
	if (rc <= 0) {
		lint_report(l, true, directive, "%s: %s: %s", directive, name,
			    error);
		return;
	}
	if (id.uid == 0)
		lint_report(l, true, directive, "%s: %s is uid 0; it must be an "
			    "unprivileged user", directive, name);
	identity_free(&id);
}

static void
lint_auth(struct lint *l, const struct mu_config *cfg)
{
	if (cfg->auth == NULL || cfg->auth[0] == NULL) {
		lint_report(l, true, "auth", "auth: no backend named");
		return;
	}
	for (char *const *b = cfg->auth; *b != NULL; b++) {
		if (strcmp(*b, "popauth") == 0) {
			if (access(cfg->popauth_db, R_OK) == 0)
				continue;
			/* a fresh install may check before adding users */
			lint_report(l, errno != ENOENT, "popauth_db",
				    "popauth_db: %s: %s%s", cfg->popauth_db,
				    strerror(errno), errno == ENOENT ?
				    " (no popauth user can log in; add one "
				    "with popauth -a)" : "");
		} else if (strcmp(*b, "pam") == 0) {
			char path[512];
			struct stat st;

			/* PAM falls back to the "other" service, which is
			 * seldom what the administrator meant */
			snprintf(path, sizeof path, "/etc/pam.d/%s",
				 cfg->pam_service);
			if (stat(path, &st) < 0)
				lint_report(l, false, "pam_service",
					    "pam_service: %s: %s", path,
					    strerror(errno));
		} else {
			lint_report(l, true, "auth", "auth: unknown backend "
				    "\"%s\"", *b);
		}
	}
	lint_identity(l, "running_identity", cfg->running_identity);
	/* empty is allowed (pop3d started by an unprivileged user has no
	 * use for it), but started as root it leaves the process that
	 * parses what the network sends running as root */
	if (cfg->running_identity[0] == '\0')
		lint_report(l, false, "running_identity", "running_identity: "
			    "empty: when started as root, the process that "
			    "reads the network before login runs as root; "
			    "set an unprivileged user (default nobody)");
	lint_identity(l, "mail_user", cfg->mail_user);
	if (mu_list_contains(cfg->auth, "popauth")) {
		const char *error;
		/* the template is sound (conf_read_checked): expanding it
		 * without a home fails only on ~/ or %h */
		char *url = mu_url_expand(cfg->mailbox, "user", NULL, &error);

		if (url == NULL)
			lint_report(l, false, "mailbox", "mailbox: uses the home "
				    "directory, which popauth users do not have: "
				    "each needs popauth --mailbox");
		free(url);
	}
}

static void
lint_listen(struct lint *l, const struct mu_config *cfg)
{
	struct addrinfo hints = {
		.ai_flags = AI_PASSIVE | AI_NUMERICSERV,
		.ai_socktype = SOCK_STREAM,
	};
	struct addrinfo *res;
	int r;

	/* fine for inetd, but pop3d -d would refuse to start */
	if (cfg->listen_port == 0 && cfg->listen_tls_port <= 0)
		lint_report(l, false, "pop3_listen_port", "pop3_listen_port: 0 "
			    "and pop3_listen_tls_port unset: pop3d -d has no "
			    "port to listen on (inetd mode only)");
	r = getaddrinfo(cfg->listen_addr, "110", &hints, &res);
	if (r != 0) {
		lint_report(l, true, "pop3_listen_addr", "pop3_listen_addr: "
			    "%s: %s", cfg->listen_addr, gai_strerror(r));
		return;
	}
	freeaddrinfo(res);
}

/* pop3_log_file: a file pop3d cannot open stops it at start, so it is
 * checked here -- without creating it.  A refusal for want of permission
 * is only a warning: -t may run as someone else than pop3d. */
static void
lint_log_file(struct lint *l, const struct mu_config *cfg)
{
	const char *file = cfg->log_file;
	const char *slash = strrchr(file, '/');
	struct stat st;
	char *dir;
	int rc;

	if (strcmp(file, "-") == 0 || strcmp(file, "syslog") == 0)
		return;
	if (stat(file, &st) == 0) {
		if (S_ISDIR(st.st_mode))
			lint_report(l, true, "pop3_log_file", "pop3_log_file: "
				    "%s: is a directory", file);
		else if (access(file, W_OK) < 0)
			lint_report(l, errno != EACCES, "pop3_log_file",
				    "pop3_log_file: %s: %s", file,
				    strerror(errno));
		return;
	}
	if (errno != ENOENT) {
		lint_report(l, errno != EACCES, "pop3_log_file",
			    "pop3_log_file: %s: %s", file, strerror(errno));
		return;
	}
	/* missing: pop3d creates it, if its directory is there */
	dir = slash == NULL ? mu_xstrdup(".") : slash == file ? mu_xstrdup("/")
		: mu_xstrndup(file, (size_t)(slash - file));
	rc = stat(dir, &st);
	if (rc < 0 || !S_ISDIR(st.st_mode))
		lint_report(l, true, "pop3_log_file", "pop3_log_file: %s: "
			    "directory %s: %s", file, dir,
			    rc < 0 ? strerror(errno) : "not a directory");
	else if (access(dir, W_OK | X_OK) < 0)
		lint_report(l, errno != EACCES, "pop3_log_file",
			    "pop3_log_file: %s: directory %s: %s", file, dir,
			    strerror(errno));
	free(dir);
}

/* Certificates and keys are read and matched as at start: the same one
 * line naming the file and GnuTLS's reason. */
static void
lint_tls(struct lint *l, const struct mu_config *cfg)
{
	const char *directive = NULL;
	char *text;

	if (tls_server_check(cfg, &directive, &text) < 0) {
		lint_report(l, true, directive, "%s", text);
		free(text);
	}
	text = tls_config_warning(cfg, &directive);
	if (text != NULL) {
		lint_report(l, false, directive, "%s", text);
		free(text);
	}
}

/* The mailbox lifecycle (lifecycle.h): settings that would do nothing,
 * or nothing for some users, are said so before a user finds out. */
static void
lint_lifecycle(struct lint *l, const struct mu_config *cfg)
{
	enum mu_format format;
	const char *error;
	char *path;

	if (cfg->delete_expired && cfg->expire < 0)
		lint_report(l, false, "delete_expired", "delete_expired: no "
			    "effect without expire");
	if (cfg->bulletin_source == NULL)
		return;
	if (mu_url_split(cfg->bulletin_source, &format, &path, &error) < 0) {
		lint_report(l, true, "bulletin_source", "bulletin_source: %s: %s",
			    cfg->bulletin_source, error);
		return;
	}
	if (access(path, R_OK) < 0)
		lint_report(l, errno != ENOENT, "bulletin_source",
			    "bulletin_source: %s: %s%s", path, strerror(errno),
			    errno == ENOENT ? " (no bulletins until it exists)"
					    : "");
	free(path);
	if (cfg->bulletin_db == NULL && mu_list_contains(cfg->auth, "popauth"))
		lint_report(l, false, "bulletin_source", "bulletin_source: "
			    "popauth users have no home for ~/.popbull and get "
			    "no bulletins unless bulletin_db is set");
}

/* A directory a directive needs that is not there (or not a directory):
 * a warning saying what follows, true. */
static bool
dir_missing(struct lint *l, const char *directive, const char *dir,
	    struct stat *st, const char *consequence)
{
	if (stat(dir, st) < 0) {
		lint_report(l, false, directive, "%s: %s: %s: %s", directive,
			    dir, strerror(errno), consequence);
		return true;
	}
	if (!S_ISDIR(st->st_mode)) {
		lint_report(l, false, directive, "%s: %s: not a directory: %s",
			    directive, dir, consequence);
		return true;
	}
	return false;
}

/* Gromox's thread pool: pop3d has no threads to tune (one process a
 * session, doc/privsep.md); one warning for all four. */
static void
lint_thread_pool(struct lint *l, const struct mu_config *cfg)
{
	static const char *const names[] = {
		"pop3_thread_init_num", "pop3_thread_charge_num",
		"context_average_mem", "context_average_units", NULL,
	};
	const char *first = NULL;
	unsigned first_line = 0;

	for (size_t i = 0; names[i] != NULL; i++) {
		unsigned line = conf_directive_line(l->file, names[i]);

		if (mu_config_is_set(cfg, names[i]) &&
		    (first == NULL || (line > 0 && line < first_line))) {
			first = names[i];
			first_line = line;
		}
	}
	if (first != NULL)
		lint_report(l, false, first, "pop3_thread_init_num, "
			    "pop3_thread_charge_num, context_average_mem and "
			    "context_average_units have no effect: pop3d is not "
			    "a thread pool but forks processes for each "
			    "connection (context_num bounds them; "
			    "context_max_mem bounds each one's buffers)");
}

/* config_file_path and data_file_path: directories that are not there
 * are worth a word (a relative path in the file, or pop3_code.txt,
 * would not be found); and the texts file in use. */
static void
lint_search_paths(struct lint *l, const struct mu_config *cfg)
{
	const char *lists[2] = { cfg->config_file_path, cfg->data_file_path };
	const char *names[2] = { "config_file_path", "data_file_path" };
	char *file = NULL;

	for (size_t i = 0; i < 2; i++) {
		const char *p = lists[i];

		/* the defaults may well be missing (nothing installed yet) */
		if (!mu_config_is_set(cfg, names[i]))
			continue;
		while (p != NULL && *p != '\0') {
			const char *colon = strchr(p, ':');
			size_t n = colon ? (size_t)(colon - p) : strlen(p);
			char *dir = mu_xstrndup(p, n);
			struct stat st;

			if (n > 0)
				(void)dir_missing(l, names[i], dir, &st,
						  i == 0 ? "not searched for "
						  "relative paths" : "not "
						  "searched for " TEXTS_FILE_NAME);
			free(dir);
			p = colon ? colon + 1 : NULL;
		}
	}
	file = texts_find(cfg->data_file_path);
	if (file == NULL && mu_config_is_set(cfg, "data_file_path"))
		lint_report(l, false, "data_file_path", "data_file_path: no %s "
			    "in %s: the built-in response texts are used",
			    TEXTS_FILE_NAME, cfg->data_file_path);
	free(file);
}

static void
warn_unimplemented(const char *name, void *ctx)
{
	lint_report(ctx, false, name, "%s: has no effect yet", name);
}

int
lint_run(const char *file, bool explicit_file)
{
	struct mu_config cfg;
	struct lint l = { .file = file, .errors = 0 };

	mu_config_init(&cfg);
	l.errors = conf_read_checked(&cfg, file, explicit_file, stderr);
	if (l.errors == 0) {
		lint_auth(&l, &cfg);
		lint_listen(&l, &cfg);
		lint_log_file(&l, &cfg);
		lint_tls(&l, &cfg);
		lint_lifecycle(&l, &cfg);
		lint_thread_pool(&l, &cfg);
		lint_search_paths(&l, &cfg);
		mu_config_warn_unimplemented(&cfg, warn_unimplemented, &l);
	}
	if (l.errors == 0) {
		/* the key's password is a secret: -t output ends up in bug
		 * reports and mailing lists */
		struct mu_config shown = cfg;

		if (shown.certificate_passwd != NULL)
			shown.certificate_passwd = (char *)"********";
		mu_config_print(&shown, stdout);
	}
	mu_config_free(&cfg);
	if (fflush(stdout) != 0) {
		perror("pop3d: stdout");
		return 1;
	}
	return l.errors == 0 ? 0 : 1;
}
