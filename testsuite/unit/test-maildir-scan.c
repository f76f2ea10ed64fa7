/* Maildir scan: message order, exact sizes and content for awkward
 * messages, UIDLs from file names, Dovecot's W= size, what is not a
 * message, a missing Maildir, and files that change under a session. */
#include "config.h"

#include "mailtest.h"
#include "scan.h"

#define LONG_UNIQUE "1700000300.M1P1.a-very-long-host-name-for-a-maildir-" \
	"unique-part.example.org"

/* In the order the mailbox must list them. */
static const struct fixture msgs[] = {
	{ "cur/1700000000.M1P1.host:2,S", "Subject: first\n\nby time\n", 0 },
	/* same second: ordered by the unique part */
	{ "new/1700000100.A.host", "Subject: a\n\nsame second, A\n", 0 },
	{ "cur/1700000100.B.host:2,", "Subject: b\n\nsame second, B\n", 0 },
	{ "new/1700000200.nofinal.host", "Subject: x\n\nno final newline", 0 },
	{ "new/1700000201.crlf.host", "Subject: crlf\r\n\r\nline\r\nline2\r\n", 0 },
	{ "new/1700000202.nul.host", "Subject: nul\n\na\0b\n\0\n", 20 },
	{ "new/1700000203.8bit.host", "Subject: \xe9t\xe9\n\n\xff\xfe caf\xc3\xa9\n", 0 },
	{ "new/1700000204.empty.host", "", 0 },
	{ "new/1700000205.xuidl.host", "X-UIDL: from-header\nSubject: x\n\nb\n", 0 },
	{ "new/1700000206.mixed.host", "A: 1\r\nB: 2\n\nbare\rCR\r\r\n.dot\n", 0 },
	{ "new/" LONG_UNIQUE, "Subject: long\n\nlong name\n", 0 },
	{ "new/1700000400.sp ace.host", "Subject: space\n\nspace\n", 0 },
};
#define NMSGS (sizeof msgs / sizeof msgs[0])

int
main(void)
{
	const char *dir = scratch_make("test-maildir-scan");
	const char *root = pathf("%s/Maildir", dir);
	const char *url = pathf("maildir:%s", root);
	struct mu_mailbox *mb;
	enum mu_mailbox_error code;
	const char *err;
	char hex[MU_MD5_HEX_LEN + 1];

	make_dir(root);
	make_dir(pathf("%s/cur", root));
	make_dir(pathf("%s/new", root));
	make_dir(pathf("%s/tmp", root));
	put_fixtures(root, msgs, NMSGS);
	/* not messages */
	put_str(pathf("%s/new/.hidden", root), "Subject: no\n\n");
	put_str(pathf("%s/tmp/1700000000.tmp.host", root), "Subject: no\n\n");
	put_str(pathf("%s/1700000000.root.host", root), "Subject: no\n\n");
	make_dir(pathf("%s/cur/1700000000.dir.host", root));
	if (symlink("/etc/passwd", pathf("%s/new/1600000000.link.host", root)) < 0)
		return 99;

	CHECK(mu_mailbox_open(&mb, url, MU_OPEN_READONLY, 1, &code, &err) == 0,
	      "open: %s", err);
	if (mb == NULL)
		return finish("test-maildir-scan");
	CHECK(mu_mailbox_count(mb) == NMSGS, "%zu messages, want %zu",
	      mu_mailbox_count(mb), NMSGS);
	for (size_t i = 0; i < NMSGS && i < mu_mailbox_count(mb); i++) {
		const struct mu_message_info *info = mu_mailbox_info(mb, i);
		const char *base = strchr(msgs[i].name, '/') + 1;
		size_t ulen = strcspn(base, ":");
		char want_uidl[MU_UIDL_MAX + 1];

		check_message(mb, i, msgs[i].data,
			      msgs[i].len ? msgs[i].len : strlen(msgs[i].data),
			      msgs[i].name);
		if (strstr(msgs[i].data, "X-UIDL: from-header") != NULL) {
			/* a valid X-UIDL header wins, as in mbox and MH */
			snprintf(want_uidl, sizeof want_uidl, "from-header");
		} else if (ulen <= MU_UIDL_MAX && strchr(base, ' ') == NULL) {
			snprintf(want_uidl, sizeof want_uidl, "%.*s", (int)ulen, base);
		} else {
			mu_md5_hex(base, ulen, hex);
			snprintf(want_uidl, sizeof want_uidl, "%s", hex);
		}
		CHECK(strcmp(info->uidl, want_uidl) == 0, "%s: UIDL %s, want %s",
		      msgs[i].name, info->uidl, want_uidl);
		CHECK(!info->deleted && !info->seen, "%s: marks set", msgs[i].name);
	}
	/* line counts come from the scanner when the file is read */
	CHECK(mu_mailbox_info(mb, 4)->lines == 4, "CRLF lines %llu",
	      (unsigned long long)mu_mailbox_info(mb, 4)->lines);
	CHECK(mu_mailbox_info(mb, 3)->lines == 3, "no-final-newline lines %llu",
	      (unsigned long long)mu_mailbox_info(mb, 3)->lines);
	CHECK(mu_mailbox_info(mb, 7)->size == 0 && mu_mailbox_info(mb, 7)->lines == 0,
	      "empty message");
	mu_mailbox_close(mb);

	/* Dovecot's W=: trusted when S= matches the file size, the file
	 * ends in LF and W= is a size CRLF line ends could give (S to 2 S),
	 * so the file is not read (a deliberately wrong but plausible W=
	 * shows which was used); see test-maildir-dovecot-sizes for W=
	 * values that are not used */
	const char *body = "Subject: w\n\nw\n";
	char *w_ok = pathf("%s/new/1800000000.w1.host,S=%zu,W=%zu", root,
			   strlen(body), strlen(body) + 1);
	char *w_bad_s = pathf("%s/new/1800000001.w2.host,S=1,W=999", root);
	char *w_only = pathf("%s/new/1800000002.w3.host,W=999:2,", root);
	put_str(w_ok, body);
	put_str(w_bad_s, body);
	put_str(w_only, body);
	CHECK(mu_mailbox_open(&mb, url, MU_OPEN_READONLY, 1, &code, &err) == 0,
	      "reopen: %s", err);
	if (mb == NULL)
		return finish("test-maildir-scan");
	CHECK(mu_mailbox_count(mb) == NMSGS + 3, "%zu messages with W= ones",
	      mu_mailbox_count(mb));
	const struct mu_message_info *w1 = mu_mailbox_info(mb, NMSGS);
	const struct mu_message_info *w2 = mu_mailbox_info(mb, NMSGS + 1);
	const struct mu_message_info *w3 = mu_mailbox_info(mb, NMSGS + 2);
	size_t crlf_len = strlen(body) + 3;
	CHECK(w1->size == strlen(body) + 1 && w1->lines == 0,
	      "W= with matching S= not used: "
	      "size %llu", (unsigned long long)w1->size);
	CHECK(strcmp(w1->uidl, strchr(w_ok, '/') ? strrchr(w_ok, '/') + 1 : "") == 0,
	      "W= UIDL %s", w1->uidl);
	CHECK(w2->size == crlf_len, "W= with wrong S= used: size %llu",
	      (unsigned long long)w2->size);
	CHECK(w3->size == crlf_len, "W= without S= used: size %llu",
	      (unsigned long long)w3->size);
	CHECK(strcmp(w3->uidl, "1800000002.w3.host,W=999") == 0, "W= UIDL %s",
	      w3->uidl);
	mu_mailbox_close(mb);
	unlink(w_ok);
	unlink(w_bad_s);
	unlink(w_only);

	/* the same unique part twice (a copy in new/ and cur/): distinct UIDLs */
	put_str(pathf("%s/cur/1700000206.mixed.host:2,S", root), "Subject: dup\n\n");
	CHECK(mu_mailbox_open(&mb, url, MU_OPEN_READONLY, 1, &code, &err) == 0,
	      "reopen: %s", err);
	if (mb != NULL) {
		CHECK(mu_mailbox_count(mb) == NMSGS + 1, "dup count %zu",
		      mu_mailbox_count(mb));
		CHECK(strcmp(mu_mailbox_info(mb, 9)->uidl, "1700000206.mixed.host") == 0 &&
		      strcmp(mu_mailbox_info(mb, 10)->uidl, "1700000206.mixed.host-2") == 0,
		      "dup UIDLs %s %s", mu_mailbox_info(mb, 9)->uidl,
		      mu_mailbox_info(mb, 10)->uidl);
		mu_mailbox_close(mb);
	}
	unlink(pathf("%s/cur/1700000206.mixed.host:2,S", root));

	/* files that change under a session */
	CHECK(mu_mailbox_open(&mb, url, MU_OPEN_READONLY, 1, &code, &err) == 0,
	      "reopen: %s", err);
	if (mb != NULL) {
		/* another MUA marks message 2 read: still found */
		CHECK(rename(pathf("%s/new/1700000100.A.host", root),
			     pathf("%s/cur/1700000100.A.host:2,RS", root)) == 0,
		      "rename");
		check_message(mb, 1, msgs[1].data, strlen(msgs[1].data),
			      "message moved by another MUA");
		/* another MUA deletes message 4: a clear temporary error */
		unlink(pathf("%s/%s", root, msgs[3].name));
		check_stream_fails(mb, 3, "gone");
		/* a file rewritten with another size must not be sent */
		put_str(pathf("%s/%s", root, msgs[0].name), "Subject: changed!\n\n");
		check_stream_fails(mb, 0, "changed");
		mu_mailbox_close(mb);
	}

	/* a missing Maildir is empty, and is not created */
	check_missing_mailbox(pathf("maildir:%s/none", dir),
			      pathf("%s/none", dir));
	/* a file where the Maildir should be */
	put_str(pathf("%s/file", dir), "x");
	CHECK(mu_mailbox_open(&mb, pathf("maildir:%s/file", dir), 0, 1, &code,
			      &err) < 0 && code == MU_MBERR_PERM,
	      "a file opened as Maildir");
	/* a Maildir with only new/ */
	make_dir(pathf("%s/partial", dir));
	make_dir(pathf("%s/partial/new", dir));
	put_str(pathf("%s/partial/new/1.x.h", dir), "S: 1\n\nx\n");
	CHECK(mu_mailbox_open(&mb, pathf("maildir:%s/partial", dir), 0, 1, &code,
			      &err) == 0, "partial: %s", err);
	if (mb != NULL) {
		CHECK(mu_mailbox_count(mb) == 1, "partial count %zu",
		      mu_mailbox_count(mb));
		mu_mailbox_close(mb);
	}
	return finish("test-maildir-scan");
}
