/* The lexical level of RFC 5228 section 2: comments, quoted strings and
 * their escapes, multi-line strings with dot-unstuffing, numbers with
 * K/M/G quantifiers, case-insensitive identifiers and tags.  Each value
 * is observed through what the script decides (a fileinto shows its
 * mailbox string, a size test its number). */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sieve-check.h"
#include "util.h"

static const char msg[] =
	"From: Alice <alice@example.org>\n"
	"Subject: a \"quoted\" back\\slash\n"
	"\n"
	"body\n";

/* A message of exactly n octets (CRLF text ending in a line end). */
static char *
message_of_size(size_t n)
{
	const char *head = "Subject: size\r\n\r\n";
	size_t h = strlen(head);
	char *m = mu_xmalloc(n + 1);

	memcpy(m, head, h);
	memset(m + h, 'x', n - h - 2);
	memcpy(m + n - 2, "\r\n", 3);
	return m;
}

int
main(void)
{
	/* comments: hash to end of line, bracketed across lines, and a '#'
	 * or a comment opener inside a string is just text */
	CHECK_DECISION("# a comment\n"
		       "/* a comment\n over lines with \"quotes\" and # */\n"
		       "discard; # trailing\n", msg, "discard");
	CHECK_DECISION("require \"fileinto\";\n"
		       "fileinto \"mbox:/tmp/#not-a-comment/*x*/\";\n", msg,
		       "fileinto mbox:/tmp/#not-a-comment/*x*/");
	CHECK_DECISION("/**/keep;/* no space needed */", msg, "keep");

	/* quoted strings: \" is a quote, \\ a backslash, any other escaped
	 * character is itself (section 2.4.2) */
	CHECK_TRUE("header :is \"Subject\" \"a \\\"quoted\\\" back\\\\slash\"", msg);
	CHECK_DECISION("require \"fileinto\"; fileinto \"mbox:/tmp/\\a\\b\";", msg,
		       "fileinto mbox:/tmp/ab");
	/* a quoted string may span lines; its line end stays in it */
	CHECK_DECISION("require \"fileinto\"; fileinto \"mbox:/tmp/a\nb\";", msg,
		       "fileinto mbox:/tmp/a\nb");

	/* multi-line strings: "text:", blanks and a comment allowed before
	 * the line end; lines end in CRLF; ".." loses one dot; "." ends */
	CHECK_DECISION("require \"fileinto\";\n"
		       "fileinto text: # the mailbox\n"
		       "mbox:/tmp/x\n"
		       "..dotted\n"
		       ".\n"
		       ";\n", msg, "fileinto mbox:/tmp/x\r\n.dotted\r\n");
	CHECK_DECISION("require \"fileinto\";\r\n"
		       "fileinto TEXT:\r\n"
		       "mbox:/tmp/crlf\r\n"
		       ".\r\n"
		       ";\r\n", msg, "fileinto mbox:/tmp/crlf\r\n");
	/* only a line holding a single "." ends it: ". x" and ".." do not */
	CHECK_DECISION("require \"fileinto\"; fileinto text:\nmbox:/tmp/y\n. x\n..\n.\n;",
		       msg, "fileinto mbox:/tmp/y\r\n x\r\n.\r\n");

	/* numbers: K, M, G are powers of 1024 (section 2.4.1), either case */
	{
		char *m1024 = message_of_size(1024), *m1025 = message_of_size(1025);
		char *m1m = message_of_size(1024 * 1024 + 1);

		CHECK_FALSE("size :over 1K", m1024);
		CHECK_TRUE("size :over 1K", m1025);
		CHECK_TRUE("size :over 1k", m1025);
		CHECK_FALSE("size :over 1024", m1024);
		CHECK_TRUE("size :over 1023", m1024);
		CHECK_TRUE("size :over 1M", m1m);
		CHECK_FALSE("size :over 1m", m1024);
		CHECK_FALSE("size :over 1G", m1m);
		CHECK_TRUE("size :under 1g", m1m);
		CHECK_TRUE("size :under 18446744073709551615", m1024);
		free(m1024);
		free(m1025);
		free(m1m);
	}

	/* identifiers and tags are case-insensitive (section 2.4.3) */
	CHECK_DECISION("IF Header :IS \"subject\" \"a \\\"quoted\\\" back\\\\slash\" "
		       "{ DISCARD; } ELSE { Keep; }", msg, "discard");
	/* white space is optional between tokens */
	CHECK_DECISION("if anyof(false,true){discard;}", msg, "discard");
	return check_done();
}
