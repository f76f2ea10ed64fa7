/* Running a compiled script over one message: control commands
 * (RFC 5228 section 3) and the actions it collects (section 4), with the
 * implicit keep of section 2.10.2. */
#include <config.h>             /* autoconf's, through -I. */

#include <stdlib.h>
#include <string.h>

#include "ast.h"
#include "util.h"

struct run {
	const struct sieve_message *msg;
	time_t now;
	struct sieve_result *result;
	bool implicit_keep;
	bool stopped;
};

/* Add an action once: section 2.10.3 asks that a repeated keep, or a
 * repeated fileinto to the same mailbox, be carried out once. */
static void
add_action(struct sieve_result *r, enum sieve_action_kind kind,
	   const char *mailbox, unsigned line, bool implicit)
{
	for (size_t i = 0; i < r->count; i++)
		if (r->actions[i].kind == kind &&
		    (kind != SIEVE_ACTION_FILEINTO ||
		     strcmp(r->actions[i].mailbox, mailbox) == 0))
			return;
	if (r->count == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 4;
		r->actions = mu_xreallocarray(r->actions, r->cap, sizeof *r->actions);
	}
	r->actions[r->count].kind = kind;
	r->actions[r->count].implicit = implicit;
	r->actions[r->count].mailbox = mailbox;
	r->actions[r->count].line = line;
	r->count++;
	if (kind == SIEVE_ACTION_KEEP)
		r->keep = true;
}

static void
run_block(struct run *run, const struct sieve_block *block)
{
	/* whether a branch of the current if/elsif/else chain was taken;
	 * the parser made sure elsif and else follow if or elsif */
	bool branch_taken = false;

	for (size_t i = 0; i < block->count && !run->stopped; i++) {
		const struct sieve_command *cmd = block->commands[i];

		switch (cmd->kind) {
		case SIEVE_CMD_REQUIRE:
			break;
		case SIEVE_CMD_IF:
			branch_taken = false;
			/* fall through */
		case SIEVE_CMD_ELSIF:
			if (!branch_taken &&
			    sieve_test_eval(cmd->test, run->msg, run->now)) {
				branch_taken = true;
				run_block(run, &cmd->block);
			}
			break;
		case SIEVE_CMD_ELSE:
			if (!branch_taken)
				run_block(run, &cmd->block);
			break;
		case SIEVE_CMD_STOP:
			run->stopped = true;
			break;
		case SIEVE_CMD_KEEP:
			add_action(run->result, SIEVE_ACTION_KEEP, NULL,
				   cmd->pos.line, false);
			break;
		case SIEVE_CMD_DISCARD:
			run->implicit_keep = false;
			add_action(run->result, SIEVE_ACTION_DISCARD, NULL,
				   cmd->pos.line, false);
			break;
		case SIEVE_CMD_FILEINTO:
			run->implicit_keep = false;
			add_action(run->result, SIEVE_ACTION_FILEINTO, cmd->mailbox,
				   cmd->pos.line, false);
			break;
		}
	}
}

void
sieve_run(const struct sieve_script *script, const struct sieve_message *msg,
	  time_t now, struct sieve_result *result)
{
	struct run run = { msg, now, result, true, false };

	memset(result, 0, sizeof *result);
	run_block(&run, &script->top);
	/* an explicit keep is the keep; otherwise the implicit one stands
	 * unless discard or fileinto cancelled it */
	if (run.implicit_keep && !result->keep)
		add_action(result, SIEVE_ACTION_KEEP, NULL, 0, true);
}

void
sieve_result_free(struct sieve_result *result)
{
	free(result->actions);
	memset(result, 0, sizeof *result);
}

const char *
sieve_action_name(enum sieve_action_kind kind)
{
	switch (kind) {
	case SIEVE_ACTION_KEEP: return "keep";
	case SIEVE_ACTION_DISCARD: return "discard";
	case SIEVE_ACTION_FILEINTO: return "fileinto";
	}
	return "?";
}
