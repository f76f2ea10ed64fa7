/* Masking secrets in client lines before they reach a log or a
 * transcript.  Only the keyword decides; the rest of the line is never
 * parsed, so a malformed command cannot slip its secret through. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "pop3d/common/mask.h"

/* Keywords whose arguments after the first `keep` words are secret:
 * PASS string (RFC 1939 section 7), APOP name digest (section 7),
 * AUTH mechanism [initial-response] (RFC 5034 section 4). */
static const struct {
	const char *keyword;
	unsigned keep;
} secret_commands[] = {
	{ "PASS", 0 },
	{ "APOP", 1 },
	{ "AUTH", 1 },
};

/* Length of the prefix of line made of the keyword and `keep` words,
 * with the spaces that follow them. */
static size_t
public_prefix(const char *line, unsigned keep)
{
	const char *p = line + strcspn(line, " ");

	for (unsigned i = 0; i < keep; i++) {
		p += strspn(p, " ");
		p += strcspn(p, " ");
	}
	return (size_t)(p + strspn(p, " ") - line);
}

const char *
mask_client_line(const char *line, bool secret_input, char *buf, size_t size)
{
	size_t klen = strcspn(line, " ");

	if (size == 0)
		return buf;
	if (secret_input) {
		/* "*" alone cancels an AUTH exchange: not a secret */
		snprintf(buf, size, "%s", strcmp(line, "*") == 0 ? "*" :
			 MASK_TEXT);
		return buf;
	}
	for (size_t i = 0; i < sizeof secret_commands /
		     sizeof secret_commands[0]; i++) {
		size_t pub;

		if (klen != strlen(secret_commands[i].keyword) ||
		    strncasecmp(line, secret_commands[i].keyword, klen) != 0)
			continue;
		pub = public_prefix(line, secret_commands[i].keep);
		if (line[pub] == '\0') {
			/* nothing secret given (AUTH alone lists mechanisms) */
			snprintf(buf, size, "%s", line);
			return buf;
		}
		snprintf(buf, size, "%.*s%s%s", (int)pub, line,
			 line[pub - 1] == ' ' ? "" : " ", MASK_TEXT);
		return buf;
	}
	snprintf(buf, size, "%s", line);
	return buf;
}
