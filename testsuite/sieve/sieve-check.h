/* Helpers for the Sieve unit tests: compile a script from a string, run
 * it over a message given as text, and compare what it decided.  Every
 * check names the test file's line, so a failure points at its case; the
 * checks themselves are testsuite/lib/check.h's. */
#ifndef SIEVE_CHECK_H
#define SIEVE_CHECK_H

#include <stdbool.h>
#include <time.h>

#include "sieve/sieve.h"
#include "testsuite/lib/check.h"

/* The instant every test calls "now": 2024-03-01 12:00:00 UTC. */
#define CHECK_NOW ((time_t)1709294400)

/* The script must compile; its error text otherwise counts as a failure.
 * Returns NULL after a failure. */
struct sieve_script *check_compile(const char *file, int line, const char *text);

/* The script must not compile, and fail with exactly this error text
 * ("test.sv:LINE:COLUMN: message"). */
void check_error_at(const char *file, int line, const char *text,
		    const char *expected);
#define CHECK_ERROR(text, expected) \
	check_error_at(__FILE__, __LINE__, text, expected)

/* What the script decides for the message, as one line: the actions in
 * order, e.g. "fileinto mbox:/x, discard" or "implicit keep". */
char *check_decide(const char *file, int line, const char *script,
		   const char *message, time_t now);
void check_decision_at(const char *file, int line, const char *script,
		       const char *message, const char *expected);
#define CHECK_DECISION(script, message, expected) \
	check_decision_at(__FILE__, __LINE__, script, message, expected)

/* Is the test (the text of one Sieve test) true for the message?
 * requires: the require line to put first ("" for none). */
void check_test_at(const char *file, int line, const char *requires,
		   const char *test, const char *message, bool expected);
#define CHECK_TEST(requires, test, message, expected) \
	check_test_at(__FILE__, __LINE__, requires, test, message, expected)
#define CHECK_TRUE(test, message) CHECK_TEST("", test, message, true)
#define CHECK_FALSE(test, message) CHECK_TEST("", test, message, false)

#endif
