/* popauth: manage the virtual users of the popauth database (userdb.h).
 *
 * Exit status: 0 done (--check: the password matches), 1 failure (--check:
 * it does not, or the user does not exist), 2 bad usage. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "url.h"
#include "util.h"
#include "pop3d/userdb/userdb.h"

#define DEFAULT_DB SYSCONFDIR "/pop3d/popauth.db"

enum action { ACT_NONE, ACT_ADD, ACT_DELETE, ACT_MODIFY, ACT_LIST, ACT_CHECK };

struct options {
	const char *db;
	enum action action;
	const char *user;
	const char *password;   /* -p, or NULL: read stdin */
	const char *mailbox;
	bool apop;
};

static void
usage(FILE *out)
{
	fprintf(out,
"Usage: popauth [-f DB] -a USER [-p PASSWORD] [--mailbox URL] [--apop]\n"
"       popauth [-f DB] -d USER\n"
"       popauth [-f DB] -m USER [-p PASSWORD]\n"
"       popauth [-f DB] -l\n"
"       popauth [-f DB] --check USER [-p PASSWORD]\n"
"Manage the virtual users pop3d authenticates with `auth = popauth`.\n"
"\n"
"  -a, --add USER        add USER, or replace its whole record\n"
"  -d, --delete USER     delete USER\n"
"  -m, --modify USER     change USER's password; keeps its mailbox, and its\n"
"                        APOP secret (replaced by the new password) if it had one\n"
"  -l, --list            list the users, one a line, sorted\n"
"      --check USER      exit 0 if the password is USER's, 1 if not\n"
"  -f, --file DB         the database (default " DEFAULT_DB ")\n"
"  -p, --password PASS   the password (visible to other local users in ps;\n"
"                        without -p it is read as one line from standard input)\n"
"      --mailbox URL     with -a: this user's mailbox URL template, overriding\n"
"                        the `mailbox` directive (%%u %%d %%%% expand)\n"
"      --apop            with -a: ALSO STORE THE PASSWORD ITSELF (base64, not\n"
"                        encrypted), which APOP and CRAM-MD5 need; whoever can\n"
"                        read the database can then log in as this user.\n"
"                        Without it only a salted slow hash is kept (and the\n"
"                        SCRAM keys SCRAM-SHA-1/-256 need: those are kept\n"
"                        for every password; see popauth(8)).\n"
"  -h, -?, --help        this help\n"
"      --version         version\n"
"\n"
"Exit status: 0 done, 1 failed (--check: no match), 2 bad usage.\n");
}

static void __attribute__((noreturn, format(printf, 1, 2)))
usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("popauth: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" (try popauth --help)\n", stderr);
	exit(2);
}

static void __attribute__((noreturn, format(printf, 1, 2)))
fail(const char *fmt, ...)
{
	va_list ap;

	fputs("popauth: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void
set_action(struct options *o, enum action a, const char *user)
{
	if (o->action != ACT_NONE)
		usage_error("give only one of -a, -d, -m, -l, --check");
	o->action = a;
	o->user = user;
}

static void
parse_options(int argc, char **argv, struct options *o)
{
	enum { OPT_CHECK = 256, OPT_MAILBOX, OPT_APOP, OPT_VERSION };
	static const struct option longopts[] = {
		{ "add", required_argument, NULL, 'a' },
		{ "delete", required_argument, NULL, 'd' },
		{ "modify", required_argument, NULL, 'm' },
		{ "list", no_argument, NULL, 'l' },
		{ "check", required_argument, NULL, OPT_CHECK },
		{ "file", required_argument, NULL, 'f' },
		{ "password", required_argument, NULL, 'p' },
		{ "mailbox", required_argument, NULL, OPT_MAILBOX },
		{ "apop", no_argument, NULL, OPT_APOP },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	o->db = DEFAULT_DB;
	opterr = 0;     /* our own one-line messages */
	while ((c = getopt_long(argc, argv, ":a:d:m:lf:p:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'a': set_action(o, ACT_ADD, optarg); break;
		case 'd': set_action(o, ACT_DELETE, optarg); break;
		case 'm': set_action(o, ACT_MODIFY, optarg); break;
		case 'l': set_action(o, ACT_LIST, NULL); break;
		case OPT_CHECK: set_action(o, ACT_CHECK, optarg); break;
		case 'f': o->db = optarg; break;
		case 'p': o->password = optarg; break;
		case OPT_MAILBOX: o->mailbox = optarg; break;
		case OPT_APOP: o->apop = true; break;
		case 'h':
			usage(stdout);
			exit(0);
		case OPT_VERSION:
			printf("popauth (%s) %s\n", PACKAGE, VERSION);
			exit(0);
		/* optopt is the short option, or a long option's code, or 0
		 * for an unknown long option */
		case ':':
			if (optopt > 0 && optopt < 128)
				usage_error("option -%c needs an argument", optopt);
			usage_error("option %s needs an argument", argv[optind - 1]);
		default:
			/* "-?", as pop3d and mu-sieve take it: '?' is not in
			 * the option string, so it arrives as unknown */
			if (optopt == '?') {
				usage(stdout);
				exit(0);
			}
			if (optopt > 0 && optopt < 128)
				usage_error("unknown option -%c", optopt);
			usage_error("unknown option %s", argv[optind - 1]);
		}
	}
	if (optind < argc)
		usage_error("unexpected argument '%s'", argv[optind]);
	if (o->action == ACT_NONE)
		usage_error("give one of -a, -d, -m, -l, --check");
	if (o->mailbox != NULL && o->action != ACT_ADD)
		usage_error("--mailbox goes with -a only");
	if (o->apop && o->action != ACT_ADD)
		usage_error("--apop goes with -a only");
	if (o->password != NULL
	    && (o->action == ACT_DELETE || o->action == ACT_LIST))
		usage_error("-p goes with -a, -m and --check only");
	if (*o->db == '\0')
		usage_error("empty database name");
}

/* One line of standard input, without its LF or CRLF.  On a terminal the
 * line is prompted for and not echoed. */
static char *
read_password(void)
{
	struct termios saved, quiet;
	bool tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;

	if (tty) {
		fputs("Password: ", stderr);
		fflush(stderr);
		quiet = saved;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		quiet.c_lflag |= ECHONL;
		if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) < 0)
			fail("cannot turn off echo: %s", strerror(errno));
	}
	errno = 0;
	len = getline(&line, &cap, stdin);
	int saved_errno = errno;
	if (tty)
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
	if (len < 0) {
		if (saved_errno != 0)
			fail("cannot read the password: %s", strerror(saved_errno));
		fail("no password on standard input");
	}
	if (len > 0 && line[len - 1] == '\n')
		line[--len] = '\0';
	if (len > 0 && line[len - 1] == '\r')
		line[--len] = '\0';

	const char *error;
	if (userdb_check_password(line, (size_t)len, &error) < 0)
		fail("%s", error);
	return line;
}

static char *
get_password(const struct options *o)
{
	const char *error;

	if (o->password == NULL)
		return read_password();
	if (userdb_check_password(o->password, strlen(o->password), &error) < 0)
		fail("%s", error);
	return mu_xstrdup(o->password);
}

static void
burn(char *s)
{
	explicit_bzero(s, strlen(s));
	free(s);
}

static struct userdb *
open_db(const char *path, enum userdb_mode mode)
{
	struct userdb *db;
	const char *error;
	bool missing;

	if (userdb_open(path, mode, &db, &missing, &error) == 0)
		return db;
	if (missing && mode == USERDB_CREATE)
		fail("%s (does its directory exist?)", error);
	if (missing)
		fail("%s (no user has been added yet?)", error);
	fail("%s", error);
}

static void
close_db(struct userdb *db)
{
	const char *error;

	if (userdb_close(db, &error) < 0)
		fail("%s", error);
}

/* Drop what replaced or deleted records left in the file's free space,
 * then flush.  If compacting fails the change itself still stands: say so
 * and save it. */
static void
compact_and_close(struct userdb *db)
{
	const char *error;

	if (userdb_compact(db, &error) < 0)
		fprintf(stderr, "popauth: warning: %s; old hashes or secrets may "
			"remain in the file's free space\n", error);
	close_db(db);
}

/* The SCRAM keys of password into rec, replacing any there. */
static void
make_scram_keys(const char *password, struct userdb_record *rec,
		const char *user)
{
	for (int h = 0; h < USERDB_SCRAM_HASHES; h++) {
		const char *error;
		int rc;

		userdb_scram_free(&rec->scram[h]);
		rc = userdb_scram_make(password, (enum userdb_scram_hash)h,
				       &rec->scram[h], &error);
		if (rc < 0)
			fail("%s", error);
		if (rc == 0 && h == 0)
			fprintf(stderr, "popauth: warning: SASLprep refuses this "
				"password: %s cannot use SCRAM, only PLAIN, LOGIN "
				"and USER/PASS\n", user);
	}
}

/* Keep the summary record (userdb.h) true to the records, then compact
 * and close. */
static void
summarise_and_close(struct userdb *db)
{
	const char *error;

	if (userdb_summary_update(db, &error) < 0)
		fail("%s", error);
	compact_and_close(db);
}

static int
do_add(const struct options *o)
{
	struct userdb_record rec;
	const char *error;
	char *password = get_password(o);

	memset(&rec, 0, sizeof rec);
	if (userdb_hash_password(password, &rec.hash, &error) < 0)
		fail("%s", error);
	make_scram_keys(password, &rec, o->user);
	if (o->apop)
		rec.secret = mu_xstrdup(password);
	if (o->mailbox != NULL)
		rec.mailbox = mu_xstrdup(o->mailbox);
	burn(password);

	struct userdb *db = open_db(o->db, USERDB_CREATE);
	if (userdb_store(db, o->user, &rec, &error) < 0)
		fail("%s", error);
	userdb_record_free(&rec);
	summarise_and_close(db);
	return 0;
}

static int
do_modify(const struct options *o)
{
	struct userdb_record rec, fresh;
	const char *error;
	char *hash;
	/* The password first: a prompt must not keep the database locked;
	 * the slow hashes too. */
	char *password = get_password(o);

	if (userdb_hash_password(password, &hash, &error) < 0)
		fail("%s", error);
	memset(&fresh, 0, sizeof fresh);
	make_scram_keys(password, &fresh, o->user);

	struct userdb *db = open_db(o->db, USERDB_WRITE);
	int found = userdb_lookup(db, o->user, &rec, &error);
	if (found < 0)
		fail("%s", error);
	if (found == 0)
		fail("no such user: %s", o->user);
	free(rec.hash);
	rec.hash = hash;
	if (rec.secret != NULL) {
		burn(rec.secret);
		rec.secret = mu_xstrdup(password);
	}
	for (int h = 0; h < USERDB_SCRAM_HASHES; h++) {
		userdb_scram_free(&rec.scram[h]);
		rec.scram[h] = fresh.scram[h];
	}
	burn(password);
	if (userdb_store(db, o->user, &rec, &error) < 0)
		fail("%s", error);
	userdb_record_free(&rec);
	summarise_and_close(db);
	return 0;
}

static int
do_delete(const struct options *o)
{
	const char *error;
	struct userdb *db = open_db(o->db, USERDB_WRITE);
	int removed = userdb_remove(db, o->user, &error);

	if (removed < 0)
		fail("%s", error);
	if (removed == 0)
		fail("no such user: %s", o->user);
	summarise_and_close(db);
	return 0;
}

static int
do_list(const struct options *o)
{
	const char *error;
	struct userdb *db = open_db(o->db, USERDB_READ);
	char **names;
	size_t count;

	if (userdb_list(db, &names, &count, &error) < 0)
		fail("%s", error);
	close_db(db);
	for (size_t i = 0; i < count; i++) {
		printf("%s\n", names[i]);
		free(names[i]);
	}
	free(names);
	if (fflush(stdout) != 0 || ferror(stdout))
		fail("cannot write the list: %s", strerror(errno));
	return 0;
}

static int
do_check(const struct options *o)
{
	struct userdb_record rec;
	const char *error;
	char *password = get_password(o);
	struct userdb *db = open_db(o->db, USERDB_READ);
	int found = userdb_lookup(db, o->user, &rec, &error);
	bool match;

	close_db(db);
	if (found < 0)
		fail("%s", error);
	if (found == 0) {
		burn(password);
		fail("no such user: %s", o->user);
	}
	match = userdb_password_matches(rec.hash, password);
	burn(password);
	userdb_record_free(&rec);
	if (!match)
		fail("password does not match for %s", o->user);
	return 0;
}

/* What pop3d would refuse at login, refused now: the record's own rules,
 * then the template expanded as pop3d will, for a virtual user (no home,
 * so %h and ~/ are errors). */
static void
check_mailbox_template(const char *template)
{
	const char *error;
	char *url;

	if (userdb_check_mailbox(template, &error) < 0)
		fail("bad mailbox URL: %s", error);
	url = mu_url_expand(template, "user@example.org", NULL, &error);
	if (url == NULL)
		fail("bad mailbox URL '%s': %s", template, error);
	free(url);
}

int
main(int argc, char **argv)
{
	struct options o = { 0 };
	const char *error;

	parse_options(argc, argv, &o);
	/* Whatever the caller's umask, nothing we create is for others. */
	umask(077);
	if (o.user != NULL && userdb_check_name(o.user, &error) < 0)
		fail("bad user name: %s", error);
	if (o.mailbox != NULL)
		check_mailbox_template(o.mailbox);

	switch (o.action) {
	case ACT_ADD:
		return do_add(&o);
	case ACT_MODIFY:
		return do_modify(&o);
	case ACT_DELETE:
		return do_delete(&o);
	case ACT_LIST:
		return do_list(&o);
	case ACT_CHECK:
		return do_check(&o);
	default:
		return 2;
	}
}
