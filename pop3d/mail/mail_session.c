/* The transaction process's session (mail_session.h): the login's
 * maildrop opened as the user, then the TRANSACTION command loop, on the
 * client's socket or the data socket from the network process. */
#include "config.h"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pop3d/common/conf.h"
#include "pop3d/common/reply.h"
#include "pop3d/common/sessionlog.h"
#include "pop3d/common/telemetry.h"
#include "pop3d/mail/mail_session.h"
#include "pop3d/mail/trans_commands.h"

int
mail_session_run(const struct mu_config *cfg, int fd,
		 const char *client, unsigned client_port,
		 const struct timespec *started,
		 struct auth_user *user, struct telemetry *telemetry,
		 const char *input, size_t input_len,
		 const char *output, size_t output_len,
		 const char *command, const char *sasl_mechanisms,
		 void (*report)(void *ctx, const char *refusal),
		 void *ctx)
{
	struct mail_session *m = session_new(sizeof *m);
	struct session *s = &m->core;
	int flags = -1, status = 0;

	/* inherited from a monitor's net_session_run, but not by a process the
	 * listener started (adopt.h) */
	session_catch_stop_signals();
	s->started = *started;
	s->cfg = cfg;
	s->out_cap = conf_output_capacity(cfg);         /* context_max_mem */
	s->in_fd = s->out_fd = fd;
	s->state = STATE_AUTHORIZATION;
	s->commands = &transaction_commands;
	snprintf(s->client, sizeof s->client, "%s", client);
	s->client_port = client_port;
	s->telemetry = telemetry;
	snprintf(m->sasl_mechanisms, sizeof m->sasl_mechanisms, "%s",
		 sasl_mechanisms != NULL ? sasl_mechanisms : "");
	session_set_log_prefix(s, NULL);
	conf_host_id(cfg, s->host_id, sizeof s->host_id);
	if (session_set_nonblocking(fd, &flags) < 0) {
		report(ctx, "[SYS/TEMP] cannot open mailbox");
		status = 1;
		goto out;
	}
	conn_init(&s->conn, fd, fd);
	/* the network process's replies to what came before the login
	 * lead ours, in the same write */
	if (output != NULL && output_len <= s->out_cap) {
		memcpy(s->outbuf, output, output_len);
		s->out_len = output_len;
	}
	/* the reply stays in the buffer until we know which it is: a
	 * refusal goes to the client through the network process, which
	 * stays in AUTHORIZATION */
	mail_login(m, user);
	if (s->state != STATE_TRANSACTION) {
		const char *text = s->last_reply;

		if (strncmp(text, "-ERR ", 5) == 0)
			text += 5;
		report(ctx, text[0] != '\0' ? text :
		       "[SYS/TEMP] cannot open mailbox");
		s->out_len = 0;
		goto out;
	}
	report(ctx, NULL);
	/* pop3_cmd_debug 2: the login command, with the reply it got here */
	if (command != NULL)
		session_log_command(s, command);
	/* Reading the mailbox went through buffers now free again: give
	 * their pages back, for a session mostly waits, and a page it keeps
	 * is a page of its own */
	malloc_trim(0);
	/* pipelined after the login: served before the first flush, so
	 * their replies leave with the login's in one write */
	if (input != NULL && input_len > 0 && input_len <= sizeof s->inbuf) {
		memcpy(s->inbuf, input, input_len);
		s->in_len = input_len;
	}
	session_loop(s);
	(void)reply_flush(s);
	session_log_summary(s, m->user.name, &m->tally);
	telemetry_note(s->telemetry, "session end: %s",
		       session_end_name(s->end));
out:
	/* no commit here: only QUIT commits (RFC 1939 section 6) */
	mu_mailbox_close(m->mbox);
	if (m->logged_in)
		auth_user_free(&m->user);
	free(m->mailbox_url);
	session_free(s, sizeof *m);
	return status;
}
