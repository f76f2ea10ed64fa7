/* The timestamp test of GNU Mailutils' expiry recipe:
 *   timestamp [:before|:after] HEADER DATE
 * The header holds an epoch number or an RFC 5322 date; DATE is "now",
 * "now - N units", "N units ago", an epoch number or an RFC 5322 date.  :before and
 * :after are strict; :after is the default; a missing or unreadable
 * header is false either way.  "now" is CHECK_NOW, 2024-03-01 12:00:00 UTC. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>

#include "sieve/ast.h"
#include "sieve-check.h"
#include "util.h"

#define DAY 86400

static const char req[] = "require \"timestamp\";";

static void
check_stamp(int line, const char *test, long long stamp, bool expected)
{
	char *msg = mu_xasprintf("Subject: x\nX-Expire-Timestamp: %lld\n\nbody\n", stamp);

	check_test_at(__FILE__, line, req, test, msg, expected);
	free(msg);
}
#define STAMP(test, stamp, expected) check_stamp(__LINE__, test, stamp, expected)

static void
check_date(int line, const char *text, long long expected)
{
	time_t t = 0;
	int rc = sieve_parse_rfc5322_date(text, &t);

	if (expected == -1)
		CHECK_AT(__FILE__, line, rc < 0, "\"%s\" is not a date, got %lld",
			 text, (long long)t);
	else
		CHECK_AT(__FILE__, line, rc == 0 && t == expected,
			 "\"%s\": rc %d, %lld, expected %lld", text, rc,
			 (long long)t, expected);
}
#define DATE(text, expected) check_date(__LINE__, text, expected)
#define NOT_A_DATE -1

static void
header_values(void)
{
	const char *expire = "timestamp :before \"X-Expire-Timestamp\" \"now - 5 days\"";
	const long long now = CHECK_NOW;

	/* the expiry recipe: stamped more than 5 days ago goes */
	STAMP(expire, now - 6 * DAY, true);
	STAMP(expire, now - 5 * DAY - 1, true);
	STAMP(expire, now - 5 * DAY, false);            /* strictly before */
	STAMP(expire, now - 4 * DAY, false);
	STAMP(expire, now, false);
	STAMP(expire, 0, true);
	/* GNU date's "N days ago", which Mailutils' scripts may use */
	STAMP("timestamp :before \"X-Expire-Timestamp\" \"5 days ago\"", now - 5 * DAY - 1, true);
	STAMP("timestamp :before \"X-Expire-Timestamp\" \"5 days ago\"", now - 5 * DAY, false);
	STAMP("timestamp :before \"X-Expire-Timestamp\" \" 2 Weeks  AGO \"", now - 15 * DAY, true);
	STAMP("timestamp :before \"X-Expire-Timestamp\" \"2 weeks ago\"", now - 13 * DAY, false);
	/* :after, and :after as the default */
	STAMP("timestamp :after \"X-Expire-Timestamp\" \"now - 5 days\"", now - 4 * DAY, true);
	STAMP("timestamp :after \"X-Expire-Timestamp\" \"now - 5 days\"", now - 5 * DAY, false);
	STAMP("timestamp \"X-Expire-Timestamp\" \"now - 5 days\"", now - 4 * DAY, true);
	STAMP("timestamp \"X-Expire-Timestamp\" \"now - 5 days\"", now - 6 * DAY, false);
	/* no header, or one that is no time: false both ways, kept */
	CHECK_TEST(req, "timestamp :before \"X-Expire-Timestamp\" \"now\"",
		   "Subject: x\n\n", false);
	CHECK_TEST(req, "timestamp :after \"X-Expire-Timestamp\" \"now - 99 weeks\"",
		   "Subject: x\n\n", false);
	CHECK_TEST(req, "timestamp :before \"X-Expire-Timestamp\" \"now\"",
		   "X-Expire-Timestamp: soon\n\n", false);
	CHECK_TEST(req, "timestamp :before \"X-Expire-Timestamp\" \"now\"",
		   "X-Expire-Timestamp: 12abc\n\n", false);
	CHECK_TEST(req, "timestamp :before \"X-Expire-Timestamp\" \"now\"",
		   "X-Expire-Timestamp:\n\n", false);
	/* the first occurrence counts */
	CHECK_TEST(req, "timestamp :before \"X-Expire-Timestamp\" \"now - 5 days\"",
		   "X-Expire-Timestamp: 1709294000\nX-Expire-Timestamp: 0\n\n", false);
	/* blanks around the number do not matter */
	CHECK_TEST(req, "timestamp :before \"X-Expire-Timestamp\" \"now\"",
		   "X-Expire-Timestamp:   1000   \n\n", true);

	/* RFC 5322 dates in the header (Date: is the usual one) */
	CHECK_TEST(req, "timestamp :before \"Date\" \"now - 5 days\"",
		   "Date: Fri, 23 Feb 2024 12:00:00 +0000\n\n", true);
	CHECK_TEST(req, "timestamp :before \"Date\" \"now - 5 days\"",
		   "Date: Sun, 25 Feb 2024 13:00:00 +0100\n\n", false);   /* equal */
	CHECK_TEST(req, "timestamp :before \"Date\" \"now - 5 days\"",
		   "Date: Sun, 25 Feb 2024 12:59:59 +0100\n\n", true);
	CHECK_TEST(req, "timestamp :before \"Date\" \"now - 5 days\"",
		   "Date: 25 Feb 2024 07:00:01 EST\n\n", false);
	CHECK_TEST(req, "timestamp :before \"Date\" \"now - 5 days\"",
		   "Date: 25 Feb 2024 06:59:59 -0500\n\n", true);
	/* the extension's GNU Mailutils name works as well */
	CHECK_TEST("require \"test-timestamp\";",
		   "timestamp :before \"X-Expire-Timestamp\" \"now\"",
		   "X-Expire-Timestamp: 1000\n\n", true);
}

static void
date_strings(void)
{
	const long long now = CHECK_NOW;

	STAMP("timestamp :before \"X-Expire-Timestamp\" \"now\"", now - 1, true);
	STAMP("timestamp :before \"X-Expire-Timestamp\" \"now\"", now, false);
	STAMP("timestamp :after \"X-Expire-Timestamp\" \"now\"", now + 1, true);
	STAMP("timestamp :before \"X-Expire-Timestamp\" \"now - 2 hours\"", now - 7201, true);
	STAMP("timestamp :before \"X-Expire-Timestamp\" \"now - 2 hours\"", now - 7200, false);
	STAMP("timestamp :before \"X-Expire-Timestamp\" \"now - 30 minutes\"", now - 1801, true);
	STAMP("timestamp :before \"X-Expire-Timestamp\" \"now - 30 minutes\"", now - 1799, false);
	STAMP("timestamp :before \"X-Expire-Timestamp\" \"now - 90 seconds\"", now - 91, true);
	STAMP("timestamp :before \"X-Expire-Timestamp\" \"now - 90 seconds\"", now - 90, false);
	STAMP("timestamp :before \"X-Expire-Timestamp\" \"now - 1 week\"", now - 7 * DAY - 1, true);
	STAMP("timestamp :before \"X-Expire-Timestamp\" \"now - 1 week\"", now - 6 * DAY, false);
	STAMP("timestamp :before \"X-Expire-Timestamp\" \"now - 1 day\"", now - DAY - 1, true);
	STAMP("timestamp :after \"X-Expire-Timestamp\" \"now + 1 day\"", now + DAY + 1, true);
	STAMP("timestamp :after \"X-Expire-Timestamp\" \"now + 1 day\"", now + DAY - 1, false);
	/* spacing and case are free; a bare number after now is seconds */
	STAMP("timestamp :before \"X-Expire-Timestamp\" \"NOW-5DAYS\"", now - 5 * DAY - 1, true);
	STAMP("timestamp :before \"X-Expire-Timestamp\" \" now  -  5  d \"", now - 5 * DAY - 1, true);
	STAMP("timestamp :before \"X-Expire-Timestamp\" \"now - 10\"", now - 11, true);
	STAMP("timestamp :before \"X-Expire-Timestamp\" \"now - 10\"", now - 10, false);
	/* absolute dates: an epoch number or an RFC 5322 date */
	STAMP("timestamp :before \"X-Expire-Timestamp\" \"1700000000\"", 1699999999, true);
	STAMP("timestamp :before \"X-Expire-Timestamp\" \"1700000000\"", 1700000000, false);
	STAMP("timestamp :before \"X-Expire-Timestamp\" \"Thu, 29 Feb 2024 00:00:00 +0000\"",
	      1709164799, true);
	STAMP("timestamp :after \"X-Expire-Timestamp\" \"Thu, 29 Feb 2024 00:00:00 +0000\"",
	      1709164801, true);
	STAMP("timestamp :after \"X-Expire-Timestamp\" \"Thu, 29 Feb 2024 00:00:00 +0000\"",
	      1709164800, false);
}

static void
rfc5322_dates(void)
{
	DATE("Thu, 29 Feb 2024 00:00:00 +0000", 1709164800);
	DATE("29 Feb 2024 00:00:00 +0000", 1709164800);          /* no day of week */
	DATE("Thu, 29 Feb 2024 00:00 +0000", 1709164800);        /* no seconds */
	DATE("Thu, 29 Feb 2024 01:00:00 +0100", 1709164800);
	DATE("Wed, 28 Feb 2024 19:00:00 -0500", 1709164800);
	DATE("Wed, 28 Feb 2024 19:30:00 -0430", 1709164800);
	DATE("Thu,29 Feb 2024 00:00:00 +0000", 1709164800);
	DATE("  Thu , 29  Feb   2024  00 : 00 : 00  +0000  ", 1709164800);
	DATE("Thursday, 29 February 2024 00:00:00 +0000", 1709164800);
	DATE("thu, 29 feb 2024 00:00:00 +0000", 1709164800);
	DATE("Thu, 29 Feb 2024 01:00:00 +0100 (CET)", 1709164800);
	DATE("(comment) Thu, 29 Feb 2024 (more) 01:00:00 +0100", 1709164800);
	DATE("Thu, 29 Feb 2024 01:00:00 +0100 CET", 1709164800);
	DATE("Thu, 1 Jul 2003 10:52:37 +0000", 1057056757);
	/* obsolete zones (RFC 5322 section 4.3) */
	DATE("29 Feb 2024 00:00:00 UT", 1709164800);
	DATE("29 Feb 2024 00:00:00 GMT", 1709164800);
	DATE("28 Feb 2024 19:00:00 EST", 1709164800);
	DATE("28 Feb 2024 20:00:00 EDT", 1709164800);
	DATE("28 Feb 2024 18:00:00 CST", 1709164800);
	DATE("28 Feb 2024 19:00:00 CDT", 1709164800);
	DATE("28 Feb 2024 17:00:00 MST", 1709164800);
	DATE("28 Feb 2024 18:00:00 MDT", 1709164800);
	DATE("28 Feb 2024 16:00:00 PST", 1709164800);
	DATE("28 Feb 2024 17:00:00 PDT", 1709164800);
	DATE("29 Feb 2024 00:00:00 Z", 1709164800);
	DATE("29 Feb 2024 00:00:00 A", 1709164800);     /* military: -0000 */
	DATE("29 Feb 2024 00:00:00", 1709164800);       /* no zone: UTC */
	/* obsolete years: 2 digits are 1950-2049, 3 digits from 1900 */
	DATE("1 Jan 49 00:00:00 +0000", 2493072000LL);
	DATE("1 Jan 50 00:00:00 +0000", -631152000LL);
	DATE("31 Dec 99 23:59:59 +0000", 946684799);
	DATE("31 Dec 099 23:59:59 +0000", 946684799);
	DATE("1 Jan 1970 00:00:00 +0000", 0);
	/* a leap second, and 2000 as a leap year */
	DATE("29 Feb 2000 23:59:60 +0000", 951868800);
	/* not dates */
	DATE("", NOT_A_DATE);
	DATE("yesterday", NOT_A_DATE);
	DATE("29 Feb 2023 00:00:00 +0000", NOT_A_DATE);
	DATE("31 Apr 2024 00:00:00 +0000", NOT_A_DATE);
	DATE("0 Jan 2024 00:00:00 +0000", NOT_A_DATE);
	DATE("1 Foo 2024 00:00:00 +0000", NOT_A_DATE);
	DATE("1 Jan 2024 24:00:00 +0000", NOT_A_DATE);
	DATE("1 Jan 2024 12:60:00 +0000", NOT_A_DATE);
	DATE("1 Jan 2024 12:00:61 +0000", NOT_A_DATE);
	DATE("1 Jan 2024 12 +0000", NOT_A_DATE);
	DATE("1 Jan 2024 12:00:00 +02", NOT_A_DATE);
	DATE("1 Jan 2024 12:00:00 +0260", NOT_A_DATE);
	DATE("1 Jan 2024 12:00:00 XYZ", NOT_A_DATE);
	DATE("1 Jan 2024 12:00:00 +0000 junk 5", NOT_A_DATE);
	DATE("Foo, 1 Jan 2024 12:00:00 +0000", NOT_A_DATE);
	DATE("1 Jan 1899 12:00:00 +0000", NOT_A_DATE);
	DATE("123 Jan 2024 12:00:00 +0000", NOT_A_DATE);
	DATE("2024-01-01 12:00:00", NOT_A_DATE);
}

int
main(void)
{
	header_values();
	date_strings();
	rfc5322_dates();
	return check_done();
}
