/* Match types (RFC 5228 section 2.7.1): :is, :contains, :matches with
 * "*", "?" and backslash escapes. */
#include <config.h>

#include "sieve/ast.h"
#include "sieve-check.h"

#define M(value, key) sieve_match(SIEVE_MATCH_MATCHES, SIEVE_CMP_OCTET, value, key)

int
main(void)
{
	static const char msg[] = "Subject: [list] Re: meeting at 10?\n\n";

	/* :is -- the whole value */
	CHECK_TRUE("header :is \"Subject\" \"[list] Re: meeting at 10?\"", msg);
	CHECK_FALSE("header :is \"Subject\" \"[list] Re: meeting\"", msg);
	CHECK_FALSE("header :is \"Subject\" \"\"", msg);
	/* :contains -- a substring, "" is in everything */
	CHECK_TRUE("header :contains \"Subject\" \"meeting\"", msg);
	CHECK_TRUE("header :contains \"Subject\" \"[list]\"", msg);
	CHECK_TRUE("header :contains \"Subject\" \"\"", msg);
	CHECK_FALSE("header :contains \"Subject\" \"meetings\"", msg);
	/* :matches -- the whole value against a pattern */
	CHECK_TRUE("header :matches \"Subject\" \"*meeting*\"", msg);
	CHECK_TRUE("header :matches \"Subject\" \"[list]*\"", msg);
	CHECK_FALSE("header :matches \"Subject\" \"meeting*\"", msg);
	CHECK_TRUE("header :matches \"Subject\" \"*at 1?\\\\?\"", msg);
	CHECK_FALSE("header :matches \"Subject\" \"*at ?\\\\?\"", msg);

	/* the pattern language itself */
	CHECK(M("", ""), "empty matches empty");
	CHECK(M("", "*"), "* matches empty");
	CHECK(M("", "***"), "*** matches empty");
	CHECK(!M("", "?"), "? needs one octet");
	CHECK(M("a", "?"), "? matches one octet");
	CHECK(!M("ab", "?"), "? matches only one");
	CHECK(M("ab", "??"), "?? two");
	CHECK(M("abc", "a*c"), "a*c");
	CHECK(M("ac", "a*c"), "a*c, empty star");
	CHECK(!M("abd", "a*c"), "a*c vs abd");
	CHECK(M("abcbc", "*bc"), "backtracking to the last bc");
	CHECK(M("aaaaaaaaaaaaaaaaaaaaaaaaaaaaab", "*a*a*a*a*a*a*a*a*b"), "many stars");
	CHECK(!M("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "*a*a*a*a*a*a*a*a*b"),
	      "many stars, no match (and quickly)");
	CHECK(M("x*y", "x\\*y"), "\\* is a literal star");
	CHECK(!M("xzy", "x\\*y"), "\\* is not a wildcard");
	CHECK(M("x?y", "x\\?y"), "\\? is a literal question mark");
	CHECK(!M("xzy", "x\\?y"), "\\? is not a wildcard");
	CHECK(M("a\\b", "a\\\\b"), "\\\\ is a backslash");
	CHECK(M("ab", "\\a\\b"), "\\ before an ordinary octet is that octet");
	CHECK(M("a\\", "a\\"), "a lone trailing backslash is itself");
	CHECK(M("caf\xc3\xa9", "caf??"), "? is one octet (RFC 4790 comparators work on octets)");
	/* in a script, "\\\\*" is the two characters \* : a literal star */
	CHECK_TRUE("header :matches \"Subject\" \"a\\\\*b\"", "Subject: a*b\n\n");
	CHECK_FALSE("header :matches \"Subject\" \"a\\\\*b\"", "Subject: axb\n\n");
	/* and "\\*" in a script is just "*" (the escape is the string's) */
	CHECK_TRUE("header :matches \"Subject\" \"a\\*b\"", "Subject: axxb\n\n");
	return check_done();
}
