/* The transaction process's session (doc/privsep.md): the TRANSACTION
 * and UPDATE states, as the user.  What it adds to the core (session.h)
 * is the maildrop and what the summary line counts; it never sees a
 * credential. */
#ifndef POP3D_MAIL_SESSION_H
#define POP3D_MAIL_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libmu/mailbox.h"
#include "pop3d/common/session.h"
#include "pop3d/common/sessionlog.h"
#include "pop3d/monitor/auth.h"

struct mail_session {
	struct session core;                    /* first: SESSION_ROLE */

	struct auth_user user;
	bool logged_in;
	struct mu_mailbox *mbox;
	char *mailbox_url;
	/* what the monitor offers after this login, for CAPA */
	char sasl_mechanisms[SESSION_SASL_MECHS_MAX];
	struct session_tally tally;             /* for the summary line */
};

static inline struct mail_session *
mail_session(struct session *s)
{
	return SESSION_ROLE(s, struct mail_session);
}

/* The transaction process (privsep.h): log user in on fd -- the client's
 * socket on a plain connection, else the plain POP3 stream from the
 * network process -- and serve the session.  report is called once:
 * refusal NULL when the maildrop is open (then the session is served),
 * else the reply text of the refusal (then nothing is sent and the
 * function returns).  input: commands the client sent after the login
 * command, served first; output: replies the network process had not
 * sent, which go first; command: the login command, masked, for
 * pop3_cmd_debug 2's line, or NULL; started: when the connection came (for the
 * summary line); sasl_mechanisms: what CAPA lists.  Takes telemetry and
 * *user. */
int mail_session_run(const struct mu_config *cfg, int fd,
		     const char *client, unsigned client_port,
		     const struct timespec *started,
		     struct auth_user *user, struct telemetry *telemetry,
		     const char *input, size_t input_len,
		     const char *output, size_t output_len,
		     const char *command, const char *sasl_mechanisms,
		     void (*report)(void *ctx, const char *refusal),
		     void *ctx);

/* After a successful login: open the maildrop and enter TRANSACTION, or
 * answer -ERR and stay in AUTHORIZATION (login.c).  Takes the contents
 * of *user. */
void mail_login(struct mail_session *m, struct auth_user *user);

#endif
