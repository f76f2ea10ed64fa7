/* Every compile error, each with its exact "FILE:LINE:COLUMN: message".
 * Lines and columns count from 1; a column counts octets.  The first error
 * is the one reported. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sieve-check.h"
#include "util.h"

static void
lexical(void)
{
	CHECK_ERROR("keep;\n  \"abc", "test.sv:2:3: unterminated string: no closing '\"'");
	CHECK_ERROR("keep; /* open\n\n", "test.sv:1:7: unterminated comment: '/*' without '*/'");
	CHECK_ERROR("require \"fileinto\";\nfileinto text:\nmbox:/x\n",
		    "test.sv:2:10: unterminated multi-line string: no line holding a single '.'");
	CHECK_ERROR("require \"fileinto\";\nfileinto text: junk\nx\n.\n;",
		    "test.sv:2:16: 'text:' must be followed by the end of the line");
	CHECK_ERROR("if size :over 10X { discard; }",
		    "test.sv:1:17: bad number: unexpected 'X' (quantifiers are K, M and G)");
	CHECK_ERROR("if size :over 10KB { discard; }",
		    "test.sv:1:18: bad number: unexpected 'B' (quantifiers are K, M and G)");
	CHECK_ERROR("if size :over 18446744073709551616 { discard; }",
		    "test.sv:1:15: number too large");
	CHECK_ERROR("if size :over 17179869184G { discard; }",
		    "test.sv:1:15: number too large");
	CHECK_ERROR("keep;\n\tdiscard @;", "test.sv:2:10: unexpected character '@'");
	CHECK_ERROR("keep \x01;", "test.sv:1:6: unexpected octet 0x01");
	CHECK_ERROR("if header : \"a\" \"b\" { keep; }",
		    "test.sv:1:11: ':' must start a tag such as ':is'");
	{
		static const char nul[] = "keep;\ndi\0scard;";
		struct sieve_script *s;
		const char *error;

		CHECK(sieve_compile("test.sv", nul, sizeof nul - 1, &s, &error) < 0 &&
		      strcmp(error, "test.sv:2:3: NUL octet in script") == 0,
		      "NUL octet: %s", error);
	}
}

static void
grammar(void)
{
	CHECK_ERROR("keep", "test.sv:1:5: expected ';' or '{' after the arguments "
		    "of 'keep', found end of script");
	/* a missing ';' makes the next command look like a test */
	CHECK_ERROR("keep\ndiscard;", "test.sv:2:1: 'discard' is a command, not a "
		    "test (a ';' missing before it?)");
	CHECK_ERROR("keep\n\"x\";", "test.sv:2:1: 'keep' takes no arguments");
	CHECK_ERROR("keep\nif true { stop; }", "test.sv:2:1: 'if' is a command, not a "
		    "test (a ';' missing before it?)");
	CHECK_ERROR("if true { discard;\n", "test.sv:2:1: expected '}' to close the "
		    "block opened at 1:9, found end of script");
	CHECK_ERROR("keep; }", "test.sv:1:7: unexpected '}': no block is open");
	CHECK_ERROR("\"keep\";", "test.sv:1:1: expected a command, found a string");
	CHECK_ERROR("if header [\"a\", 1] \"b\" { keep; }",
		    "test.sv:1:17: expected a string after ',' in the string list, found a number");
	CHECK_ERROR("if header [] \"b\" { keep; }",
		    "test.sv:1:12: expected a string in the string list, found ']'");
	CHECK_ERROR("if header [\"a\" \"b\"] \"b\" { keep; }",
		    "test.sv:1:16: expected ',' or ']' in the string list, found a string");
	CHECK_ERROR("if anyof(true false) { keep; }",
		    "test.sv:1:15: 'true' takes no test (a ',' or ';' missing before this?)");
	CHECK_ERROR("if anyof(true, ) { keep; }",
		    "test.sv:1:16: expected a test, found ')'");
	CHECK_ERROR("if anyof(true; { keep; }",
		    "test.sv:1:14: expected ',' or ')' in the test list, found ';'");
	CHECK_ERROR("if { keep; }", "test.sv:1:4: 'if' needs a test");
}

static void
commands(void)
{
	CHECK_ERROR("keep;\nreject \"no\";", "test.sv:2:1: unknown command 'reject'");
	CHECK_ERROR("header \"a\" \"b\";",
		    "test.sv:1:1: 'header' is a test, not a command (use it in if)");
	CHECK_ERROR("if keep { stop; }", "test.sv:1:4: 'keep' is a command, not a test");
	CHECK_ERROR("if envelope \"to\" \"a\" { stop; }", "test.sv:1:4: unknown test 'envelope'");
	CHECK_ERROR("keep \"x\";", "test.sv:1:6: 'keep' takes no arguments");
	CHECK_ERROR("stop 1;", "test.sv:1:6: 'stop' takes no arguments");
	CHECK_ERROR("discard :copy;", "test.sv:1:9: unknown tag ':copy' for 'discard'");
	CHECK_ERROR("keep { stop; }", "test.sv:1:1: 'keep' takes no block");
	CHECK_ERROR("if true;", "test.sv:1:1: 'if' needs a block in braces");
	CHECK_ERROR("if true { keep; }\nelse true { keep; }",
		    "test.sv:2:6: 'else' takes no test (use elsif)");
	CHECK_ERROR("keep true;", "test.sv:1:6: 'keep' takes no test (a ',' or ';' "
		    "missing before this?)");
	CHECK_ERROR("if (true) { keep; }",
		    "test.sv:1:4: 'if' takes one test, not a test list in parentheses");
	CHECK_ERROR("keep;\nelsif true { keep; }",
		    "test.sv:2:1: elsif without a preceding if or elsif");
	CHECK_ERROR("else { keep; }", "test.sv:1:1: else without a preceding if or elsif");
	CHECK_ERROR("if true { keep; }\nkeep;\nelse { keep; }",
		    "test.sv:3:1: else without a preceding if or elsif");
	CHECK_ERROR("if true { keep; } else { keep; } else { keep; }",
		    "test.sv:1:34: else without a preceding if or elsif");
}

static void
require(void)
{
	CHECK_ERROR("require \"vacation\";",
		    "test.sv:1:9: require: unsupported extension \"vacation\"");
	CHECK_ERROR("require [\"fileinto\", \"envelope\"];",
		    "test.sv:1:9: require: unsupported extension \"envelope\"");
	/* extension names are case-sensitive (RFC 5228 section 6) */
	CHECK_ERROR("require \"FileInto\";",
		    "test.sv:1:9: require: unsupported extension \"FileInto\"");
	CHECK_ERROR("require;", "test.sv:1:1: 'require' needs 1 argument (extensions), found 0");
	CHECK_ERROR("keep;\nrequire \"fileinto\";",
		    "test.sv:2:1: require must come before any other command (RFC 5228 section 3.2)");
	CHECK_ERROR("if true { require \"fileinto\"; }",
		    "test.sv:1:11: require must come before any other command (RFC 5228 section 3.2)");
	CHECK_ERROR("fileinto \"mbox:/x\";",
		    "test.sv:1:1: 'fileinto' needs require \"fileinto\"");
	CHECK_ERROR("if timestamp \"X-Expire-Timestamp\" \"now\" { discard; }",
		    "test.sv:1:4: 'timestamp' needs require \"timestamp\"");
}

static void
arguments(void)
{
	CHECK_ERROR("if header \"Subject\" { keep; }",
		    "test.sv:1:4: 'header' needs 2 arguments (header names, keys), found 1");
	CHECK_ERROR("if header \"a\" \"b\" \"c\" { keep; }",
		    "test.sv:1:19: too many arguments for 'header': it takes 2 (header names, keys)");
	CHECK_ERROR("if header 1 \"b\" { keep; }",
		    "test.sv:1:11: 'header' header names must be a string or a string list, found a number");
	CHECK_ERROR("if size :over \"1K\" { keep; }",
		    "test.sv:1:15: 'size' limit must be a number, found a string");
	CHECK_ERROR("if size 100 { keep; }", "test.sv:1:4: 'size' needs :over or :under");
	CHECK_ERROR("if size :over :under 1 { keep; }",
		    "test.sv:1:15: ':under' after ':over': give one of :over and :under");
	CHECK_ERROR("if header \"a\" :is \"b\" { keep; }",
		    "test.sv:1:15: tag ':is' after the positional arguments of 'header' "
		    "(tags come first, RFC 5228 section 2.6.2)");
	CHECK_ERROR("if header :is :contains \"a\" \"b\" { keep; }",
		    "test.sv:1:15: ':contains': a match type was already given");
	CHECK_ERROR("if header :regex \"a\" \"b\" { keep; }",
		    "test.sv:1:11: unknown tag ':regex' for 'header'");
	CHECK_ERROR("if header :localpart \"a\" \"b\" { keep; }",
		    "test.sv:1:11: unknown tag ':localpart' for 'header'");
	CHECK_ERROR("if address :domain :all \"to\" \"b\" { keep; }",
		    "test.sv:1:20: ':all': an address part was already given");
	CHECK_ERROR("if header :comparator \"i;octet\" :comparator \"i;octet\" \"a\" \"b\" { keep; }",
		    "test.sv:1:33: ':comparator': a comparator was already given");
	CHECK_ERROR("if header :comparator \"i;unicode-casemap\" \"a\" \"b\" { keep; }",
		    "test.sv:1:23: unknown comparator \"i;unicode-casemap\" "
		    "(known: \"i;ascii-casemap\", \"i;octet\")");
	CHECK_ERROR("if header :comparator [\"i;octet\"] \"a\" \"b\" { keep; }",
		    "test.sv:1:11: ':comparator' must be followed by the comparator name as a string");
	CHECK_ERROR("if header :comparator { keep; }",
		    "test.sv:1:11: ':comparator' must be followed by the comparator name as a string");
	CHECK_ERROR("if header \"Sub ject\" \"b\" { keep; }",
		    "test.sv:1:11: invalid header name \"Sub ject\"");
	CHECK_ERROR("if exists [\"From\", \"To:\"] { keep; }",
		    "test.sv:1:11: invalid header name \"To:\"");
	CHECK_ERROR("if exists \"\" { keep; }", "test.sv:1:11: invalid header name \"\"");
	CHECK_ERROR("if not { keep; }", "test.sv:1:8: 'not' needs a test");
	CHECK_ERROR("if not (true) { keep; }",
		    "test.sv:1:8: 'not' takes one test, not a test list in parentheses");
	CHECK_ERROR("if allof true { keep; }",
		    "test.sv:1:10: 'allof' needs a test list in parentheses");
	CHECK_ERROR("if anyof { keep; }",
		    "test.sv:1:10: 'anyof' needs a test list in parentheses");
	CHECK_ERROR("if true \"x\" { keep; }", "test.sv:1:9: 'true' takes no arguments");
	CHECK_ERROR("require \"fileinto\";\nfileinto [\"mbox:/a\", \"mbox:/b\"];",
		    "test.sv:2:10: 'fileinto' mailbox must be a string, found a string list");
	CHECK_ERROR("require \"fileinto\";\nfileinto;",
		    "test.sv:2:1: 'fileinto' needs 1 argument (mailbox), found 0");
	CHECK_ERROR("require \"fileinto\";\nfileinto \"imap:/x\";",
		    "test.sv:2:10: fileinto: bad mailbox \"imap:/x\": unknown mailbox "
		    "type \"imap:\" (use mbox:, maildir:, mh: or a bare path)");
}

static void
timestamp(void)
{
	CHECK_ERROR("require \"timestamp\";\nif timestamp \"X\" \"yesterday\" { discard; }",
		    "test.sv:2:18: bad date \"yesterday\": expected \"now\", \"now - N days\" "
		    "(or seconds, minutes, hours, weeks), \"N days ago\", an epoch number or an RFC 5322 date");
	CHECK_ERROR("require \"timestamp\";\nif timestamp \"X\" \"now - 5 fortnights\" { discard; }",
		    "test.sv:2:18: bad date \"now - 5 fortnights\": unknown unit (use seconds, "
		    "minutes, hours, days or weeks)");
	CHECK_ERROR("require \"timestamp\";\nif timestamp \"X\" \"now * 5\" { discard; }",
		    "test.sv:2:18: bad date \"now * 5\": expected '+' or '-' after \"now\"");
	CHECK_ERROR("require \"timestamp\";\nif timestamp \"X\" \"now - days\" { discard; }",
		    "test.sv:2:18: bad date \"now - days\": expected a number (at most 12 "
		    "digits) after \"now -\"");
	CHECK_ERROR("require \"timestamp\";\nif timestamp \"X\" \"5 fortnights ago\" { discard; }",
		    "test.sv:2:18: bad date \"5 fortnights ago\": expected \"now\", \"now - N days\" (or seconds, "
		    "minutes, hours, weeks), \"N days ago\", an epoch number or an RFC 5322 date");
	CHECK_ERROR("require \"timestamp\";\nif timestamp \"X\" \"now - 5 days ago\" { discard; }",
		    "test.sv:2:18: bad date \"now - 5 days ago\": unexpected text after the unit");
	CHECK_ERROR("require \"timestamp\";\nif timestamp \"X\" \"31 Feb 2024 00:00 +0000\" { discard; }",
		    "test.sv:2:18: bad date \"31 Feb 2024 00:00 +0000\": expected \"now\", "
		    "\"now - N days\" (or seconds, minutes, hours, weeks), \"N days ago\", an epoch number or "
		    "an RFC 5322 date");
	CHECK_ERROR("require \"timestamp\";\nif timestamp :before :after \"X\" \"now\" { discard; }",
		    "test.sv:2:22: ':after' after ':before': give at most one of :before and :after");
	CHECK_ERROR("require \"timestamp\";\nif timestamp [\"X\", \"Y\"] \"now\" { discard; }",
		    "test.sv:2:14: 'timestamp' header name must be a string, found a string list");
	CHECK_ERROR("require \"timestamp\";\nif timestamp \"X\" { discard; }",
		    "test.sv:2:4: 'timestamp' needs 2 arguments (header name, date), found 1");
	CHECK_ERROR("require \"timestamp\";\nif timestamp :over \"X\" \"now\" { discard; }",
		    "test.sv:2:14: unknown tag ':over' for 'timestamp'");
}

static void
limits(void)
{
	struct mu_buf b;
	const char *error;
	struct sieve_script *s;
	char *expected;

	/* nesting: SIEVE_MAX_DEPTH levels compile, one more does not */
	mu_buf_init(&b);
	for (int i = 0; i < SIEVE_MAX_DEPTH; i++)
		mu_buf_append(&b, "if true {", 9);
	for (int i = 0; i < SIEVE_MAX_DEPTH; i++)
		mu_buf_append(&b, "}", 1);
	s = check_compile(__FILE__, __LINE__, b.data);
	sieve_script_free(s);
	mu_buf_free(&b);

	mu_buf_init(&b);
	for (int i = 0; i <= SIEVE_MAX_DEPTH; i++)
		mu_buf_append(&b, "if true {", 9);
	/* the test of the innermost if is one level too many */
	expected = mu_xasprintf("test.sv:1:%d: nesting deeper than %d levels",
				SIEVE_MAX_DEPTH * 9 + 4, SIEVE_MAX_DEPTH);
	CHECK_ERROR(b.data, expected);
	free(expected);
	mu_buf_free(&b);

	/* tests nest too: not not not ... */
	mu_buf_init(&b);
	mu_buf_append(&b, "if ", 3);
	for (int i = 0; i < SIEVE_MAX_DEPTH; i++)
		mu_buf_append(&b, "not ", 4);
	mu_buf_append(&b, "true { keep; }", 14);
	expected = mu_xasprintf("test.sv:1:%d: nesting deeper than %d levels",
				4 + SIEVE_MAX_DEPTH * 4, SIEVE_MAX_DEPTH);
	CHECK_ERROR(b.data, expected);
	free(expected);
	mu_buf_free(&b);

	/* a string of SIEVE_MAX_STRING octets is fine, one more is not */
	mu_buf_init(&b);
	mu_buf_append(&b, "if header \"a\" \"", 15);
	for (int i = 0; i < SIEVE_MAX_STRING; i++)
		mu_buf_append(&b, "x", 1);
	mu_buf_append(&b, "\" { keep; }", 11);
	s = check_compile(__FILE__, __LINE__, b.data);
	sieve_script_free(s);
	mu_buf_free(&b);

	mu_buf_init(&b);
	mu_buf_append(&b, "if header \"a\" \"", 15);
	for (int i = 0; i <= SIEVE_MAX_STRING; i++)
		mu_buf_append(&b, "x", 1);
	mu_buf_append(&b, "\" { keep; }", 11);
	expected = mu_xasprintf("test.sv:1:15: string longer than %d octets",
				SIEVE_MAX_STRING);
	CHECK_ERROR(b.data, expected);
	free(expected);
	mu_buf_free(&b);

	/* string lists */
	mu_buf_init(&b);
	mu_buf_append(&b, "if exists [\"a\"", 14);
	for (int i = 0; i < SIEVE_MAX_LIST; i++)
		mu_buf_append(&b, ",\"a\"", 4);
	mu_buf_append(&b, "] { keep; }", 11);
	expected = mu_xasprintf("test.sv:1:%d: string list longer than %d strings",
				15 + SIEVE_MAX_LIST * 4 - 3, SIEVE_MAX_LIST);
	CHECK_ERROR(b.data, expected);
	free(expected);
	mu_buf_free(&b);

	/* the script as a whole */
	mu_buf_init(&b);
	for (int i = 0; i < SIEVE_MAX_SCRIPT_SIZE / 8 + 1; i++)
		mu_buf_append(&b, "keep;   ", 8);
	CHECK(sieve_compile("test.sv", b.data, b.len, &s, &error) < 0 &&
	      strcmp(error, "test.sv:1:1: script larger than 1048576 octets") == 0,
	      "script size: %s", error);
	mu_buf_free(&b);
}

static void
files(void)
{
	struct sieve_script *s;
	const char *error;
	char path[] = "/tmp/test-sieve-parse-XXXXXX";
	int fd = mkstemp(path);
	char *expected;

	CHECK(sieve_compile_file("/nonexistent/x.sv", &s, &error) < 0 &&
	      strcmp(error, "/nonexistent/x.sv: No such file or directory") == 0,
	      "missing file: %s", error);
	CHECK(sieve_compile_file("/tmp", &s, &error) < 0 &&
	      strcmp(error, "/tmp: not a regular file") == 0, "directory: %s", error);
	/* the error names the file as given */
	if (fd < 0 || write(fd, "keep;\n  frobnicate;\n", 20) != 20)
		abort();
	close(fd);
	expected = mu_xasprintf("%s:2:3: unknown command 'frobnicate'", path);
	CHECK(sieve_compile_file(path, &s, &error) < 0 && strcmp(error, expected) == 0,
	      "file error: %s", error);
	unlink(path);
	free(expected);
}

int
main(void)
{
	lexical();
	grammar();
	commands();
	require();
	arguments();
	timestamp();
	limits();
	files();
	return check_done();
}
