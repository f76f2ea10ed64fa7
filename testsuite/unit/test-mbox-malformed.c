/* Mailboxes as they are found in the wild: no final newline, "From "
 * inside bodies (quoted and not), empty messages, CRLF files, 8-bit and
 * NUL bytes, leading blank lines, leading garbage, a 0-byte file, a
 * missing file.  Each case: the messages read back byte-exact with the
 * right sizes, or the open fails the documented way and changes nothing. */
#include "config.h"

#include "mbox-testlib.h"

struct expect {
	const char *text;
	size_t len;             /* 0: strlen(text) */
};

/* Open content as an mbox, check every message against want[]. */
static void
check_case(const char *name, const char *content, size_t clen,
	   const struct expect *want, size_t nwant)
{
	char *path = scratch_path(name);
	struct mu_mailbox *mb;

	write_file(path, content, clen);
	mb = open_mbox(path, MU_OPEN_WRITE, 5);
	CHECK(mb != NULL, "%s: open", name);
	if (mb == NULL) {
		free(path);
		return;
	}
	CHECK(mu_mailbox_count(mb) == nwant, "%s: count %zu, want %zu", name,
	      mu_mailbox_count(mb), nwant);
	for (size_t i = 0; i < nwant && i < mu_mailbox_count(mb); i++) {
		size_t len = want[i].len ? want[i].len : strlen(want[i].text);
		CHECK(message_is(mb, i, want[i].text, len), "%s: message %zu",
		      name, i);
	}
	mu_mailbox_close(mb);
	free(path);
}

#define CASE(name, content, ...) do { \
	static const struct expect w_[] = { __VA_ARGS__ }; \
	check_case(name, content, sizeof content - 1, w_, \
		   sizeof w_ / sizeof w_[0]); } while (0)

static void
check_refused(const char *name, const char *content, size_t clen)
{
	char *path = scratch_path(name);
	struct mu_mailbox *mb;
	enum mu_mailbox_error code;
	const char *err;
	char *url = mu_xasprintf("mbox:%s", path), *after;
	size_t alen;

	write_file(path, content, clen);
	CHECK(mu_mailbox_open(&mb, url, MU_OPEN_WRITE | MU_OPEN_SESSION_LOCK, 5,
			      &code, &err) < 0, "%s: opened a non-mbox", name);
	CHECK(code == MU_MBERR_PERM, "%s: code %d", name, (int)code);
	after = read_file(path, &alen);
	CHECK(after != NULL && alen == clen && memcmp(after, content, clen) == 0,
	      "%s: file changed", name);
	free(after);
	free(url);
	free(path);
}

int
main(void)
{
	scratch_init("test-mbox-malformed");

	CASE("no-final-newline",
	     "From a@b Mon Jan  1 00:00:00 2024\nSubject: x\n\nfirst\n\n"
	     "From a@b Mon Jan  1 00:00:01 2024\nSubject: y\n\nno newline at end",
	     { "Subject: x\n\nfirst\n", 0 },
	     { "Subject: y\n\nno newline at end", 0 });

	/* Unquoted "From " lines that are not separators: not after a
	 * blank line, or after one but not shaped like a From_ line.  One
	 * shaped like a From_ line after a blank line does split (mboxo
	 * writers that do not quote leave that ambiguity). */
	CASE("from-in-body",
	     "From a@b Mon Jan  1 00:00:00 2024\nSubject: x\n\n"
	     "line\nFrom here on, unquoted\n\nFrom the desk of nobody\n"
	     ">From quoted\n>>>From deeply quoted\n>Fromage\n\n"
	     "From b@c Tue Jan  2 10:00:00 2024\nSubject: y\n\nFrom \n",
	     { "Subject: x\n\nline\nFrom here on, unquoted\n\n"
	       "From the desk of nobody\nFrom quoted\n>>From deeply quoted\n"
	       ">Fromage\n", 0 },
	     { "Subject: y\n\nFrom \n", 0 });

	CASE("empty-messages",
	     "From a@b Mon Jan  1 00:00:00 2024\n\n"
	     "From a@b Mon Jan  1 00:00:01 2024\n"
	     "\n"
	     "From a@b Mon Jan  1 00:00:02 2024\nX: y\n\nbody\n\n"
	     "From a@b Mon Jan  1 00:00:03 2024\n",
	     { "", 0 }, { "", 0 }, { "X: y\n\nbody\n", 0 }, { "", 0 });

	CASE("header-only",
	     "From a@b Mon Jan  1 00:00:00 2024\nSubject: only a header\n\n"
	     "From a@b Mon Jan  1 00:00:01 2024\nSubject: blank body\n\n\n",
	     { "Subject: only a header\n", 0 },
	     { "Subject: blank body\n\n", 0 });

	/* CRLF line ends: the CR belongs to the terminator */
	CASE("crlf",
	     "From a@b Mon Jan  1 00:00:00 2024\r\nSubject: x\r\n\r\nbody\r\n"
	     ">From q\r\n\r\n"
	     "From a@b Mon Jan  1 00:00:01 2024\r\nSubject: y\r\n\r\nlast\r\n\r\n",
	     { "Subject: x\n\nbody\nFrom q\n", 0 },
	     { "Subject: y\n\nlast\n", 0 });

	/* a lone CR is content; 8-bit and NUL bytes pass untouched */
	CASE("eight-bit-and-nul",
	     "From a@b Mon Jan  1 00:00:00 2024\nSubject: \xe9t\xe9\n\n"
	     "caf\xc3\xa9 \x00 nul\nbare\rcr\n\xff\xfe\n\n"
	     "From a@b Mon Jan  1 00:00:01 2024\n\x00\n",
	     { "Subject: \xe9t\xe9\n\ncaf\xc3\xa9 \x00 nul\nbare\rcr\n\xff\xfe\n", 37 },
	     { "\x00\n", 2 });

	CASE("leading-blank-lines",
	     "\n\r\n\nFrom a@b Mon Jan  1 00:00:00 2024\nSubject: x\n\nbody\n",
	     { "Subject: x\n\nbody\n", 0 });

	CASE("trailing-blank-lines",
	     "From a@b Mon Jan  1 00:00:00 2024\nSubject: x\n\nbody\n\n\n\n",
	     { "Subject: x\n\nbody\n\n\n", 0 });

	/* the first line may be any "From " line, even without a date */
	CASE("bare-first-from",
	     "From someone\nSubject: x\n\nbody\n",
	     { "Subject: x\n\nbody\n", 0 });

	/* a long From_-less line in a body, longer than the stream buffer */
	{
		size_t n = 200000;
		char *content = mu_xmalloc(n + 200), *want = mu_xmalloc(n + 100);
		int hl = sprintf(content, "From a@b Mon Jan  1 00:00:00 2024\n"
				 "Subject: long\n\n");
		memset(content + hl, 'x', n);
		memcpy(content + hl + n, "\r\n\n", 4);
		sprintf(want, "Subject: long\n\n");
		memset(want + 15, 'x', n);
		want[15 + n] = '\n';
		struct expect w[] = { { want, 16 + n } };
		check_case("long-line", content, hl + n + 3, w, 1);
		free(content);
		free(want);
	}

	check_case("zero-bytes", "", 0, NULL, 0);

	/* leading garbage: not an mbox; refused, never rewritten */
	{
		static const char garbage[] = "Subject: not a From_ line\n\nbody\n"
			"From a@b Mon Jan  1 00:00:00 2024\n\nx\n";
		static const char quoted[] = ">From a@b Mon Jan  1 00:00:00 2024\n\nx\n";
		check_refused("garbage", garbage, sizeof garbage - 1);
		check_refused("quoted-first", quoted, sizeof quoted - 1);
	}

	/* a missing file is an empty mailbox, and reading does not
	 * create it; with MU_OPEN_NOCREATE it is an error */
	{
		char *path = scratch_path("missing");
		char *url = mu_xasprintf("mbox:%s", path);
		struct mu_mailbox *mb;
		enum mu_mailbox_error code;
		const char *err;

		mb = open_mbox(path, MU_OPEN_WRITE | MU_OPEN_SESSION_LOCK, 5);
		CHECK(mb != NULL && mu_mailbox_count(mb) == 0, "missing: empty");
		if (mb != NULL) {
			CHECK(mu_mailbox_commit(mb, &err) == 0, "missing: commit");
			mu_mailbox_close(mb);
		}
		CHECK(access(path, F_OK) < 0 && errno == ENOENT,
		      "missing: the file was created");
		CHECK(mu_mailbox_open(&mb, url, MU_OPEN_NOCREATE, 5, &code,
				      &err) < 0 && code == MU_MBERR_PERM,
		      "missing + NOCREATE: not refused");
		free(url);
		free(path);
	}

	scratch_cleanup();
	return check_verdict();
}
