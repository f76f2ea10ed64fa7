/* UIDL hashing: headers pop3d or MUAs add do not change it, X-UIDL wins,
 * identical messages get distinct UIDLs, content changes change it; and
 * the tie-breaker (doc/uidl.md) makes every UIDL of a mailbox unique,
 * even where a "-N" it would make is another message's own UIDL. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scan.h"
#include "util.h"
#include "testsuite/lib/check.h"

/* Feed text line by line (split at LF), each line in two chunks to
 * exercise the held-back field name. */
static void
uidl_of(const char *text, struct mu_message_info *info)
{
	struct mu_scan sc;
	const char *p = text;

	mu_scan_begin(&sc);
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		size_t half = len / 3;
		mu_scan_chunk(&sc, p, half, false);
		mu_scan_chunk(&sc, p + half, len - half, true);
		p += len + (nl != NULL);
	}
	mu_scan_end(&sc, info);
}

#define NAME_SIZE (MU_UIDL_MAX + 1)

/* Feed text one whole line per chunk, as every driver does (the line
 * stream cuts only lines longer than its 64 KiB buffer).  The scanner
 * reads an X-UIDL value only from a header line that reaches it whole
 * with its field name; uidl_of's split lines would hide "X-UIDL: abc-2". */
static void
uidl_of_lines(const char *text, struct mu_message_info *info)
{
	struct mu_scan sc;
	const char *p = text;

	mu_scan_begin(&sc);
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		mu_scan_chunk(&sc, p, len, true);
		p += len + (nl != NULL);
	}
	mu_scan_end(&sc, info);
}

/* The UIDLs of messages whose candidates (X-UIDL value, file name or
 * hash, as the scan gives them) are cand[0..n-1], in mailbox order. */
static void
unique_of(const char *const *cand, size_t n, char (*out)[NAME_SIZE])
{
	struct mu_message_info m[16];

	memset(m, 0, sizeof m);
	for (size_t i = 0; i < n; i++)
		snprintf(m[i].uidl, sizeof m[i].uidl, "%s", cand[i]);
	mu_uidl_make_unique(m, n);
	for (size_t i = 0; i < n; i++)
		memcpy(out[i], m[i].uidl, NAME_SIZE);
}

/* "1 abc, 2 abc~2, ..." for failure messages (a few at a time). */
static const char *
listing(char (*names)[NAME_SIZE], size_t n)
{
	static char bufs[3][16 * (NAME_SIZE + 8)];
	static int next;
	char *buf = bufs[next++ % 3];
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(buf + len, sizeof bufs[0] - len, "%s%zu %s",
					i ? ", " : "", i + 1, names[i]);
	return buf;
}

static bool
same_names(char (*a)[NAME_SIZE], char (*b)[NAME_SIZE], size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(a[i], b[i]) != 0)
			return false;
	return true;
}

static bool
all_valid_and_unique(char (*names)[NAME_SIZE], size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!mu_uidl_valid(names[i], strlen(names[i])))
			return false;
		for (size_t j = 0; j < i; j++)
			if (strcmp(names[i], names[j]) == 0)
				return false;
	}
	return true;
}

/* The tie-breaker as it was before it checked its "-N" against the other
 * messages: the n-th copy of a candidate gets "-n", the end of the
 * candidate cut to make room within 70 characters.  Whatever UIDL it gave
 * that no other message shared must stay: clients know those. */
static void
old_rule(const char *const *cand, size_t n, char (*out)[NAME_SIZE])
{
	for (size_t i = 0; i < n; i++) {
		size_t copy = 1;

		for (size_t j = 0; j < i; j++)
			copy += strcmp(cand[j], cand[i]) == 0;
		if (copy == 1) {
			snprintf(out[i], NAME_SIZE, "%s", cand[i]);
			continue;
		}
		char suffix[24];
		int sl = snprintf(suffix, sizeof suffix, "-%zu", copy);
		size_t base = strlen(cand[i]);
		if (base + (size_t)sl > MU_UIDL_MAX)
			base = MU_UIDL_MAX - (size_t)sl;
		snprintf(out[i], NAME_SIZE, "%.*s%s", (int)base, cand[i], suffix);
	}
}

/* The defect this rule was written for: "abc", "abc", "abc-2", "abc-3"
 * as X-UIDL headers.  The second copy of "abc" cannot be "abc-2", the
 * third message's own UIDL; it gets "abc~2", and every other message
 * keeps what it had. */
static void
test_suffix_taken_by_header(void)
{
	static const char *const text[] = {
		"From: x\nX-UIDL: abc\nSubject: one\n\nbody\n",
		"From: y\nX-UIDL: abc\nSubject: two\n\nbody\n",
		"From: z\nX-UIDL: abc-2\nSubject: three\n\nbody\n",
		"From: w\nX-UIDL: abc-3\nSubject: four\n\nbody\n",
	};
	struct mu_message_info m[4];
	char names[4][NAME_SIZE];

	for (size_t i = 0; i < 4; i++)
		uidl_of_lines(text[i], &m[i]);
	mu_uidl_make_unique(m, 4);
	for (size_t i = 0; i < 4; i++)
		memcpy(names[i], m[i].uidl, NAME_SIZE);
	CHECK(all_valid_and_unique(names, 4), "X-UIDL abc, abc, abc-2, abc-3: "
	      "UIDLs not unique: %s", listing(names, 4));
	CHECK(strcmp(names[0], "abc") == 0 && strcmp(names[1], "abc~2") == 0 &&
	      strcmp(names[2], "abc-2") == 0 && strcmp(names[3], "abc-3") == 0,
	      "X-UIDL abc, abc, abc-2, abc-3: got %s, want 1 abc, 2 abc~2, "
	      "3 abc-2, 4 abc-3", listing(names, 4));
}

/* The same with a content hash: two identical messages (HASH, HASH-2)
 * and a third whose X-UIDL happens to be HASH-2. */
static void
test_suffix_taken_by_hash(void)
{
	struct mu_message_info m[3];
	char names[3][NAME_SIZE], hash[NAME_SIZE], want[NAME_SIZE], *text;

	uidl_of_lines("From: x\nSubject: twin\n\nbody\n", &m[0]);
	uidl_of_lines("From: x\nSubject: twin\n\nbody\n", &m[1]);
	memcpy(hash, m[0].uidl, NAME_SIZE);
	text = mu_xasprintf("From: y\nX-UIDL: %s-2\n\nother\n", hash);
	uidl_of_lines(text, &m[2]);
	free(text);
	mu_uidl_make_unique(m, 3);
	for (size_t i = 0; i < 3; i++)
		memcpy(names[i], m[i].uidl, NAME_SIZE);
	CHECK(all_valid_and_unique(names, 3), "hash, hash, X-UIDL hash-2: "
	      "UIDLs not unique: %s", listing(names, 3));
	snprintf(want, sizeof want, "%.32s~2", hash);
	CHECK(strcmp(names[0], hash) == 0 && strcmp(names[1], want) == 0 &&
	      strncmp(names[2], hash, 32) == 0 && strcmp(names[2] + 32, "-2") == 0,
	      "hash, hash, X-UIDL hash-2: got %s", listing(names, 3));
}

/* A 70-character candidate has no room for a suffix: its end gives way
 * (the result is 70 characters), and what that makes is checked against
 * the other messages like any other name. */
static void
test_seventy_characters(void)
{
	char a70[NAME_SIZE], b70[NAME_SIZE], a68_2[NAME_SIZE], want[NAME_SIZE];
	char names[5][NAME_SIZE];

	memset(a70, 'a', 68);
	memcpy(a70 + 68, "xy", 3);
	memset(b70, 'a', 68);
	memcpy(b70 + 68, "zz", 3);
	memset(a68_2, 'a', 68);
	memcpy(a68_2 + 68, "-2", 3);
	CHECK(strlen(a70) == MU_UIDL_MAX && mu_uidl_valid(a70, strlen(a70)),
	      "the fixture is a valid 70-character UIDL");

	/* a second copy: "-2" replaces the last two characters */
	{
		const char *const c[] = { a70, a70 };
		unique_of(c, 2, names);
		CHECK(strcmp(names[0], a70) == 0 && strcmp(names[1], a68_2) == 0,
		      "70 characters, twice: %s", listing(names, 2));
	}
	/* two candidates alike in their first 68 characters, each twice:
	 * both second copies would be a68_2 */
	{
		const char *const c[] = { a70, a70, b70, b70 };
		unique_of(c, 4, names);
		snprintf(want, sizeof want, "%.68s~2", b70);
		CHECK(all_valid_and_unique(names, 4) &&
		      strcmp(names[1], a68_2) == 0 && strcmp(names[3], want) == 0,
		      "two 70-character candidates cut alike: %s",
		      listing(names, 4));
	}
	/* the cut second copy is a third message's X-UIDL */
	{
		const char *const c[] = { a70, a70, a68_2 };
		unique_of(c, 3, names);
		snprintf(want, sizeof want, "%.68s~2", a70);
		CHECK(all_valid_and_unique(names, 3) &&
		      strcmp(names[1], want) == 0 && strcmp(names[2], a68_2) == 0,
		      "a cut suffix taken by a header: %s", listing(names, 3));
		CHECK(strlen(names[1]) == MU_UIDL_MAX, "length %zu",
		      strlen(names[1]));
	}
}

/* The same mailbox gives the same UIDLs in every session (each scan
 * starts from scratch), and a message delivered at the end changes none
 * of the UIDLs before it -- another copy of "abc" included, and an X-UIDL
 * that continues the "-N" series of the headers already there. */
static void
test_stable(void)
{
	static const char *const text[] = {
		"X-UIDL: abc\n\none\n", "X-UIDL: abc\n\ntwo\n",
		"X-UIDL: abc-2\n\nthree\n", "From: x\n\nfour\n",
		"X-UIDL: abc-3\n\nfive\n", "From: x\n\nfour\n",
		"X-UIDL: abc\n\nseven\n", "X-UIDL: abc-4\n\neight\n",
		"From: x\n\nfour\n",
	};
	enum { N = sizeof text / sizeof text[0], FIRST = 5 };
	char before[N][NAME_SIZE];

	for (size_t n = FIRST; n <= N; n++) {
		struct mu_message_info m[2][N];
		char names[2][N][NAME_SIZE];

		for (int scan = 0; scan < 2; scan++) {
			for (size_t i = 0; i < n; i++)
				uidl_of_lines(text[i], &m[scan][i]);
			mu_uidl_make_unique(m[scan], n);
			for (size_t i = 0; i < n; i++)
				memcpy(names[scan][i], m[scan][i].uidl, NAME_SIZE);
		}
		CHECK(same_names(names[0], names[1], n),
		      "%zu messages: two scans differ: %s / %s", n,
		      listing(names[0], n), listing(names[1], n));
		CHECK(all_valid_and_unique(names[0], n), "%zu messages: not "
		      "unique: %s", n, listing(names[0], n));
		if (n > FIRST)
			CHECK(same_names(before, names[0], n - 1),
			      "message %zu delivered: was %s, now %s", n,
			      listing(before, n - 1), listing(names[0], n));
		memcpy(before, names[0], n * NAME_SIZE);
	}
}

/* Every mailbox of up to 5 messages over a small set of candidates that
 * collide in every way the rule knows (a "-N" taken by a header, a "~N"
 * taken by a header, cut 70-character names alike), and every message
 * appended to it:
 *   - every UIDL valid and unique;
 *   - a UIDL the old rule gave and no other message shared is kept;
 *   - the first message with a candidate gets the candidate itself;
 *   - an appended message changes no UIDL before it and gets one none of
 *     them has, unless its candidate is a tie-broken UIDL already given
 *     (the limit doc/uidl.md states). */
static void
test_every_small_mailbox(void)
{
	static char a70[NAME_SIZE], b70[NAME_SIZE], a68_2[NAME_SIZE],
		    a68_t2[NAME_SIZE];
	const char *const alphabet[] = {
		"abc", "abc-2", "abc-3", "abc~2", "abc-2-2", "x",
		a70, b70, a68_2, a68_t2,
	};
	enum { K = sizeof alphabet / sizeof alphabet[0], MAXN = 5 };
	size_t digits[MAXN + 1];
	unsigned long checked = 0;
	int reported = 0;

	memset(a70, 'a', 68);
	memcpy(a70 + 68, "xy", 3);
	memset(b70, 'a', 68);
	memcpy(b70 + 68, "zz", 3);
	memset(a68_2, 'a', 68);
	memcpy(a68_2 + 68, "-2", 3);
	memset(a68_t2, 'a', 68);
	memcpy(a68_t2 + 68, "~2", 3);

	for (size_t n = 1; n <= MAXN; n++) {
		memset(digits, 0, sizeof digits);
		for (;;) {
			const char *cand[MAXN + 1];
			char now[MAXN + 1][NAME_SIZE], old[MAXN][NAME_SIZE],
			     more[MAXN + 1][NAME_SIZE];
			bool bad = false;

			for (size_t i = 0; i < n; i++)
				cand[i] = alphabet[digits[i]];
			unique_of(cand, n, now);
			old_rule(cand, n, old);
			bad |= !all_valid_and_unique(now, n);
			for (size_t i = 0; i < n; i++) {
				size_t same_old = 0;
				bool first = true;

				for (size_t j = 0; j < n; j++)
					same_old += strcmp(old[j], old[i]) == 0;
				for (size_t j = 0; j < i; j++)
					first &= strcmp(cand[j], cand[i]) != 0;
				if (same_old == 1 && strcmp(now[i], old[i]) != 0)
					bad = true;
				if (first && strcmp(now[i], cand[i]) != 0)
					bad = true;
			}
			for (size_t t = 0; t < K && !bad; t++) {
				bool limit = false;

				for (size_t i = 0; i < n; i++)
					limit |= strcmp(now[i], cand[i]) != 0 &&
						 strcmp(now[i], alphabet[t]) == 0;
				cand[n] = alphabet[t];
				unique_of(cand, n + 1, more);
				bad |= !all_valid_and_unique(more, n + 1);
				if (!limit)
					bad |= !same_names(more, now, n);
				if (bad) {
					CHECK(0, "appending %s to %s gives %s",
					      alphabet[t], listing(now, n),
					      listing(more, n + 1));
					reported = 1;
				}
			}
			if (bad && !reported) {
				CHECK(0, "candidates give %s; the old rule %s",
				      listing(now, n), listing(old, n));
				reported = 1;
			}
			if (reported)
				return;
			checked++;
			size_t d = 0;
			while (d < n && ++digits[d] == K)
				digits[d++] = 0;
			if (d == n)
				break;
		}
	}
	CHECK(checked > 100000, "only %lu mailboxes checked", checked);
}

int
main(void)
{
	struct mu_message_info a, b, c, d, e, m[3];

	uidl_of("From: x\nSubject: s\n\nbody\n", &a);
	uidl_of("From: x\nX-Expire-Timestamp: 1700000000\nSubject: s\n"
		"Status: RO\n\nbody\n", &b);
	uidl_of("From: x\nSubject: s\n\nbody!\n", &c);
	uidl_of("From: x\nX-UIDL: migrated-42\nSubject: s\n\nbody\n", &d);
	uidl_of("From: x\nX-Expire-Timestamp: 1\n  folded\nSubject: s\n\nbody\n", &e);

	CHECK(strcmp(a.uidl, b.uidl) == 0, "added headers changed the UIDL");
	CHECK(strcmp(a.uidl, e.uidl) == 0, "folded added header changed it");
	CHECK(strcmp(a.uidl, c.uidl) != 0, "body change kept the UIDL");
	CHECK(strcmp(d.uidl, "migrated-42") == 0, "X-UIDL ignored: %s", d.uidl);
	CHECK(strlen(a.uidl) == 32, "hash UIDL length %zu", strlen(a.uidl));
	CHECK(a.size == strlen("From: x\r\nSubject: s\r\n\r\nbody\r\n"),
	      "size %llu", (unsigned long long)a.size);

	m[0] = a; m[1] = a; m[2] = c;
	mu_uidl_make_unique(m, 3);
	CHECK(strcmp(m[0].uidl, a.uidl) == 0, "first copy renamed");
	CHECK(strcmp(m[1].uidl, a.uidl) != 0 &&
	      strncmp(m[1].uidl, a.uidl, 32) == 0 &&
	      strcmp(m[1].uidl + 32, "-2") == 0, "second copy: %s", m[1].uidl);
	CHECK(strcmp(m[2].uidl, c.uidl) == 0, "distinct one renamed");

	CHECK(mu_uidl_valid("abc", 3) && !mu_uidl_valid("a b", 3) &&
	      !mu_uidl_valid("", 0), "uidl_valid");

	test_suffix_taken_by_header();
	test_suffix_taken_by_hash();
	test_seventy_characters();
	test_stable();
	test_every_small_mailbox();

	if (check_failures == 0)
		printf("PASS: test-scan-uidl\n");
	return check_status();
}
