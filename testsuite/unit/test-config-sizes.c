/* Sizes: bytes, or a number with K, M or G (powers of 1024, either case,
 * an optional B, a space allowed); overflow of unsigned long is refused. */
#include "config.h"

#include <limits.h>

#include "config-fixture.h"

static void
good(const char *text, unsigned long expected)
{
	unsigned long bytes = 12345;
	const char *why = NULL;
	int rc = mu_parse_size(text, &bytes, &why);

	CHECK(rc == 0 && bytes == expected, "\"%s\": rc %d, %lu (expected %lu): %s",
	      text, rc, bytes, expected, why ? why : "");
}

static void
bad(const char *text)
{
	unsigned long bytes = 12345;
	const char *why = NULL;
	int rc = mu_parse_size(text, &bytes, &why);

	CHECK(rc == -1 && why != NULL && bytes == 12345,
	      "\"%s\" accepted as %lu", text, bytes);
}

int
main(void)
{
	good("0", 0);
	good("100", 100);
	good("100B", 100);
	good("100b", 100);
	good("256K", 262144);
	good("256k", 262144);
	good("256KB", 262144);
	good("256kb", 262144);
	good("256 K", 262144);
	good("2M", 2097152);
	good("2m", 2097152);
	good("2MB", 2097152);
	good("1G", 1073741824);
	good("1g", 1073741824);
	good("1gB", 1073741824);
	good("4294967295", 4294967295UL);
#if ULONG_MAX == 18446744073709551615UL
	good("18446744073709551615", ULONG_MAX);
	good("17179869183G", 17179869183UL * 1073741824UL);
	bad("18446744073709551616");
	bad("17179869184G");
#else
	bad("4294967296");
	bad("4G");
#endif
	bad("");
	bad("K");
	bad("1T");
	bad("1.5M");
	bad("-1");
	bad("+1");
	bad("1KK");
	bad("1 KiB");
	bad(" 1K");
	bad("1K ");
	return check_status();
}
