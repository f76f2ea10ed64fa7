/* Committing deletions and added headers: the file afterwards is exactly
 * the kept messages (with the header inserted at the end of their
 * header), the inode stays, UIDLs and sizes of the rest do not change,
 * mail delivered during the session is kept, and a mailbox rewritten by
 * another program is left alone. */
#include "config.h"

#include "mbox-testlib.h"

static const char *const unit[] = {
	"From a@example.org Mon Jan  1 00:00:00 2024\nSubject: zero\n\n"
	"body zero\n\n",
	"From b@example.org Mon Jan  1 00:00:01 2024\nSubject: one\n"
	"X-Other: 1\n\nbody one\n>From quoted\n\n",
	"From c@example.org Mon Jan  1 00:00:02 2024\nSubject: two\n"
	"X-Expire-Timestamp: 1600000000\n\nbody two\n\n",
	"From d@example.org Mon Jan  1 00:00:03 2024\n"
	"Subject: three, header only\n\n",
	"From e@example.org Mon Jan  1 00:00:04 2024\nSubject: four\n\n"
	"body four\n\n",
};
/* the same with X-Expire-Timestamp: 1700000000 added */
static const char *const unit_added[] = {
	"From a@example.org Mon Jan  1 00:00:00 2024\nSubject: zero\n"
	"X-Expire-Timestamp: 1700000000\n\nbody zero\n\n",
	"From b@example.org Mon Jan  1 00:00:01 2024\nSubject: one\n"
	"X-Other: 1\nX-Expire-Timestamp: 1700000000\n\nbody one\n>From quoted\n\n",
	NULL,	/* had one already */
	"From d@example.org Mon Jan  1 00:00:03 2024\n"
	"Subject: three, header only\nX-Expire-Timestamp: 1700000000\n\n",
	"From e@example.org Mon Jan  1 00:00:04 2024\nSubject: four\n"
	"X-Expire-Timestamp: 1700000000\n\nbody four\n\n",
};
#define NUNITS 5
#define ADDED "X-Expire-Timestamp: 1700000000"

static char *path;

static void
write_units(void)
{
	struct mu_buf b;

	mu_buf_init(&b);
	for (int i = 0; i < NUNITS; i++)
		mu_buf_append(&b, unit[i], strlen(unit[i]));
	write_file(path, b.data, b.len);
	mu_buf_free(&b);
}

static bool
file_is(const char *want, size_t wlen)
{
	size_t len;
	char *got = read_file(path, &len);
	bool ok = got != NULL && len == wlen && memcmp(got, want, wlen) == 0;

	if (!ok)
		printf("  file [%s]\n  want [%.*s]\n", got ? got : "(none)",
		       (int)wlen, want);
	free(got);
	return ok;
}

static ino_t
inode_of(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 ? st.st_ino : 0;
}

/* Every message of a against the same-UIDL message of b: equal size
 * (plus extra[i] for a's message i) and equal content when rendered. */
static void
same_messages(const char *what, struct mu_mailbox *before,
	      const bool *gone, const uint64_t *extra, struct mu_mailbox *after)
{
	size_t j = 0;

	for (size_t i = 0; i < mu_mailbox_count(before); i++) {
		const struct mu_message_info *bi = mu_mailbox_info(before, i), *ai;

		if (gone[i])
			continue;
		ai = mu_mailbox_info(after, j);
		CHECK(ai != NULL && strcmp(ai->uidl, bi->uidl) == 0,
		      "%s: UIDL of message %zu changed", what, i);
		CHECK(ai != NULL && ai->size == bi->size + extra[i],
		      "%s: size of message %zu: %llu, want %llu", what, i,
		      ai ? (unsigned long long)ai->size : 0ULL,
		      (unsigned long long)(bi->size + extra[i]));
		j++;
	}
	CHECK(j == mu_mailbox_count(after), "%s: %zu messages left, want %zu",
	      what, mu_mailbox_count(after), j);
}

/* Delete the set del[] (and add the header where add[] says), commit,
 * check the file, the inode, the view of the open mailbox, a reopen. */
static void
commit_case(const char *what, const bool *del, const bool *add)
{
	struct mu_mailbox *mb, *snap, *again;
	struct mu_buf want;
	uint64_t extra[NUNITS];
	const char *err;
	ino_t ino;

	write_units();
	ino = inode_of(path);
	snap = open_mbox(path, MU_OPEN_READONLY, 5);
	mb = open_mbox(path, MU_OPEN_WRITE | MU_OPEN_SESSION_LOCK, 5);
	CHECK(mb != NULL && snap != NULL, "%s: open", what);
	if (mb == NULL || snap == NULL)
		exit(1);
	mu_buf_init(&want);
	for (int i = 0; i < NUNITS; i++) {
		extra[i] = 0;
		if (del[i])
			mu_mailbox_set_deleted(mb, (size_t)i, true);
		if (add[i])
			CHECK(mu_mailbox_add_header(mb, (size_t)i, ADDED) == 0,
			      "%s: add_header", what);
		if (del[i])
			continue;
		if (add[i] && unit_added[i] != NULL) {
			mu_buf_append(&want, unit_added[i], strlen(unit_added[i]));
			extra[i] = strlen(ADDED) + 2;
		} else {
			mu_buf_append(&want, unit[i], strlen(unit[i]));
		}
	}
	CHECK(mu_mailbox_commit(mb, &err) == 0, "%s: commit: %s", what, err);
	CHECK(file_is(want.data ? want.data : "", want.len), "%s: file", what);
	CHECK(inode_of(path) == ino, "%s: the inode changed", what);

	/* the open mailbox now shows the committed state ... */
	same_messages(what, snap, del, extra, mb);
	/* ... and so does a new open, byte for byte */
	again = open_mbox(path, MU_OPEN_READONLY, 5);
	CHECK(again != NULL, "%s: reopen", what);
	if (again != NULL) {
		same_messages(what, snap, del, extra, again);
		for (size_t i = 0; i < mu_mailbox_count(again) &&
			     i < mu_mailbox_count(mb); i++) {
			size_t l1, l2;
			char *m1 = render_message(mb, i, &l1);
			char *m2 = render_message(again, i, &l2);
			CHECK(m1 && m2 && l1 == l2 && memcmp(m1, m2, l1) == 0,
			      "%s: message %zu differs between view and reopen",
			      what, i);
			free(m1);
			free(m2);
		}
		mu_mailbox_close(again);
	}
	mu_mailbox_close(mb);
	mu_mailbox_close(snap);
	mu_buf_free(&want);
}

#define SET(...) (const bool[NUNITS]){ __VA_ARGS__ }

int
main(void)
{
	static const bool none[NUNITS];
	struct mu_mailbox *mb;
	const char *err;

	scratch_init("test-mbox-commit");
	path = scratch_path("inbox");

	commit_case("delete first", SET(1, 0, 0, 0, 0), none);
	commit_case("delete middle", SET(0, 0, 1, 0, 0), none);
	commit_case("delete last", SET(0, 0, 0, 0, 1), none);
	commit_case("delete first and fourth", SET(1, 0, 0, 1, 0), none);
	commit_case("delete all", SET(1, 1, 1, 1, 1), none);
	commit_case("add headers", none, SET(1, 1, 1, 1, 1));
	commit_case("add and delete", SET(1, 0, 0, 0, 1), SET(0, 1, 1, 1, 0));
	commit_case("header to a deleted message", SET(0, 1, 0, 0, 0),
		    SET(0, 1, 0, 0, 0));

	/* two commits in one session: the second works on the view the
	 * first left (moved offsets, grown sizes) */
	{
		struct mu_buf want;

		write_units();
		mb = open_mbox(path, MU_OPEN_WRITE | MU_OPEN_SESSION_LOCK, 5);
		CHECK(mb != NULL, "twice: open");
		if (mb != NULL) {
			mu_mailbox_set_deleted(mb, 0, true);
			mu_mailbox_add_header(mb, 1, ADDED);
			CHECK(mu_mailbox_commit(mb, &err) == 0, "twice: first");
			CHECK(mu_mailbox_count(mb) == 4, "twice: count");
			mu_mailbox_set_deleted(mb, 2, true);	/* was unit 3 */
			mu_mailbox_add_header(mb, 3, ADDED);	/* unit 4 */
			CHECK(mu_mailbox_commit(mb, &err) == 0, "twice: second: %s", err);
			CHECK(message_is(mb, 2, "Subject: four\n" ADDED "\n\nbody four\n",
					 strlen("Subject: four\n" ADDED "\n\nbody four\n")),
			      "twice: view");
			mu_mailbox_close(mb);
		}
		mu_buf_init(&want);
		mu_buf_append(&want, unit_added[1], strlen(unit_added[1]));
		mu_buf_append(&want, unit[2], strlen(unit[2]));
		mu_buf_append(&want, unit_added[4], strlen(unit_added[4]));
		CHECK(file_is(want.data, want.len), "twice: file");
		mu_buf_free(&want);
	}

	/* nothing to do: the file is not touched at all */
	{
		struct stat st1, st2;

		write_units();
		stat(path, &st1);
		mb = open_mbox(path, MU_OPEN_WRITE, 5);
		CHECK(mb != NULL, "noop: open");
		if (mb != NULL) {
			CHECK(mu_mailbox_add_header(mb, 2, ADDED) == 0, "noop: add");
			usleep(20000);
			CHECK(mu_mailbox_commit(mb, &err) == 0, "noop: commit");
			mu_mailbox_close(mb);
		}
		stat(path, &st2);
		CHECK(st1.st_mtim.tv_sec == st2.st_mtim.tv_sec &&
		      st1.st_mtim.tv_nsec == st2.st_mtim.tv_nsec,
		      "noop: the file was written");
	}

	/* mail delivered during the session stays, after the kept ones */
	{
		static const char late[] = "From late@example.org Tue Jan  2 "
			"00:00:00 2024\nSubject: late\n\nlate body\n\n";
		struct mu_buf want;

		write_units();
		mb = open_mbox(path, MU_OPEN_WRITE | MU_OPEN_SESSION_LOCK, 5);
		CHECK(mb != NULL, "late: open");
		append_file(path, late, sizeof late - 1);
		mu_mailbox_set_deleted(mb, 0, true);
		mu_mailbox_set_deleted(mb, 4, true);
		CHECK(mu_mailbox_commit(mb, &err) == 0, "late: commit");
		mu_mailbox_close(mb);
		mu_buf_init(&want);
		for (int i = 1; i < 4; i++)
			mu_buf_append(&want, unit[i], strlen(unit[i]));
		mu_buf_append(&want, late, sizeof late - 1);
		CHECK(file_is(want.data, want.len), "late: file");
		mu_buf_free(&want);
	}

	/* A last message without its blank line nor final newline, then a
	 * message appended by mu_mailbox_append (which supplies both), then
	 * the last one deleted: the next message must not start with a
	 * stray blank line. */
	{
		static const char unit_a[] =
			"From a@example.org Mon Jan  1 00:00:00 2024\nSubject: a\n\n"
			"body a\n\n";
		static const char unit_b[] =
			"From b@example.org Mon Jan  1 00:00:01 2024\nSubject: b\n\n"
			"no newline";
		static const char suffix[] = "\nSubject: c\n\n>From c\nbody c\n\n";
		struct mu_mailbox *other;
		size_t len, la = sizeof unit_a - 1, ls = sizeof suffix - 1;
		struct mu_buf start;
		char *got;

		mu_buf_init(&start);
		mu_buf_append(&start, unit_a, la);
		mu_buf_append(&start, unit_b, sizeof unit_b - 1);
		write_file(path, start.data, start.len);
		mu_buf_free(&start);
		mb = open_mbox(path, MU_OPEN_WRITE | MU_OPEN_SESSION_LOCK, 5);
		other = open_mbox(path, MU_OPEN_WRITE, 5);
		CHECK(mb != NULL && other != NULL, "append: open");
		if (mb != NULL && other != NULL) {
			CHECK(mu_mailbox_append(other, "Subject: c\n\nFrom c\nbody c",
						25, &err) == 0, "append: %s", err);
			mu_mailbox_close(other);
			mu_mailbox_set_deleted(mb, 1, true);
			CHECK(mu_mailbox_commit(mb, &err) == 0, "append: commit");
			mu_mailbox_close(mb);
		}
		got = read_file(path, &len);
		CHECK(got != NULL && len > la + 19 + ls &&
		      memcmp(got, unit_a, la) == 0 &&
		      memcmp(got + la, "From MAILER-DAEMON ", 19) == 0 &&
		      memchr(got + la, '\n', len - la) == got + len - ls &&
		      memcmp(got + len - ls, suffix, ls) == 0,
		      "append: file [%s]", got);
		free(got);
		mb = open_mbox(path, MU_OPEN_READONLY, 5);
		CHECK(mb != NULL && mu_mailbox_count(mb) == 2, "append: count");
		if (mb != NULL) {
			CHECK(message_is(mb, 1, "Subject: c\n\nFrom c\nbody c\n", 26),
			      "append: message");
			mu_mailbox_close(mb);
		}
	}

	/* appending to a CRLF file whose last message has no blank line
	 * after it: the new message must still be a message of its own */
	{
		static const char box[] =
			"From a@example.org Mon Jan  1 00:00:00 2024\r\n"
			"Subject: a\r\n\r\nbody a\r\n";
		struct mu_mailbox *other;

		write_file(path, box, sizeof box - 1);
		other = open_mbox(path, MU_OPEN_WRITE, 5);
		CHECK(other != NULL, "crlf append: open");
		if (other != NULL) {
			CHECK(mu_mailbox_append(other, "Subject: n\n\nnew\n", 16,
						&err) == 0, "crlf append: %s", err);
			mu_mailbox_close(other);
		}
		mb = open_mbox(path, MU_OPEN_READONLY, 5);
		CHECK(mb != NULL && mu_mailbox_count(mb) == 2, "crlf append: count");
		if (mb != NULL && mu_mailbox_count(mb) == 2) {
			CHECK(message_is(mb, 0, "Subject: a\n\nbody a\n", 19),
			      "crlf append: first");
			CHECK(message_is(mb, 1, "Subject: n\n\nnew\n", 16),
			      "crlf append: second");
		}
		mu_mailbox_close(mb);
	}

	/* added headers in a CRLF file use CRLF; a last header line without
	 * a newline gets one before the added line */
	{
		static const char crlf_box[] =
			"From a@example.org Mon Jan  1 00:00:00 2024\r\n"
			"Subject: a\r\n\r\nbody\r\n\r\n"
			"From b@example.org Mon Jan  1 00:00:01 2024\n"
			"Subject: header, no newline";
		static const char want[] =
			"From a@example.org Mon Jan  1 00:00:00 2024\r\n"
			"Subject: a\r\n" ADDED "\r\n\r\nbody\r\n\r\n"
			"From b@example.org Mon Jan  1 00:00:01 2024\n"
			"Subject: header, no newline\n" ADDED "\n";

		write_file(path, crlf_box, sizeof crlf_box - 1);
		mb = open_mbox(path, MU_OPEN_WRITE, 5);
		CHECK(mb != NULL, "crlf: open");
		if (mb != NULL) {
			uint64_t s0 = mu_mailbox_info(mb, 0)->size;
			uint64_t s1 = mu_mailbox_info(mb, 1)->size;
			mu_mailbox_add_header(mb, 0, ADDED);
			mu_mailbox_add_header(mb, 1, ADDED);
			CHECK(mu_mailbox_commit(mb, &err) == 0, "crlf: commit");
			CHECK(file_is(want, sizeof want - 1), "crlf: file");
			CHECK(mu_mailbox_info(mb, 0)->size == s0 + strlen(ADDED) + 2 &&
			      mu_mailbox_info(mb, 1)->size == s1 + strlen(ADDED) + 2,
			      "crlf: sizes");
			mu_mailbox_close(mb);
		}
	}

	/* Another program rewrote the mailbox during the session (same
	 * inode, other content): the commit refuses and changes nothing. */
	{
		static const char other[] =
			"From z@example.org Mon Jan  1 00:00:00 2024\nSubject: z\n\nz\n\n";
		write_units();
		mb = open_mbox(path, MU_OPEN_WRITE | MU_OPEN_SESSION_LOCK, 5);
		CHECK(mb != NULL, "rewritten: open");
		if (mb != NULL) {
			int fd = open(path, O_WRONLY | O_TRUNC);
			if (fd < 0 || mu_write_all(fd, other, sizeof other - 1) < 0)
				exit(99);
			close(fd);
			mu_mailbox_set_deleted(mb, 0, true);
			CHECK(mu_mailbox_commit(mb, &err) < 0 &&
			      mb->errcode == MU_MBERR_TEMP, "rewritten: committed");
			CHECK(file_is(other, sizeof other - 1), "rewritten: file");
			mu_mailbox_close(mb);
		}
	}

	free(path);
	scratch_cleanup();
	return check_verdict();
}
