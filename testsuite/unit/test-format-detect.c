/* Format auto-detection of a bare mailbox path, and that a bare path is
 * opened with the detected driver. */
#include "config.h"

#include "mailtest.h"
#include "url.h"

static const char *
format_name(enum mu_format f)
{
	switch (f) {
	case MU_FORMAT_AUTO: return "auto";
	case MU_FORMAT_MBOX: return "mbox";
	case MU_FORMAT_MAILDIR: return "maildir";
	case MU_FORMAT_MH: return "mh";
	}
	return "?";
}

static void
detects(const char *path, enum mu_format fallback, enum mu_format want)
{
	enum mu_format got = mu_format_detect(path, fallback);

	CHECK(got == want, "%s (fallback %s): %s, want %s", path,
	      format_name(fallback), format_name(got), format_name(want));
}

int
main(void)
{
	const char *dir = scratch_make("test-format-detect");
	const char *maildir = pathf("%s/Maildir", dir);
	const char *mh = pathf("%s/mh", dir);
	const char *mhseq = pathf("%s/mhseq", dir);
	const char *mbox = pathf("%s/mbox", dir);
	const char *empty = pathf("%s/empty", dir);
	const char *partial = pathf("%s/partial", dir);
	const char *missing = pathf("%s/missing", dir);
	const char *link = pathf("%s/link", dir);
	struct mu_mailbox *mb;
	enum mu_mailbox_error code;
	const char *err;

	make_dir(maildir);
	make_dir(pathf("%s/cur", maildir));
	make_dir(pathf("%s/new", maildir));
	make_dir(pathf("%s/tmp", maildir));
	put_str(pathf("%s/new/1.a.host", maildir), "Subject: m\n\nmaildir\n");

	make_dir(mh);
	put_str(pathf("%s/12", mh), "Subject: m\n\nmh\n");
	put_str(pathf("%s/,3", mh), "Subject: old\n\n");
	make_dir(mhseq);
	put_str(pathf("%s/.mh_sequences", mhseq), "cur: 1\n");

	put_str(mbox, "From a@b Mon Jan  1 00:00:00 2024\nSubject: m\n\nmbox\n");
	make_dir(empty);
	make_dir(partial);
	make_dir(pathf("%s/cur", partial));	/* not all of cur/ new/ tmp/ */
	put_str(pathf("%s/notes.txt", partial), "x");
	if (symlink(maildir, link) < 0)
		return 99;

	for (enum mu_format fb = MU_FORMAT_MBOX; fb <= MU_FORMAT_MH; fb++) {
		detects(maildir, fb, MU_FORMAT_MAILDIR);
		detects(mh, fb, MU_FORMAT_MH);
		detects(mhseq, fb, MU_FORMAT_MH);
		detects(mbox, fb, MU_FORMAT_MBOX);
		detects(link, fb, MU_FORMAT_MAILDIR);
		detects(missing, fb, fb);
	}
	detects(missing, MU_FORMAT_AUTO, MU_FORMAT_MBOX);
	detects("/dev/null", MU_FORMAT_MAILDIR, MU_FORMAT_MBOX);
	/* a directory with no trace of either: the fallback when it is a
	 * directory format, else MH */
	detects(empty, MU_FORMAT_MAILDIR, MU_FORMAT_MAILDIR);
	detects(empty, MU_FORMAT_MH, MU_FORMAT_MH);
	detects(empty, MU_FORMAT_MBOX, MU_FORMAT_MH);
	detects(partial, MU_FORMAT_MBOX, MU_FORMAT_MH);
	detects(partial, MU_FORMAT_MAILDIR, MU_FORMAT_MAILDIR);

	/* a bare path opens with the driver detected */
	CHECK(mu_mailbox_open(&mb, maildir, MU_OPEN_READONLY, 1, &code, &err) == 0,
	      "open bare Maildir: %s", err);
	if (mb != NULL) {
		CHECK(mu_mailbox_format(mb) == MU_FORMAT_MAILDIR &&
		      mu_mailbox_count(mb) == 1,
		      "bare Maildir: format %s, %zu messages",
		      format_name(mu_mailbox_format(mb)), mu_mailbox_count(mb));
		mu_mailbox_close(mb);
	}
	CHECK(mu_mailbox_open(&mb, mh, MU_OPEN_READONLY, 1, &code, &err) == 0,
	      "open bare MH: %s", err);
	if (mb != NULL) {
		CHECK(mu_mailbox_format(mb) == MU_FORMAT_MH &&
		      mu_mailbox_count(mb) == 1,
		      "bare MH: format %s, %zu messages",
		      format_name(mu_mailbox_format(mb)), mu_mailbox_count(mb));
		mu_mailbox_close(mb);
	}
	return finish("test-format-detect");
}
