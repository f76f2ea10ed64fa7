/* A POP3 session: everything one connection knows, handed to every
 * command handler.  Nothing about a session lives in globals. */
#ifndef POP3D_SESSION_H
#define POP3D_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libmu/settings.h"
#include "libmu/mailbox.h"
#include "pop3d/auth.h"
#include "pop3d/limits.h"

/* RFC 1939 section 3.  Bits, so that a command can allow several. */
enum session_state {
	STATE_AUTHORIZATION = 1 << 0,
	STATE_TRANSACTION   = 1 << 1,
	STATE_UPDATE        = 1 << 2,
};

#define SESSION_CLIENT_MAX 128
#define SESSION_HOST_ID_MAX 256
/* "<pid.time.random@host_id>" */
#define SESSION_TIMESTAMP_MAX (SESSION_HOST_ID_MAX + 64)

struct session {
	const struct mu_config *cfg;
	enum session_state state;
	char client[SESSION_CLIENT_MAX];        /* peer address, for logs */
	char log_prefix[SESSION_CLIENT_MAX + 96];
	char host_id[SESSION_HOST_ID_MAX];

	/* input: a bounded buffer; [in_off, in_len) is unread */
	int in_fd;
	char inbuf[POP3_INPUT_BUFSIZE];
	size_t in_off, in_len;
	bool in_eof;
	char line[POP3_LINE_MAX + 1];           /* the current command */

	/* output: coalesced replies; see reply.c */
	int out_fd;
	char outbuf[POP3_OUTPUT_BUFSIZE];
	size_t out_len;
	bool out_failed;                        /* the client is gone */

	unsigned bad_commands;                  /* -ERR replies in a row */
	bool closing;                           /* QUIT: end after this reply */

	/* AUTHORIZATION */
	char *pending_user;                     /* from USER, awaiting PASS */
	char apop_timestamp[SESSION_TIMESTAMP_MAX];  /* "<...>", "" if no APOP */

	/* TRANSACTION */
	struct auth_user user;
	bool logged_in;
	struct mu_mailbox *mbox;
	char *mailbox_url;
};

/* Serve one POP3 session on in_fd/out_fd (a socket, or inetd's pipes);
 * client names the peer in logs.  Returns the process exit status. */
int session_run(const struct mu_config *cfg, int in_fd, int out_fd,
		const char *client);

/* After a successful USER/PASS or APOP: open the maildrop and enter
 * TRANSACTION, or answer -ERR and stay in AUTHORIZATION.  Takes the
 * contents of *user.  Returns 0, or -1 if the session must end. */
int session_login(struct session *s, struct auth_user *user);

/* Log lines name the client, and the user once logged in. */
void session_set_log_prefix(struct session *s);

/* Drop (and wipe) a name given by USER. */
void session_forget_pending_user(struct session *s);

/* Wait the failed-login delay (limits.h). */
void session_auth_fail_delay(void);

/* Copy text into buf fit for a log line: control bytes and non-ASCII as
 * \xHH, cut to the buffer.  Returns buf. */
const char *log_quote(const char *text, char *buf, size_t size);

#endif
