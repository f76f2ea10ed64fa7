/* Another program rewrites the mbox in place during a session (an MUA
 * such as mutt adding "Status: RO" to a message it displayed): same
 * inode, and every From_ line of the messages before the change where
 * it was.  The session must not take the moved bytes for new mail: a
 * commit refuses and changes nothing, and a changed message is not
 * served.  What a rewrite cannot hide is listed in doc/mbox-commit.md,
 * "What another writer can do"; the last case here is one that is
 * harmless and so allowed. */
#include "config.h"

#include "mbox-testlib.h"

#define FROM1 "From bob@example.org Mon Jan  1 10:00:00 2024\n"
#define HEAD1 "From: bob@example.org\nTo: alice@example.org\n" \
	"Subject: the first message\nDate: Mon, 1 Jan 2024 10:00:00 +0000\n"
#define BODY1 "Hello Alice,\n\nthis is the first message, which nobody " \
	"touches.\n"
#define FROM2 "From carol@example.org Mon Jan  1 11:00:00 2024\n"
#define HEAD2 "From: carol@example.org\nSubject: the second message\n"
/* an mboxo body line "From ..." that does not follow a blank line is
 * body; a rewrite that grows the message by exactly its length (plus the
 * blank line that ends the file) pushes a dated From_ line past the
 * scanned end */
#define TAILLINE "From dave@example.org Mon Jan  1 12:00:00 2024\n"
#define BODY2 "second body\n" TAILLINE
#define LATE "From mta@example.org Tue Jan  2 09:00:00 2024\n" \
	"Subject: delivered later\n\nlate body\n\n"

#define UNIT1 FROM1 HEAD1 "\n" BODY1 "\n"
#define UNIT2 FROM2 HEAD2 "\n" BODY2 "\n"
#define MSG1 HEAD1 "\n" BODY1

static char *path;

static bool
file_is(const char *what, const char *want, size_t wlen)
{
	size_t len;
	char *got = read_file(path, &len);
	bool ok = got != NULL && len == wlen && memcmp(got, want, wlen) == 0;

	if (!ok)
		printf("  %s: the file (%zu bytes) is\n[%.*s]\n  want (%zu bytes)\n"
		       "[%.*s]\n", what, got ? len : 0, got && len < 600 ? (int)len : 600,
		       got ? got : "(none)", wlen, wlen < 600 ? (int)wlen : 600, want);
	free(got);
	return ok;
}

/* What the other program does: write data over the file from offset
 * off on, in place (same inode), and cut it to off + len. */
static void
rewrite_in_place(off_t off, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY);

	if (fd < 0 || mu_pwrite_all(fd, data, len, off) < 0 ||
	    ftruncate(fd, off + (off_t)len) < 0 || close(fd) < 0) {
		printf("cannot rewrite %s: %s\n", path, strerror(errno));
		exit(99);
	}
}

/* Streaming message idx is refused as changed, with a temporary error. */
static void
check_not_served(const char *what, struct mu_mailbox *mb, size_t idx)
{
	struct mu_msgstream st;
	const char *err = "";
	int rc = mu_msgstream_open(mb, idx, &st, &err);

	CHECK(rc < 0, "%s: message %zu is served after the rewrite", what, idx + 1);
	if (rc < 0)
		CHECK(strstr(err, "changed") != NULL && mb->errcode == MU_MBERR_TEMP,
		      "%s: message %zu refused with \"%s\" (code %d)", what, idx + 1,
		      err, (int)mb->errcode);
	else
		mu_msgstream_close(&st);
}

/* One session: open, let the other program act, DELE what del says,
 * QUIT.  The commit must be refused with a temporary error and leave the
 * file exactly as the other program left it (want). */
static void
refused_case(const char *what, void (*other_program)(void), const bool del[2],
	     const char *want)
{
	struct mu_mailbox *mb;
	const char *err = "";
	int rc;

	write_file(path, UNIT1 UNIT2, strlen(UNIT1 UNIT2));
	mb = open_mbox(path, MU_OPEN_WRITE | MU_OPEN_SESSION_LOCK, 5);
	CHECK(mb != NULL && mu_mailbox_count(mb) == 2, "%s: open", what);
	if (mb == NULL)
		return;
	other_program();
	/* message 1 is untouched and still served as it was */
	CHECK(message_is(mb, 0, MSG1, strlen(MSG1)), "%s: message 1", what);
	check_not_served(what, mb, 1);
	for (size_t i = 0; i < 2; i++)
		mu_mailbox_set_deleted(mb, i, del[i]);
	rc = mu_mailbox_commit(mb, &err);
	CHECK(rc < 0, "%s: the commit was not refused", what);
	if (rc < 0)
		CHECK(mb->errcode == MU_MBERR_TEMP && strstr(err, "changed") != NULL,
		      "%s: refused with \"%s\" (code %d)", what, err,
		      (int)mb->errcode);
	mu_mailbox_close(mb);
	CHECK(file_is(what, want, strlen(want)), "%s: the file changed", what);

	/* the next session sees what the other program left, message 1
	 * unchanged */
	mb = open_mbox(path, MU_OPEN_READONLY, 5);
	CHECK(mb != NULL && mu_mailbox_count(mb) >= 2, "%s: reopen", what);
	if (mb != NULL && mu_mailbox_count(mb) >= 2)
		CHECK(message_is(mb, 0, MSG1, strlen(MSG1)),
		      "%s: message 1 after the session", what);
	mu_mailbox_close(mb);
}

/* mutt marks the last message read: "Status: RO" at the end of its
 * header; every byte after it moves by 11 */
#define UNIT2_RO FROM2 HEAD2 "Status: RO\n\n" BODY2 "\n"
static void
mutt_status(void)
{
	rewrite_in_place(strlen(UNIT1), UNIT2_RO, strlen(UNIT2_RO));
}

/* ... and then an MTA delivers */
static void
mutt_status_then_mta(void)
{
	mutt_status();
	append_file(path, LATE, strlen(LATE));
}

/* a header exactly as long as the last body line and the blank line
 * after it: what lies past the scanned end now is a dated From_ line */
#define LABEL "X-Label: padded to the length of the moved line\n"
#define UNIT2_LABEL FROM2 HEAD2 LABEL "\n" BODY2 "\n"
static void
label_as_long_as_from_line(void)
{
	rewrite_in_place(strlen(UNIT1), UNIT2_LABEL, strlen(UNIT2_LABEL));
}

/* the last message loses a header line and an MTA delivers: the file is
 * longer than at the scan, but the bytes at the old end are the middle
 * of the new message's From_ line */
#define UNIT2_SHORT FROM2 "Subject: the second message\n\n" BODY2 "\n"
static void
header_removed_then_mta(void)
{
	rewrite_in_place(strlen(UNIT1), UNIT2_SHORT, strlen(UNIT2_SHORT));
	append_file(path, LATE, strlen(LATE));
}

int
main(void)
{
	static const bool dele2[2] = { false, true }, dele1[2] = { true, false };

	_Static_assert(sizeof LABEL == sizeof TAILLINE + 1,
		       "the label must be as long as the moved From line and "
		       "the blank line after it");
	scratch_init("test-mbox-rewrite");
	path = scratch_path("inbox");

	refused_case("mutt adds Status to the last message, DELE 2",
		     mutt_status, dele2, UNIT1 UNIT2_RO);
	refused_case("mutt adds Status to the last message, DELE 1",
		     mutt_status, dele1, UNIT1 UNIT2_RO);
	refused_case("mutt adds Status, an MTA delivers, DELE 2",
		     mutt_status_then_mta, dele2, UNIT1 UNIT2_RO LATE);
	refused_case("a From_ line pushed past the scanned end, DELE 2",
		     label_as_long_as_from_line, dele2, UNIT1 UNIT2_LABEL);
	refused_case("a header removed, an MTA delivers, DELE 2",
		     header_removed_then_mta, dele2, UNIT1 UNIT2_SHORT LATE);

	/* A rewrite that keeps every byte where it was (a status letter
	 * changed for another) moves no message: the commit copies the
	 * bytes as they are now, so it is safe.  Far from the next From_
	 * line and from the end (a long message), it is not even seen, and
	 * the commit goes ahead. */
	{
		struct mu_buf big, want;
		struct mu_mailbox *mb;
		const char *err = "";
		size_t at;

		mu_buf_init(&big);
		mu_buf_append(&big, FROM1 HEAD1 "Status: O\n\n",
			      strlen(FROM1 HEAD1 "Status: O\n\n"));
		while (big.len < 100000)
			mu_buf_append(&big, "a long body line, over and over again\n", 38);
		mu_buf_append(&big, "\n", 1);
		at = strlen(FROM1 HEAD1 "Status: ");
		mu_buf_append(&big, UNIT2, strlen(UNIT2));
		write_file(path, big.data, big.len);
		mb = open_mbox(path, MU_OPEN_WRITE | MU_OPEN_SESSION_LOCK, 5);
		CHECK(mb != NULL, "same length: open");
		if (mb != NULL) {
			int fd = open(path, O_WRONLY);
			if (fd < 0 || mu_pwrite_all(fd, "R", 1, (off_t)at) < 0 ||
			    close(fd) < 0)
				exit(99);
			mu_mailbox_set_deleted(mb, 1, true);
			CHECK(mu_mailbox_commit(mb, &err) == 0, "same length: "
			      "commit: %s", err);
			mu_mailbox_close(mb);
		}
		mu_buf_init(&want);
		mu_buf_append(&want, big.data, big.len - strlen(UNIT2));
		want.data[at] = 'R';
		CHECK(file_is("same length", want.data, want.len),
		      "same length: file");
		mu_buf_free(&want);
		mu_buf_free(&big);
	}

	/* Our own writes are not another program's: undelete clears a
	 * deletion mark in place, in the bytes of message 2's identity (the
	 * end of message 1); the session goes on to read and delete. */
	{
#define UNIT1_D FROM1 HEAD1 "Status: d\n\n" BODY1 "\n"
#define UNIT1_CLEARED FROM1 HEAD1 "Status:  \n\n" BODY1 "\n"
		struct mu_mailbox *mb;
		const char *err = "";

		write_file(path, UNIT1_D UNIT2, strlen(UNIT1_D UNIT2));
		mb = open_mbox(path, MU_OPEN_WRITE | MU_OPEN_SESSION_LOCK, 5);
		CHECK(mb != NULL && mu_mailbox_info(mb, 0)->delete_mark,
		      "undelete: open");
		if (mb != NULL) {
			mu_mailbox_clear_delete_mark(mb, 0);
			CHECK(mu_mailbox_commit(mb, &err) == 0, "undelete: %s", err);
			CHECK(message_is(mb, 1, HEAD2 "\n" BODY2,
					 strlen(HEAD2 "\n" BODY2)),
			      "undelete: message 2 after the cleared mark");
			mu_mailbox_set_deleted(mb, 1, true);
			CHECK(mu_mailbox_commit(mb, &err) == 0, "undelete: then DELE 2: "
			      "%s", err);
			mu_mailbox_close(mb);
		}
		CHECK(file_is("undelete", UNIT1_CLEARED, strlen(UNIT1_CLEARED)),
		      "undelete: file");
	}

	/* The mailbox replaced by another file (an MUA that saves a new
	 * file and renames it into place) while a session holds the old
	 * one: an append must not go to the old, unlinked file, where it
	 * would be lost. */
	{
		char *copy = scratch_path("inbox.new");
		struct mu_mailbox *mb;
		const char *err = "";
		int rc;

		write_file(path, UNIT1 UNIT2, strlen(UNIT1 UNIT2));
		mb = open_mbox(path, MU_OPEN_WRITE | MU_OPEN_SESSION_LOCK, 5);
		CHECK(mb != NULL, "replaced: open");
		write_file(copy, UNIT1, strlen(UNIT1));
		if (rename(copy, path) < 0)
			exit(99);
		if (mb != NULL) {
			rc = mu_mailbox_append(mb, "Subject: bulletin\n\nhello\n", 25,
					       &err);
			CHECK(rc < 0 && mb->errcode == MU_MBERR_TEMP,
			      "replaced: the append went to the unlinked file");
			mu_mailbox_close(mb);
		}
		CHECK(file_is("replaced", UNIT1, strlen(UNIT1)), "replaced: file");
		free(copy);
	}

	free(path);
	scratch_cleanup();
	return check_verdict();
}
