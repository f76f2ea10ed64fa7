/* What each command and test may take: one table each, and the checks
 * that turn a parsed argument list into a typed node.
 *
 * RFC 5228 section 2.6: tagged arguments come first, then positional ones;
 * a comparator tag takes the string after it.  Every mistake is reported
 * at the place it was written. */
#include <config.h>             /* autoconf's, through -I. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "compile.h"
#include "url.h"
#include "util.h"

/* Tag families a test accepts. */
enum {
	TAGS_MATCH = 1 << 0,            /* :is :contains :matches */
	TAGS_COMPARATOR = 1 << 1,       /* :comparator "name" */
	TAGS_ADDRESS_PART = 1 << 2,     /* :all :localpart :domain */
	TAGS_SIZE = 1 << 3,             /* :over :under */
	TAGS_TIMESTAMP = 1 << 4,        /* :before :after */
};

enum positional_kind { POS_STRING_LIST, POS_STRING, POS_NUMBER };

struct positional {
	enum positional_kind kind;
	const char *what;               /* named in error messages */
	bool header_names;              /* each string must be a field name */
};

enum tests_taken { TESTS_NONE, TESTS_ONE, TESTS_LIST };

struct spec {
	const char *name;
	int kind;                       /* enum sieve_test_kind / _command_kind */
	unsigned tags;
	unsigned npos;
	struct positional pos[2];
	enum tests_taken tests;
	bool block;                     /* commands: a block is required */
	unsigned extension;             /* required extension, 0 none */
	const char *extension_name;
};

/* RFC 5228 section 5, and the timestamp test of GNU Mailutils. */
static const struct spec test_specs[] = {
	{ "true", SIEVE_TEST_TRUE, 0, 0, {{0}}, TESTS_NONE, false, 0, NULL },
	{ "false", SIEVE_TEST_FALSE, 0, 0, {{0}}, TESTS_NONE, false, 0, NULL },
	{ "not", SIEVE_TEST_NOT, 0, 0, {{0}}, TESTS_ONE, false, 0, NULL },
	{ "allof", SIEVE_TEST_ALLOF, 0, 0, {{0}}, TESTS_LIST, false, 0, NULL },
	{ "anyof", SIEVE_TEST_ANYOF, 0, 0, {{0}}, TESTS_LIST, false, 0, NULL },
	{ "header", SIEVE_TEST_HEADER, TAGS_MATCH | TAGS_COMPARATOR, 2,
	  { { POS_STRING_LIST, "header names", true },
	    { POS_STRING_LIST, "keys", false } }, TESTS_NONE, false, 0, NULL },
	{ "address", SIEVE_TEST_ADDRESS,
	  TAGS_MATCH | TAGS_COMPARATOR | TAGS_ADDRESS_PART, 2,
	  { { POS_STRING_LIST, "header names", true },
	    { POS_STRING_LIST, "keys", false } }, TESTS_NONE, false, 0, NULL },
	{ "exists", SIEVE_TEST_EXISTS, 0, 1,
	  { { POS_STRING_LIST, "header names", true } }, TESTS_NONE, false, 0, NULL },
	{ "size", SIEVE_TEST_SIZE, TAGS_SIZE, 1,
	  { { POS_NUMBER, "limit", false } }, TESTS_NONE, false, 0, NULL },
	{ "timestamp", SIEVE_TEST_TIMESTAMP, TAGS_TIMESTAMP, 2,
	  { { POS_STRING, "header name", true }, { POS_STRING, "date", false } },
	  TESTS_NONE, false, SIEVE_EXT_TIMESTAMP, "timestamp" },
};

/* RFC 5228 sections 3 and 4. */
static const struct spec command_specs[] = {
	{ "require", SIEVE_CMD_REQUIRE, 0, 1,
	  { { POS_STRING_LIST, "extensions", false } }, TESTS_NONE, false, 0, NULL },
	{ "if", SIEVE_CMD_IF, 0, 0, {{0}}, TESTS_ONE, true, 0, NULL },
	{ "elsif", SIEVE_CMD_ELSIF, 0, 0, {{0}}, TESTS_ONE, true, 0, NULL },
	{ "else", SIEVE_CMD_ELSE, 0, 0, {{0}}, TESTS_NONE, true, 0, NULL },
	{ "stop", SIEVE_CMD_STOP, 0, 0, {{0}}, TESTS_NONE, false, 0, NULL },
	{ "keep", SIEVE_CMD_KEEP, 0, 0, {{0}}, TESTS_NONE, false, 0, NULL },
	{ "discard", SIEVE_CMD_DISCARD, 0, 0, {{0}}, TESTS_NONE, false, 0, NULL },
	{ "fileinto", SIEVE_CMD_FILEINTO, 0, 1,
	  { { POS_STRING, "mailbox", false } }, TESTS_NONE, false,
	  SIEVE_EXT_FILEINTO, "fileinto" },
};

#define COUNT(a) (sizeof (a) / sizeof (a)[0])

/* Extension names require accepts (RFC 5228 section 3.2; the two
 * comparators every implementation has, section 2.7.3). */
static const struct {
	const char *name;
	unsigned bit;
} extensions[] = {
	{ "fileinto", SIEVE_EXT_FILEINTO },
	{ "timestamp", SIEVE_EXT_TIMESTAMP },
	{ "test-timestamp", SIEVE_EXT_TIMESTAMP },      /* GNU Mailutils' name */
	{ "comparator-i;octet", 0 },
	{ "comparator-i;ascii-casemap", 0 },
};

static const struct spec *
find_spec(const struct spec *table, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(table[i].name, name) == 0)
			return &table[i];
	return NULL;
}

void
sieve_strlist_free(struct sieve_strlist *list)
{
	for (size_t i = 0; i < list->count; i++)
		free(list->items[i]);
	free(list->items);
	list->items = NULL;
	list->count = 0;
}

void
sieve_args_free(struct sieve_args *args)
{
	for (size_t i = 0; i < args->count; i++) {
		free(args->items[i].tag);
		sieve_strlist_free(&args->items[i].strings);
	}
	free(args->items);
	for (size_t i = 0; i < args->ntests; i++)
		sieve_test_free(args->tests[i]);
	free(args->tests);
	memset(args, 0, sizeof *args);
}

void
sieve_test_free(struct sieve_test *test)
{
	if (test == NULL)
		return;
	for (size_t i = 0; i < test->nchildren; i++)
		sieve_test_free(test->children[i]);
	free(test->children);
	sieve_strlist_free(&test->headers);
	sieve_strlist_free(&test->keys);
	free(test);
}

void
sieve_block_free(struct sieve_block *block)
{
	for (size_t i = 0; i < block->count; i++) {
		struct sieve_command *cmd = block->commands[i];

		if (cmd == NULL)
			continue;
		sieve_test_free(cmd->test);
		sieve_block_free(&cmd->block);
		free(cmd->mailbox);
		free(cmd);
	}
	free(block->commands);
	block->commands = NULL;
	block->count = 0;
}

static const char *
arg_describe(const struct sieve_arg *arg)
{
	switch (arg->kind) {
	case SIEVE_ARG_TAG: return "a tag";
	case SIEVE_ARG_NUMBER: return "a number";
	case SIEVE_ARG_STRING: return "a string";
	case SIEVE_ARG_STRING_LIST: return "a string list";
	}
	return "?";
}

/* A field name: printable US-ASCII except ':' (RFC 5322 section 2.2). */
static bool
valid_header_name(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 33 || (unsigned char)*s > 126 || *s == ':')
			return false;
	return true;
}

/* The tags a test was given, after they were read. */
struct tags {
	bool match_set, comparator_set, part_set, size_set, when_set;
	enum sieve_match match;
	enum sieve_comparator comparator;
	enum sieve_address_part part;
	bool over;
	bool before;
	const char *first_size_tag, *first_when_tag;
};

static int
set_once(struct sieve_compiler *c, const struct sieve_arg *arg, bool *set,
	 const char *family)
{
	if (*set)
		return sieve_error(c, arg->pos, "':%s': %s was already given",
				   arg->tag, family);
	*set = true;
	return 0;
}

/* Read the tags at the front of args; *first_pos_r: index of the first
 * positional argument. */
static int
read_tags(struct sieve_compiler *c, const struct spec *spec,
	  struct sieve_args *args, struct tags *t, size_t *first_pos_r)
{
	size_t i;

	memset(t, 0, sizeof *t);
	t->comparator = SIEVE_CMP_ASCII_CASEMAP;        /* section 2.7.3 */
	t->match = SIEVE_MATCH_IS;                      /* section 2.7.1 */
	t->part = SIEVE_ADDR_ALL;                       /* section 2.7.4 */
	for (i = 0; i < args->count && args->items[i].kind == SIEVE_ARG_TAG; i++) {
		const struct sieve_arg *arg = &args->items[i];
		const char *tag = arg->tag;

		if ((spec->tags & TAGS_MATCH) &&
		    (!strcmp(tag, "is") || !strcmp(tag, "contains") ||
		     !strcmp(tag, "matches"))) {
			if (set_once(c, arg, &t->match_set, "a match type") < 0)
				return -1;
			t->match = !strcmp(tag, "is") ? SIEVE_MATCH_IS :
				   !strcmp(tag, "contains") ? SIEVE_MATCH_CONTAINS :
				   SIEVE_MATCH_MATCHES;
		} else if ((spec->tags & TAGS_COMPARATOR) && !strcmp(tag, "comparator")) {
			const struct sieve_arg *name;

			if (set_once(c, arg, &t->comparator_set, "a comparator") < 0)
				return -1;
			if (i + 1 >= args->count ||
			    args->items[i + 1].kind != SIEVE_ARG_STRING)
				return sieve_error(c, arg->pos,
						   "':comparator' must be followed by "
						   "the comparator name as a string");
			name = &args->items[++i];
			if (strcasecmp(name->strings.items[0], "i;ascii-casemap") == 0)
				t->comparator = SIEVE_CMP_ASCII_CASEMAP;
			else if (strcasecmp(name->strings.items[0], "i;octet") == 0)
				t->comparator = SIEVE_CMP_OCTET;
			else
				return sieve_error(c, name->pos,
						   "unknown comparator \"%s\" (known: "
						   "\"i;ascii-casemap\", \"i;octet\")",
						   name->strings.items[0]);
		} else if ((spec->tags & TAGS_ADDRESS_PART) &&
			   (!strcmp(tag, "all") || !strcmp(tag, "localpart") ||
			    !strcmp(tag, "domain"))) {
			if (set_once(c, arg, &t->part_set, "an address part") < 0)
				return -1;
			t->part = !strcmp(tag, "all") ? SIEVE_ADDR_ALL :
				  !strcmp(tag, "localpart") ? SIEVE_ADDR_LOCALPART :
				  SIEVE_ADDR_DOMAIN;
		} else if ((spec->tags & TAGS_SIZE) &&
			   (!strcmp(tag, "over") || !strcmp(tag, "under"))) {
			if (t->size_set)
				return sieve_error(c, arg->pos,
						   "':%s' after ':%s': give one of "
						   ":over and :under", tag,
						   t->first_size_tag);
			t->size_set = true;
			t->first_size_tag = tag;
			t->over = !strcmp(tag, "over");
		} else if ((spec->tags & TAGS_TIMESTAMP) &&
			   (!strcmp(tag, "before") || !strcmp(tag, "after"))) {
			if (t->when_set)
				return sieve_error(c, arg->pos,
						   "':%s' after ':%s': give at most one "
						   "of :before and :after", tag,
						   t->first_when_tag);
			t->when_set = true;
			t->first_when_tag = tag;
			t->before = !strcmp(tag, "before");
		} else {
			return sieve_error(c, arg->pos, "unknown tag ':%s' for '%s'",
					   tag, spec->name);
		}
	}
	*first_pos_r = i;
	return 0;
}

static void
describe_positionals(const struct spec *spec, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < spec->npos && n < size; i++)
		n += (size_t)snprintf(buf + n, size - n, "%s%s", i ? ", " : "",
				      spec->pos[i].what);
}

/* Positional arguments: count, types, header names. */
static int
check_positionals(struct sieve_compiler *c, const struct spec *spec,
		  struct sieve_args *args, size_t first, struct sieve_pos where)
{
	size_t n = args->count - first;
	char list[128];

	for (size_t i = first; i < args->count; i++)
		if (args->items[i].kind == SIEVE_ARG_TAG)
			return sieve_error(c, args->items[i].pos,
					   "tag ':%s' after the positional arguments of "
					   "'%s' (tags come first, RFC 5228 section 2.6.2)",
					   args->items[i].tag, spec->name);
	describe_positionals(spec, list, sizeof list);
	if (n > spec->npos) {
		if (spec->npos == 0)
			return sieve_error(c, args->items[first].pos,
					   "'%s' takes no arguments", spec->name);
		return sieve_error(c, args->items[first + spec->npos].pos,
				   "too many arguments for '%s': it takes %u (%s)",
				   spec->name, spec->npos, list);
	}
	if (n < spec->npos)
		return sieve_error(c, where,
				   "'%s' needs %u argument%s (%s), found %zu",
				   spec->name, spec->npos, spec->npos > 1 ? "s" : "",
				   list, n);
	for (unsigned i = 0; i < spec->npos; i++) {
		const struct positional *p = &spec->pos[i];
		const struct sieve_arg *arg = &args->items[first + i];
		bool ok;

		switch (p->kind) {
		case POS_STRING_LIST:
			ok = arg->kind == SIEVE_ARG_STRING ||
			     arg->kind == SIEVE_ARG_STRING_LIST;
			break;
		case POS_STRING:
			ok = arg->kind == SIEVE_ARG_STRING;
			break;
		case POS_NUMBER:
		default:
			ok = arg->kind == SIEVE_ARG_NUMBER;
			break;
		}
		if (!ok)
			return sieve_error(c, arg->pos,
					   "'%s' %s must be %s, found %s", spec->name,
					   p->what, p->kind == POS_NUMBER ? "a number" :
					   p->kind == POS_STRING ? "a string" :
					   "a string or a string list", arg_describe(arg));
		if (p->header_names)
			for (size_t k = 0; k < arg->strings.count; k++)
				if (!valid_header_name(arg->strings.items[k]))
					return sieve_error(c, arg->pos,
							   "invalid header name \"%s\"",
							   arg->strings.items[k]);
	}
	return 0;
}

static int
check_tests(struct sieve_compiler *c, const struct spec *spec,
	    const struct sieve_args *args, struct sieve_pos where)
{
	switch (spec->tests) {
	case TESTS_NONE:
		if (args->has_test)
			return sieve_error(c, args->tests_pos,
					   "'%s' takes no test%s", spec->name,
					   spec->block ? " (use elsif)" :
					   " (a ',' or ';' missing before this?)");
		return 0;
	case TESTS_ONE:
		if (!args->has_test)
			return sieve_error(c, args->tests_pos, "'%s' needs a test",
					   spec->name);
		if (args->test_list)
			return sieve_error(c, args->tests_pos,
					   "'%s' takes one test, not a test list in "
					   "parentheses", spec->name);
		return 0;
	case TESTS_LIST:
		if (!args->has_test || !args->test_list)
			return sieve_error(c, args->has_test ? args->tests_pos : where,
					   "'%s' needs a test list in parentheses",
					   spec->name);
		return 0;
	}
	return 0;
}

static int
check_common(struct sieve_compiler *c, const struct spec *spec,
	     struct sieve_args *args, struct sieve_pos pos, struct tags *t,
	     size_t *first_r)
{
	if (spec->extension != 0 &&
	    !(c->script->extensions & spec->extension))
		return sieve_error(c, pos, "'%s' needs require \"%s\"", spec->name,
				   spec->extension_name);
	if (read_tags(c, spec, args, t, first_r) < 0 ||
	    check_positionals(c, spec, args, *first_r, pos) < 0 ||
	    check_tests(c, spec, args, args->tests_pos) < 0)
		return -1;
	return 0;
}

/* Move the strings of a positional argument into list. */
static void
take_strings(struct sieve_arg *arg, struct sieve_strlist *list)
{
	*list = arg->strings;
	arg->strings.items = NULL;
	arg->strings.count = 0;
}

/* Does the command or test called name take tests?  If not, a test
 * after its arguments is most likely the next command, its ';' missing. */
static bool
takes_tests(const char *name)
{
	const struct spec *spec = find_spec(command_specs, COUNT(command_specs), name);

	if (spec == NULL)
		spec = find_spec(test_specs, COUNT(test_specs), name);
	return spec == NULL || spec->tests != TESTS_NONE;
}

struct sieve_test *
sieve_check_test(struct sieve_compiler *c, const char *name,
		 struct sieve_pos pos, const char *owner, struct sieve_args *args)
{
	const struct spec *spec = find_spec(test_specs, COUNT(test_specs), name);
	struct sieve_test *test;
	struct tags t;
	size_t first;

	if (spec == NULL) {
		if (find_spec(command_specs, COUNT(command_specs), name))
			sieve_error(c, pos, "'%s' is a command, not a test%s", name,
				    takes_tests(owner) ? "" :
				    " (a ';' missing before it?)");
		else
			sieve_error(c, pos, "unknown test '%s'", name);
		return NULL;
	}
	if (check_common(c, spec, args, pos, &t, &first) < 0)
		return NULL;
	if (spec->kind == SIEVE_TEST_SIZE && !t.size_set) {
		sieve_error(c, pos, "'size' needs :over or :under");
		return NULL;
	}

	test = mu_xcalloc(1, sizeof *test);
	test->kind = (enum sieve_test_kind)spec->kind;
	test->pos = pos;
	test->match = t.match;
	test->comparator = t.comparator;
	test->address_part = t.part;
	test->over = t.over;
	/* GNU Mailutils takes :after when neither tag is given */
	test->before = t.when_set && t.before;

	switch (test->kind) {
	case SIEVE_TEST_HEADER:
	case SIEVE_TEST_ADDRESS:
		take_strings(&args->items[first], &test->headers);
		take_strings(&args->items[first + 1], &test->keys);
		break;
	case SIEVE_TEST_EXISTS:
		take_strings(&args->items[first], &test->headers);
		break;
	case SIEVE_TEST_SIZE:
		test->limit = args->items[first].number;
		break;
	case SIEVE_TEST_TIMESTAMP: {
		const struct sieve_arg *date = &args->items[first + 1];
		const char *why;

		if (sieve_datespec_parse(date->strings.items[0], &test->date,
					 &why) < 0) {
			sieve_error(c, date->pos, "bad date \"%s\": %s",
				    date->strings.items[0], why);
			sieve_test_free(test);
			return NULL;
		}
		take_strings(&args->items[first], &test->headers);
		break;
	}
	case SIEVE_TEST_NOT:
	case SIEVE_TEST_ALLOF:
	case SIEVE_TEST_ANYOF:
		test->children = args->tests;
		test->nchildren = args->ntests;
		args->tests = NULL;
		args->ntests = 0;
		break;
	case SIEVE_TEST_TRUE:
	case SIEVE_TEST_FALSE:
		break;
	}
	return test;
}

static int
check_require(struct sieve_compiler *c, const struct sieve_arg *arg)
{
	for (size_t i = 0; i < arg->strings.count; i++) {
		const char *name = arg->strings.items[i];
		size_t k;

		/* capability strings are compared exactly (section 6) */
		for (k = 0; k < COUNT(extensions); k++)
			if (strcmp(extensions[k].name, name) == 0)
				break;
		if (k == COUNT(extensions))
			return sieve_error(c, arg->pos,
					   "require: unsupported extension \"%s\"", name);
		c->script->extensions |= extensions[k].bit;
	}
	return 0;
}

static int
check_mailbox(struct sieve_compiler *c, const struct sieve_arg *arg)
{
	enum mu_format format;
	const char *why;
	char *path;

	if (mu_url_split(arg->strings.items[0], &format, &path, &why) < 0)
		return sieve_error(c, arg->pos, "fileinto: bad mailbox \"%s\": %s",
				   arg->strings.items[0], why);
	free(path);
	return 0;
}

struct sieve_command *
sieve_check_command(struct sieve_compiler *c, const char *name,
		    struct sieve_pos pos, struct sieve_args *args, bool has_block,
		    struct sieve_block *block)
{
	const struct spec *spec = find_spec(command_specs, COUNT(command_specs),
					    name);
	struct sieve_command *cmd;
	struct tags t;
	size_t first;

	if (spec == NULL) {
		if (find_spec(test_specs, COUNT(test_specs), name))
			sieve_error(c, pos, "'%s' is a test, not a command "
				    "(use it in if)", name);
		else
			sieve_error(c, pos, "unknown command '%s'", name);
		return NULL;
	}
	if (check_common(c, spec, args, pos, &t, &first) < 0)
		return NULL;
	if (spec->block && !has_block) {
		sieve_error(c, pos, "'%s' needs a block in braces", name);
		return NULL;
	}
	if (!spec->block && has_block) {
		sieve_error(c, pos, "'%s' takes no block", name);
		return NULL;
	}
	if (spec->kind == SIEVE_CMD_REQUIRE &&
	    check_require(c, &args->items[first]) < 0)
		return NULL;
	if (spec->kind == SIEVE_CMD_FILEINTO &&
	    check_mailbox(c, &args->items[first]) < 0)
		return NULL;

	cmd = mu_xcalloc(1, sizeof *cmd);
	cmd->kind = (enum sieve_command_kind)spec->kind;
	cmd->pos = pos;
	if (spec->tests == TESTS_ONE) {
		cmd->test = args->tests[0];
		args->tests[0] = NULL;
		args->ntests = 0;
	}
	if (spec->kind == SIEVE_CMD_FILEINTO) {
		cmd->mailbox = args->items[first].strings.items[0];
		args->items[first].strings.items[0] = NULL;
	}
	if (has_block) {
		cmd->block = *block;
		block->commands = NULL;
		block->count = 0;
	}
	return cmd;
}
