/* Reading the configuration at start, on SIGHUP and for pop3d -t. */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libmu/log.h"
#include "libmu/url.h"
#include "libmu/util.h"
#include "pop3d/conf.h"
#include "pop3d/limits.h"
#include "pop3d/session.h"

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
	}
	return problems;
}

int
conf_load(struct mu_config *cfg, const char *file, bool explicit_file,
	  char **error_r)
{
	char *text = NULL;
	size_t len = 0;
	FILE *errs = open_memstream(&text, &len);
	int problems;

	if (errs == NULL) {
		*error_r = mu_xasprintf("%s: cannot collect errors: %m", file);
		return -1;
	}
	problems = conf_read_checked(cfg, file, explicit_file, errs);
	fclose(errs);
	if (problems == 0) {
		free(text);
		return 0;
	}
	/* one line: the first problem, without its line end */
	if (text != NULL && text[0] != '\0') {
		text[strcspn(text, "\n")] = '\0';
		*error_r = text;
	} else {
		free(text);
		*error_r = mu_xasprintf("%s: bad configuration", file);
	}
	return -1;
}

static void
warn_one(const char *name, void *ctx)
{
	mu_log(MU_LOG_WARNING, "%s: directive \"%s\" has no effect yet",
	       (const char *)ctx, name);
}

void
conf_warn_unimplemented(const struct mu_config *cfg)
{
	mu_config_warn_unimplemented(cfg, warn_one,
				     (void *)(cfg->file ? cfg->file : "config"));
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
