/* libFuzzer: the configuration file reader (libmu/cfg.c) with pop3d's
 * directive table (pop3d/common/directives.c).  The input is a whole
 * pop3d.conf.  Checked, besides the sanitizers: a file read without
 * errors prints (mu_config_print, as pop3d -t does) to a text
 * that reads back without errors to the same settings -- unless a
 * printed line is longer than the reader takes (has_long_line). */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pop3d/common/settings.h"
#include "testsuite/fuzz/fuzz.h"

static char path[64];
static FILE *devnull;

static void
put_file(const void *data, size_t len)
{
	FILE *f = fopen(path, "we");

	if (f == NULL || fwrite(data, 1, len, f) != len || fclose(f) != 0)
		abort();
}

static char *
print_config(const struct mu_config *cfg, size_t *len_r)
{
	char *text = NULL;
	FILE *out = open_memstream(&text, len_r);

	if (out == NULL)
		abort();
	mu_config_print(cfg, out);
	if (fclose(out) != 0)
		abort();
	return text;
}

static void
remove_file(void)
{
	unlink(path);
}

/* "name = value" is two octets longer than "name=value", and quoting
 * can double a value: a line near the reader's limit (4096 octets,
 * pop3d.conf(5)) can print longer than that, and then cannot read back.
 * A known limit of the format, not checked. */
static bool
has_long_line(const char *text, size_t len)
{
	const char *end = text + len;

	while (text < end) {
		const char *nl = memchr(text, '\n', (size_t)(end - text));
		size_t n = nl != NULL ? (size_t)(nl - text) : (size_t)(end - text);

		if (n > 4096)
			return true;
		text += n + 1;
	}
	return false;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *tmp = getenv("TMPDIR");
	int fd;

	snprintf(path, sizeof path, "%s/fuzz-config-XXXXXX",
		 tmp != NULL && *tmp != '\0' && strlen(tmp) < 40 ? tmp : "/tmp");
	if ((fd = mkstemp(path)) < 0)
		abort();
	close(fd);
	atexit(remove_file);
	devnull = fopen("/dev/null", "we");
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mu_config cfg, again;
	char *printed, *reprinted;
	size_t len, relen;
	int errors;

	put_file(data, size);
	mu_config_init(&cfg);
	/* the messages are formatted (to /dev/null): they quote the input */
	errors = mu_config_read(&cfg, path, false, devnull);
	if (errors != 0) {
		mu_config_free(&cfg);
		return 0;
	}
	printed = print_config(&cfg, &len);
	mu_config_free(&cfg);
	if (has_long_line(printed, len)) {
		free(printed);
		return 0;
	}

	put_file(printed, len);
	mu_config_init(&again);
	if (mu_config_read(&again, path, false, NULL) != 0) {
		fprintf(stderr, "printed configuration does not read back:\n%s",
			printed);
		abort();
	}
	reprinted = print_config(&again, &relen);
	mu_config_free(&again);
	if (relen != len || memcmp(printed, reprinted, len) != 0) {
		fprintf(stderr, "printed configuration reads back different:\n"
			"%s---\n%s", printed, reprinted);
		abort();
	}
	free(printed);
	free(reprinted);
	return 0;
}
