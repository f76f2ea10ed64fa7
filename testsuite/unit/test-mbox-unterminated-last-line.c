/* An mbox whose last line has no LF -- a delivery cut short, or any file
 * a sender's bytes can shape -- through commit, an added header (expire's
 * stamp) and an append (bulletins, mu-sieve fileinto).  Such a line counts
 * as if it had CRLF, and a CR ending it is its own (mailbox.h); each case
 * here once went wrong (found by testsuite/fuzz/fuzz-mbox):
 *  - a From_ line ending in CR: the check that the file is still the one
 *    scanned cut the CR, took the line for changed and refused every
 *    commit, so deleted mail never went;
 *  - an empty last message (its From_ line without LF): the added header
 *    was glued onto the From_ line, corrupting it and changing the UIDL;
 *  - a last line ending in CR, before an added header or an appended
 *    message: the LF written after it made the CR half a line end, and
 *    the message lost that octet.
 * Each time what is kept reads back byte for byte, with its UIDL. */
#include "config.h"

#include "mbox-testlib.h"

#define STAMP "X-Expire-Timestamp: 1"

/* (a CR after the year would make "2024\r" no year: here the zone is the
 * line's last word, so that this From_ line is a separator) */
static const char from_cr[] =
	"From a@b Mon Jan  1 00:00:00 2024\nSubject: x\n\nfirst\n\n"
	"From b@c Mon Jan  1 00:00:01 2024 +0000\r";
static const char from_no_lf[] =
	"From a@b Mon Jan  1 00:00:00 2024\nSubject: x\n\nfirst\n\n"
	"From b@c Mon Jan  1 00:00:01 2024";
static const char header_cr[] =
	"From a@b Mon Jan  1 00:00:00 2024\nSubject: x\r";
static const char body_cr[] =
	"From a@b Mon Jan  1 00:00:00 2024\nSubject: x\n\nbody\r";

/* Open content, delete message del (none if -1) and add STAMP to message
 * add (none if -1), commit, append (if append); then the mailbox must
 * hold exactly want[0..nwant), the UIDLs of the messages kept unchanged. */
static void
check(const char *name, const char *content, size_t clen, int del, int add,
      const char *append, const char *const *want, size_t nwant)
{
	char *path = scratch_path(name);
	char uidl[8][MU_UIDL_MAX + 1];
	size_t nuidl = 0;
	struct mu_mailbox *mb;
	const char *err = "";

	write_file(path, content, clen);
	mb = open_mbox(path, MU_OPEN_WRITE | MU_OPEN_SESSION_LOCK, 5);
	CHECK(mb != NULL, "%s: open", name);
	if (mb == NULL) {
		free(path);
		return;
	}
	for (size_t i = 0; i < mu_mailbox_count(mb) && nuidl < 8; i++)
		if ((int)i != del)
			strcpy(uidl[nuidl++], mu_mailbox_info(mb, i)->uidl);
	if (del >= 0)
		mu_mailbox_set_deleted(mb, (size_t)del, true);
	if (add >= 0)
		CHECK(mu_mailbox_add_header(mb, (size_t)add, STAMP) == 0,
		      "%s: add header", name);
	CHECK(mu_mailbox_commit(mb, &err) == 0, "%s: commit: %s", name, err);
	if (append != NULL)
		CHECK(mu_mailbox_append(mb, append, strlen(append), &err) == 0,
		      "%s: append: %s", name, err);
	mu_mailbox_close(mb);

	mb = open_mbox(path, MU_OPEN_READONLY, 5);
	CHECK(mb != NULL, "%s: reopen", name);
	if (mb != NULL) {
		CHECK(mu_mailbox_count(mb) == nwant, "%s: %zu messages, want "
		      "%zu", name, mu_mailbox_count(mb), nwant);
		for (size_t i = 0; i < nwant && i < mu_mailbox_count(mb); i++) {
			CHECK(message_is(mb, i, want[i], strlen(want[i])),
			      "%s: message %zu", name, i);
			if (i < nuidl)
				CHECK(strcmp(mu_mailbox_info(mb, i)->uidl,
					     uidl[i]) == 0, "%s: UIDL of "
				      "message %zu changed", name, i);
		}
		mu_mailbox_close(mb);
	}
	free(path);
}

#define CHECK_CASE(name, content, del, add, append, ...) do { \
	static const char *const w_[] = { __VA_ARGS__ }; \
	check(name, content, sizeof content - 1, del, add, append, w_, \
	      sizeof w_ / sizeof w_[0]); } while (0)
#define CHECK_EMPTY(name, content, del) \
	check(name, content, sizeof content - 1, del, -1, NULL, NULL, 0)

int
main(void)
{
	scratch_init("test-mbox-unterminated-last-line");

	/* commit: a From_ line ending in CR, alone or after a message */
	CHECK_EMPTY("from-cr-alone", "From b@c Mon Jan  1 00:00:01 2024\r", 0);
	CHECK_EMPTY("from-cr-fuzzed", "\n\r\nFrom t:9c51e5\t5\0\0\0 cy\r", 0);
	CHECK_CASE("from-cr-delete-it", from_cr, 1, -1, NULL,
		   "Subject: x\n\nfirst\n");
	CHECK_CASE("from-cr-keep-it", from_cr, 0, -1, NULL, "");

	/* an added header: in an empty last message, after a header line
	 * ending in CR */
	CHECK_CASE("empty-last-stamped", from_no_lf, -1, 1, NULL,
		   "Subject: x\n\nfirst\n", STAMP "\n");
	CHECK_CASE("from-cr-stamped", from_cr, -1, 1, NULL,
		   "Subject: x\n\nfirst\n", STAMP "\n");
	CHECK_CASE("header-cr-stamped", header_cr, -1, 0, NULL,
		   "Subject: x\r\n" STAMP "\n");

	/* an append after a last line ending in CR, or without LF */
	CHECK_CASE("body-cr-append", body_cr, -1, -1, "Subject: new\n\nhi\n",
		   "Subject: x\n\nbody\r", "Subject: new\n\nhi\n");
	CHECK_CASE("from-no-lf-append", from_no_lf, -1, -1,
		   "Subject: new\n\nhi\n", "Subject: x\n\nfirst\n", "",
		   "Subject: new\n\nhi\n");

	scratch_cleanup();
	return check_status();
}
