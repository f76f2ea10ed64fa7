/* Deletion marks in long status lines (libmu/delmark.h): the scanner and
 * the clearing look at the same bytes, the whole first line of the field.
 * A "Status:" line padded past the scanner's buffer (MUAs rewrite status
 * fields in place and pad them with blanks) still marks its message
 * deleted, wherever its 'd' is -- also past the 64 KiB a line stream
 * returns at once -- in MH and in mbox; undelete clears it, and then the
 * message is no longer marked. */
#include "config.h"

#include "mailtest.h"

#define PAD "                                                            " \
	"                                                            "

static const char *headers[] = {
	"Status: Od" PAD "\n",		/* the letter early, a long line */
	"Status: O" PAD "d\n",		/* the letter past 96 bytes */
	"X-Status: F" PAD PAD "D\n",	/* X-Status, past 200 bytes */
	NULL,				/* past MU_STREAM_BUFSIZE: main */
};
#define NH (sizeof headers / sizeof headers[0])

static const char *
message(size_t i)
{
	return pathf("%sSubject: long status %zu\n\nbody\n", headers[i], i);
}

static const char *
huge_status(void)
{
	size_t n = MU_STREAM_BUFSIZE + 1000;
	char *h = malloc(n + 16);

	if (h == NULL)
		exit(99);
	strcpy(h, "Status: O");
	memset(h + 9, ' ', n);
	strcpy(h + 9 + n, "d\n");
	return h;
}

/* The marks of every message of url: want each marked (or none). */
static void
check_marks(const char *url, bool want, const char *what)
{
	struct mu_mailbox *mb;
	enum mu_mailbox_error code;
	const char *err;

	if (mu_mailbox_open(&mb, url, MU_OPEN_READONLY, 1, &code, &err) < 0) {
		CHECK(false, "%s: open: %s", what, err);
		return;
	}
	CHECK(mu_mailbox_count(mb) == NH, "%s: count %zu", what,
	      mu_mailbox_count(mb));
	for (size_t i = 0; i < mu_mailbox_count(mb); i++)
		CHECK(mu_mailbox_info(mb, i)->delete_mark == want,
		      "%s: message %zu delete_mark %d, want %d", what, i + 1,
		      mu_mailbox_info(mb, i)->delete_mark, want);
	mu_mailbox_close(mb);
}

/* undelete: clear every mark and commit, as pop3d does at login */
static void
undelete(const char *url, const char *what)
{
	struct mu_mailbox *mb;
	enum mu_mailbox_error code;
	const char *err;

	if (mu_mailbox_open(&mb, url, MU_OPEN_WRITE | MU_OPEN_SESSION_LOCK, 1,
			    &code, &err) < 0) {
		CHECK(false, "%s: open: %s", what, err);
		return;
	}
	for (size_t i = 0; i < mu_mailbox_count(mb); i++)
		mu_mailbox_clear_delete_mark(mb, i);
	CHECK(mu_mailbox_commit(mb, &err) == 0, "%s: commit: %s", what, err);
	mu_mailbox_close(mb);
}

int
main(void)
{
	const char *dir = scratch_make("test-delmark-long-line");
	const char *folder = pathf("%s/mh", dir);
	const char *mbox = pathf("%s/mbox", dir);
	char *all = pathf("%s", "");

	headers[NH - 1] = huge_status();
	make_dir(folder);
	for (size_t i = 0; i < NH; i++) {
		put_str(pathf("%s/%zu", folder, i + 1), message(i));
		all = pathf("%sFrom a@b Thu Jan  1 00:00:00 2024\n%s\n", all,
			    message(i));
	}
	put_str(mbox, all);

	check_marks(pathf("mh:%s", folder), true, "MH");
	check_marks(pathf("mbox:%s", mbox), true, "mbox");
	undelete(pathf("mh:%s", folder), "MH undelete");
	undelete(pathf("mbox:%s", mbox), "mbox undelete");
	check_marks(pathf("mh:%s", folder), false, "MH after undelete");
	check_marks(pathf("mbox:%s", mbox), false, "mbox after undelete");
	return finish("test-delmark-long-line");
}
