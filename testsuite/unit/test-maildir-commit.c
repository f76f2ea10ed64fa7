/* Maildir commit: deleted files go, retrieved ones end in cur/ with the S
 * flag (flags sorted), added headers keep the name and the UIDL, changes
 * other programs made meanwhile are respected, and mail delivered during
 * the session survives and is listed next time.  Then append. */
#include "config.h"

#include <sys/time.h>

#include "mailtest.h"

#define HDR "X-Expire-Timestamp: 1700000000"

static const struct fixture before[] = {
	/* 0 */ { "new/1000.del.host", "Subject: delete me\n\nbye\n", 0 },
	/* 1 */ { "new/1001.seen.host", "Subject: seen\n\nread\n", 0 },
	/* 2 */ { "cur/1002.flags.host:2,FT", "Subject: flags\n\nflagged\n", 0 },
	/* 3 */ { "cur/1003.kw.host:2,Sa", "Subject: kw\n\nkeyword\n", 0 },
	/* 4 */ { "new/1004.hdr.host", "Subject: hdr\nFrom: a@b\n\nbody\n\nmore\n", 0 },
	/* 5 */ { "cur/1005.crlf.host:2,", "Subject: crlf\r\n\r\nbody\r\n", 0 },
	/* 6 */ { "new/1006.has.host", "x-expire-timestamp: 9\nSubject: has\n\nb\n", 0 },
	/* 7 */ { "new/1007.nohdrend.host", "Subject: only", 0 },
	/* 8 */ { "new/1008.untouched.host", "Subject: untouched\n\nstay\n", 0 },
	/* 9 */ { "cur/1009.del2.host:2,S", "Subject: gone\n\nalready\n", 0 },
	/* 10 */ { "new/1010.moved.host", "Subject: moved\n\nmoved\n", 0 },
};
#define N (sizeof before / sizeof before[0])

/* Where each one must be after the commit (NULL: gone), and its bytes. */
static const struct fixture after[] = {
	{ NULL, NULL, 0 },
	{ "cur/1001.seen.host:2,S", "Subject: seen\n\nread\n", 0 },
	{ "cur/1002.flags.host:2,FST", "Subject: flags\n\nflagged\n", 0 },
	{ "cur/1003.kw.host:2,Sa", "Subject: kw\n\nkeyword\n", 0 },
	{ "new/1004.hdr.host", "Subject: hdr\nFrom: a@b\n" HDR "\n\nbody\n\nmore\n", 0 },
	{ "cur/1005.crlf.host:2,S", "Subject: crlf\r\n" HDR "\r\n\r\nbody\r\n", 0 },
	{ "new/1006.has.host", "x-expire-timestamp: 9\nSubject: has\n\nb\n", 0 },
	{ "new/1007.nohdrend.host", "Subject: only\n" HDR "\n", 0 },
	{ "new/1008.untouched.host", "Subject: untouched\n\nstay\n", 0 },
	{ NULL, NULL, 0 },
	{ "cur/1010.moved.host:2,RS", "Subject: moved\n\nmoved\n", 0 },
};

int
main(void)
{
	const char *dir = scratch_make("test-maildir-commit");
	const char *root = pathf("%s/Maildir", dir);
	const char *url = pathf("maildir:%s", root);
	const char *late = "Subject: late\n\ndelivered during the session\n";
	char uidl[N][MU_UIDL_MAX + 1];
	struct mu_mailbox *mb;
	enum mu_mailbox_error code;
	const char *err;
	struct stat st4;
	struct timespec old_times[2] = { { 1500000000, 0 }, { 1500000000, 0 } };

	make_dir(root);
	make_dir(pathf("%s/cur", root));
	make_dir(pathf("%s/new", root));
	make_dir(pathf("%s/tmp", root));
	put_fixtures(root, before, N);
	/* an old arrival time, which the header rewrite must keep */
	utimensat(AT_FDCWD, pathf("%s/%s", root, before[4].name), old_times, 0);

	CHECK(mu_mailbox_open(&mb, url, MU_OPEN_WRITE | MU_OPEN_SESSION_LOCK, 1,
			      &code, &err) == 0, "open: %s", err);
	if (mb == NULL)
		return finish("test-maildir-commit");
	CHECK(mu_mailbox_count(mb) == N, "count %zu", mu_mailbox_count(mb));
	if (mu_mailbox_count(mb) != N)
		return finish("test-maildir-commit");
	for (size_t i = 0; i < N; i++)
		snprintf(uidl[i], sizeof uidl[i], "%s", mu_mailbox_info(mb, i)->uidl);

	mu_mailbox_set_deleted(mb, 0, true);
	mu_mailbox_set_seen(mb, 1);
	mu_mailbox_set_seen(mb, 2);
	mu_mailbox_set_seen(mb, 3);
	CHECK(mu_mailbox_add_header(mb, 4, HDR) == 0, "add_header 4");
	mu_mailbox_set_seen(mb, 5);
	CHECK(mu_mailbox_add_header(mb, 5, HDR) == 0, "add_header 5");
	CHECK(mu_mailbox_add_header(mb, 6, HDR) == 0, "add_header 6");
	CHECK(mu_mailbox_add_header(mb, 7, HDR) == 0, "add_header 7");
	mu_mailbox_set_deleted(mb, 9, true);
	mu_mailbox_set_seen(mb, 10);

	/* meanwhile: an MTA delivers, another MUA deletes one message and
	 * marks another replied */
	put_str(pathf("%s/tmp/2000.late.host", root), late);
	CHECK(rename(pathf("%s/tmp/2000.late.host", root),
		     pathf("%s/new/2000.late.host", root)) == 0, "deliver");
	unlink(pathf("%s/%s", root, before[9].name));
	CHECK(rename(pathf("%s/%s", root, before[10].name),
		     pathf("%s/cur/1010.moved.host:2,R", root)) == 0, "move");

	CHECK(mu_mailbox_commit(mb, &err) == 0, "commit: %s", err);
	/* the open session still sends what is on disk, at the size it says */
	for (size_t i = 1; i < N; i++)
		if (after[i].name != NULL && i != 9)
			check_message(mb, i, after[i].data, strlen(after[i].data),
				      after[i].name);
	/* a second commit changes nothing */
	CHECK(mu_mailbox_commit(mb, &err) == 0, "second commit: %s", err);
	mu_mailbox_close(mb);

	for (size_t i = 0; i < N; i++) {
		if (after[i].name != NULL)
			check_file(pathf("%s/%s", root, after[i].name), after[i].data,
				   before[i].name);
		if (after[i].name == NULL || strcmp(after[i].name, before[i].name) != 0)
			CHECK(!exists(pathf("%s/%s", root, before[i].name)),
			      "%s still there", before[i].name);
	}
	CHECK(stat(pathf("%s/%s", root, after[4].name), &st4) == 0 &&
	      st4.st_mtim.tv_sec == 1500000000, "rewrite lost the mtime");
	CHECK(count_entries(pathf("%s/tmp", root), "") == 0, "tmp/ not empty");
	CHECK(count_entries(pathf("%s/new", root), "") == 5, "new/ has %zu",
	      count_entries(pathf("%s/new", root), ""));
	CHECK(count_entries(pathf("%s/cur", root), "") == 5, "cur/ has %zu",
	      count_entries(pathf("%s/cur", root), ""));

	/* next session: same UIDLs, late mail listed last */
	CHECK(mu_mailbox_open(&mb, url, MU_OPEN_WRITE | MU_OPEN_SESSION_LOCK, 1,
			      &code, &err) == 0, "reopen: %s", err);
	if (mb == NULL)
		return finish("test-maildir-commit");
	CHECK(mu_mailbox_count(mb) == 10, "reopen count %zu", mu_mailbox_count(mb));
	if (mu_mailbox_count(mb) == 10) {
		size_t j = 0;
		for (size_t i = 0; i < N; i++) {
			if (after[i].name == NULL)
				continue;
			CHECK(strcmp(mu_mailbox_info(mb, j)->uidl, uidl[i]) == 0,
			      "%s: UIDL %s became %s", before[i].name, uidl[i],
			      mu_mailbox_info(mb, j)->uidl);
			check_message(mb, j, after[i].data, strlen(after[i].data),
				      after[i].name);
			j++;
		}
		CHECK(strcmp(mu_mailbox_info(mb, 9)->uidl, "2000.late.host") == 0,
		      "late UIDL %s", mu_mailbox_info(mb, 9)->uidl);
		check_message(mb, 9, late, strlen(late), "late delivery");
	}
	/* append into an existing Maildir: new/, not listed until reopened */
	const char *bulletin = "Subject: bulletin\n\nhello\n";
	CHECK(mu_mailbox_append(mb, bulletin, strlen(bulletin), &err) == 0,
	      "append: %s", err);
	CHECK(mu_mailbox_count(mb) == 10, "append changed the open list");
	mu_mailbox_close(mb);
	CHECK(count_entries(pathf("%s/new", root), "") == 6, "append: new/ has %zu",
	      count_entries(pathf("%s/new", root), ""));
	CHECK(count_entries(pathf("%s/tmp", root), "") == 0, "append left tmp/ files");

	/* append creates a missing Maildir, mode 0700 */
	const char *fresh = pathf("%s/fresh", dir);
	CHECK(mu_mailbox_open(&mb, pathf("maildir:%s", fresh), MU_OPEN_WRITE, 1,
			      &code, &err) == 0, "open fresh: %s", err);
	if (mb == NULL)
		return finish("test-maildir-commit");
	CHECK(mu_mailbox_append(mb, bulletin, strlen(bulletin), &err) == 0,
	      "append fresh: %s", err);
	mu_mailbox_close(mb);
	const char *subs[] = { "", "/cur", "/new", "/tmp" };
	for (size_t i = 0; i < 4; i++) {
		struct stat st;
		CHECK(stat(pathf("%s%s", fresh, subs[i]), &st) == 0 &&
		      S_ISDIR(st.st_mode) && (st.st_mode & 07777) == 0700,
		      "fresh%s: not a 0700 directory", subs[i]);
	}
	CHECK(mu_mailbox_open(&mb, pathf("maildir:%s", fresh), 0, 1, &code,
			      &err) == 0, "reopen fresh: %s", err);
	if (mb != NULL) {
		CHECK(mu_mailbox_count(mb) == 1, "fresh count %zu",
		      mu_mailbox_count(mb));
		if (mu_mailbox_count(mb) == 1)
			check_message(mb, 0, bulletin, strlen(bulletin),
				      "appended message");
		mu_mailbox_close(mb);
	}
	return finish("test-maildir-commit");
}
