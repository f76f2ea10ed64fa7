/* libFuzzer: the mbox driver (libmu/mbox.c, msgstream.c, scan.c).  The
 * input is a whole mbox file, as any sender's mail can shape it.
 * Checked, besides the sanitizers:
 *  - every message read through its stream, as RETR sends it (CRLF line
 *    ends), has the size and line count the scan announced, and every
 *    UIDL is valid and unique;
 *  - deleting some messages and adding a header line to some others (as
 *    expire does; both chosen by a hash of the input) and committing
 *    loses and corrupts nothing: the open session and a fresh open find
 *    exactly the kept messages, byte for byte but for the added line,
 *    with the sizes announced;
 *  - appending a message then changes none of them. */
#include "config.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mailbox.h"
#include "scan.h"
#include "util.h"
#include "pop3d/common/shared.h"
#include "testsuite/fuzz/fuzz.h"

#define MAX_MSGS 256
/* The header line the commit adds; a line equal to it is left out of a
 * message's hash (and counted), so the hash is the same with or without. */
#define ADDED "X-Fuzz-Added: 1"
#define ADDED_LEN (sizeof ADDED - 1)

static char dir[64], path[96], url[112];

struct seen {
	uint64_t size, lines, hash;
	uint64_t added;                 /* lines equal to ADDED */
	char uidl[MU_UIDL_MAX + 1];
};

#define FNV(h, c) (((h) ^ (unsigned char)(c)) * 0x100000001b3ULL)

static void
fail(const char *what, size_t idx)
{
	fprintf(stderr, "fuzz-mbox: message %zu: %s\n", idx + 1, what);
	abort();
}

/* Stream message idx as RETR would: octets with CRLF line ends, lines,
 * and a hash of those lines (but the ones equal to ADDED). */
static void
retr(struct mu_mailbox *mb, size_t idx, struct seen *out)
{
	struct mu_msgstream st;
	const char *error, *data;
	size_t len, line_len = 0;
	bool eol;
	uint64_t h = 0xcbf29ce484222325ULL, lh = h;
	char start[ADDED_LEN];
	int rc;

	memset(out, 0, sizeof *out);
	if (mu_msgstream_open(mb, idx, &st, &error) < 0)
		fail(error, idx);
	while ((rc = mu_msgstream_next(&st, &data, &len, &eol)) > 0) {
		for (size_t i = 0; i < len; i++) {
			if (line_len + i < ADDED_LEN)
				start[line_len + i] = data[i];
			lh = FNV(lh, data[i]);
		}
		line_len += len;
		out->size += len;
		if (!eol)
			continue;
		out->size += 2;
		out->lines++;
		if (line_len == ADDED_LEN && memcmp(start, ADDED, ADDED_LEN) == 0) {
			out->added++;
		} else {
			for (int b = 0; b < 64; b += 8)
				h = FNV(h, lh >> b);
			h = FNV(h, '\n');
		}
		lh = 0xcbf29ce484222325ULL;
		line_len = 0;
	}
	mu_msgstream_close(&st);
	if (rc < 0)
		fail("stream error", idx);
	out->hash = h;
}

/* What is delivered, and how RETR sends it back (unquoted). */
static const char appended[] =
	"Subject: appended\n\nbody\nFrom the body\n>From quoted\n";
static const char appended_crlf[] =
	"Subject: appended\r\n\r\nbody\r\nFrom the body\r\n>From quoted\r\n";

/* What retr() finds in a message that reads as text (CRLF lines). */
static void
retr_text(const char *text, size_t len, struct seen *out)
{
	uint64_t h = 0xcbf29ce484222325ULL, lh = h;

	memset(out, 0, sizeof *out);
	out->size = len;
	for (size_t i = 0; i < len; i++) {
		if (text[i] == '\r' && i + 1 < len && text[i + 1] == '\n')
			continue;
		if (text[i] != '\n') {
			lh = FNV(lh, text[i]);
			continue;
		}
		out->lines++;
		for (int b = 0; b < 64; b += 8)
			h = FNV(h, lh >> b);
		h = FNV(h, '\n');
		lh = 0xcbf29ce484222325ULL;
	}
	out->hash = h;
}

/* after is before, but for at most one added line (none if !asked). */
static void
compare(const struct seen *before, const struct seen *after, bool asked,
	bool same_uidl, size_t idx)
{
	uint64_t n = after->added - before->added;

	if (after->added < before->added || n > (asked ? 1 : 0))
		fail("added lines", idx);
	if (after->size != before->size + n * (ADDED_LEN + 2) ||
	    after->lines != before->lines + n || after->hash != before->hash)
		fail("changed by the commit", idx);
	/* a UIDL made unique by the tie-breaker ("-2", "~2") may change in
	 * a fresh open when a message it collided with is gone; the session
	 * keeps its UIDLs */
	if (same_uidl && strcmp(after->uidl, before->uidl) != 0)
		fail("UIDL changed by the commit", idx);
}

/* Read every message; check them against the scan.  Returns the count. */
static size_t
read_all(struct mu_mailbox *mb, struct seen *seen)
{
	size_t n = mu_mailbox_count(mb);

	for (size_t i = 0; i < n; i++) {
		const struct mu_message_info *info = mu_mailbox_info(mb, i);

		if (!mu_uidl_valid(info->uidl, strlen(info->uidl)))
			fail("invalid UIDL", i);
		for (size_t j = 0; j < i; j++)
			if (strcmp(info->uidl, mu_mailbox_info(mb, j)->uidl) == 0)
				fail("duplicate UIDL", i);
		if (i >= MAX_MSGS)
			continue;
		retr(mb, i, &seen[i]);
		if (seen[i].size != info->size)
			fail("RETR size differs from the scanned size", i);
		if (seen[i].lines != info->lines)
			fail("RETR lines differ from the scanned count", i);
		memcpy(seen[i].uidl, info->uidl, sizeof seen[i].uidl);
	}
	return n;
}

static struct mu_mailbox *
open_mbox(int flags)
{
	struct mu_mailbox *mb;
	enum mu_mailbox_error code;
	const char *error;

	if (mu_mailbox_open(&mb, url, flags | MU_OPEN_NOCREATE, 1, &code,
			    &error) < 0) {
		/* only "not an mbox" is the input's fault */
		if (code != MU_MBERR_PERM) {
			fprintf(stderr, "fuzz-mbox: open: %s\n", error);
			abort();
		}
		return NULL;
	}
	return mb;
}

static void
cleanup(void)
{
	char lock[128];

	snprintf(lock, sizeof lock, "%s/.mbox.pop3d-lock", dir);
	unlink(lock);
	unlink(path);
	rmdir(dir);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *tmp = getenv("TMPDIR");

	/* fsyncs cost nothing on tmpfs; they prove nothing here either */
	if (tmp == NULL || *tmp == '\0' || strlen(tmp) > 40)
		tmp = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
	snprintf(dir, sizeof dir, "%s/fuzz-mbox-XXXXXX", tmp);
	if (mkdtemp(dir) == NULL)
		abort();
	snprintf(path, sizeof path, "%s/mbox", dir);
	snprintf(url, sizeof url, "mbox:%s", path);
	atexit(cleanup);
	/* the lock and journal names of the cleanup's list: pop3d's */
	mu_mailbox_set_file_tag(POP3D_MAILBOX_FILE_TAG);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct seen before[MAX_MSGS], after[MAX_MSGS];
	static bool asked[MAX_MSGS];
	struct mu_mailbox *mb;
	const char *error;
	uint64_t pick = 0xcbf29ce484222325ULL;
	size_t n, kept = 0, m;
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || mu_write_all(fd, data, size) < 0 || close(fd) < 0)
		abort();
	if ((mb = open_mbox(MU_OPEN_WRITE | MU_OPEN_SESSION_LOCK)) == NULL)
		return 0;
	n = read_all(mb, before);
	if (n == 0 || n > MAX_MSGS) {
		mu_mailbox_close(mb);
		return 0;
	}

	/* delete a subset chosen by the input, add a header line to some
	 * of the others, commit */
	for (size_t i = 0; i < size; i++)
		pick = FNV(pick, data[i]);
	for (size_t i = 0; i < n; i++) {
		bool del = pick >> (i % 64) & 1;

		if (del)
			mu_mailbox_set_deleted(mb, i, true);
		else if (pick >> ((i + 29) % 64) & 1 &&
			 mu_mailbox_add_header(mb, i, ADDED) < 0)
			abort();
		if (!del) {
			asked[kept] = pick >> ((i + 29) % 64) & 1;
			before[kept++] = before[i];
		}
	}
	if (mu_mailbox_commit(mb, &error) < 0) {
		fprintf(stderr, "fuzz-mbox: commit: %s\n", error);
		abort();
	}
	/* the session's view after the commit is what it says */
	if (mu_mailbox_count(mb) != kept)
		fail("count after commit", kept);
	if (read_all(mb, after) != kept)
		abort();
	for (size_t i = 0; i < kept; i++)
		compare(&before[i], &after[i], asked[i], true, i);
	mu_mailbox_close(mb);
	memcpy(before, after, kept * sizeof *before);

	/* and a fresh open finds the same */
	if ((mb = open_mbox(MU_OPEN_READONLY)) == NULL) {
		if (kept > 0)
			fail("kept messages unreadable after commit", 0);
		return 0;
	}
	m = read_all(mb, after);
	if (m != kept)
		fail(m < kept ? "messages lost by the commit" :
		     "messages appeared after the commit", m < kept ? m : kept);
	for (size_t i = 0; i < kept; i++)
		compare(&before[i], &after[i], false, false, i);
	mu_mailbox_close(mb);
	if (kept >= MAX_MSGS)
		return 0;

	/* a delivery (bulletins, mu-sieve fileinto) adds one message and
	 * changes none of the others */
	if ((mb = open_mbox(MU_OPEN_WRITE)) == NULL ||
	    mu_mailbox_append(mb, appended, sizeof appended - 1, &error) < 0)
		fail("append", kept);
	mu_mailbox_close(mb);
	if ((mb = open_mbox(MU_OPEN_READONLY)) == NULL ||
	    read_all(mb, after) != kept + 1)
		fail("count after append", kept);
	for (size_t i = 0; i < kept; i++)
		compare(&before[i], &after[i], false, false, i);
	retr_text(appended_crlf, sizeof appended_crlf - 1, &before[kept]);
	compare(&before[kept], &after[kept], false, false, kept);
	mu_mailbox_close(mb);
	return 0;
}
