/* Maildir: a message keeps the identity it had when the session listed it
 * (the file's device and inode), found again by its unique part when
 * another program renames it (doc/maildir.md, "Other programs during a
 * session").  A file written anew under the same name -- another
 * program's copy with other bytes, even of the same size -- is not the
 * message listed: it is not sent, not deleted, not flagged and not
 * stamped, and the commit says so.  A message another program renames
 * (new flags) while its stamped copy is being written (the test's own
 * fsync() does it then) is not stamped, and not doubled either. */
#include "config.h"

#include <sys/syscall.h>

#include "mailtest.h"

#define HDR "X-Expire-Timestamp: 1700000000"

/* Another program's move, run by the next fsync() libmu makes -- the one
 * of a stamped copy, before it takes the message's place. */
static void (*during_fsync)(void);
static const char *flag_from, *flag_to;

int
fsync(int fd)
{
	void (*hook)(void) = during_fsync;

	during_fsync = NULL;
	if (hook != NULL)
		hook();
	return (int)syscall(SYS_fsync, fd);
}

static void
reflag(void)
{
	if (rename(flag_from, flag_to) < 0)
		exit(99);
}

/* An IMAP server flags the message while pop3d stamps it. */
static void
renamed_while_stamping(const char *dir)
{
	const char *root = pathf("%s/Stamp", dir);
	const char *msg = "Subject: stamp\n\nme\n";
	struct mu_mailbox *mb;
	enum mu_mailbox_error code;
	const char *err = "";

	make_dir(root);
	make_dir(pathf("%s/cur", root));
	make_dir(pathf("%s/new", root));
	make_dir(pathf("%s/tmp", root));
	flag_from = pathf("%s/cur/2000.stamp.host:2,S", root);
	flag_to = pathf("%s/cur/2000.stamp.host:2,FS", root);
	put_str(flag_from, msg);
	CHECK(mu_mailbox_open(&mb, pathf("maildir:%s", root),
			      MU_OPEN_WRITE | MU_OPEN_SESSION_LOCK, 1, &code,
			      &err) == 0, "stamp: open: %s", err);
	if (mb == NULL)
		return;
	CHECK(mu_mailbox_add_header(mb, 0, HDR) == 0, "stamp: add_header");
	during_fsync = reflag;
	CHECK(mu_mailbox_commit(mb, &err) == 0, "stamp: commit: %s", err);
	CHECK(during_fsync == NULL, "stamp: no fsync came");
	mu_mailbox_close(mb);
	check_file(flag_to, msg, "stamp: the message, flagged, unstamped");
	CHECK(count_entries(pathf("%s/cur", root), "") == 1 &&
	      count_entries(pathf("%s/tmp", root), "") == 0,
	      "stamp: cur/ has %zu files, tmp/ %zu",
	      count_entries(pathf("%s/cur", root), ""),
	      count_entries(pathf("%s/tmp", root), ""));
}

static const struct fixture before[] = {
	/* 0 */ { "cur/1000.del.host:2,S", "Subject: del\n\nto be deleted\n", 0 },
	/* 1 */ { "new/1001.seen.host", "Subject: seen\n\nto be flagged\n", 0 },
	/* 2 */ { "cur/1002.hdr.host:2,", "Subject: hdr\n\nto be stamped\n", 0 },
	/* 3 */ { "new/1003.sent.host", "Subject: sent\n\nto be sent\n", 0 },
	/* 4 */ { "new/1004.moved.host", "Subject: moved\n\nstill ours\n", 0 },
};
#define N (sizeof before / sizeof before[0])

/* the same sizes, other bytes */
static const char *const other[] = {
	"Subject: DEL\n\nanother mail!\n",
	"Subject: SEEN\n\nanother mail!\n",
	"Subject: HDR\n\nanother mail!\n",
	"Subject: SENT\n\nanother ma\n",
};

int
main(void)
{
	const char *dir = scratch_make("test-maildir-identity");
	const char *root = pathf("%s/Maildir", dir);
	struct mu_mailbox *mb;
	enum mu_mailbox_error code;
	const char *err = "";
	const char *moved = pathf("%s/cur/1004.moved.host:2,F", root);
	int rc;

	make_dir(root);
	make_dir(pathf("%s/cur", root));
	make_dir(pathf("%s/new", root));
	make_dir(pathf("%s/tmp", root));
	put_fixtures(root, before, N);
	CHECK(mu_mailbox_open(&mb, pathf("maildir:%s", root),
			      MU_OPEN_WRITE | MU_OPEN_SESSION_LOCK, 1, &code,
			      &err) == 0, "open: %s", err);
	if (mb == NULL)
		return finish("test-maildir-identity");

	/* another program writes four files anew, and moves the fifth */
	for (size_t i = 0; i < 4; i++) {
		const char *path = pathf("%s/%s", root, before[i].name);
		const char *tmp = pathf("%s/tmp/rewrite.%zu", root, i);

		CHECK(strlen(other[i]) == strlen(before[i].data), "fixture %zu",
		      i);
		put_str(tmp, other[i]);
		CHECK(rename(tmp, path) == 0, "rewrite %s", path);
	}
	CHECK(rename(pathf("%s/%s", root, before[4].name), moved) == 0, "move");

	check_stream_fails(mb, 3, "");
	check_message(mb, 4, before[4].data, strlen(before[4].data),
		      "moved, same file");
	mu_mailbox_set_deleted(mb, 0, true);
	mu_mailbox_set_seen(mb, 1);
	CHECK(mu_mailbox_add_header(mb, 2, HDR) == 0, "add_header");
	mu_mailbox_set_deleted(mb, 4, true);
	rc = mu_mailbox_commit(mb, &err);
	CHECK(rc < 0 && strstr(err, "1000.del.host") != NULL,
	      "commit: %d (%s), want an error naming the message not deleted",
	      rc, err);
	mu_mailbox_close(mb);

	for (size_t i = 0; i < 4; i++)
		check_file(pathf("%s/%s", root, before[i].name), other[i],
			   "another program's file");
	CHECK(!exists(moved), "the moved message was not deleted");
	CHECK(count_entries(pathf("%s/cur", root), "") == 2 &&
	      count_entries(pathf("%s/new", root), "") == 2 &&
	      count_entries(pathf("%s/tmp", root), "") == 0,
	      "files: cur %zu new %zu tmp %zu",
	      count_entries(pathf("%s/cur", root), ""),
	      count_entries(pathf("%s/new", root), ""),
	      count_entries(pathf("%s/tmp", root), ""));
	renamed_while_stamping(dir);
	return finish("test-maildir-identity");
}
