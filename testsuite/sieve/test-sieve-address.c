/* The address test (RFC 5228 section 5.1) and address parts (2.7.4):
 * display names, angle brackets, lists, quoted commas, comments, groups,
 * routes, and addresses without a domain. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sieve/ast.h"
#include "sieve-check.h"

static const char msg[] =
	"From: \"Doe, John\" <John.Doe@Example.COM>\n"
	"To: alice@example.org, Bob <bob@example.net>,\n"
	"    carol@example.com (Carol C.)\n"
	"Cc: team: dave@example.org, \"eve, the\" <eve@example.org>;, frank@example.org\n"
	"Bcc: undisclosed-recipients:;\n"
	"Sender: <@relay.example:sender@example.org>\n"
	"Reply-To: root\n"
	"Resent-From: \"odd@local\"@example.org\n"
	"\n";

/* Split value and print the addresses as all|local|domain; ... */
static void
check_parse(int line, const char *value, const char *expected)
{
	struct sieve_address *list;
	size_t count;
	char buf[1024];
	size_t n = 0;

	sieve_address_parse(value, &list, &count);
	buf[0] = '\0';
	for (size_t i = 0; i < count; i++)
		n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s|%s|%s", i ? "; " : "",
				      list[i].all,
				      list[i].localpart ? list[i].localpart : "-",
				      list[i].domain ? list[i].domain : "-");
	CHECK_AT(__FILE__, line, strcmp(buf, expected) == 0,
		 "addresses of %s\n  got:      %s\n  expected: %s", value, buf, expected);
	sieve_address_list_free(list, count);
}
#define CHECK_PARSE(v, e) check_parse(__LINE__, v, e)

int
main(void)
{
	CHECK_PARSE("alice@example.org", "alice@example.org|alice|example.org");
	CHECK_PARSE("Alice <alice@example.org>", "alice@example.org|alice|example.org");
	CHECK_PARSE("\"Doe, John\" <jd@x.org>, b@y.org",
		    "jd@x.org|jd|x.org; b@y.org|b|y.org");
	CHECK_PARSE("a@x.org (Alice, A.), b@y.org",
		    "a@x.org|a|x.org; b@y.org|b|y.org");
	CHECK_PARSE("g: a@x.org, b@y.org;, c@z.org",
		    "a@x.org|a|x.org; b@y.org|b|y.org; c@z.org|c|z.org");
	CHECK_PARSE("undisclosed-recipients:;", "");
	CHECK_PARSE("<@r1,@r2:a@x.org>", "a@x.org|a|x.org");
	CHECK_PARSE("root", "root|root|-");
	CHECK_PARSE("<>", "");
	CHECK_PARSE("\"a@b\"@x.org", "\"a@b\"@x.org|\"a@b\"|x.org");
	CHECK_PARSE(" a @ x.org ", "a@x.org|a|x.org");
	CHECK_PARSE("a@x.org,,b@y.org", "a@x.org|a|x.org; b@y.org|b|y.org");
	CHECK_PARSE("Name <a@x.org> <b@y.org>", "a@x.org|a|x.org");
	CHECK_PARSE("Name <a@x.org", "a@x.org|a|x.org");

	/* :all is the default address part; ascii-casemap the comparator */
	CHECK_TRUE("address \"From\" \"john.doe@example.com\"", msg);
	CHECK_TRUE("address :all :is \"From\" \"JOHN.DOE@EXAMPLE.COM\"", msg);
	CHECK_FALSE("address :all \"From\" \"Doe, John\"", msg);
	CHECK_TRUE("address :localpart \"From\" \"john.doe\"", msg);
	CHECK_TRUE("address :domain \"From\" \"example.com\"", msg);
	CHECK_FALSE("address :domain \"From\" \"john.doe\"", msg);
	CHECK_FALSE("address :localpart :comparator \"i;octet\" \"From\" \"john.doe\"", msg);
	CHECK_TRUE("address :localpart :comparator \"i;octet\" \"From\" \"John.Doe\"", msg);
	/* every address of a list, across folded lines */
	CHECK_TRUE("address :is \"To\" \"alice@example.org\"", msg);
	CHECK_TRUE("address :is \"To\" \"bob@example.net\"", msg);
	CHECK_TRUE("address :is \"To\" \"carol@example.com\"", msg);
	CHECK_TRUE("address :domain :is \"To\" \"example.net\"", msg);
	CHECK_FALSE("address :all :is \"To\" \"Bob\"", msg);
	/* groups and quoted commas */
	CHECK_TRUE("address :localpart \"Cc\" \"eve\"", msg);
	CHECK_TRUE("address :localpart \"Cc\" \"dave\"", msg);
	CHECK_TRUE("address :localpart \"Cc\" \"frank\"", msg);
	CHECK_FALSE("address :localpart :contains \"Cc\" \"team\"", msg);
	CHECK_FALSE("address :matches \"Bcc\" \"*\"", msg);
	/* an obsolete route is not part of the address */
	CHECK_TRUE("address :is \"Sender\" \"sender@example.org\"", msg);
	/* a name without a domain: the local part matches, the domain never */
	CHECK_TRUE("address :localpart \"Reply-To\" \"root\"", msg);
	CHECK_FALSE("address :domain :matches \"Reply-To\" \"*\"", msg);
	/* a quoted local part keeps its quotes; its '@' is not the separator */
	CHECK_TRUE("address :domain \"Resent-From\" \"example.org\"", msg);
	CHECK_TRUE("address :localpart \"Resent-From\" \"\\\"odd@local\\\"\"", msg);
	/* match types and several headers/keys */
	CHECK_TRUE("address :domain :matches [\"X-None\", \"To\"] \"*.net\"", msg);
	CHECK_TRUE("address :localpart :contains \"From\" [\"zzz\", \"doe\"]", msg);
	CHECK_FALSE("address \"X-None\" \"\"", msg);
	return check_done();
}
