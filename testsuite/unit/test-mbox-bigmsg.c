/* A 100 MB message costs bounded memory: scanning it, streaming it and
 * committing a deletion in front of it (which moves all of it through
 * the journal) each grow the process by far less than the message.  The
 * size is exact, the streamed bytes are exact (by MD5), and long lines,
 * unquoted "From " lines and mboxrd quoting all occur inside it. */
#include "config.h"

#include <sys/resource.h>

#include "mbox-testlib.h"

#define TARGET_SIZE (100u * 1024 * 1024)
#define RSS_LIMIT_KB (16 * 1024)

static long
maxrss_kb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/* Writes the body through a small buffer and keeps the MD5 and size of
 * what RETR would send for it. */
struct gen {
	int fd;
	struct mu_buf out;
	struct mu_md5 *md5;
	uint64_t size;
};

static void
gen_flush(struct gen *g)
{
	if (mu_write_all(g->fd, g->out.data, g->out.len) < 0)
		exit(99);
	g->out.len = 0;
}

/* One line: raw is what the file holds, shown what a reader gets. */
static void
gen_line(struct gen *g, const char *raw, size_t rlen, const char *shown,
	 size_t slen)
{
	mu_buf_append(&g->out, raw, rlen);
	mu_buf_append(&g->out, "\n", 1);
	mu_md5_update(g->md5, shown, slen);
	mu_md5_update(g->md5, "\r\n", 2);
	g->size += slen + 2;
	if (g->out.len >= 1 << 20)
		gen_flush(g);
}

int
main(void)
{
	static const char small0[] = "From a@example.org Mon Jan  1 00:00:00 2024\n"
		"Subject: small zero\n\nsmall\n\n";
	static const char big_from[] = "From big@example.org Mon Jan  1 00:00:01 2024\n";
	static const char small2[] = "From c@example.org Mon Jan  1 00:00:02 2024\n"
		"Subject: small two\n\nsmall too\n\n";
	char want_md5[MU_MD5_HEX_LEN + 1], got_md5[MU_MD5_HEX_LEN + 1];
	char uidl[MU_UIDL_MAX + 1];
	struct gen g;
	struct mu_mailbox *mb;
	struct mu_msgstream st;
	const char *err, *d;
	char *path, *longline;
	size_t l;
	bool eol;
	long base, peak;
	uint64_t streamed = 0;
	int rc;

	scratch_init("test-mbox-bigmsg");
	path = scratch_path("inbox");
	g.fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (g.fd < 0)
		exit(99);
	mu_buf_init(&g.out);
	g.md5 = mu_md5_new();
	g.size = 0;
	mu_buf_append(&g.out, small0, sizeof small0 - 1);
	mu_buf_append(&g.out, big_from, sizeof big_from - 1);
	gen_line(&g, "Subject: a big one", 18, "Subject: a big one", 18);
	gen_line(&g, "", 0, "", 0);
	longline = mu_xmalloc(300000);
	memset(longline, 'L', 300000);
	for (unsigned long k = 0; g.size < TARGET_SIZE; k++) {
		char line[128];
		int n = snprintf(line, sizeof line, "%08lu the quick brown fox jumps "
				 "over the lazy dog; a line of a very big message", k);
		if (k % 10007 == 0) {
			/* a line longer than the 64 KiB stream buffer */
			gen_line(&g, longline, 300000, longline, 300000);
		} else if (k % 1009 == 0) {
			gen_line(&g, ">From quoted 10:00 2024", 23,
				 "From quoted 10:00 2024", 22);
		} else if (k % 2003 == 0) {
			/* not after a blank line: body, not a separator */
			gen_line(&g, "From unquoted Mon Jan  1 10:00:00 2024", 38,
				 "From unquoted Mon Jan  1 10:00:00 2024", 38);
		} else {
			gen_line(&g, line, (size_t)n, line, (size_t)n);
		}
	}
	gen_flush(&g);
	if (mu_write_all(g.fd, "\n", 1) < 0 ||
	    mu_write_all(g.fd, small2, sizeof small2 - 1) < 0 || close(g.fd) < 0)
		exit(99);
	mu_md5_final_hex(g.md5, want_md5);
	mu_buf_free(&g.out);
	free(longline);

	base = maxrss_kb();
	mb = open_mbox(path, MU_OPEN_WRITE | MU_OPEN_SESSION_LOCK, 10);
	CHECK(mb != NULL, "open");
	if (mb == NULL)
		return 1;
	CHECK(mu_mailbox_count(mb) == 3, "count %zu", mu_mailbox_count(mb));
	CHECK(mu_mailbox_info(mb, 1)->size == g.size, "size %llu, want %llu",
	      (unsigned long long)mu_mailbox_info(mb, 1)->size,
	      (unsigned long long)g.size);
	snprintf(uidl, sizeof uidl, "%s", mu_mailbox_info(mb, 1)->uidl);

	/* stream it through */
	g.md5 = mu_md5_new();
	CHECK(mu_msgstream_open(mb, 1, &st, &err) == 0, "stream_open");
	while ((rc = mu_msgstream_next(&st, &d, &l, &eol)) == 1) {
		mu_md5_update(g.md5, d, l);
		streamed += l;
		if (eol) {
			mu_md5_update(g.md5, "\r\n", 2);
			streamed += 2;
		}
	}
	mu_msgstream_close(&st);
	mu_md5_final_hex(g.md5, got_md5);
	CHECK(rc == 0, "stream error");
	CHECK(streamed == g.size, "streamed %llu bytes, want %llu",
	      (unsigned long long)streamed, (unsigned long long)g.size);
	CHECK(strcmp(got_md5, want_md5) == 0, "streamed bytes differ");

	/* the deletion in front moves all 100 MB through the journal */
	mu_mailbox_set_deleted(mb, 0, true);
	CHECK(mu_mailbox_commit(mb, &err) == 0, "commit: %s", err);
	mu_mailbox_close(mb);

	peak = maxrss_kb();
	printf("max RSS before %ld KiB, after %ld KiB (message %llu bytes)\n",
	       base, peak, (unsigned long long)g.size);
	CHECK(peak - base < RSS_LIMIT_KB, "memory grew by %ld KiB", peak - base);

	mb = open_mbox(path, MU_OPEN_READONLY, 10);
	CHECK(mb != NULL, "reopen");
	if (mb != NULL) {
		CHECK(mu_mailbox_count(mb) == 2, "count after commit %zu",
		      mu_mailbox_count(mb));
		CHECK(mu_mailbox_info(mb, 0)->size == g.size &&
		      strcmp(mu_mailbox_info(mb, 0)->uidl, uidl) == 0,
		      "the big message changed in the commit");
		mu_mailbox_close(mb);
	}

	unlink(path);
	free(path);
	scratch_cleanup();
	return check_verdict();
}
