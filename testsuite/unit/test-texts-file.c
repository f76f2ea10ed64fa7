/* The pop3_code.txt that make install puts in $(datadir)/pop3d lists
 * every code of pop3d/common/texts.c once, in the table's order, with its
 * built-in text, and loads without a problem; doc/pop3d.conf.5 (RESPONSE
 * TEXTS) names every code with that text.  When a code is added, this
 * test points at the file and the page. */
#include "config.h"

#include "config-fixture.h"
#include "pop3d/common/texts.h"

static char *
read_all(const char *path)
{
	FILE *f = fopen(path, "r");
	char *data;
	long len;

	if (f == NULL || fseek(f, 0, SEEK_END) < 0 || (len = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) < 0) {
		perror(path);
		exit(1);
	}
	data = malloc((size_t)len + 1);
	if (data == NULL || fread(data, 1, (size_t)len, f) != (size_t)len) {
		perror(path);
		exit(1);
	}
	data[len] = '\0';
	fclose(f);
	return data;
}

/* The page's text for code: from ".TP\n.B code\n" to the next ".TP" or
 * ".SH", line ends as blanks, roff's "\-" as "-". */
static char *
page_entry(const char *page, const char *code)
{
	char head[128], *out;
	const char *start, *end;
	size_t o = 0;

	snprintf(head, sizeof head, "\n.TP\n.B ");
	for (const char *c = code; *c != '\0'; c++) {
		size_t n = strlen(head);

		if (*c == '-')
			snprintf(head + n, sizeof head - n, "\\-");
		else
			snprintf(head + n, sizeof head - n, "%c", *c);
	}
	strcat(head, "\n");
	start = strstr(page, head);
	if (start == NULL)
		return NULL;
	start += strlen(head);
	end = strstr(start, "\n.TP\n");
	if (end == NULL)
		end = strstr(start, "\n.SH ");
	if (end == NULL)
		end = start + strlen(start);
	out = malloc((size_t)(end - start) + 1);
	for (const char *p = start; p < end; p++) {
		if (p[0] == '\\' && p[1] == '-') {
			out[o++] = '-';
			p++;
		} else {
			out[o++] = *p == '\n' ? ' ' : *p;
		}
	}
	out[o] = '\0';
	return out;
}

int
main(void)
{
	const char *srcdir = getenv("top_srcdir");
	char dir[4096], path[4200], *data, *line, *save = NULL;
	struct mu_config cfg;
	size_t next = 0;
	int problems;
	char *page;

	snprintf(dir, sizeof dir, "%s/pop3d/common", srcdir ? srcdir : ".");
	snprintf(path, sizeof path, "%s/%s", dir, TEXTS_FILE_NAME);
	data = read_all(path);
	for (line = strtok_r(data, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		char *tab = strchr(line, '\t');

		if (line[0] == '#')
			continue;
		CHECK(tab != NULL, "%s: line without TAB: %s", path, line);
		if (tab == NULL)
			continue;
		*tab = '\0';
		CHECK(next < TEXT_COUNT, "%s: more lines than codes: %s", path,
		      line);
		if (next >= TEXT_COUNT)
			break;
		CHECK(strcmp(line, text_code((enum text_id)next)) == 0,
		      "%s: line %zu is %s, expected %s", path, next + 1, line,
		      text_code((enum text_id)next));
		CHECK(strcmp(tab + 1, text_default((enum text_id)next)) == 0,
		      "%s: %s: \"%s\", built-in \"%s\"", path, line, tab + 1,
		      text_default((enum text_id)next));
		next++;
	}
	CHECK(next == TEXT_COUNT, "%s lists %zu codes of %d", path, next,
	      TEXT_COUNT);
	free(data);

	mu_config_init(&cfg);
	free(cfg.data_file_path);
	cfg.data_file_path = strdup(dir);
	problems = texts_load(&cfg, stdout, NULL);
	CHECK(problems == 0, "%s: %d problems", path, problems);
	CHECK(cfg.extra != NULL, "%s: no texts kept", path);
	for (size_t i = 0; i < TEXT_COUNT; i++)
		CHECK(strcmp(text_get(&cfg, (enum text_id)i),
			     text_default((enum text_id)i)) == 0,
		      "%s loaded as \"%s\"", text_code((enum text_id)i),
		      text_get(&cfg, (enum text_id)i));
	mu_config_free(&cfg);

	snprintf(path, sizeof path, "%s/doc/pop3d.conf.5",
		 srcdir ? srcdir : ".");
	page = read_all(path);
	for (size_t i = 0; i < TEXT_COUNT; i++) {
		char *entry = page_entry(page, text_code((enum text_id)i));
		const char *text = text_default((enum text_id)i);
		const char *rcode = text_response_code((enum text_id)i);

		CHECK(entry != NULL, "the page does not list %s",
		      text_code((enum text_id)i));
		if (entry == NULL)
			continue;
		CHECK(strstr(entry, text) != NULL, "the page's %s: \"%s\", "
		      "built-in \"%s\"", text_code((enum text_id)i), entry, text);
		CHECK(strstr(entry, rcode) != NULL, "the page's %s: no %s",
		      text_code((enum text_id)i), rcode);
		free(entry);
	}
	free(page);
	return check_status();
}
