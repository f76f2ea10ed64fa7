/* UIDL hashing: headers pop3d or MUAs add do not change it, X-UIDL wins,
 * identical messages get distinct UIDLs, content changes change it. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "scan.h"

static int failures;

#define CHECK(cond, ...) do { if (!(cond)) { failures++; \
	printf("FAIL %s:%d: ", __FILE__, __LINE__); printf(__VA_ARGS__); \
	printf("\n"); } } while (0)

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

	if (failures == 0)
		printf("PASS: test-scan-uidl\n");
	return failures ? 1 : 0;
}
