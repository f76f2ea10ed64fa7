/* SASL mechanism lists (mechlist.h). */
#include "config.h"

#include <string.h>

#include "pop3d/common/mechlist.h"

/* The name at p: its length; *next_r the one after it. */
static size_t
name_at(const char *p, const char **next_r)
{
	const char *end = strchr(p, ' ');
	size_t len = end != NULL ? (size_t)(end - p) : strlen(p);

	p += len;
	while (*p == ' ')
		p++;
	*next_r = p;
	return len;
}

bool
mechlist_contains(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list, *next; *p != '\0'; p = next) {
		size_t len = name_at(p, &next);

		if (len == n && memcmp(p, word, n) == 0)
			return true;
	}
	return false;
}

bool
mechlist_is_plus(const char *name, size_t len)
{
	return len > 5 && memcmp(name + len - 5, "-PLUS", 5) == 0;
}

void
mechlist_filter(const char *list, bool plus, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (const char *p = list, *next; *p != '\0'; p = next) {
		size_t len = name_at(p, &next);

		/* a separator, the name and the NUL must fit */
		if ((plus || !mechlist_is_plus(p, len)) &&
		    used + len + 2 <= size) {
			if (used > 0)
				buf[used++] = ' ';
			memcpy(buf + used, p, len);
			used += len;
			buf[used] = '\0';
		}
	}
}
