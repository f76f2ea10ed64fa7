/* libFuzzer: the Sieve interpreter (libmu/sieve/).  Each input is used
 * twice, for the two things that come from outside:
 *  - as a script: compiled, and if it compiles, run over a few fixed
 *    messages;
 *  - as a message (its header is what a sender wrote): run through a
 *    fixed script that uses every test, and every header value parsed as
 *    a time, as the timestamp test does.
 * Checked, besides the sanitizers: a failed compile says why; a result's
 * keep flag agrees with its actions. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sieve/sieve.h"
#include "testsuite/fuzz/fuzz.h"

/* "now" for every run: 2024-03-01 12:00:00 UTC */
#define FUZZ_NOW ((time_t)1709294400)

static const char *const fixed_messages[] = {
	"From: Alice <alice@example.org>\n"
	"To: bob@example.com, \"Carol, C.\" <carol@example.net>\n"
	"Subject: a test\n"
	"Date: Thu, 14 Nov 2024 09:05:01 +0100\n"
	"X-Expire-Timestamp: 1700000000\n"
	"X-Folded: one\n two\n\tthree\n"
	"\n"
	"Hello.\n",
	"Subject: no body, CRLF\r\nCc: (comment) x@y\r\n",
	"",
};

/* Every test and match type, over the fields a sender controls. */
static const char fixed_script[] =
	"require [\"fileinto\", \"timestamp\", \"comparator-i;octet\"];\n"
	"if header :contains [\"Subject\", \"X-Spam\"] [\"a\", \"\"] { keep; }\n"
	"if header :matches :comparator \"i;octet\" \"Subject\" \"*?x*\" "
	"{ discard; }\n"
	"if address :localpart :is [\"From\", \"To\", \"Cc\"] \"alice\" "
	"{ keep; }\n"
	"if address :domain :matches [\"From\", \"To\", \"Sender\"] "
	"[\"*.org\", \"?x*\"] { fileinto \"mbox:/nonexistent/x\"; }\n"
	"if address :all :contains \"Reply-To\" \"@\" { stop; }\n"
	"if exists [\"Date\", \"X-Expire-Timestamp\"] { keep; }\n"
	"if size :over 100 { keep; } elsif size :under 10 { discard; }\n"
	"if timestamp :before \"Date\" \"now - 30 days\" { discard; }\n"
	"if timestamp :after \"X-Expire-Timestamp\" \"now - 5 days\" "
	"{ keep; }\n"
	"if anyof (not true, allof (false, true)) { discard; }\n";

static struct sieve_script *fixed;

static void
check_result(const struct sieve_result *r)
{
	bool listed = false;

	for (size_t i = 0; i < r->count; i++) {
		if (r->actions[i].kind == SIEVE_ACTION_KEEP)
			listed = true;
		if (r->actions[i].kind == SIEVE_ACTION_FILEINTO &&
		    r->actions[i].mailbox == NULL)
			abort();
	}
	if (listed != r->keep)
		abort();
}

static void
run(const struct sieve_script *script, const char *text, size_t len)
{
	struct sieve_message msg;
	struct sieve_result result;

	sieve_message_init(&msg);
	sieve_message_from_text(&msg, text, len);
	sieve_run(script, &msg, FUZZ_NOW, &result);
	check_result(&result);
	sieve_result_free(&result);
	/* the timestamp test's view of each value */
	for (size_t i = 0; i < msg.count; i++) {
		time_t t;

		(void)sieve_parse_header_time(msg.headers[i].value, &t);
		(void)sieve_parse_rfc5322_date(msg.headers[i].value, &t);
	}
	sieve_message_free(&msg);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *error;

	if (sieve_compile("fixed.sv", fixed_script, strlen(fixed_script),
			  &fixed, &error) < 0)
		abort();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sieve_script *script;
	const char *error = NULL;

	if (sieve_compile("fuzz.sv", (const char *)data, size, &script,
			  &error) == 0) {
		for (size_t i = 0; i < sizeof fixed_messages /
		     sizeof *fixed_messages; i++)
			run(script, fixed_messages[i],
			    strlen(fixed_messages[i]));
		sieve_script_free(script);
	} else if (error == NULL || error[0] == '\0') {
		abort();
	}
	run(fixed, (const char *)data, size);
	return 0;
}
