/* Mailbox URL templates and format auto-detection.
 *
 * The user name comes from the network: whatever a client sends as USER
 * must never name a file outside the directory the template meant.  So a
 * user name with '/' or a control character, or equal to "." or "..", is
 * refused, and after expansion no path component built (even in part) from
 * the user name or its domain may be "." or "..". */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "url.h"
#include "util.h"

static const struct {
	const char *name;
	enum mu_format format;
} schemes[] = {
	{ "mbox", MU_FORMAT_MBOX },
	{ "maildir", MU_FORMAT_MAILDIR },
	{ "mh", MU_FORMAT_MH },
};

/* Errors that name the offending character are formatted here. */
static __thread char url_errbuf[160];

static bool
is_ascii_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Recognise "scheme:" at the start of url.  A scheme is letters then ':';
 * anything else is a bare path (so "/var/mail/a:b" stays a path).  The
 * form "maildir:///home/u/Maildir", which GNU Mailutils configurations
 * use, is accepted as "maildir:/home/u/Maildir".  *rest_r points to the
 * path.  Returns 0, or -1 for an unknown scheme or a host part. */
static int
scheme_parse(const char *url, enum mu_format *format_r, const char **rest_r,
	     const char **error_r)
{
	const char *p;
	size_t n = 0;
	size_t i;

	while (is_ascii_alpha(url[n]))
		n++;
	if (n == 0 || url[n] != ':') {
		*format_r = MU_FORMAT_AUTO;
		*rest_r = url;
		return 0;
	}
	for (i = 0; i < sizeof schemes / sizeof schemes[0]; i++)
		if (strlen(schemes[i].name) == n &&
		    strncasecmp(url, schemes[i].name, n) == 0)
			break;
	if (i == sizeof schemes / sizeof schemes[0]) {
		snprintf(url_errbuf, sizeof url_errbuf,
			 "unknown mailbox type \"%.*s:\" (use mbox:, maildir:, "
			 "mh: or a bare path)", (int)(n > 40 ? 40 : n), url);
		*error_r = url_errbuf;
		return -1;
	}
	p = url + n + 1;
	if (p[0] == '/' && p[1] == '/') {
		if (p[2] != '/') {
			*error_r = "mailbox URL with a host part "
				"(write scheme:/path or scheme:///path)";
			return -1;
		}
		p += 2;
	}
	*format_r = schemes[i].format;
	*rest_r = p;
	return 0;
}

static const char *
scheme_name(enum mu_format format)
{
	for (size_t i = 0; i < sizeof schemes / sizeof schemes[0]; i++)
		if (schemes[i].format == format)
			return schemes[i].name;
	return NULL;
}

int
mu_url_split(const char *url, enum mu_format *format_r, char **path_r,
	     const char **error_r)
{
	const char *path;

	*path_r = NULL;
	if (scheme_parse(url, format_r, &path, error_r) < 0)
		return -1;
	if (*path == '\0') {
		*error_r = "empty mailbox path";
		return -1;
	}
	*path_r = mu_xstrdup(path);
	return 0;
}

/* A user name (or its domain) that could step out of a directory or
 * smuggle a control character into a path or a log line. */
static const char *
unsafe_name_reason(const char *s, size_t len, const char *what)
{
	if ((len == 1 && s[0] == '.') ||
	    (len == 2 && s[0] == '.' && s[1] == '.')) {
		snprintf(url_errbuf, sizeof url_errbuf,
			 "%s \".\" or \"..\" not allowed in a mailbox path", what);
		return url_errbuf;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '/') {
			snprintf(url_errbuf, sizeof url_errbuf,
				 "%s with '/' not allowed in a mailbox path", what);
			return url_errbuf;
		}
		if (c < 0x20 || c == 0x7f) {
			snprintf(url_errbuf, sizeof url_errbuf,
				 "%s with a control character not allowed in "
				 "a mailbox path", what);
			return url_errbuf;
		}
	}
	return NULL;
}

/* Append data to out; taint marks which output bytes came from the user. */
static void
emit(struct mu_buf *out, struct mu_buf *taint, const char *data, size_t len,
     bool from_user)
{
	mu_buf_append(out, data, len);
	for (size_t i = 0; i < len; i++)
		mu_buf_append(taint, from_user ? "u" : "t", 1);
}

/* No path component holding user-supplied bytes may be "." or ".."
 * ("/mail/.%u" with user "." would otherwise give "/mail/.."). */
static bool
escapes(const struct mu_buf *out, const struct mu_buf *taint)
{
	size_t start = 0;

	for (size_t i = 0; i <= out->len; i++) {
		if (i < out->len && out->data[i] != '/')
			continue;
		size_t len = i - start;
		bool user = memchr(taint->data + start, 'u', len) != NULL;
		if (user && ((len == 1 && out->data[start] == '.') ||
			     (len == 2 && out->data[start] == '.' &&
			      out->data[start + 1] == '.')))
			return true;
		start = i + 1;
	}
	return false;
}

char *
mu_url_expand(const char *template, const char *user, const char *home,
	      const char **error_r)
{
	enum mu_format format;
	const char *p, *at, *domain = "", *reason;
	size_t user_len, domain_len = 0;
	struct mu_buf out, taint;

	if (scheme_parse(template, &format, &p, error_r) < 0)
		return NULL;
	if (user == NULL || *user == '\0') {
		*error_r = "empty user name";
		return NULL;
	}
	user_len = strlen(user);
	if ((reason = unsafe_name_reason(user, user_len, "user name")) != NULL) {
		*error_r = reason;
		return NULL;
	}
	/* %d: the part after the last '@' (a quoted local part may hold one) */
	at = strrchr(user, '@');
	if (at != NULL) {
		domain = at + 1;
		domain_len = strlen(domain);
		if (domain_len > 0 &&
		    (reason = unsafe_name_reason(domain, domain_len, "domain")) != NULL) {
			*error_r = reason;
			return NULL;
		}
	}

	mu_buf_init(&out);
	mu_buf_init(&taint);
	if (format != MU_FORMAT_AUTO) {
		const char *name = scheme_name(format);
		emit(&out, &taint, name, strlen(name), false);
		emit(&out, &taint, ":", 1, false);
	}
	size_t path_start = out.len;

	if (p[0] == '~') {
		if (p[1] != '\0' && p[1] != '/') {
			*error_r = "\"~user\" is not supported in a mailbox path "
				"(use ~/ or %h)";
			goto fail;
		}
		if (home == NULL || *home == '\0') {
			*error_r = "mailbox path uses ~/ but the user has no home directory";
			goto fail;
		}
		emit(&out, &taint, home, strlen(home), false);
		p++;
	}
	for (; *p != '\0'; p++) {
		if (*p != '%') {
			emit(&out, &taint, p, 1, false);
			continue;
		}
		switch (p[1]) {
		case 'u':
			emit(&out, &taint, user, user_len, true);
			break;
		case 'd':
			emit(&out, &taint, domain, domain_len, true);
			break;
		case 'h':
			if (home == NULL || *home == '\0') {
				*error_r = "mailbox path uses %h but the user "
					"has no home directory";
				goto fail;
			}
			emit(&out, &taint, home, strlen(home), false);
			break;
		case '%':
			emit(&out, &taint, "%", 1, false);
			break;
		case '\0':
			*error_r = "'%' at the end of the mailbox template "
				"(write %% for a percent sign)";
			goto fail;
		default:
			if ((unsigned char)p[1] < 0x20 || (unsigned char)p[1] >= 0x7f)
				snprintf(url_errbuf, sizeof url_errbuf,
					 "unknown escape '%%\\x%02x' in the mailbox "
					 "template (known: %%u %%d %%h %%%%)",
					 (unsigned char)p[1]);
			else
				snprintf(url_errbuf, sizeof url_errbuf,
					 "unknown escape '%%%c' in the mailbox template "
					 "(known: %%u %%d %%h %%%%)", p[1]);
			*error_r = url_errbuf;
			goto fail;
		}
		p++;
	}

	if (out.len == path_start) {
		*error_r = "empty mailbox path";
		goto fail;
	}
	/* servers run from /, as another user: a relative path would name
	 * a file nobody meant */
	if (out.data[path_start] != '/') {
		*error_r = "mailbox path is not absolute (start it with /, ~/ or %h)";
		goto fail;
	}
	if (escapes(&out, &taint)) {
		*error_r = "user name would make the mailbox path leave its directory";
		goto fail;
	}
	mu_buf_free(&taint);
	return out.data;

fail:
	mu_buf_free(&out);
	mu_buf_free(&taint);
	return NULL;
}

int
mu_url_check_template(const char *template, const char **error_r)
{
	/* Stand-ins that pass every check, so that only the template's own
	 * syntax can fail. */
	char *url = mu_url_expand(template, "user@example.org", "/home/user",
				  error_r);

	if (url == NULL)
		return -1;
	free(url);
	return 0;
}

static bool
is_subdir(const char *path, const char *sub)
{
	struct stat st;
	char *p = mu_xasprintf("%s/%s", path, sub);
	int rc = stat(p, &st);

	free(p);
	return rc == 0 && S_ISDIR(st.st_mode);
}

static bool
all_digits(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* A directory that is not a Maildir: MH if it holds MH's traces,
 * otherwise (empty, or only other files) the fallback when that is a
 * directory format, else MH, the format that tolerates other files. */
static enum mu_format
detect_dir(const char *path, enum mu_format fallback)
{
	enum mu_format other =
		fallback == MU_FORMAT_MAILDIR || fallback == MU_FORMAT_MH ?
		fallback : MU_FORMAT_MH;
	struct dirent *de;
	DIR *d;
	bool mh = false;

	if (is_subdir(path, "cur") && is_subdir(path, "new") &&
	    is_subdir(path, "tmp"))
		return MU_FORMAT_MAILDIR;
	d = opendir(path);
	if (d == NULL)
		return other;	/* the driver reports why it cannot read it */
	while (!mh && (de = readdir(d)) != NULL)
		mh = strcmp(de->d_name, ".mh_sequences") == 0 ||
			all_digits(de->d_name);
	closedir(d);
	return mh ? MU_FORMAT_MH : other;
}

enum mu_format
mu_format_detect(const char *path, enum mu_format fallback)
{
	struct stat st;

	if (fallback == MU_FORMAT_AUTO)
		fallback = MU_FORMAT_MBOX;
	/* stat, not lstat: /var/mail/USER may be a link to a Maildir */
	if (stat(path, &st) < 0)
		return fallback;
	if (S_ISDIR(st.st_mode))
		return detect_dir(path, fallback);
	return MU_FORMAT_MBOX;
}
