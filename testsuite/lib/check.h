/* The checks of the C test programs (Automake TESTS: exit 0 passed, 1
 * failed, 77 skipped), one copy for all of them: CHECK counts a check and
 * prints "FAIL file:line: " and its message when the condition is false,
 * and main returns check_status() (or a summary that ends in it).
 * The counters live in check.c, so that a test program of several
 * source files (a test and its helpers, as testsuite/sieve/ has) keeps
 * one count. */
#ifndef TESTSUITE_CHECK_H
#define TESTSUITE_CHECK_H

/* the checks made so far, and those of them that failed */
extern int check_count;
extern int check_failures;

/* Counts one failed check and prints it, at once (stdout is flushed, so
 * that the line is in the log before a crash, and a forked child cannot
 * print it a second time). */
void check_fail_at(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A check for file and line (a helper's caller): the message's arguments
 * are evaluated only when the condition is false, so they may rely on it
 * being false. */
#define CHECK_AT(file, line, cond, ...) do {				\
	check_count++;							\
	if (!(cond))							\
		check_fail_at((file), (line), __VA_ARGS__);		\
} while (0)

#define CHECK(cond, ...) CHECK_AT(__FILE__, __LINE__, cond, __VA_ARGS__)

/* main's exit status: 0 when every check passed, 1 otherwise. */
int check_status(void);

/* Prints "N checks, M failed"; returns check_status(). */
int check_done(void);

/* Prints "M check(s) failed" when some did; returns check_status(). */
int check_summary(void);

/* Prints "ok" or "FAILED"; returns check_status(). */
int check_verdict(void);

#endif
