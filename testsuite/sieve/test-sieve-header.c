/* The header test (RFC 5228 section 5.7) and how header fields are read:
 * names case-insensitive, folded lines unfolded, blanks around a value
 * dropped, every occurrence of a field tried, nothing decoded. */
#include <config.h>

#include <string.h>

#include "sieve-check.h"

static const char msg[] =
	"Received: from a by b\n"
	"Received: from c\n"
	"\tby d\n"
	"From: Alice <alice@example.org>\n"
	"Subject:   Weekly   report  \n"
	"X-Folded: one\r\n"
	"  two\r\n"
	"\tthree\r\n"
	"X-Empty:\n"
	"X-Spam-Flag : YES\n"
	"X-Encoded: =?UTF-8?Q?caf=C3=A9?=\n"
	"\n"
	"Subject: this is the body, not a header\n";

int
main(void)
{
	struct sieve_message m;

	CHECK_TRUE("header :is \"Subject\" \"Weekly   report\"", msg);
	/* field names compare without case */
	CHECK_TRUE("header :is \"SUBJECT\" \"Weekly   report\"", msg);
	/* leading and trailing blanks of the value are not part of it */
	CHECK_FALSE("header :is \"Subject\" \"  Weekly   report  \"", msg);
	/* unfolding keeps the blank that starts a continuation line */
	CHECK_TRUE("header :is \"X-Folded\" \"one  two\tthree\"", msg);
	CHECK_TRUE("header :is \"Received\" \"from c\tby d\"", msg);
	/* any occurrence of a field may match */
	CHECK_TRUE("header :is \"Received\" \"from a by b\"", msg);
	/* any name of the list, any key of the list */
	CHECK_TRUE("header :contains [\"To\", \"Subject\"] [\"nothing\", \"report\"]", msg);
	CHECK_FALSE("header :contains [\"To\", \"Cc\"] \"report\"", msg);
	/* an empty field is there and holds "" */
	CHECK_TRUE("header :is \"X-Empty\" \"\"", msg);
	CHECK_TRUE("header :contains \"X-Empty\" \"\"", msg);
	/* an absent field matches nothing, not even "" */
	CHECK_FALSE("header :contains \"X-Absent\" \"\"", msg);
	CHECK_FALSE("header :matches \"X-Absent\" \"*\"", msg);
	/* obsolete syntax: blanks before the colon (RFC 5322 section 4.5) */
	CHECK_TRUE("header :is \"X-Spam-Flag\" \"yes\"", msg);
	/* the body is not the header */
	CHECK_FALSE("header :contains \"Subject\" \"body\"", msg);
	/* encoded words stay encoded (no RFC 2047 decoding) */
	CHECK_TRUE("header :is \"X-Encoded\" \"=?UTF-8?Q?caf=C3=A9?=\"", msg);
	/* the default match type is :is */
	CHECK_FALSE("header \"Subject\" \"Weekly\"", msg);
	CHECK_TRUE("header \"Subject\" \"weekly   REPORT\"", msg);

	/* the message reader itself */
	sieve_message_init(&m);
	sieve_message_from_text(&m, msg, strlen(msg));
	CHECK(m.count == 8, "8 fields, got %zu", m.count);
	CHECK(strcmp(sieve_message_header(&m, "received", 1), "from c\tby d") == 0,
	      "second Received");
	CHECK(sieve_message_header(&m, "received", 2) == NULL, "no third Received");
	CHECK(strcmp(m.headers[6].name, "X-Spam-Flag") == 0, "name without blanks: %s",
	      m.headers[6].name);
	/* the size counts CRLF line ends: the 10 lines ending in a bare LF
	 * gain one octet each */
	CHECK(m.size == strlen(msg) + 10, "size %llu, expected %zu",
	      (unsigned long long)m.size, strlen(msg) + 10);
	sieve_message_free(&m);

	/* a header without a body, without a final line end */
	sieve_message_init(&m);
	sieve_message_from_text(&m, "Subject: only", 13);
	CHECK(m.count == 1 && strcmp(m.headers[0].value, "only") == 0, "header only");
	CHECK(m.size == 15, "size of an unterminated line: %llu",
	      (unsigned long long)m.size);
	sieve_message_free(&m);

	/* a line that is not a field is skipped, the fields around it kept */
	CHECK_TRUE("header :is \"B\" \"2\"", "A: 1\nnot a field\nB: 2\n\n");
	return check_done();
}
