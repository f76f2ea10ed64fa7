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

int
conf_read_checked(struct mu_config *cfg, const char *file, bool explicit_file,
		  FILE *errs)
{
	const char *error;
	int problems;

	problems = mu_config_read(cfg, file, !explicit_file, errs);
	if (problems < 0)
		return 1;
	if (cfg->mailbox != NULL &&
	    mu_url_check_template(cfg->mailbox, &error) < 0) {
		unsigned line = conf_directive_line(file, "mailbox");

		if (line > 0)
			fprintf(errs, "%s:%u: mailbox: %s\n", file, line, error);
		else
			fprintf(errs, "%s: mailbox: %s\n", file, error);
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
