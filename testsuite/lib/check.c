/* The checks of the C test programs (see check.h). */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>

#include "check.h"

int check_count;
int check_failures;

void
check_fail_at(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	check_failures++;
	printf("FAIL %s:%d: ", file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

int
check_status(void)
{
	return check_failures ? 1 : 0;
}

int
check_done(void)
{
	printf("%d checks, %d failed\n", check_count, check_failures);
	return check_status();
}

int
check_summary(void)
{
	if (check_failures)
		printf("%d check(s) failed\n", check_failures);
	return check_status();
}

int
check_verdict(void)
{
	printf("%s\n", check_failures ? "FAILED" : "ok");
	return check_status();
}
