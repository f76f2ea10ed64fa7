/* exists (RFC 5228 section 5.5), size (5.9), true, false (5.6, 5.10),
 * not (5.8), allof (5.2) and anyof (5.3). */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "sieve-check.h"
#include "util.h"

static const char msg[] =
	"From: a@example.org\n"
	"To: b@example.org\n"
	"X-Empty:\n"
	"\n"
	"body\n";

int
main(void)
{
	/* the message above is 58 octets with CRLF line ends (5 lines) */
	size_t size = strlen(msg) + 5;

	CHECK(size == 58, "fixture size %zu", size);
	CHECK_TRUE("exists \"From\"", msg);
	CHECK_TRUE("exists \"from\"", msg);
	CHECK_TRUE("exists \"X-Empty\"", msg);
	CHECK_TRUE("exists [\"From\", \"To\"]", msg);
	/* every name must be there */
	CHECK_FALSE("exists [\"From\", \"Cc\"]", msg);
	CHECK_FALSE("exists \"Cc\"", msg);

	/* size compares strictly: neither :over nor :under the exact size */
	CHECK_TRUE("size :over 57", msg);
	CHECK_FALSE("size :over 58", msg);
	CHECK_FALSE("size :under 58", msg);
	CHECK_TRUE("size :under 59", msg);
	CHECK_TRUE("size :under 1K", msg);
	CHECK_FALSE("size :over 0", "");
	CHECK_TRUE("size :under 1", "");

	CHECK_TRUE("true", msg);
	CHECK_FALSE("false", msg);
	CHECK_TRUE("not false", msg);
	CHECK_FALSE("not true", msg);
	CHECK_TRUE("not not true", msg);
	CHECK_FALSE("not exists \"From\"", msg);

	CHECK_TRUE("allof (true, true)", msg);
	CHECK_FALSE("allof (true, false)", msg);
	CHECK_FALSE("allof (false, true)", msg);
	CHECK_TRUE("allof (true)", msg);
	CHECK_TRUE("anyof (false, true)", msg);
	CHECK_FALSE("anyof (false, false)", msg);
	CHECK_TRUE("not anyof (false)", msg);
	CHECK_TRUE("allof (exists \"From\", size :under 100, not exists \"Cc\")", msg);
	CHECK_TRUE("anyof (allof (true, false), not allof (false), anyof (false))", msg);
	return check_done();
}
