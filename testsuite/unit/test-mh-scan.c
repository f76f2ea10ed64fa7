/* MH scan: numeric order, what is not a message, exact sizes and content
 * for awkward messages, content UIDLs (X-UIDL wins, duplicates get a
 * tie-breaker, renumbering keeps them), a missing folder, and files that
 * change under a session. */
#include "config.h"

#include "mailtest.h"
#include "scan.h"

/* In the order the mailbox must list them. */
static const struct fixture msgs[] = {
	{ "1", "Subject: one\n\nfirst\n", 0 },
	{ "2", "Subject: x\n\nno final newline", 0 },
	{ "9", "Subject: crlf\r\n\r\nline\r\n", 0 },
	{ "10", "Subject: nul\n\na\0b\n", 18 },
	{ "11", "Subject: \xe9t\xe9\n\n\xff caf\xc3\xa9\n", 0 },
	{ "12", "", 0 },
	{ "100", "X-UIDL: migrated-7\nSubject: m\n\nm\n", 0 },
	{ "101", "Subject: one\n\nfirst\n", 0 },	/* same as 1 */
	{ "102", "Subject: one\nStatus: RO\n\nfirst\n", 0 }, /* same, + Status */
};
#define NMSGS (sizeof msgs / sizeof msgs[0])

/* The scanner's UIDL of raw bytes, fed line by line. */
static void
content_uidl(const char *data, size_t len, char *out)
{
	struct mu_scan sc;
	struct mu_message_info info;
	size_t start = 0;

	mu_scan_begin(&sc);
	for (size_t i = 0; i < len; i++) {
		if (data[i] != '\n')
			continue;
		size_t end = i > start && data[i - 1] == '\r' ? i - 1 : i;
		mu_scan_chunk(&sc, data + start, end - start, true);
		start = i + 1;
	}
	if (start < len)
		mu_scan_chunk(&sc, data + start, len - start, true);
	mu_scan_end(&sc, &info);
	strcpy(out, info.uidl);
}

int
main(void)
{
	const char *dir = scratch_make("test-mh-scan");
	const char *folder = pathf("%s/inbox", dir);
	const char *url = pathf("mh:%s", folder);
	char want[NMSGS][MU_UIDL_MAX + 1];
	struct mu_mailbox *mb;
	enum mu_mailbox_error code;
	const char *err;

	make_dir(folder);
	put_fixtures(folder, msgs, NMSGS);
	/* not messages */
	put_str(pathf("%s/,3", folder), "Subject: removed\n\n");
	put_str(pathf("%s/007", folder), "Subject: zero-padded\n\n");
	put_str(pathf("%s/0", folder), "Subject: zero\n\n");
	put_str(pathf("%s/abc", folder), "Subject: abc\n\n");
	put_str(pathf("%s/5.bak", folder), "Subject: bak\n\n");
	put_str(pathf("%s/99999999999", folder), "Subject: too big\n\n");
	put_str(pathf("%s/.mh_sequences", folder), "unseen: 1-12\n");
	put_str(pathf("%s/.pop3d-tmp.4", folder), "Subject: tmp\n\n");
	make_dir(pathf("%s/13", folder));	/* a subfolder */
	if (symlink("/etc/passwd", pathf("%s/14", folder)) < 0)
		return 99;

	for (size_t i = 0; i < NMSGS; i++)
		content_uidl(msgs[i].data, fixture_len(&msgs[i]), want[i]);
	CHECK(strcmp(want[6], "migrated-7") == 0, "fixture X-UIDL %s", want[6]);
	CHECK(strcmp(want[0], want[7]) == 0 && strcmp(want[0], want[8]) == 0,
	      "fixture duplicates differ");
	snprintf(want[7], sizeof want[7], "%.32s-2", want[0]);
	snprintf(want[8], sizeof want[8], "%.32s-3", want[0]);

	CHECK(mu_mailbox_open(&mb, url, MU_OPEN_READONLY, 1, &code, &err) == 0,
	      "open: %s", err);
	if (mb == NULL)
		return finish("test-mh-scan");
	CHECK(mu_mailbox_count(mb) == NMSGS, "%zu messages, want %zu",
	      mu_mailbox_count(mb), NMSGS);
	for (size_t i = 0; i < NMSGS && i < mu_mailbox_count(mb); i++) {
		check_message(mb, i, msgs[i].data, fixture_len(&msgs[i]),
			      msgs[i].name);
		CHECK(strcmp(mu_mailbox_info(mb, i)->uidl, want[i]) == 0,
		      "message %s: UIDL %s, want %s", msgs[i].name,
		      mu_mailbox_info(mb, i)->uidl, want[i]);
	}
	CHECK(mu_mailbox_info(mb, 1)->lines == 3, "lines %llu",
	      (unsigned long long)mu_mailbox_info(mb, 1)->lines);
	CHECK(mu_mailbox_info(mb, 5)->size == 0, "empty message size");
	mu_mailbox_close(mb);

	/* MH tools renumber (folder -pack): the UIDLs follow the content */
	CHECK(rename(pathf("%s/9", folder), pathf("%s/3", folder)) == 0 &&
	      rename(pathf("%s/10", folder), pathf("%s/4", folder)) == 0,
	      "renumber");
	CHECK(mu_mailbox_open(&mb, url, MU_OPEN_READONLY, 1, &code, &err) == 0,
	      "reopen: %s", err);
	if (mb == NULL)
		return finish("test-mh-scan");
	CHECK(mu_mailbox_count(mb) == NMSGS, "count after renumbering %zu",
	      mu_mailbox_count(mb));
	for (size_t i = 0; i < NMSGS && i < mu_mailbox_count(mb); i++)
		CHECK(strcmp(mu_mailbox_info(mb, i)->uidl, want[i]) == 0,
		      "after renumbering, message %zu: UIDL %s, want %s", i + 1,
		      mu_mailbox_info(mb, i)->uidl, want[i]);

	/* files that change under a session */
	unlink(pathf("%s/2", folder));
	check_stream_fails(mb, 1, "gone");
	put_str(pathf("%s/1", folder), "Subject: changed\n\n");
	check_stream_fails(mb, 0, "changed");
	mu_mailbox_close(mb);

	/* a missing folder is empty, and is not created */
	check_missing_mailbox(pathf("mh:%s/none", dir), pathf("%s/none", dir));
	put_str(pathf("%s/file", dir), "x");
	CHECK(mu_mailbox_open(&mb, pathf("mh:%s/file", dir), 0, 1, &code, &err) < 0 &&
	      code == MU_MBERR_PERM, "a file opened as MH");
	return finish("test-mh-scan");
}
