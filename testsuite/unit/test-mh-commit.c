/* MH commit: deleted messages become rmm-style ",N" backups (an older
 * ",N" is kept: the new backup is ",N.2"), .mh_sequences loses them (and
 * "unseen" the retrieved ones) while every other byte stays -- rewritten
 * in place, so a shorter file is padded with blanks in the line that
 * changed -- added headers keep the number and the UIDL, the other UIDLs
 * do not move, and mail delivered during the session survives.  Then
 * append's numbering. */
#include "config.h"

#include "mailtest.h"

#define HDR "X-Expire-Timestamp: 1700000000"

static const char *const content[] = {
	NULL,
	/* 1 */ "Subject: one\n\nretrieved\n",
	/* 2 */ "Subject: two\n\ndeleted\n",
	/* 3 */ "Subject: three\nFrom: a@b\n\nheader added\n",
	/* 4 */ "Subject: four\n\ndeleted too\n",
	/* 5 */ "Subject: five\r\n\r\nretrieved, CRLF, header added\r\n",
	/* 6 */ "Subject: six\n\nuntouched\n",
};

static const char sequences_before[] =
	"cur:  3\n"
	"unseen: 1-6\n"
	"Sent-to: 2 4\n"
	"flagged: 1 3-5\n"
	"  6\n"
	"weird: x y 2\n"
	"no colon line\n"
	"urgent: 10 11-12\n";

static const char sequences_after[] =
	"cur:  3\n"
	"unseen: 3 6\n"
	"flagged: 1 3 5-6\n"
	"weird: x y 2\n"
	"no colon line\n"
	"urgent: 10 11-12\n";

/* text with blanks before the line end of its line starting with
 * prefix, so that it is len bytes long: how an in-place rewrite that
 * shortens .mh_sequences leaves it (doc/mh.md) */
static const char *
padded(const char *text, const char *prefix, size_t len)
{
	const char *at = strstr(text, prefix);
	size_t cut, blanks = len - strlen(text);

	if (at == NULL || len < strlen(text))
		return text;
	cut = (size_t)(strchr(at, '\n') - text);
	return pathf("%.*s%*s%s", (int)cut, text, (int)blanks, "", text + cut);
}

int
main(void)
{
	const char *dir = scratch_make("test-mh-commit");
	const char *folder = pathf("%s/inbox", dir);
	const char *url = pathf("mh:%s", folder);
	const char *late = "Subject: late\n\ndelivered during the session\n";
	const char *with_hdr3 = "Subject: three\nFrom: a@b\n" HDR "\n\nheader added\n";
	const char *with_hdr5 = "Subject: five\r\n" HDR "\r\n\r\nretrieved, CRLF, "
		"header added\r\n";
	char uidl[7][MU_UIDL_MAX + 1];
	struct mu_mailbox *mb;
	enum mu_mailbox_error code;
	const char *err;
	struct stat st;

	make_dir(folder);
	for (int i = 1; i <= 6; i++)
		put_str(pathf("%s/%d", folder, i), content[i]);
	put_str(pathf("%s/,2", folder), "Subject: an older removed two\n\n");
	put_str(pathf("%s/.mh_sequences", folder), sequences_before);
	chmod(pathf("%s/.mh_sequences", folder), 0640);

	CHECK(mu_mailbox_open(&mb, url, MU_OPEN_WRITE | MU_OPEN_SESSION_LOCK, 1,
			      &code, &err) == 0, "open: %s", err);
	if (mb == NULL)
		return finish("test-mh-commit");
	CHECK(mu_mailbox_count(mb) == 6, "count %zu", mu_mailbox_count(mb));
	if (mu_mailbox_count(mb) != 6)
		return finish("test-mh-commit");
	for (int i = 1; i <= 6; i++)
		snprintf(uidl[i], sizeof uidl[i], "%s", mu_mailbox_info(mb, i - 1)->uidl);

	mu_mailbox_set_seen(mb, 0);
	mu_mailbox_set_deleted(mb, 1, true);
	CHECK(mu_mailbox_add_header(mb, 2, HDR) == 0, "add_header 3");
	mu_mailbox_set_deleted(mb, 3, true);
	CHECK(mu_mailbox_add_header(mb, 3, HDR) == 0, "add_header 4");
	mu_mailbox_set_seen(mb, 4);
	CHECK(mu_mailbox_add_header(mb, 4, HDR) == 0, "add_header 5");

	/* a leftover of a crashed commit, and a delivery meanwhile */
	put_str(pathf("%s/.pop3d-tmp.3", folder), "half a copy");
	put_str(pathf("%s/7", folder), late);

	CHECK(mu_mailbox_commit(mb, &err) == 0, "commit: %s", err);
	check_message(mb, 2, with_hdr3, strlen(with_hdr3), "3 in session");
	check_message(mb, 4, with_hdr5, strlen(with_hdr5), "5 in session");
	mu_mailbox_close(mb);

	check_file(pathf("%s/1", folder), content[1], "retrieved");
	check_file(pathf("%s/,2", folder), "Subject: an older removed two\n\n",
		   "older backup of 2, kept");
	check_file(pathf("%s/,2.2", folder), content[2], "rmm backup of 2");
	check_file(pathf("%s/3", folder), with_hdr3, "header added");
	check_file(pathf("%s/,4", folder), content[4], "rmm backup of 4");
	check_file(pathf("%s/5", folder), with_hdr5, "header added, CRLF");
	check_file(pathf("%s/6", folder), content[6], "untouched");
	check_file(pathf("%s/7", folder), late, "late delivery");
	CHECK(!exists(pathf("%s/2", folder)) && !exists(pathf("%s/4", folder)),
	      "deleted messages still there");
	/* the last line rewritten takes the blanks */
	const char *seq1 = padded(sequences_after, "flagged:",
				  strlen(sequences_before));
	check_file(pathf("%s/.mh_sequences", folder), seq1, "sequences");
	CHECK(stat(pathf("%s/.mh_sequences", folder), &st) == 0 &&
	      (st.st_mode & 07777) == 0640, "sequences mode %o",
	      (unsigned)(st.st_mode & 07777));
	CHECK(count_entries(folder, ".pop3d-tmp") == 0, "temporary files left");

	/* next session: the same UIDLs; the late message is listed */
	CHECK(mu_mailbox_open(&mb, url, MU_OPEN_WRITE | MU_OPEN_SESSION_LOCK, 1,
			      &code, &err) == 0, "reopen: %s", err);
	if (mb == NULL)
		return finish("test-mh-commit");
	CHECK(mu_mailbox_count(mb) == 5, "reopen count %zu", mu_mailbox_count(mb));
	if (mu_mailbox_count(mb) == 5) {
		static const int kept[] = { 1, 3, 5, 6 };
		for (size_t j = 0; j < 4; j++)
			CHECK(strcmp(mu_mailbox_info(mb, j)->uidl, uidl[kept[j]]) == 0,
			      "message %d: UIDL %s became %s", kept[j], uidl[kept[j]],
			      mu_mailbox_info(mb, j)->uidl);
		check_message(mb, 1, with_hdr3, strlen(with_hdr3), "3 reopened");
		check_message(mb, 4, late, strlen(late), "late reopened");
	}
	/* a commit with only retrievals touches "unseen" alone */
	mu_mailbox_set_seen(mb, 3);	/* message 6 */
	CHECK(mu_mailbox_commit(mb, &err) == 0, "commit 2: %s", err);
	const char *flagged = strstr(seq1, "flagged:");
	check_file(pathf("%s/.mh_sequences", folder),
		   padded(pathf("cur:  3\nunseen: 3\n%s", flagged), "unseen:",
			  strlen(seq1)), "sequences after commit 2");

	/* append: max+1, whatever holes; not listed until reopened */
	put_str(pathf("%s/20", folder), "Subject: twenty\n\n");
	const char *bulletin = "Subject: bulletin\n\nhello\n";
	CHECK(mu_mailbox_append(mb, bulletin, strlen(bulletin), &err) == 0,
	      "append: %s", err);
	CHECK(mu_mailbox_count(mb) == 5, "append changed the open list");
	mu_mailbox_close(mb);
	check_file(pathf("%s/21", folder), bulletin, "appended as 21");
	CHECK(count_entries(folder, ".pop3d-tmp") == 0, "append left temporaries");

	/* a folder without .mh_sequences gets none */
	const char *plain = pathf("%s/plain", dir);
	make_dir(plain);
	put_str(pathf("%s/1", plain), content[1]);
	put_str(pathf("%s/2", plain), content[2]);
	CHECK(mu_mailbox_open(&mb, pathf("mh:%s", plain), MU_OPEN_WRITE, 1, &code,
			      &err) == 0, "open plain: %s", err);
	if (mb != NULL) {
		mu_mailbox_set_seen(mb, 0);
		mu_mailbox_set_deleted(mb, 1, true);
		CHECK(mu_mailbox_commit(mb, &err) == 0, "commit plain: %s", err);
		mu_mailbox_close(mb);
	}
	CHECK(!exists(pathf("%s/.mh_sequences", plain)), "sequences created");
	CHECK(exists(pathf("%s/,2", plain)) && !exists(pathf("%s/2", plain)),
	      "plain: 2 not backed up");

	/* append creates a missing folder, mode 0700 */
	const char *fresh = pathf("%s/fresh", dir);
	CHECK(mu_mailbox_open(&mb, pathf("mh:%s", fresh), MU_OPEN_WRITE, 1, &code,
			      &err) == 0, "open fresh: %s", err);
	if (mb != NULL) {
		CHECK(mu_mailbox_append(mb, bulletin, strlen(bulletin), &err) == 0,
		      "append fresh: %s", err);
		mu_mailbox_close(mb);
	}
	CHECK(stat(fresh, &st) == 0 && (st.st_mode & 07777) == 0700,
	      "fresh folder mode");
	check_file(pathf("%s/1", fresh), bulletin, "fresh message 1");
	return finish("test-mh-commit");
}
