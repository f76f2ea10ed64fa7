/* Comparators (RFC 5228 section 2.7.3, RFC 4790 section 9):
 * "i;ascii-casemap" (the default) folds ASCII letters only; "i;octet"
 * compares octets.  Both apply to :is, :contains and :matches. */
#include <config.h>

#include "sieve-check.h"

static const char msg[] =
	"Subject: Hello WORLD\n"
	"X-Latin: CAF\xc3\x89\n"
	"\n";

int
main(void)
{
	/* the default is i;ascii-casemap */
	CHECK_TRUE("header :is \"Subject\" \"hello world\"", msg);
	CHECK_TRUE("header :contains \"Subject\" \"o w\"", msg);
	CHECK_TRUE("header :matches \"Subject\" \"h*D\"", msg);
	/* named explicitly, in any case */
	CHECK_TRUE("header :comparator \"i;ascii-casemap\" :is \"Subject\" \"HELLO world\"", msg);
	CHECK_TRUE("header :comparator \"I;ASCII-CASEMAP\" \"Subject\" \"HELLO world\"", msg);
	/* i;octet: exact octets */
	CHECK_FALSE("header :comparator \"i;octet\" :is \"Subject\" \"hello world\"", msg);
	CHECK_TRUE("header :comparator \"i;octet\" :is \"Subject\" \"Hello WORLD\"", msg);
	CHECK_FALSE("header :comparator \"i;octet\" :contains \"Subject\" \"world\"", msg);
	CHECK_TRUE("header :comparator \"i;octet\" :contains \"Subject\" \"WORLD\"", msg);
	CHECK_FALSE("header :comparator \"i;octet\" :matches \"Subject\" \"h*\"", msg);
	CHECK_TRUE("header :matches :comparator \"i;octet\" \"Subject\" \"H*D\"", msg);
	/* ascii-casemap folds ASCII only: an accented capital stays itself */
	CHECK_TRUE("header :is \"X-Latin\" \"caf\xc3\x89\"", msg);
	CHECK_FALSE("header :is \"X-Latin\" \"caf\xc3\xa9\"", msg);
	/* the comparator tag may be required, though both are built in */
	CHECK_DECISION("require [\"comparator-i;octet\", \"comparator-i;ascii-casemap\"];\n"
		       "if header :comparator \"i;octet\" \"Subject\" \"Hello WORLD\" "
		       "{ discard; }", msg, "discard");
	return check_done();
}
