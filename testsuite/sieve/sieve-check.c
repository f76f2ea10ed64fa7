/* Helpers for the Sieve unit tests (see sieve-check.h). */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sieve-check.h"
#include "util.h"

struct sieve_script *
check_compile(const char *file, int line, const char *text)
{
	struct sieve_script *script;
	const char *error;

	if (sieve_compile("test.sv", text, strlen(text), &script, &error) < 0) {
		CHECK_AT(file, line, false, "script does not compile: %s\n%s",
			 error, text);
		return NULL;
	}
	return script;
}

void
check_error_at(const char *file, int line, const char *text,
	       const char *expected)
{
	struct sieve_script *script;
	const char *error;

	if (sieve_compile("test.sv", text, strlen(text), &script, &error) == 0) {
		sieve_script_free(script);
		CHECK_AT(file, line, false, "script compiled, expected error\n  %s",
			 expected);
		return;
	}
	CHECK_AT(file, line, strcmp(error, expected) == 0,
		 "wrong error\n  got:      %s\n  expected: %s", error, expected);
}

char *
check_decide(const char *file, int line, const char *script_text,
	     const char *message, time_t now)
{
	struct sieve_script *script = check_compile(file, line, script_text);
	struct sieve_message msg;
	struct sieve_result result;
	struct mu_buf out;

	if (script == NULL)
		return mu_xstrdup("(no script)");
	sieve_message_init(&msg);
	sieve_message_from_text(&msg, message, strlen(message));
	sieve_run(script, &msg, now, &result);
	mu_buf_init(&out);
	for (size_t i = 0; i < result.count; i++) {
		const struct sieve_action *a = &result.actions[i];

		mu_buf_appendf(&out, "%s%s%s%s%s", i ? ", " : "",
			       a->implicit ? "implicit " : "",
			       sieve_action_name(a->kind),
			       a->mailbox ? " " : "", a->mailbox ? a->mailbox : "");
	}
	/* the keep flag must agree with the list */
	{
		bool listed = out.data != NULL && strstr(out.data, "keep") != NULL;
		CHECK_AT(file, line, listed == result.keep,
			 "keep flag %d disagrees with %s", result.keep,
			 out.data ? out.data : "");
	}
	sieve_result_free(&result);
	sieve_message_free(&msg);
	sieve_script_free(script);
	return out.data ? out.data : mu_xstrdup("");
}

void
check_decision_at(const char *file, int line, const char *script,
		  const char *message, const char *expected)
{
	char *got = check_decide(file, line, script, message, CHECK_NOW);

	CHECK_AT(file, line, strcmp(got, expected) == 0,
		 "wrong decision\n  got:      %s\n  expected: %s", got, expected);
	free(got);
}

void
check_test_at(const char *file, int line, const char *requires,
	      const char *test, const char *message, bool expected)
{
	char *script = mu_xasprintf("%s\nif %s { discard; }\n", requires, test);
	char *got = check_decide(file, line, script, message, CHECK_NOW);
	bool result = strcmp(got, "discard") == 0;

	CHECK_AT(file, line, result == expected, "test %s is %s, expected %s (%s)",
		 test, result ? "true" : "false", expected ? "true" : "false", got);
	free(got);
	free(script);
}
