/* pop3d/monitor/pamstack.c: whether a PAM service has a session stack worth
 * keeping a process for.  Each case makes a service directory of its own
 * under a temporary directory and points pam_wrapper's variables at it
 * (PAM_WRAPPER=1, PAM_WRAPPER_SERVICE_DIR), as the tests that run pop3d
 * under libpam_wrapper do; the single-file configuration and the second
 * directory of service files go through pam_service_has_session_at.  The
 * last check reads the system's own /etc/pam.d. */
#include "config.h"

#include <ftw.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pop3d/monitor/pamstack.h"
#include "testsuite/lib/check.h"

static char root[256];          /* the temporary directory */
static char cur[1024];          /* the case's service directory */

static void
die(const char *what)
{
	perror(what);
	exit(1);
}

/* dir/name into buf, of size octets: the test's paths always fit. */
static void
join(char *buf, size_t size, const char *dir, const char *name)
{
	int n = snprintf(buf, size, "%s/%s", dir, name);

	if (n < 0 || (size_t)n >= size) {
		printf("path too long: %s/%s\n", dir, name);
		exit(1);
	}
}

/* A new, empty service directory root/NAME, where pam_wrapper's
 * variables send pam_service_has_session. */
static void
new_dir(const char *name)
{
	join(cur, sizeof cur, root, name);
	if (mkdir(cur, 0700) != 0)
		die(cur);
	setenv("PAM_WRAPPER", "1", 1);
	setenv("PAM_WRAPPER_SERVICE_DIR", cur, 1);
}

/* The file NAME of the current directory, with the text FMT makes. */
__attribute__((format(printf, 2, 3)))
static void
put(const char *name, const char *fmt, ...)
{
	char path[1024];
	va_list ap;
	FILE *f;

	join(path, sizeof path, cur, name);
	f = fopen(path, "w");
	if (f == NULL)
		die(path);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	if (fclose(f) != 0)
		die(path);
}

#define EXPECT(service, want, why) \
	CHECK(pam_service_has_session(service) == (want), \
	      "%s: service %s: want %s (%s)", cur, service, \
	      (want) ? "true" : "false", why)

static void
test_plain(void)
{
	new_dir("none");
	put("svc", "auth required pam_unix.so\naccount required pam_unix.so\n");
	EXPECT("svc", false, "no session line, no other");
	put("other", "auth required pam_deny.so\n");
	EXPECT("svc", false, "no session line, none in other");

	new_dir("permit");
	put("svc", "auth required pam_unix.so\n"
	    "session required pam_permit.so\n"
	    "session optional /lib/x86_64-linux-gnu/security/pam_permit.so\n");
	EXPECT("svc", false, "pam_permit.so alone, by name and by path");
	/* the service has session entries: other's are not used */
	put("other", "session required pam_unix.so\n");
	EXPECT("svc", false, "pam_permit.so, other not used");

	new_dir("unix");
	put("svc", "session required pam_permit.so\n"
	    "session required pam_unix.so\n");
	EXPECT("svc", true, "pam_unix.so");
	put("svc", "session optional /usr/lib/security/my_permit.so\n");
	EXPECT("svc", true, "a module named like pam_permit is another");

	new_dir("dash");
	put("svc", "-session optional pam_systemd.so\n");
	EXPECT("svc", true, "-session, the module may be missing");
	put("svc", "-session optional pam_permit.so\n");
	EXPECT("svc", false, "-session with pam_permit.so");

	new_dir("case");
	put("svc", "SESSION required pam_unix.so\n");
	EXPECT("svc", true, "the type in capitals");
	put("common", "session required pam_unix.so\n");
	put("svc", "Session Include common\n");
	EXPECT("svc", true, "include in mixed case");
	/* libpam's service name: after the last '/', in lower case */
	put("svc", "session required pam_permit.so\n");
	put("other", "session required pam_unix.so\n");
	EXPECT("SVC", false, "the service name in capitals");
	EXPECT("some/where/svc", false, "a service name with a directory");

	new_dir("malformed");
	put("svc", "session required\n");
	EXPECT("svc", true, "no module: an entry bound to fail");
	put("svc", "session\n");
	EXPECT("svc", true, "no control: an entry bound to fail");
	/* an unknown type is an auth entry at the top, not a session one */
	put("svc", "sesion required pam_unix.so\n");
	EXPECT("svc", false, "a misspelt type");
}

static void
test_include(void)
{
	new_dir("at-include");
	put("common-session", "session required pam_unix.so\n"
	    "session optional pam_systemd.so\n");
	put("common-permit", "session required pam_permit.so\n");
	put("common-auth", "auth required pam_unix.so\n");
	put("svc", "auth required pam_unix.so\n@include common-session\n");
	EXPECT("svc", true, "@include common-session");
	put("svc", "@include common-permit\n");
	EXPECT("svc", false, "@include of pam_permit.so alone");
	put("svc", "@include common-auth\n");
	EXPECT("svc", false, "@include of auth lines");
	put("svc", "@include %s/common-session\n", cur);
	EXPECT("svc", true, "@include with an absolute name");
	put("svc", "@include missing\n");
	EXPECT("svc", true, "@include of a missing file");
	put("svc", "@include\n");
	EXPECT("svc", true, "@include without a name");

	new_dir("include");
	put("common-session", "auth required pam_deny.so\n"
	    "session required pam_unix.so\n");
	put("common-mixed", "auth required pam_unix.so\n"
	    "session required pam_permit.so\n");
	put("common-auth", "auth required pam_unix.so\n");
	put("nested", "@include common-session\n");
	put("bogus", "sesion required pam_permit.so\n");
	put("svc", "session include common-session\n");
	EXPECT("svc", true, "session include");
	put("svc", "session substack common-session\n");
	EXPECT("svc", true, "session substack");
	put("svc", "session include common-mixed\n");
	EXPECT("svc", false, "include: the session lines are pam_permit");
	put("svc", "session include nested\n");
	EXPECT("svc", true, "@include inside an include");
	/* only the included file's lines of the including line's type */
	put("svc", "auth include common-session\n");
	EXPECT("svc", false, "auth include of a file with session lines");
	put("svc", "session include missing\n");
	EXPECT("svc", true, "include of a missing file");
	put("svc", "session include\n");
	EXPECT("svc", true, "include without a name");
	/* read for session, a line of unknown type is a failing session
	 * entry */
	put("svc", "session include bogus\n");
	EXPECT("svc", true, "an unknown type in a session include");
	/* a substack entry is there even with nothing in it, which keeps
	 * other's session stack out */
	put("other", "session required pam_unix.so\n");
	put("svc", "session substack common-auth\n");
	EXPECT("svc", false, "substack of a file without session lines");
	put("svc", "session include common-auth\n");
	EXPECT("svc", true, "include of nothing: other's stack runs");
}

static void
test_brackets(void)
{
	new_dir("brackets");
	put("svc", "session [success=ok ignore=ignore module_unknown=ignore "
	    "default=bad] pam_permit.so close\n");
	EXPECT("svc", false, "bracketed control with blanks, pam_permit.so");
	put("svc", "session [success=ok ignore=ignore module_unknown=ignore "
	    "default=bad] pam_selinux.so close\n");
	EXPECT("svc", true, "bracketed control with blanks, pam_selinux.so");
	put("svc", "session [default=ignore \\] success=ok]\tpam_permit.so\n");
	EXPECT("svc", false, "\\] inside the brackets");
	put("svc", "session [success=1 default=ignore]pam_permit.so\n");
	EXPECT("svc", false, "no blank after the brackets");
}

static void
test_fallback(void)
{
	new_dir("fallback");
	put("other", "auth required pam_deny.so\n"
	    "session required pam_unix.so\n");
	EXPECT("svc", true, "missing service: other's session stack");
	/* the fallback is per type: a service without session lines gets
	 * other's session stack */
	put("svc", "auth required pam_unix.so\n");
	EXPECT("svc", true, "service without session lines: other's");
	put("other", "auth required pam_deny.so\n");
	EXPECT("nosuch", false, "missing service, other without session");

	new_dir("empty");
	EXPECT("svc", true, "neither the service nor other: safe answer");
	setenv("PAM_WRAPPER_SERVICE_DIR", "/nonexistent/pam.d", 1);
	EXPECT("svc", true, "a service directory that is not there");
}

static void
test_loops(void)
{
	new_dir("loops");
	put("a", "session include b\n");
	put("b", "session required pam_permit.so\nsession include a\n");
	EXPECT("a", true, "include loop");
	put("self", "@include self\n");
	EXPECT("self", true, "@include of itself");
	/* four includes of itself a level: ends on the file limit, long
	 * before 4^16 files */
	put("fan", "@include fan\n@include fan\n@include fan\n"
	    "@include fan\nsession required pam_permit.so\n");
	EXPECT("fan", true, "fan-out of includes");
}

static void
test_lines(void)
{
	static char longline[20000];

	new_dir("lines");
	put("svc", "# session required pam_unix.so\n"
	    "\n   \t\n"
	    "   # session required pam_unix.so\n"
	    "session required pam_permit.so # pam_unix.so\n"
	    "session required pam_permit.so#pam_unix.so\n");
	EXPECT("svc", false, "comments");
	put("svc", "session \\\n   required \\\n\tpam_unix.so\n");
	EXPECT("svc", true, "continuation lines");
	put("svc", "session required \\\n\n# a comment\n  pam_permit.so\n");
	EXPECT("svc", false, "blank and comment lines inside a continuation");
	put("svc", "session required pam_permit.so \\\n  pam_unix.so\n");
	EXPECT("svc", false, "a continued line's module is an argument");
	put("svc", "session required pam_permit.so \\  \n"
	    "  debug\nsession required pam_permit.so\n");
	EXPECT("svc", false, "blanks after the backslash");
	put("svc", "session required pam_permit.so \\\n");
	EXPECT("svc", true, "a backslash on the last line");
	put("svc", "session required pam_permit.so");
	EXPECT("svc", false, "no newline at the end");
	put("svc", "auth required pam_unix.so\r\n"
	    "session required pam_permit.so\r\n");
	EXPECT("svc", true, "CR LF: the module is \"pam_permit.so\\r\"");

	memset(longline, 'a', sizeof longline - 1);
	put("svc", "session required pam_permit.so %s\n", longline);
	EXPECT("svc", true, "a line longer than the buffer");
	put("svc", "#%s\nsession required pam_permit.so\n", longline);
	EXPECT("svc", false, "a comment longer than the buffer");
	put("svc", "session required pam_permit.so #%s\n"
	    "session \\\n#%s\n required pam_permit.so\n", longline, longline);
	EXPECT("svc", false, "long comments after an entry and in a continued line");
	put("svc", "session required pam_permit.so %s", longline);
	EXPECT("svc", true, "a long last line without a newline");
}

/* The single-file configuration and the second directory, through
 * pam_service_has_session_at. */
static void
test_where(void)
{
	char etc[1024], usr[1024], conf[1024], none1[1024], none2[1024];
	const char *const nodirs[] = { none1, none2, NULL };
	const char *const dirs[] = { etc, usr, NULL };
	const struct pamstack_where single = { nodirs, conf };
	const struct pamstack_where two = { dirs, conf };
	FILE *f;

	new_dir("where");
	join(etc, sizeof etc, cur, "etc");
	join(usr, sizeof usr, cur, "usr");
	join(conf, sizeof conf, cur, "pam.conf");
	join(none1, sizeof none1, cur, "none1");
	join(none2, sizeof none2, cur, "none2");

#define CONF(text) do { f = fopen(conf, "w"); \
	if (f == NULL || fputs(text, f) < 0 || fclose(f) != 0) die(conf); \
} while (0)
#define AT(where, service, want, why) \
	CHECK(pam_service_has_session_at(where, service) == (want), \
	      "%s: service %s: want %s (%s)", cur, service, \
	      (want) ? "true" : "false", why)

	AT(&single, "svc", true, "no directory, no pam.conf");
	CONF("svc session required pam_permit.so\n"
	     "other session required pam_unix.so\n"
	     "foo session required pam_unix.so\n");
	AT(&single, "svc", false, "pam.conf: pam_permit.so");
	AT(&single, "foo", true, "pam.conf: another service's line");
	CONF("svc auth required pam_unix.so\n"
	     "other session required pam_unix.so\n");
	AT(&single, "svc", true, "pam.conf: other's session stack");
	CONF("SVC Session required pam_unix.so\n");
	AT(&single, "svc", true, "pam.conf: service field in capitals");
	CONF("foo session required pam_unix.so\n");
	AT(&single, "svc", false, "pam.conf: nothing for the service");
	put("common-permit", "session required pam_permit.so\n");
	CONF("svc session include common-permit\n");
	AT(&single, "svc", true, "pam.conf: relative include, no directory");
	{
		char text[1100];
		int n = snprintf(text, sizeof text,
				 "svc session include %s/common-permit\n",
				 cur);

		if (n < 0 || (size_t)n >= sizeof text)
			die("pam.conf text");
		CONF(text);
	}
	AT(&single, "svc", false, "pam.conf: absolute include");

	/* with a directory of service files, pam.conf is not read */
	if (mkdir(etc, 0700) != 0 || mkdir(usr, 0700) != 0)
		die(etc);
	CONF("svc session required pam_unix.so\n");
	strcpy(cur, usr);
	put("svc", "session required pam_permit.so\n");
	AT(&two, "svc", false, "the service in the second directory");
	put("svc", "session include common\n");
	put("common", "session required pam_permit.so\n");
	AT(&two, "svc", true, "include names are looked up in the first");
	strcpy(cur, etc);
	put("common", "session required pam_permit.so\n");
	AT(&two, "svc", false, "found in the first directory");
	put("svc", "session required pam_unix.so\n");
	AT(&two, "svc", true, "the first directory's file first");
	unlink(etc);
	strcpy(cur, usr);
	put("other", "session required pam_unix.so\n");
	AT(&two, "nosuch", true, "other in the second directory");
#undef CONF
#undef AT
}

/* The real configuration of this machine, without pam_wrapper. */
static void
test_system(void)
{
	new_dir("system");
	put("login", "session required pam_permit.so\n");
	unsetenv("PAM_WRAPPER");
	unsetenv("PAM_WRAPPER_SERVICE_DIR");
	if (access("/etc/pam.d/login", R_OK) != 0) {
		printf("no readable /etc/pam.d/login: system check skipped\n");
		return;
	}
	CHECK(pam_service_has_session("login"),
	      "/etc/pam.d/login: no session stack found");
	/* pam_wrapper's directory only when PAM_WRAPPER is 1 and the
	 * directory is named */
	setenv("PAM_WRAPPER", "0", 1);
	setenv("PAM_WRAPPER_SERVICE_DIR", cur, 1);
	CHECK(pam_service_has_session("login"),
	      "PAM_WRAPPER=0: %s/login was read", cur);
	setenv("PAM_WRAPPER", "1", 1);
	setenv("PAM_WRAPPER_SERVICE_DIR", "", 1);
	CHECK(pam_service_has_session("login"),
	      "empty PAM_WRAPPER_SERVICE_DIR: not the system's login");
	setenv("PAM_WRAPPER_SERVICE_DIR", cur, 1);
	CHECK(!pam_service_has_session("login"),
	      "PAM_WRAPPER=1: %s/login not read", cur);
	unsetenv("PAM_WRAPPER");
	unsetenv("PAM_WRAPPER_SERVICE_DIR");
}

static int
remove_one(const char *path, const struct stat *sb, int type,
	   struct FTW *ftw)
{
	(void)sb;
	(void)type;
	(void)ftw;
	return remove(path);
}

int
main(void)
{
	const char *tmp = getenv("TMPDIR");
	int n;

	if (tmp == NULL || tmp[0] == '\0')
		tmp = "/tmp";
	n = snprintf(root, sizeof root, "%s/pamstack-XXXXXX", tmp);
	if (n < 0 || (size_t)n >= sizeof root) {
		printf("TMPDIR too long: %s\n", tmp);
		return 1;
	}
	if (mkdtemp(root) == NULL)
		die(root);

	test_plain();
	test_include();
	test_brackets();
	test_fallback();
	test_loops();
	test_lines();
	test_where();
	test_system();

	nftw(root, remove_one, 16, FTW_DEPTH | FTW_PHYS);
	return check_summary();
}
