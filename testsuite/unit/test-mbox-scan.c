/* A well-formed mbox: the count, each message's exact CRLF size, its
 * bytes through the stream (>From unquoted, separators left out), and
 * UIDLs that are unique, honour X-UIDL, and stay the same across opens
 * and when new mail is delivered behind the last message. */
#include "config.h"

#include "mbox-testlib.h"

static const char mailbox[] =
	"From alice@example.org Thu Nov 14 09:05:01 2024\n"
	"From: Alice <alice@example.org>\n"
	"Subject: one\n"
	"X-UIDL: legacy-uidl-1\n"
	"\n"
	"Hello.\n"
	">From the start, quoted.\n"
	">>From twice quoted.\n"
	"\n"
	"From bob@example.org Thu Nov 14 10:00:00 2024\n"
	"From: Bob\n"
	"Subject: two\n"
	"Status: RO\n"
	"\n"
	"Body two, with a blank line at its end:\n"
	"\n"
	"\n"
	"From carol@example.org Fri Nov 15 11:11:11 2024\n"
	"Subject: three\n"
	"\n"
	".leading dot line\n"
	"last line\n"
	"\n"
	"From dave@example.org Sat Nov 16 08:00:00 2024\n"
	"Subject: same\n"
	"\n"
	"identical body\n"
	"\n"
	"From dave@example.org Sat Nov 16 08:00:01 2024\n"
	"Subject: same\n"
	"\n"
	"identical body\n"
	"\n"
	"From dave@example.org Sat Nov 16 08:00:01 2024\n"
	"Subject: same\n"
	"\n"
	"identical body\n"
	"\n";

static const char *const want[] = {
	"From: Alice <alice@example.org>\nSubject: one\nX-UIDL: legacy-uidl-1\n"
	"\nHello.\nFrom the start, quoted.\n>From twice quoted.\n",
	"From: Bob\nSubject: two\nStatus: RO\n\n"
	"Body two, with a blank line at its end:\n\n",
	"Subject: three\n\n.leading dot line\nlast line\n",
	"Subject: same\n\nidentical body\n",
	"Subject: same\n\nidentical body\n",
	"Subject: same\n\nidentical body\n",
};
#define NWANT (sizeof want / sizeof want[0])

static void
snapshot_uidls(struct mu_mailbox *mb, char uidls[][MU_UIDL_MAX + 1], size_t n)
{
	for (size_t i = 0; i < n && i < mu_mailbox_count(mb); i++)
		snprintf(uidls[i], MU_UIDL_MAX + 1, "%s", mu_mailbox_info(mb, i)->uidl);
}

int
main(void)
{
	char first[NWANT][MU_UIDL_MAX + 1], again[NWANT][MU_UIDL_MAX + 1];
	struct mu_mailbox *mb;
	char *path;

	scratch_init("test-mbox-scan");
	path = scratch_path("inbox");
	write_file(path, mailbox, sizeof mailbox - 1);

	mb = open_mbox(path, MU_OPEN_READONLY, 5);
	CHECK(mb != NULL, "open");
	if (mb == NULL)
		return 1;
	CHECK(mu_mailbox_count(mb) == NWANT, "count %zu, want %zu",
	      mu_mailbox_count(mb), NWANT);
	for (size_t i = 0; i < NWANT && i < mu_mailbox_count(mb); i++)
		CHECK(message_is(mb, i, want[i], strlen(want[i])),
		      "message %zu content/size", i);
	CHECK(mu_mailbox_info(mb, 0)->lines == 7, "lines of message 0: %llu",
	      (unsigned long long)mu_mailbox_info(mb, 0)->lines);
	snapshot_uidls(mb, first, NWANT);
	mu_mailbox_close(mb);

	CHECK(strcmp(first[0], "legacy-uidl-1") == 0, "X-UIDL honoured: %s", first[0]);
	for (size_t i = 0; i < NWANT; i++)
		for (size_t j = i + 1; j < NWANT; j++)
			CHECK(strcmp(first[i], first[j]) != 0, "UIDLs %zu and %zu "
			      "both %s", i, j, first[i]);
	/* same body, different From_ line: the salt tells them apart;
	 * identical From_ line too: the tie-breaker suffix */
	CHECK(strncmp(first[3], first[4], 32) != 0, "From_ line salts the UIDL");
	CHECK(strncmp(first[4], first[5], 32) == 0 &&
	      strcmp(first[5] + 32, "-2") == 0, "duplicate gets -2: %s / %s",
	      first[4], first[5]);

	/* a second open sees the same UIDLs */
	mb = open_mbox(path, MU_OPEN_READONLY, 5);
	CHECK(mb != NULL, "reopen");
	if (mb != NULL) {
		snapshot_uidls(mb, again, NWANT);
		for (size_t i = 0; i < NWANT; i++)
			CHECK(strcmp(first[i], again[i]) == 0, "UIDL %zu changed", i);
		mu_mailbox_close(mb);
	}

	/* new mail behind the last message changes nothing before it: the
	 * blank line that ended the file was a separator, not content */
	{
		const char *m = "From erin@example.org Sun Nov 17 07:00:00 2024\n"
				"Subject: new\n\nnew mail\n\n";
		append_file(path, m, strlen(m));
	}
	mb = open_mbox(path, MU_OPEN_READONLY, 5);
	CHECK(mb != NULL, "open after delivery");
	if (mb != NULL) {
		CHECK(mu_mailbox_count(mb) == NWANT + 1, "count after delivery %zu",
		      mu_mailbox_count(mb));
		snapshot_uidls(mb, again, NWANT);
		for (size_t i = 0; i < NWANT; i++) {
			CHECK(strcmp(first[i], again[i]) == 0,
			      "UIDL %zu changed by a delivery", i);
			CHECK(message_is(mb, i, want[i], strlen(want[i])),
			      "message %zu after delivery", i);
		}
		CHECK(message_is(mb, NWANT, "Subject: new\n\nnew mail\n", 23),
		      "the delivered message");
		mu_mailbox_close(mb);
	}

	free(path);
	scratch_cleanup();
	return check_verdict();
}
