/* Mailbox URL templates: every escape, the scheme forms, each error, and
 * user names that try to leave the mailbox directory. */
#include "config.h"

#include "mailtest.h"
#include "url.h"

static void
expands(const char *template, const char *user, const char *home,
	const char *want)
{
	const char *err = NULL;
	char *got = mu_url_expand(template, user, home, &err);

	CHECK(got != NULL && strcmp(got, want) == 0,
	      "expand(\"%s\", \"%s\") = \"%s\" (%s), want \"%s\"", template, user,
	      got ? got : "NULL", got ? "" : err, want);
	free(got);
}

static void
refused(const char *template, const char *user, const char *home,
	const char *want_in_error)
{
	const char *err = NULL;
	char *got = mu_url_expand(template, user, home, &err);

	CHECK(got == NULL, "expand(\"%s\", \"%s\") gave \"%s\", want an error",
	      template, user, got ? got : "");
	if (got == NULL)
		CHECK(err != NULL && strstr(err, want_in_error) != NULL,
		      "expand(\"%s\", \"%s\"): error \"%s\" lacks \"%s\"", template,
		      user, err ? err : "(none)", want_in_error);
	free(got);
}

static void
splits(const char *url, enum mu_format want_format, const char *want_path)
{
	enum mu_format f;
	char *path = NULL;
	const char *err = NULL;
	int rc = mu_url_split(url, &f, &path, &err);

	CHECK(rc == 0 && f == want_format && strcmp(path, want_path) == 0,
	      "split(\"%s\") = %d, %d, \"%s\" (%s)", url, rc, (int)f,
	      path ? path : "NULL", rc ? err : "");
	free(path);
}

int
main(void)
{
	const char *err;
	enum mu_format f;
	char *path;

	/* the escapes */
	expands("/var/mail/%u", "alice", NULL, "/var/mail/alice");
	expands("mbox:/var/mail/%u", "alice", NULL, "mbox:/var/mail/alice");
	expands("maildir:%h/Maildir", "bob", "/home/bob", "maildir:/home/bob/Maildir");
	expands("mh:~/Mail/inbox", "bob", "/home/bob", "mh:/home/bob/Mail/inbox");
	expands("~/Maildir", "bob", "/home/bob", "/home/bob/Maildir");
	expands("~", "bob", "/home/bob", "/home/bob");
	expands("maildir:/srv/mail/%d/%u", "carol@example.org", NULL,
		"maildir:/srv/mail/example.org/carol@example.org");
	expands("/srv/mail/%d/%u", "dave", NULL, "/srv/mail//dave");
	expands("/srv/mail/%d", "a@b@c.example", NULL, "/srv/mail/c.example");
	expands("/var/mail/100%%/%u", "eve", NULL, "/var/mail/100%/eve");
	expands("/var/mail/%%u", "eve", NULL, "/var/mail/%u");
	expands("/var/mail/%u.%u", "eve", NULL, "/var/mail/eve.eve");
	/* a '~' not at the start is an ordinary character */
	expands("/var/mail/~%u", "eve", NULL, "/var/mail/~eve");
	/* the GNU Mailutils URL form and the scheme's case */
	expands("maildir:///var/mail/%u", "eve", NULL, "maildir:/var/mail/eve");
	expands("MailDir:/m/%u", "eve", NULL, "maildir:/m/eve");
	/* user names that look odd but stay inside */
	expands("/var/mail/%u", "..alice", NULL, "/var/mail/..alice");
	expands("/var/mail/%u", "a.b", NULL, "/var/mail/a.b");
	expands("/var/mail/%u", "x@", NULL, "/var/mail/x@");

	/* escapes and paths that are errors */
	refused("/var/mail/%x", "alice", NULL, "%x");
	refused("/var/mail/%U", "alice", NULL, "%U");
	refused("/var/mail/%", "alice", NULL, "end");
	refused("/var/mail/\001%\001", "alice", NULL, "\\x01");
	refused("%h/Maildir", "alice", NULL, "home");
	refused("~/Maildir", "alice", NULL, "home");
	refused("~/Maildir", "alice", "", "home");
	refused("~alice/Maildir", "alice", "/home/alice", "~user");
	refused("var/mail/%u", "alice", NULL, "absolute");
	refused("%u", "alice", NULL, "absolute");
	refused("maildir:", "alice", NULL, "empty");
	refused("imap:/var/mail/%u", "alice", NULL, "unknown mailbox type");
	refused("mbox://host/var/mail/%u", "alice", NULL, "host");

	/* user names that would leave the directory */
	refused("/var/mail/%u", "../etc", NULL, "'/'");
	refused("/var/mail/%u", "a/b", NULL, "'/'");
	refused("/var/mail/%u", "/etc/passwd", NULL, "'/'");
	refused("/var/mail/%u", ".", NULL, "\"..\"");
	refused("/var/mail/%u", "..", NULL, "\"..\"");
	refused("/var/mail/%u/x", "..", NULL, "\"..\"");
	refused("/var/mail/%d/%u", "x@..", NULL, "domain");
	refused("/var/mail/%d/%u", "x@a/b", NULL, "'/'");
	refused("/var/mail/.%u", ".", NULL, "\"..\"");
	refused("/var/mail/%u", "", NULL, "empty user");
	refused("/var/mail/%u", "al\nice", NULL, "control");
	refused("/var/mail/%u", "al\x7fice", NULL, "control");

	/* mu_url_split */
	splits("mbox:/var/mail/a", MU_FORMAT_MBOX, "/var/mail/a");
	splits("maildir:/home/a/Maildir", MU_FORMAT_MAILDIR, "/home/a/Maildir");
	splits("mh:/home/a/Mail/inbox", MU_FORMAT_MH, "/home/a/Mail/inbox");
	splits("maildir:///home/a/Maildir", MU_FORMAT_MAILDIR, "/home/a/Maildir");
	splits("/var/mail/a", MU_FORMAT_AUTO, "/var/mail/a");
	splits("/var/mail/a:b", MU_FORMAT_AUTO, "/var/mail/a:b");
	splits("./relative", MU_FORMAT_AUTO, "./relative");
	path = NULL;
	CHECK(mu_url_split("pop:/x", &f, &path, &err) < 0 && path == NULL,
	      "unknown scheme split");
	CHECK(mu_url_split("mbox:", &f, &path, &err) < 0, "empty path split");

	/* mu_url_check_template: syntax only, no user */
	CHECK(mu_url_check_template("maildir:%h/Maildir", &err) == 0,
	      "check %%h: %s", err);
	CHECK(mu_url_check_template("mbox:/var/mail/%u", &err) == 0,
	      "check %%u: %s", err);
	CHECK(mu_url_check_template("/srv/%d/%u/", &err) == 0, "check %%d: %s", err);
	CHECK(mu_url_check_template("~/Mail/inbox", &err) == 0, "check ~: %s", err);
	CHECK(mu_url_check_template("/var/mail/%q", &err) < 0 &&
	      strstr(err, "%q") != NULL, "check %%q accepted");
	CHECK(mu_url_check_template("foo:/x", &err) < 0, "check foo: accepted");
	CHECK(mu_url_check_template("%u", &err) < 0, "check relative accepted");
	CHECK(mu_url_check_template("/x/%", &err) < 0, "check trailing %% accepted");

	return finish("test-url-expand");
}
