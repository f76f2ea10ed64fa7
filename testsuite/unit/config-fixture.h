/* Shared by the config and log tests: a scratch directory under /tmp that
 * is also the working directory (so error messages read `pop3d.conf:7: `),
 * writing a config file, and reading it with the errors captured. */
#ifndef CONFIG_FIXTURE_H
#define CONFIG_FIXTURE_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pop3d/common/settings.h"
#include "testsuite/lib/check.h"

/* Not every test uses every helper. */
#define FIXTURE static __attribute__((unused))

static char fixture_dir[] = "/tmp/test-config-XXXXXX";

FIXTURE void
fixture_setup(void)
{
	if (mkdtemp(fixture_dir) == NULL || chdir(fixture_dir) < 0) {
		perror("fixture");
		exit(1);
	}
}

/* The directory holds plain files only. */
FIXTURE int
fixture_finish(void)
{
	DIR *dir = opendir(fixture_dir);
	struct dirent *e;

	if (chdir("/") < 0 || dir == NULL) {
		perror("fixture cleanup");
		return 1;
	}
	while ((e = readdir(dir)) != NULL) {
		char path[512];

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", fixture_dir, e->d_name);
		if (unlink(path) < 0 && rmdir(path) < 0)
			perror(path);
	}
	closedir(dir);
	if (rmdir(fixture_dir) < 0)
		perror(fixture_dir);
	return check_summary();
}

FIXTURE void
write_file(const char *name, const void *data, size_t len)
{
	FILE *f = fopen(name, "w");

	if (f == NULL || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
		perror(name);
		exit(1);
	}
}

/* Write TEXT to pop3d.conf, read it into *cfg (initialised here) and
 * return the result of mu_config_read; *errs_r gets what it reported. */
FIXTURE int
read_text(struct mu_config *cfg, const char *text, char **errs_r)
{
	size_t errs_len;
	FILE *errs = open_memstream(errs_r, &errs_len);
	int rc;

	if (errs == NULL) {
		perror("open_memstream");
		exit(1);
	}
	write_file("pop3d.conf", text, strlen(text));
	mu_config_init(cfg);
	rc = mu_config_read(cfg, "pop3d.conf", false, errs);
	fclose(errs);
	return rc;
}

/* Read TEXT, which must be sound; the caller frees *cfg. */
FIXTURE void
read_good(struct mu_config *cfg, const char *text)
{
	char *errs;
	int rc = read_text(cfg, text, &errs);

	CHECK(rc == 0, "config %s: %d errors:\n%s", text, rc, errs);
	free(errs);
}

/* Read TEXT, which must give exactly the error lines EXPECTED. */
FIXTURE void
read_bad(const char *text, const char *expected, int expected_count)
{
	struct mu_config cfg;
	char *errs;
	int rc = read_text(&cfg, text, &errs);

	CHECK(rc == expected_count, "config %s: %d errors, expected %d",
	      text, rc, expected_count);
	CHECK(strcmp(errs, expected) == 0,
	      "config %s:\nerrors:   %sexpected: %s", text, errs, expected);
	free(errs);
	mu_config_free(&cfg);
}

#endif
