/* The compiled form of a script: typed commands and tests, every argument
 * already checked.  Internal to libmu/sieve. */
#ifndef MU_SIEVE_AST_H
#define MU_SIEVE_AST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "sieve.h"

struct sieve_pos {
	unsigned line, column;          /* both from 1; column counts octets */
};

struct sieve_strlist {
	char **items;
	size_t count;
};

/* RFC 5228 section 2.7.1 */
enum sieve_match { SIEVE_MATCH_IS, SIEVE_MATCH_CONTAINS, SIEVE_MATCH_MATCHES };
/* RFC 5228 section 2.7.3; RFC 4790 section 9 */
enum sieve_comparator { SIEVE_CMP_ASCII_CASEMAP, SIEVE_CMP_OCTET };
/* RFC 5228 section 2.7.4 */
enum sieve_address_part { SIEVE_ADDR_ALL, SIEVE_ADDR_LOCALPART, SIEVE_ADDR_DOMAIN };

/* A date argument of the timestamp test: "now", "now - N units", an
 * epoch number or an RFC 5322 date. */
struct sieve_datespec {
	bool relative;                  /* now + offset */
	int64_t offset;                 /* seconds, for relative */
	time_t absolute;
};

enum sieve_test_kind {
	SIEVE_TEST_TRUE, SIEVE_TEST_FALSE, SIEVE_TEST_NOT,
	SIEVE_TEST_ALLOF, SIEVE_TEST_ANYOF,
	SIEVE_TEST_HEADER, SIEVE_TEST_ADDRESS, SIEVE_TEST_EXISTS,
	SIEVE_TEST_SIZE, SIEVE_TEST_TIMESTAMP,
};

struct sieve_test {
	enum sieve_test_kind kind;
	struct sieve_pos pos;
	/* not, allof, anyof */
	struct sieve_test **children;
	size_t nchildren;
	/* header, address, exists, timestamp (one name) */
	struct sieve_strlist headers;
	/* header, address */
	struct sieve_strlist keys;
	enum sieve_match match;
	enum sieve_comparator comparator;
	enum sieve_address_part address_part;
	/* size */
	bool over;                      /* :over, else :under */
	uint64_t limit;
	/* timestamp */
	bool before;                    /* :before, else :after */
	struct sieve_datespec date;
};

enum sieve_command_kind {
	SIEVE_CMD_REQUIRE, SIEVE_CMD_IF, SIEVE_CMD_ELSIF, SIEVE_CMD_ELSE,
	SIEVE_CMD_STOP, SIEVE_CMD_KEEP, SIEVE_CMD_DISCARD, SIEVE_CMD_FILEINTO,
};

struct sieve_block {
	struct sieve_command **commands;
	size_t count;
};

struct sieve_command {
	enum sieve_command_kind kind;
	struct sieve_pos pos;
	struct sieve_test *test;        /* if, elsif */
	struct sieve_block block;       /* if, elsif, else */
	char *mailbox;                  /* fileinto */
};

/* Extensions a script declared with require. */
enum sieve_extension {
	SIEVE_EXT_FILEINTO = 1 << 0,
	SIEVE_EXT_TIMESTAMP = 1 << 1,
};

struct sieve_script {
	char *name;
	struct sieve_block top;
	unsigned extensions;            /* enum sieve_extension bits */
};

void sieve_test_free(struct sieve_test *test);
void sieve_block_free(struct sieve_block *block);
void sieve_strlist_free(struct sieve_strlist *list);

/* ---- match.c ---- */
/* Does value match key under the match type and comparator? */
bool sieve_match(enum sieve_match match, enum sieve_comparator cmp,
		 const char *value, const char *key);

/* ---- address.c ---- */
struct sieve_address {
	char *all;                      /* local@domain, or the bare text */
	char *localpart;                /* NULL: not a valid address */
	char *domain;                   /* NULL: none */
};

/* Split a header value into its addresses (RFC 5322 section 3.4). */
void sieve_address_parse(const char *value, struct sieve_address **list_r,
			 size_t *count_r);
void sieve_address_list_free(struct sieve_address *list, size_t count);

/* ---- tests.c ---- */
bool sieve_test_eval(const struct sieve_test *test,
		     const struct sieve_message *msg, time_t now);

/* ---- date.c ---- */
/* Parse a date string of the timestamp test; 0 ok, -1 with *error_r. */
int sieve_datespec_parse(const char *text, struct sieve_datespec *spec,
			 const char **error_r);
time_t sieve_datespec_resolve(const struct sieve_datespec *spec, time_t now);

#endif
