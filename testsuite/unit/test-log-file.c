/* Logging to a file: one line per call, `TIMESTAMP IDENT[PID]: LEVEL: PREFIX
 * MESSAGE`, an ISO 8601 timestamp, levels above the configured one dropped,
 * control bytes escaped so data cannot forge lines, errno kept, and lines
 * from concurrent processes never interleaved. */
#include "config.h"

#include <errno.h>
#include <regex.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "config-fixture.h"
#include "libmu/log.h"

static char *
slurp(const char *path, size_t *len_r)
{
	FILE *f = fopen(path, "r");
	char *data = NULL;
	size_t cap = 0, len = 0, n;

	if (f == NULL)
		return NULL;
	do {
		if (len + 4096 + 1 > cap)
			data = realloc(data, cap = 2 * cap + 8192);
		n = fread(data + len, 1, 4096, f);
		len += n;
	} while (n > 0);
	fclose(f);
	data[len] = '\0';
	if (len_r)
		*len_r = len;
	return data;
}

static size_t
count_lines(const char *text)
{
	size_t n = 0;

	for (; *text; text++)
		n += *text == '\n';
	return n;
}

static void
format_and_levels(void)
{
	const char *why = NULL;
	char *text, expected[256];
	struct stat st;
	regex_t re;
	int rc;

	rc = mu_log_open("pop3d-test", "test.log", MU_LOG_NOTICE, 0, &why);
	CHECK(rc == 0, "open: %s", why ? why : "");
	CHECK(stat("test.log", &st) == 0 && (st.st_mode & 0777) ==
	      (0640 & ~(mode_t)umask(022)), "mode %o", st.st_mode & 0777);
	mu_log(MU_LOG_CRIT, "%s", "crit line");
	mu_log(MU_LOG_ERR, "err %d", 2);
	mu_log(MU_LOG_WARNING, "%s", "warning line");
	mu_log(MU_LOG_NOTICE, "%s", "notice line");
	mu_log(MU_LOG_INFO, "%s", "info line: dropped");
	mu_log(MU_LOG_DEBUG, "%s", "debug line: dropped");
	mu_log_set_prefix("[client 192.0.2.7]");
	mu_log(MU_LOG_NOTICE, "%s", "with prefix");
	mu_log_set_prefix(NULL);
	mu_log(MU_LOG_NOTICE, "%s", "user evil\nfake line\r\x7f end");
	errno = EACCES;
	mu_log(MU_LOG_ERR, "%s", "errno kept");
	CHECK(errno == EACCES, "errno %d", errno);
	mu_log_close();

	text = slurp("test.log", NULL);
	CHECK(text != NULL, "no log file");
	if (text == NULL)
		return;
	CHECK(count_lines(text) == 7, "%zu lines:\n%s", count_lines(text), text);
	CHECK(strstr(text, "dropped") == NULL, "info/debug logged:\n%s", text);

	rc = regcomp(&re, "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:"
		     "[0-9]{2}[+-][0-9]{2}:[0-9]{2} pop3d-test\\[[0-9]+\\]: "
		     "crit: crit line\n", REG_EXTENDED);
	CHECK(rc == 0 && regexec(&re, text, 0, NULL, 0) == 0,
	      "first line format:\n%s", text);
	regfree(&re);

	snprintf(expected, sizeof expected, " pop3d-test[%ld]: error: err 2\n",
		 (long)getpid());
	CHECK(strstr(text, expected) != NULL, "no \"%s\" in\n%s", expected, text);
	CHECK(strstr(text, "]: warning: warning line\n") != NULL, "warning");
	CHECK(strstr(text, "]: notice: notice line\n") != NULL, "notice");
	CHECK(strstr(text, "]: notice: [client 192.0.2.7] with prefix\n") != NULL,
	      "prefix:\n%s", text);
	CHECK(strstr(text, "]: notice: user evil\\x0afake line\\x0d\\x7f end\n")
	      != NULL, "escaping:\n%s", text);
	CHECK(strstr(text, "]: error: errno kept\n") != NULL, "errno line");
	free(text);

	/* debug level lets everything through; reopening appends */
	CHECK(mu_log_open("pop3d-test", "test.log", MU_LOG_DEBUG, 0, &why) == 0,
	      "reopen");
	mu_log(MU_LOG_DEBUG, "%s", "debug now");
	mu_log_close();
	text = slurp("test.log", NULL);
	CHECK(text && count_lines(text) == 8 &&
	      strstr(text, "]: debug: debug now\n") != NULL, "debug:\n%s", text);
	free(text);

	/* a file that cannot be opened is an error with the reason */
	rc = mu_log_open("pop3d-test", "no-such-dir/test.log", MU_LOG_DEBUG, 0,
			 &why);
	CHECK(rc == -1 && strstr(why, "no-such-dir/test.log") &&
	      strstr(why, "No such file"), "open error: %s", why);
}

/* A message longer than a log line is cut, and still ends the line. */
static void
long_message(void)
{
	const char *why;
	char *big = malloc(10000), *text;

	memset(big, 'x', 9999);
	big[9999] = '\0';
	CHECK(mu_log_open("t", "long.log", MU_LOG_DEBUG, 0, &why) == 0, "open");
	mu_log(MU_LOG_ERR, "%s", big);
	mu_log(MU_LOG_ERR, "%s", "after");
	mu_log_close();
	text = slurp("long.log", NULL);
	CHECK(text && count_lines(text) == 2 && strstr(text, "x...\n") &&
	      strstr(text, "]: error: after\n"), "long message");
	free(text);
	free(big);
}

/* Forked children share the descriptor, as session children do. */
static void
concurrent_children(void)
{
	enum { CHILDREN = 4, LINES = 300 };
	const char *why;
	char *text, *line;
	size_t counts[CHILDREN] = { 0 }, bad = 0;

	CHECK(mu_log_open("t", "conc.log", MU_LOG_DEBUG, 0, &why) == 0, "open");
	for (int c = 0; c < CHILDREN; c++) {
		pid_t pid = fork();

		if (pid < 0) {
			perror("fork");
			exit(1);
		}
		if (pid == 0) {
			char filler[200];

			memset(filler, 'a' + c, sizeof filler - 1);
			filler[sizeof filler - 1] = '\0';
			for (int i = 0; i < LINES; i++)
				mu_log(MU_LOG_INFO, "child %d line %d %s", c, i,
				       filler);
			_exit(0);
		}
	}
	for (int c = 0; c < CHILDREN; c++)
		wait(NULL);
	mu_log_close();

	text = slurp("conc.log", NULL);
	for (line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		int c, i, n = 0;
		char *msg = strstr(line, "]: info: child ");

		if (msg == NULL || sscanf(msg, "]: info: child %d line %d %n",
					  &c, &i, &n) != 2 ||
		    c < 0 || c >= CHILDREN ||
		    strspn(msg + n, (char[]){ (char)('a' + c), 0 }) != 199 ||
		    msg[n + 199] != '\0') {
			bad++;
			continue;
		}
		counts[c]++;
	}
	CHECK(bad == 0, "%zu mangled lines", bad);
	for (int c = 0; c < CHILDREN; c++)
		CHECK(counts[c] == LINES, "child %d: %zu lines", c, counts[c]);
	free(text);
}

int
main(void)
{
	fixture_setup();
	format_and_levels();
	long_message();
	concurrent_children();
	return fixture_finish();
}
