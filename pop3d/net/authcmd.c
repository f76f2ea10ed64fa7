/* AUTH [mechanism [initial-response]] -- RFC 5034.  The exchange runs in
 * the monitor (sasl.c); this side carries the lines. */
#include "config.h"

#include <ctype.h>
#include <string.h>

#include "libmu/log.h"
#include "pop3d/common/limits.h"
#include "pop3d/common/reply.h"
#include "pop3d/monitor/privsep.h"
#include "pop3d/net/auth_commands.h"
#include "pop3d/net/net_session.h"

/* "AUTH" alone: the mechanisms, one a line.  Not in RFC 5034 (CAPA's SASL
 * line is the standard way), but older clients ask like this (RFC 1734's
 * drafts), and it costs nothing. */
static void
list_mechanisms(struct net_session *n)
{
	struct session *s = &n->core;
	char list[SESSION_SASL_MECHS_MAX];

	privsep_sasl_list(n, list, sizeof list);
	reply_ok(s, "methods supported:");
	for (char *p = list; *p != '\0';) {
		char *end = strchr(p, ' ');
		size_t len = end != NULL ? (size_t)(end - p) : strlen(p);

		reply_line(s, "%.*s", (int)len, p);
		p += len;
		while (*p == ' ')
			p++;
	}
	reply_end_multi(s);
}

enum cmd_result
cmd_auth(struct session *s, int argc, char **argv)
{
	struct net_session *n = net_session(s);
	static char line[SASL_RESPONSE_MAX + 1];
	char mech[24];
	enum privsep_verdict v;
	size_t len;

	if (argc == 0) {
		list_mechanisms(n);
		return CMD_OK;
	}
	/* RFC 4422 section 3.1: upper-case letters, digits, '-', '_';
	 * compared without regard to case, as POP3 keywords are */
	len = strlen(argv[0]);
	if (len == 0 || len >= sizeof mech) {
		reply_err(s, "unsupported authentication mechanism");
		return CMD_OK;
	}
	for (size_t i = 0; i <= len; i++)
		mech[i] = (char)toupper((unsigned char)argv[0][i]);
	if (!privsep_sasl_offered(n, mech)) {
		reply_err(s, "unsupported authentication mechanism");
		return CMD_OK;
	}
	net_forget_pending_user(n);             /* AUTH replaces USER/PASS */

	/* what the client sends from now on is a secret (logs, telemetry) */
	s->secret_input = true;
	v = privsep_sasl_start(n, mech, argc > 1 ? argv[1] : NULL);
	if (argc > 1)
		explicit_bzero(argv[1], strlen(argv[1]));
	while (v == PRIVSEP_CHALLENGE) {
		const char *why = NULL;
		int rc = session_read_response(s, line, sizeof line, &why);

		if (rc < 0) {
			v = PRIVSEP_END;
			break;
		}
		if (rc == 0) {
			/* too long or with a NUL: the exchange is void, and
			 * the reply says why -- the client cancelled nothing */
			v = privsep_sasl_cancel(n, why);
			break;
		}
		/* RFC 5034 section 4: "*" cancels, answered with -ERR */
		if (strcmp(line, "*") == 0)
			v = privsep_sasl_cancel(n, NULL);
		else
			v = privsep_sasl_step(n, line);
		explicit_bzero(line, sizeof line);
	}
	s->secret_input = false;
	explicit_bzero(line, sizeof line);
	/* logged in: the session continues in the transaction process,
	 * relayed once the command loop ends (net_session.c) */
	return privsep_cmd_result(v);
}
