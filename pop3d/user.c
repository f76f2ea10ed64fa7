/* USER name, PASS string -- RFC 1939 section 7. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "libmu/log.h"
#include "libmu/util.h"
#include "pop3d/cmd.h"
#include "pop3d/reply.h"

int
cmd_user(struct session *s, int argc, char **argv)
{
	/* The reply never tells whether the user exists: that would help
	 * an attacker guess names.  A later USER replaces an earlier one. */
	session_forget_pending_user(s);
	s->pending_user = mu_xstrdup(argv[0]);
	return reply_ok(s, "send PASS");
}

int
cmd_pass(struct session *s, int argc, char **argv)
{
	struct auth_user user;
	enum auth_result r;
	const char *error = "unknown reason";
	char name[64];

	if (s->pending_user == NULL)
		return reply_err(s, "USER first");
	log_quote(s->pending_user, name, sizeof name);

	memset(&user, 0, sizeof user);
	r = auth_password(s->cfg, s->pending_user, argv[0], &user, &error);
	/* RFC 1939: after a failed PASS the client starts again with USER */
	session_forget_pending_user(s);
	explicit_bzero(argv[0], strlen(argv[0]));

	switch (r) {
	case AUTH_OK:
		return session_login(s, &user);
	case AUTH_TEMPFAIL:
		mu_log(MU_LOG_ERR, "USER/PASS for \"%s\": authentication "
		       "unavailable: %s", name, error);
		return reply_error(s, ERR_AUTH_TEMPFAIL);
	case AUTH_FAIL:
		break;
	}
	mu_log(MU_LOG_NOTICE, "USER/PASS failed for \"%s\": %s", name, error);
	session_auth_fail_delay();
	return reply_error(s, ERR_AUTH_FAILED);
}
