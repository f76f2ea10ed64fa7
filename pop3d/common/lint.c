/* pop3d -t: everything that can be checked without serving anybody. */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pop3d/common/settings.h"
#include "libmu/util.h"
#include "libmu/url.h"
#include "pop3d/common/conf.h"
#include "pop3d/common/identity.h"
#include "pop3d/common/lint.h"
#include "pop3d/common/texts.h"
#include "pop3d/net/tls.h"
#include "pop3d/userdb/userdb.h"

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

/* Can pop3d -d have this port now?  0 yes, else the errno of bind().
 * SO_REUSEPORT: two pop3d -t at once (the test suite) do not take the
 * port from each other, while a listener that did not set it, as pop3d
 * -d does not, still makes it EADDRINUSE. */
static int
probe_port(const struct addrinfo *ai)
{
	int one = 1, zero = 0, err = 0;
	int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
			ai->ai_protocol);

	if (fd < 0)
		return errno;
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
	/* as the daemon binds "::": both families */
	if (ai->ai_family == AF_INET6)
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero,
				 sizeof zero);
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) < 0)
		err = errno;
	close(fd);
	return err;
}

/* A port pop3d -d could not listen on, said before it is started: a
 * warning, for -t may run as another user, or while pop3d itself, inetd
 * or systemd holds the port. */
static void
lint_port(struct lint *l, const struct mu_config *cfg, const char *directive,
	  unsigned port)
{
	struct addrinfo hints = {
		.ai_flags = AI_PASSIVE | AI_NUMERICSERV | AI_NUMERICHOST,
		.ai_socktype = SOCK_STREAM,
	};
	struct addrinfo *res;
	char service[16];
	int err;

	snprintf(service, sizeof service, "%u", port);
	if (getaddrinfo(cfg->listen_addr, service, &hints, &res) != 0)
		return;
	err = probe_port(res);
	freeaddrinfo(res);
	/* the daemon falls back to IPv4 when the kernel has no IPv6 */
	if (err == EAFNOSUPPORT && strcmp(cfg->listen_addr, "::") == 0)
		return;
	if (err == EADDRINUSE)
		lint_report(l, false, directive, "%s: %s port %u is in use now: "
			    "pop3d -d cannot listen there while it is%s",
			    directive, cfg->listen_addr, port,
			    conf_listen_hint(err, port));
	else if (err != 0)
		lint_report(l, false, directive, "%s: pop3d -d cannot listen on "
			    "%s port %u: %s%s", directive, cfg->listen_addr, port,
			    strerror(err), conf_listen_hint(err, port));
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
	if (cfg->listen_port != 0)
		lint_port(l, cfg, "pop3_listen_port", cfg->listen_port);
	if (cfg->listen_tls_port > 0)
		lint_port(l, cfg, "pop3_listen_tls_port",
			  (unsigned)cfg->listen_tls_port);
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

/* ---- who sessions run as, and what they can write ---- */

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

/* Does the session's identity have all of the rights want (read, write
 * and search: 4, 2, 1) on what st describes?  Each pam user is nobody in
 * particular, so only others' bits count for them. */
static bool
rights_of(const struct stat *st, bool pam, const struct identity *id,
	  unsigned want)
{
	/* id is not looked at for pam */
	mode_t m = st->st_mode;
	unsigned have = pam || (st->st_uid != id->uid && st->st_gid != id->gid) ?
		m & 07 : st->st_uid == id->uid ? (m >> 6) & 07 : (m >> 3) & 07;

	return (have & want) == want;
}

/* The gid of mail_privileged_group: 1 found (*gid_r), 0 empty or no such
 * group (said at its line). */
static int
privileged_gid(struct lint *l, const struct mu_config *cfg, gid_t *gid_r)
{
	struct group *gr;

	if (cfg->mail_privileged_group[0] == '\0')
		return 0;
	errno = 0;
	gr = getgrnam(cfg->mail_privileged_group);
	if (gr == NULL) {
		lint_report(l, false, "mail_privileged_group",
			    "mail_privileged_group: no group \"%s\"%s%s: "
			    "sessions can only use their own rights in a "
			    "mailbox's directory", cfg->mail_privileged_group,
			    errno != 0 ? ": " : "",
			    errno != 0 ? strerror(errno) : "");
		return 0;
	}
	*gid_r = gr->gr_gid;
	return 1;
}

/* The directory holding the mailboxes of template when it is one for
 * every user -- a shared spool such as /var/mail -- for the formats whose
 * lock, dotlock and journal files go next to the mailbox (mbox, and a
 * bare path, mbox unless it finds otherwise); Maildir and MH keep them
 * inside the mailbox.  malloc'd, or NULL: a directory of its own per
 * user (%u, %h or ~ in it), per domain (%d), or nothing to check. */
static char *
shared_spool_dir(const char *template)
{
	enum mu_format format;
	const char *error, *slash;
	char *path, *dir;
	size_t o = 0;

	if (mu_url_split(template, &format, &path, &error) < 0)
		return NULL;
	slash = strrchr(path, '/');
	if ((format != MU_FORMAT_MBOX && format != MU_FORMAT_AUTO) ||
	    path[0] != '/' || slash == NULL) {
		free(path);
		return NULL;
	}
	dir = mu_xmalloc((size_t)(slash - path) + 2);
	for (const char *p = path; p < slash; p++) {
		if (*p == '%' && p[1] == '%') {
			dir[o++] = '%';
			p++;
		} else if (*p == '%') {
			free(dir);
			free(path);
			return NULL;
		} else {
			dir[o++] = *p;
		}
	}
	if (o == 0)
		dir[o++] = '/';
	dir[o] = '\0';
	free(path);
	return dir;
}

/* A session runs as the user (pam) or as mail_user (popauth), and makes
 * its locks in the mailbox's directory (libmu/lock.c, the mbox journal)
 * with its own rights, or those of mail_privileged_group, which it takes
 * only around them, as Debian's delivery agents do in /var/mail
 * (root:mail 2775).  A spool it cannot write leaves every login with
 * [SYS/TEMP]: said here, at the mailbox line. */
static void
lint_spool(struct lint *l, const struct mu_config *cfg)
{
	char *dir = shared_spool_dir(cfg->mailbox);
	struct stat st;
	gid_t priv = 0;
	bool has_priv, priv_ok;
	char by_group[160] = "";

	if (dir == NULL)
		return;
	if (dir_missing(l, "mailbox", dir, &st, "sessions cannot create "
			"their locks there")) {
		free(dir);
		return;
	}
	has_priv = privileged_gid(l, cfg, &priv) == 1;
	priv_ok = has_priv && st.st_gid == priv &&
		(st.st_mode & (S_IWGRP | S_IXGRP)) == (S_IWGRP | S_IXGRP);
	if (has_priv)
		snprintf(by_group, sizeof by_group, " nor by group %s "
			 "(mail_privileged_group)", cfg->mail_privileged_group);
	else
		snprintf(by_group, sizeof by_group, "%s",
			 cfg->mail_privileged_group[0] == '\0' ?
			 " (mail_privileged_group is empty)" : "");
	/* world-writable is fine for locks, but without the sticky bit any
	 * user may remove or replace another's mailbox */
	if ((st.st_mode & S_IWOTH) && !(st.st_mode & S_ISVTX))
		lint_report(l, false, "mailbox", "mailbox: %s is writable by "
			    "everybody without the sticky bit: any user can "
			    "remove or replace another's mailbox (chmod +t)",
			    dir);
	if (mu_list_contains(cfg->auth, "pam") && !priv_ok &&
	    !rights_of(&st, true, NULL, 03))
		lint_report(l, false, "mailbox", "mailbox: %s is not writable "
			    "by the session's user%s: sessions cannot create "
			    "their locks there", dir, by_group);
	if (mu_list_contains(cfg->auth, "popauth") && cfg->mail_user[0] != '\0') {
		struct identity id;
		const char *error;

		if (identity_lookup(cfg->mail_user, &id, &error) == 1) {
			if (!priv_ok && !rights_of(&st, false, &id, 03))
				lint_report(l, false, "mailbox", "mailbox: %s is "
					    "not writable by mail_user %s (nor "
					    "its group)%s: sessions of popauth "
					    "users cannot create their locks "
					    "there", dir, cfg->mail_user,
					    by_group);
			identity_free(&id);
		}
	}
	free(dir);
}

/* Does template give each user a mailbox of their own (%u, %h, ~/)? */
static bool
template_is_per_user(const char *template)
{
	enum mu_format format;
	const char *error;
	char *path;
	bool own = true;        /* a template we cannot read: not our say */

	if (mu_url_split(template, &format, &path, &error) < 0)
		return own;
	own = path[0] == '~';
	for (const char *p = path; !own && (p = strchr(p, '%')) != NULL;
	     p += 2) {
		if (p[1] == 'u' || p[1] == 'h')
			own = true;
		else if (p[1] == '\0')
			break;
	}
	free(path);
	return own;
}

/* popauth users who would get the template: those without --mailbox.
 * -1 when the database cannot be read (lint_auth says so). */
static long
popauth_template_users(const struct mu_config *cfg)
{
	struct userdb *db;
	char **names;
	size_t count;
	const char *error;
	long n = 0;

	if (userdb_open(cfg->popauth_db, USERDB_READ, &db, NULL, &error) < 0)
		return -1;
	if (userdb_list(db, &names, &count, &error) < 0) {
		(void)userdb_close(db, &error);
		return -1;
	}
	for (size_t i = 0; i < count; i++) {
		struct userdb_record rec;

		if (userdb_lookup(db, names[i], &rec, &error) == 1) {
			if (rec.mailbox == NULL)
				n++;
			userdb_record_free(&rec);
		}
		free(names[i]);
	}
	free(names);
	(void)userdb_close(db, &error);
	return n;
}

/* Every user on one mailbox: each session would take the others' mail
 * (and wait for their locks). */
static void
lint_shared_mailbox(struct lint *l, const struct mu_config *cfg)
{
	long n;

	if (template_is_per_user(cfg->mailbox))
		return;
	if (mu_list_contains(cfg->auth, "pam")) {
		lint_report(l, false, "mailbox", "mailbox: %s has no %%u, %%h "
			    "or ~: every user (auth has pam) would share one "
			    "mailbox", cfg->mailbox);
		return;
	}
	if (!mu_list_contains(cfg->auth, "popauth"))
		return;
	n = popauth_template_users(cfg);
	if (n > 1)
		lint_report(l, false, "mailbox", "mailbox: %s has no %%u, %%h "
			    "or ~: the %ld popauth users without --mailbox would "
			    "share one mailbox", cfg->mailbox, n);
}

/* bulletin_db is opened by the session (bulletin-record.c), so as each
 * pam user, or as mail_user: a file they cannot read and write, or a
 * directory they cannot create it in, leaves them without bulletins,
 * every one of them again at each login.  pop3d started as root is
 * assumed, as sessions only change identity then. */
static void
lint_bulletin_db(struct lint *l, const struct mu_config *cfg)
{
	const char *db = cfg->bulletin_db, *slash, *error;
	bool pam = mu_list_contains(cfg->auth, "pam");
	struct identity id = { 0 };
	char who[160], why[512], *dir;
	struct stat st;

	if (db == NULL)
		return;
	if (cfg->bulletin_source == NULL) {
		lint_report(l, false, "bulletin_db", "bulletin_db: no effect "
			    "without bulletin_source");
		return;
	}
	if (pam)
		snprintf(who, sizeof who, "each pam user");
	else if (cfg->mail_user[0] != '\0' &&
		 identity_lookup(cfg->mail_user, &id, &error) == 1)
		snprintf(who, sizeof who, "mail_user %s", cfg->mail_user);
	else
		return;         /* sessions keep pop3d's own identity */
	slash = strrchr(db, '/');
	dir = slash == NULL ? mu_xstrdup(".") : slash == db ? mu_xstrdup("/")
		: mu_xstrndup(db, (size_t)(slash - db));
	if (stat(db, &st) == 0) {
		if (!rights_of(&st, pam, &id, 06))
			lint_report(l, false, "bulletin_db", "bulletin_db: %s is "
				    "not readable and writable by %s, as whom "
				    "sessions open it: they get no bulletins",
				    db, who);
	} else if (errno != ENOENT) {
		lint_report(l, false, "bulletin_db", "bulletin_db: %s: %s", db,
			    strerror(errno));
	} else {
		/* missing: the first session makes it, if it can */
		snprintf(why, sizeof why, "sessions, which create %s as %s, "
			 "cannot: no user gets bulletins", db, who);
		if (dir_missing(l, "bulletin_db", dir, &st, why))
			;       /* said */
		else if (!rights_of(&st, pam, &id, 03))
			lint_report(l, false, "bulletin_db", "bulletin_db: "
				    "directory %s is not writable by %s, as whom "
				    "sessions create %s: no user gets bulletins",
				    dir, who, db);
		else if (pam)
			/* made 0660 by whoever logs in first
			 * (bulletin-record.c): every other user is then
			 * shut out */
			lint_report(l, false, "bulletin_db", "bulletin_db: %s "
				    "does not exist: the first pam user's "
				    "session creates it, mode 0660, as that "
				    "user, and no other user's can open it; "
				    "create it beforehand, readable and "
				    "writable by every user", db);
	}
	free(dir);
	identity_free(&id);
}

/* The directives marked POP3D_NO_EFFECT (Gromox's thread pool): pop3d
 * has no threads to tune (one process a session, doc/privsep.md); one
 * warning for them all, at the first the file sets, naming each. */
static void
lint_no_effect(struct lint *l, const struct mu_config *cfg)
{
	const char *first = NULL;
	unsigned first_line = 0;
	size_t marked = 0, k = 0;
	struct mu_buf names;

	for (size_t i = 0; i < mu_directive_count; i++)
		if (mu_directives[i].flags & POP3D_NO_EFFECT)
			marked++;
	mu_buf_init(&names);
	for (size_t i = 0; i < mu_directive_count; i++) {
		const char *name = mu_directives[i].name;
		unsigned line;

		if (!(mu_directives[i].flags & POP3D_NO_EFFECT))
			continue;
		mu_buf_appendf(&names, "%s%s", k == 0 ? "" : k + 1 == marked ?
			       " and " : ", ", name);
		k++;
		line = conf_directive_line(l->file, name);
		if (mu_config_is_set(cfg, name) &&
		    (first == NULL || (line > 0 && line < first_line))) {
			first = name;
			first_line = line;
		}
	}
	if (first != NULL)
		lint_report(l, false, first, "%s %s no effect: pop3d is not a "
			    "thread pool but forks processes for each "
			    "connection (context_num bounds them; "
			    "context_max_mem bounds each one's buffers)",
			    names.data, marked == 1 ? "has" : "have");
	mu_buf_free(&names);
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
		lint_spool(&l, &cfg);
		lint_shared_mailbox(&l, &cfg);
		lint_bulletin_db(&l, &cfg);
		lint_no_effect(&l, &cfg);
		lint_search_paths(&l, &cfg);
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
