/* Control commands (RFC 5228 section 3): if/elsif/else take the first
 * true branch only, nest, and stop ends the script with what was decided
 * so far. */
#include <config.h>

#include "sieve-check.h"

static const char msg[] =
	"From: alice@example.org\n"
	"Subject: hello\n"
	"\n"
	"body\n";

int
main(void)
{
	const char *chain =
		"require \"fileinto\";\n"
		"if header :is \"Subject\" \"one\" { fileinto \"mbox:/1\"; }\n"
		"elsif header :is \"Subject\" \"hello\" { fileinto \"mbox:/2\"; }\n"
		"elsif true { fileinto \"mbox:/3\"; }\n"
		"else { fileinto \"mbox:/4\"; }\n";

	/* the first true branch, and only it */
	CHECK_DECISION(chain, msg, "fileinto mbox:/2");
	CHECK_DECISION(chain, "Subject: one\n\n", "fileinto mbox:/1");
	CHECK_DECISION(chain, "Subject: other\n\n", "fileinto mbox:/3");
	CHECK_DECISION("require \"fileinto\";\n"
		       "if false { fileinto \"mbox:/1\"; }\n"
		       "elsif false { fileinto \"mbox:/2\"; }\n"
		       "else { fileinto \"mbox:/else\"; }\n", msg, "fileinto mbox:/else");
	CHECK_DECISION("if true { keep; } else { discard; }", msg, "keep");
	CHECK_DECISION("if false { keep; } else { discard; }", msg, "discard");
	/* an if without else that is false does nothing: implicit keep */
	CHECK_DECISION("if false { discard; }", msg, "implicit keep");
	/* a new if starts a new chain: its else belongs to it alone */
	CHECK_DECISION("require \"fileinto\";\n"
		       "if true { fileinto \"mbox:/a\"; }\n"
		       "if false { fileinto \"mbox:/b\"; } else { fileinto \"mbox:/c\"; }\n",
		       msg, "fileinto mbox:/a, fileinto mbox:/c");
	/* empty blocks are fine */
	CHECK_DECISION("if true { } elsif true { discard; } else { }", msg,
		       "implicit keep");
	/* nesting: the inner chain is separate from the outer one */
	CHECK_DECISION("require \"fileinto\";\n"
		       "if true {\n"
		       "  if false { fileinto \"mbox:/x\"; }\n"
		       "  else { fileinto \"mbox:/inner-else\"; }\n"
		       "} else { fileinto \"mbox:/outer-else\"; }\n",
		       msg, "fileinto mbox:/inner-else");
	/* stop: nothing after it runs, what came before stands */
	CHECK_DECISION("discard; stop; keep;", msg, "discard");
	CHECK_DECISION("stop; discard;", msg, "implicit keep");
	CHECK_DECISION("if true { if true { discard; stop; } keep; } keep;", msg,
		       "discard");
	CHECK_DECISION("if false { stop; } discard;", msg, "discard");
	/* an empty script keeps the message (section 2.10.2) */
	CHECK_DECISION("", msg, "implicit keep");
	CHECK_DECISION("# nothing but a comment\n", msg, "implicit keep");
	/* require alone decides nothing; several requires are fine */
	CHECK_DECISION("require \"fileinto\";\nrequire [\"timestamp\", \"test-timestamp\", "
		       "\"comparator-i;octet\", \"comparator-i;ascii-casemap\"];\n",
		       msg, "implicit keep");
	return check_done();
}
