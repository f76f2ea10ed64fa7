/* An added header (expire's stamp) in a Maildir or MH message whose last
 * line ends in a CR and has no LF.  That CR is the line's own (mailbox.h):
 * the line end written before the new field must be a CRLF, or the CR
 * becomes half of it and the message loses an octet -- its size and
 * UIDL change under the client.  (The same fault was in the mbox driver,
 * found by testsuite/fuzz/fuzz-mbox; see test-mbox-unterminated-last-line.) */
#include "config.h"

#include "mailtest.h"

#define HDR "X-Expire-Timestamp: 1"

/* Open url, stamp message 0 (whose file is path), commit; the file must
 * then hold want, and a fresh open the in-session size and the UIDL. */
static void
check(const char *what, const char *url, const char *path, const char *want)
{
	struct mu_mailbox *mb;
	enum mu_mailbox_error code;
	const char *err = "";
	char uidl[MU_UIDL_MAX + 1];
	uint64_t size;

	CHECK(mu_mailbox_open(&mb, url, MU_OPEN_WRITE | MU_OPEN_SESSION_LOCK, 1,
			      &code, &err) == 0, "%s: open: %s", what, err);
	if (mb == NULL || mu_mailbox_count(mb) != 1) {
		CHECK(false, "%s: not one message", what);
		return;
	}
	snprintf(uidl, sizeof uidl, "%s", mu_mailbox_info(mb, 0)->uidl);
	CHECK(mu_mailbox_add_header(mb, 0, HDR) == 0, "%s: add_header", what);
	CHECK(mu_mailbox_commit(mb, &err) == 0, "%s: commit: %s", what, err);
	size = mu_mailbox_info(mb, 0)->size;
	mu_mailbox_close(mb);
	check_file(path, want, what);

	CHECK(mu_mailbox_open(&mb, url, MU_OPEN_READONLY, 1, &code, &err) == 0,
	      "%s: reopen: %s", what, err);
	if (mb == NULL)
		return;
	CHECK(mu_mailbox_count(mb) == 1 && mu_mailbox_info(mb, 0)->size == size,
	      "%s: size %llu after reopening, %llu in the session", what,
	      (unsigned long long)mu_mailbox_info(mb, 0)->size,
	      (unsigned long long)size);
	CHECK(strcmp(mu_mailbox_info(mb, 0)->uidl, uidl) == 0,
	      "%s: UIDL changed", what);
	mu_mailbox_close(mb);
}

int
main(void)
{
	const char *dir = scratch_make("test-msgfile-header-after-cr");
	const char *md = pathf("%s/Maildir", dir), *mh = pathf("%s/mh", dir);

	make_dir(md);
	make_dir(pathf("%s/cur", md));
	make_dir(pathf("%s/new", md));
	make_dir(pathf("%s/tmp", md));
	put_str(pathf("%s/new/1000.cr.host", md), "Subject: x\r");
	check("Maildir", pathf("maildir:%s", md),
	      pathf("%s/new/1000.cr.host", md), "Subject: x\r\r\n" HDR "\n");

	make_dir(mh);
	put_str(pathf("%s/1", mh), "Subject: y\nX-Last: z\r");
	check("MH", pathf("mh:%s", mh), pathf("%s/1", mh),
	      "Subject: y\nX-Last: z\r\r\n" HDR "\n");
	return finish("test-msgfile-header-after-cr");
}
