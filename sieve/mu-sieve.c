/* mu-sieve: run a Sieve script over every message of a mailbox, as a
 * cron job does to expire old mail.
 *
 *   mu-sieve [-c FILE] [-f MAILBOX-URL] [-n] [-v] SCRIPT
 *
 * The mailbox is locked exactly as pop3d locks it (the session lock, so a
 * POP3 session and mu-sieve never work on one mailbox at once), every
 * decision is taken first, and the deletions are applied by one commit,
 * which the drivers make crash-safe: killed at any point, mu-sieve loses
 * nothing.  Exit status: 0 done, 1 usage, config or script error, 2 the
 * mailbox could not be opened, locked, read or committed (or a fileinto
 * failed; that message was kept). */
#include <config.h>             /* autoconf's, through -I. */

#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "mailbox.h"
#include "privgroup.h"
#include "url.h"
#include "util.h"
#include "pop3d/common/shared.h"
#include "sieve/conf.h"
#include "sieve/sieve.h"

#define PROGRAM "mu-sieve"
#define DEFAULT_CONFIG SYSCONFDIR "/pop3d.conf"

enum { EXIT_OK = 0, EXIT_USAGE = 1, EXIT_SCRIPT = 1, EXIT_MAILBOX = 2 };

/* How often a mailbox held by a POP3 session is tried again. */
#define RETRY_INTERVAL_SECONDS 1

struct options {
	const char *config_file;
	bool config_explicit;
	const char *mailbox_url;
	bool dry_run;
	bool verbose;
	const char *script;
};

static void
usage(FILE *out)
{
	fprintf(out,
		"Usage: " PROGRAM " [-c FILE] [-f MAILBOX-URL] [-n] [-v] SCRIPT\n"
		"Run the Sieve script SCRIPT over every message of a mailbox.\n"
		"\n"
		"  -c, --config=FILE     config file (default " DEFAULT_CONFIG ")\n"
		"  -f, --mailbox=URL     mailbox (default: the invoking user's, from\n"
		"                        the config's mailbox template)\n"
		"  -n, --dry-run         report what would be done, change nothing\n"
		"  -v, --verbose         one line per message and action\n"
		"      --version         print the version and exit\n"
		"  -?, --help            this help\n"
		"\n"
		"Exit status: 0 success, 1 usage, config or script error,\n"
		"2 the mailbox cannot be opened, locked or committed.\n");
}

static int
parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "mailbox", required_argument, NULL, 'f' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	memset(o, 0, sizeof *o);
	o->config_file = DEFAULT_CONFIG;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "c:f:nvh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			o->config_file = optarg;
			o->config_explicit = true;
			break;
		case 'f':
			o->mailbox_url = optarg;
			break;
		case 'n':
			o->dry_run = true;
			break;
		case 'v':
			o->verbose = true;
			break;
		case 'h':
			usage(stdout);
			exit(EXIT_OK);
		case 'V':
			printf(PROGRAM " (%s) %s\n", PACKAGE_NAME, PACKAGE_VERSION);
			exit(EXIT_OK);
		case '?':
			if (optopt == '?') {
				usage(stdout);
				exit(EXIT_OK);
			}
			if (optopt != 0 && strchr("cf", optopt) != NULL)
				fprintf(stderr, PROGRAM ": option -%c needs an argument\n",
					optopt);
			else if (optopt != 0)
				fprintf(stderr, PROGRAM ": unknown option -%c\n", optopt);
			else
				fprintf(stderr, PROGRAM ": unknown option %s\n",
					argv[optind - 1]);
			fprintf(stderr, "Try '" PROGRAM " --help'.\n");
			return -1;
		default:
			return -1;
		}
	}
	if (optind + 1 != argc) {
		fprintf(stderr, PROGRAM ": %s\nTry '" PROGRAM " --help'.\n",
			optind == argc ? "missing the SCRIPT argument" :
			"only one SCRIPT argument is allowed");
		return -1;
	}
	o->script = argv[optind];
	return 0;
}

/* The invoking user's mailbox: the config's template, like pop3d. */
static char *
default_mailbox(const struct sieve_conf *cfg)
{
	const struct passwd *pw = getpwuid(getuid());
	const char *error;
	char *url;

	if (pw == NULL) {
		fprintf(stderr, PROGRAM ": who is uid %lu? (not in the passwd "
			"database; give the mailbox with -f)\n",
			(unsigned long)getuid());
		return NULL;
	}
	url = mu_url_expand(cfg->mailbox, pw->pw_name, pw->pw_dir, &error);
	if (url == NULL)
		fprintf(stderr, PROGRAM ": mailbox template \"%s\" for %s: %s\n",
			cfg->mailbox, pw->pw_name, error);
	return url;
}

/* mail_privileged_group, as a pop3d session keeps it: the saved gid,
 * taken only to make and remove lock and journal files beside the
 * mailbox (libmu/privgroup.h).  (gid_t)-1: none. */
static gid_t
spool_group(const struct sieve_conf *cfg)
{
	const struct group *gr;

	if (cfg->mail_privileged_group == NULL ||
	    cfg->mail_privileged_group[0] == '\0')
		return (gid_t)-1;
	gr = getgrnam(cfg->mail_privileged_group);
	if (gr == NULL || gr->gr_gid == 0) {
		fprintf(stderr, PROGRAM ": mail_privileged_group %s: %s\n",
			cfg->mail_privileged_group, gr == NULL ?
			"no such group" : "gid 0 is not used");
		return (gid_t)-1;
	}
	return gr->gr_gid;
}

/* Started as root on someone else's mailbox (the cron job over
 * /var/mail), become its owner first -- uid, gid and groups, as a pop3d
 * session does -- so that the session lock and every file a driver
 * creates belong to the user, whose own POP3 sessions must open them. */
static int
become_mailbox_owner(const char *url, const struct sieve_conf *cfg)
{
	enum mu_format format;
	const struct passwd *pw;
	const char *error;
	struct stat st;
	gid_t gid, spool;
	char *path;
	int rc;

	if (geteuid() != 0)
		return 0;
	if (mu_url_split(url, &format, &path, &error) < 0) {
		fprintf(stderr, PROGRAM ": %s: %s\n", url, error);
		return -1;
	}
	rc = stat(path, &st);
	free(path);
	if (rc < 0 || st.st_uid == 0)
		return 0;       /* missing (open reports it) or root's own */
	pw = getpwuid(st.st_uid);
	spool = spool_group(cfg);
	gid = pw != NULL ? pw->pw_gid : st.st_gid;
	if (spool == gid)
		spool = (gid_t)-1;
	if (pw != NULL)
		rc = initgroups(pw->pw_name, gid) < 0;
	else
		rc = setgroups(0, NULL) < 0;
	/* the spool group only as the saved gid, never effective or
	 * supplementary: the mailbox is opened with the user's rights */
	if (rc != 0 || setresgid(gid, gid, spool != (gid_t)-1 ? spool : gid) < 0 ||
	    setresuid(st.st_uid, st.st_uid, st.st_uid) < 0 || setuid(0) == 0) {
		fprintf(stderr, PROGRAM ": %s: cannot switch to its owner (uid "
			"%lu): %s\n", url, (unsigned long)st.st_uid, strerror(errno));
		return -1;
	}
	mu_privgroup_set(spool);
	return 0;
}

/* Open under the session lock.  A POP3 session holding it ends in its
 * own time: try again until lock_timeout has passed. */
static struct mu_mailbox *
open_mailbox(const char *url, int flags, unsigned lock_timeout)
{
	time_t deadline = time(NULL) + (time_t)lock_timeout;
	struct mu_mailbox *mb;
	enum mu_mailbox_error code;
	const char *error;

	for (;;) {
		if (mu_mailbox_open(&mb, url, flags, lock_timeout, &code, &error) == 0)
			return mb;
		if (code != MU_MBERR_IN_USE || time(NULL) >= deadline)
			break;
		sleep(RETRY_INTERVAL_SECONDS);
	}
	if (code == MU_MBERR_IN_USE)
		fprintf(stderr, PROGRAM ": %s: in use by another session; gave up "
			"after %u seconds (lock_timeout); nothing was changed\n",
			url, lock_timeout);
	else
		fprintf(stderr, PROGRAM ": cannot open %s: %s\n", url, error);
	return NULL;
}

static void
report(const struct options *o, size_t idx, const struct mu_message_info *info,
       const struct sieve_action *a)
{
	if (!o->verbose && !o->dry_run)
		return;
	printf(PROGRAM ": %zu: %s%s%s%s (uidl %s)\n", idx + 1,
	       a->implicit ? "implicit " : "", sieve_action_name(a->kind),
	       a->kind == SIEVE_ACTION_FILEINTO ? " " : "",
	       a->kind == SIEVE_ACTION_FILEINTO ? a->mailbox : "", info->uidl);
}

struct totals {
	size_t messages, removed, failed;
};

/* Decide for message idx and, unless dry-running, act: copies first,
 * then the deletion mark (applied at commit), so a crash in between
 * leaves a duplicate, never a loss. */
static void
process_message(const struct options *o, const struct sieve_script *script,
		struct mu_mailbox *mb, size_t idx, time_t now,
		unsigned lock_timeout, struct totals *t)
{
	const struct mu_message_info *info = mu_mailbox_info(mb, idx);
	struct sieve_message msg;
	struct sieve_result result;
	const char *error;
	bool remove;

	t->messages++;
	sieve_message_init(&msg);
	if (sieve_message_from_mailbox(&msg, mb, idx, &error) < 0) {
		fprintf(stderr, PROGRAM ": %zu: %s; the message is kept\n",
			idx + 1, error);
		t->failed++;
		return;
	}
	sieve_run(script, &msg, now, &result);
	remove = !result.keep;
	for (size_t i = 0; i < result.count; i++) {
		const struct sieve_action *a = &result.actions[i];

		report(o, idx, info, a);
		if (a->kind != SIEVE_ACTION_FILEINTO || o->dry_run)
			continue;
		if (sieve_fileinto(mb, idx, a->mailbox, lock_timeout, &error) < 0) {
			fprintf(stderr, PROGRAM ": %zu: fileinto %s: %s; the message "
				"is kept\n", idx + 1, a->mailbox, error);
			t->failed++;
			remove = false;
		}
	}
	if (remove) {
		t->removed++;
		if (!o->dry_run)
			mu_mailbox_set_deleted(mb, idx, true);
	}
	sieve_result_free(&result);
	sieve_message_free(&msg);
}

int
main(int argc, char **argv)
{
	struct options o;
	struct sieve_conf cfg;
	struct sieve_script *script;
	struct mu_mailbox *mb;
	struct totals t = { 0, 0, 0 };
	const char *error;
	char *url;
	time_t now;
	int flags, status = EXIT_OK;

	/* pop3d's lock files: a POP3 session and mu-sieve exclude each other */
	mu_mailbox_set_file_tag(POP3D_MAILBOX_FILE_TAG);
	if (parse_options(argc, argv, &o) < 0)
		return EXIT_USAGE;
	if (mu_log_open(PROGRAM, "-", MU_LOG_NOTICE, 1, &error) < 0) {
		fprintf(stderr, PROGRAM ": %s\n", error);
		return EXIT_USAGE;
	}
	if (sieve_compile_file(o.script, &script, &error) < 0) {
		fprintf(stderr, "%s\n", error);
		return EXIT_SCRIPT;
	}
	sieve_conf_init(&cfg);
	if (sieve_conf_read(&cfg, o.config_file, !o.config_explicit,
			    stderr) != 0) {
		sieve_script_free(script);
		sieve_conf_free(&cfg);
		return EXIT_USAGE;
	}

	url = o.mailbox_url ? mu_xstrdup(o.mailbox_url) : default_mailbox(&cfg);
	if (url == NULL) {
		sieve_script_free(script);
		sieve_conf_free(&cfg);
		return EXIT_MAILBOX;
	}
	/* -n opens read-only: a dry run cannot commit by mistake.  A mailbox
	 * named with -f must exist; the default one may be absent (empty). */
	flags = (o.dry_run ? MU_OPEN_READONLY : MU_OPEN_WRITE) | MU_OPEN_SESSION_LOCK;
	if (o.mailbox_url != NULL)
		flags |= MU_OPEN_NOCREATE;
	if (become_mailbox_owner(url, &cfg) < 0) {
		status = EXIT_MAILBOX;
		goto out;
	}
	mb = open_mailbox(url, flags, cfg.lock_timeout);
	if (mb == NULL) {
		status = EXIT_MAILBOX;
		goto out;
	}

	/* one "now" for the whole run: every message is judged alike */
	now = time(NULL);
	for (size_t i = 0; i < mu_mailbox_count(mb); i++)
		process_message(&o, script, mb, i, now, cfg.lock_timeout, &t);

	if (!o.dry_run && t.removed > 0 &&
	    mu_mailbox_commit(mb, &error) < 0) {
		fprintf(stderr, PROGRAM ": cannot commit %s: %s\n", url, error);
		status = EXIT_MAILBOX;
	} else if (o.dry_run) {
		printf(PROGRAM ": %s: %zu message%s, %zu would be removed; "
		       "nothing was changed (dry run)\n", url, t.messages,
		       t.messages == 1 ? "" : "s", t.removed);
	} else if (o.verbose) {
		printf(PROGRAM ": %s: %zu message%s, %zu removed\n", url,
		       t.messages, t.messages == 1 ? "" : "s", t.removed);
	}
	if (t.failed > 0)
		status = EXIT_MAILBOX;
	mu_mailbox_close(mb);
out:
	free(url);
	sieve_script_free(script);
	sieve_conf_free(&cfg);
	return status;
}
