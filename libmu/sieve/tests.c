/* The Sieve tests (RFC 5228 section 5) and GNU Mailutils' timestamp test,
 * evaluated against one message. */
#include <config.h>             /* autoconf's, through -I. */

#include <stdlib.h>

#include "ast.h"

static bool
any_key_matches(const struct sieve_test *t, const char *value)
{
	for (size_t k = 0; k < t->keys.count; k++)
		if (sieve_match(t->match, t->comparator, value, t->keys.items[k]))
			return true;
	return false;
}

/* header: any occurrence of any named field matches any key (5.7).  An
 * absent field matches nothing, not even "" with :contains. */
static bool
test_header(const struct sieve_test *t, const struct sieve_message *msg)
{
	for (size_t i = 0; i < t->headers.count; i++) {
		const char *value;

		for (size_t n = 0;
		     (value = sieve_message_header(msg, t->headers.items[i], n)) != NULL;
		     n++)
			if (any_key_matches(t, value))
				return true;
	}
	return false;
}

static const char *
address_part(const struct sieve_address *a, enum sieve_address_part part)
{
	switch (part) {
	case SIEVE_ADDR_ALL: return a->all;
	case SIEVE_ADDR_LOCALPART: return a->localpart;
	case SIEVE_ADDR_DOMAIN: return a->domain;
	}
	return NULL;
}

/* address: like header, over each address of each field (5.1); a part
 * an address lacks (no domain) matches nothing. */
static bool
test_address(const struct sieve_test *t, const struct sieve_message *msg)
{
	for (size_t i = 0; i < t->headers.count; i++) {
		const char *value;

		for (size_t n = 0;
		     (value = sieve_message_header(msg, t->headers.items[i], n)) != NULL;
		     n++) {
			struct sieve_address *list;
			size_t count;
			bool found = false;

			sieve_address_parse(value, &list, &count);
			for (size_t a = 0; a < count && !found; a++) {
				const char *part = address_part(&list[a], t->address_part);

				found = part != NULL && any_key_matches(t, part);
			}
			sieve_address_list_free(list, count);
			if (found)
				return true;
		}
	}
	return false;
}

/* exists: true only if every named field is present (5.5). */
static bool
test_exists(const struct sieve_test *t, const struct sieve_message *msg)
{
	for (size_t i = 0; i < t->headers.count; i++)
		if (sieve_message_header(msg, t->headers.items[i], 0) == NULL)
			return false;
	return true;
}

/* timestamp: the first field's time against the date; :before and
 * :after are strict.  A missing or unreadable field is false, so an
 * unstamped message is never expired. */
static bool
test_timestamp(const struct sieve_test *t, const struct sieve_message *msg,
	       time_t now)
{
	const char *value = sieve_message_header(msg, t->headers.items[0], 0);
	time_t when, limit;

	if (value == NULL || sieve_parse_header_time(value, &when) < 0)
		return false;
	limit = sieve_datespec_resolve(&t->date, now);
	return t->before ? when < limit : when > limit;
}

bool
sieve_test_eval(const struct sieve_test *t, const struct sieve_message *msg,
		time_t now)
{
	switch (t->kind) {
	case SIEVE_TEST_TRUE:
		return true;
	case SIEVE_TEST_FALSE:
		return false;
	case SIEVE_TEST_NOT:
		return !sieve_test_eval(t->children[0], msg, now);
	case SIEVE_TEST_ALLOF:
		for (size_t i = 0; i < t->nchildren; i++)
			if (!sieve_test_eval(t->children[i], msg, now))
				return false;
		return true;
	case SIEVE_TEST_ANYOF:
		for (size_t i = 0; i < t->nchildren; i++)
			if (sieve_test_eval(t->children[i], msg, now))
				return true;
		return false;
	case SIEVE_TEST_HEADER:
		return test_header(t, msg);
	case SIEVE_TEST_ADDRESS:
		return test_address(t, msg);
	case SIEVE_TEST_EXISTS:
		return test_exists(t, msg);
	case SIEVE_TEST_SIZE:
		/* section 5.9: both comparisons are strict */
		return t->over ? msg->size > t->limit : msg->size < t->limit;
	case SIEVE_TEST_TIMESTAMP:
		return test_timestamp(t, msg, now);
	}
	return false;
}
