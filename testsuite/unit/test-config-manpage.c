/* doc/pop3d.conf.5 documents every directive of the table, once, with its
 * default, says "empty allowed" for exactly those that take an empty
 * value, and "No effect" for exactly those marked POP3D_NO_EFFECT. */
#include "config.h"

#include "config-fixture.h"

static char *
read_page(void)
{
	const char *srcdir = getenv("top_srcdir");
	char path[4096];
	FILE *f;
	char *data;
	long len;

	snprintf(path, sizeof path, "%s/doc/pop3d.conf.5",
		 srcdir ? srcdir : ".");
	f = fopen(path, "r");
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

/* The text of NAME's entry: from its `.TP` / `.B NAME` to the next
 * `.TP` or section. */
static char *
entry_of(const char *page, const char *name)
{
	char head[128];
	const char *start, *end, *sh;

	snprintf(head, sizeof head, "\n.TP\n.B %s\n", name);
	start = strstr(page, head);
	if (start == NULL)
		return NULL;
	CHECK(strstr(start + 1, head) == NULL, "%s documented twice", name);
	start += strlen(head);
	end = strstr(start, "\n.TP\n");
	sh = strstr(start, "\n.SH ");
	if (end == NULL || (sh != NULL && sh < end))
		end = sh;
	if (end == NULL)
		end = start + strlen(start);
	return strndup(start, (size_t)(end - start));
}

int
main(void)
{
	char *page = read_page();

	for (size_t i = 0; i < mu_directive_count; i++) {
		const struct mu_cfg_directive *d = &mu_directives[i];
		char *entry = entry_of(page, d->name);
		bool says_no_effect;

		CHECK(entry != NULL, "%s is not documented", d->name);
		if (entry == NULL)
			continue;
		says_no_effect = strstr(entry, "No effect") != NULL;
		CHECK(says_no_effect == ((d->flags & POP3D_NO_EFFECT) != 0),
		      "%s: marked %s but the page %s \"No effect\"",
		      d->name, d->flags & POP3D_NO_EFFECT ? "no effect" :
		      "in effect", says_no_effect ? "says" : "does not say");
		CHECK(strstr(entry, "(default:") != NULL,
		      "%s: no default given", d->name);
		CHECK((d->empty != MU_EMPTY_ERROR) ==
		      (strstr(entry, "empty allowed") != NULL),
		      "%s: \"empty allowed\" does not match the table", d->name);
		free(entry);
	}
	free(page);
	return check_summary();
}
