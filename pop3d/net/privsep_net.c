/* The network process's side of privilege separation (privsep.h): every
 * login goes to the monitor as a request, and the monitor's verdict
 * becomes the reply to the client.  Nothing here decides anything. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libmu/log.h"
#include "libmu/util.h"
#include "pop3d/common/ipc.h"
#include "pop3d/common/mechlist.h"
#include "pop3d/monitor/privsep.h"
#include "pop3d/common/reply.h"
#include "pop3d/common/telemetry.h"
#include "pop3d/net/net_session.h"
#include "pop3d/net/tls.h"

static struct ipc_msg msg;

enum cmd_result
privsep_cmd_result(enum privsep_verdict v)
{
	switch (v) {
	case PRIVSEP_LOGGED_IN:
		return CMD_HANDOVER;
	case PRIVSEP_END:
		return CMD_CLOSE;
	case PRIVSEP_REFUSED:
	case PRIVSEP_CHALLENGE:
		break;
	}
	return CMD_OK;
}

static enum privsep_verdict
send_or_end(struct net_session *n, enum ipc_type type, unsigned nf,
	    const struct ipc_field *f)
{
	const char *error;

	if (ipc_send(n->monitor_fd, type, nf, f, &error) < 0) {
		mu_log(MU_LOG_ERR, "to the monitor: %s", error);
		session_end_set(&n->core, SESSION_END_ERROR);
		return PRIVSEP_END;
	}
	return PRIVSEP_REFUSED;
}

/* What a transaction process started by the next request would need:
 * the transcript so far (telemetry_dir), and the commands the client sent
 * after the login command (RFC 2449 PIPELINING), which are its to answer
 * if the login succeeds -- and ours if not, so we keep them too.  The
 * monitor holds it for that one request only: sending nothing means
 * "nothing read ahead", never "the same as last time". */
static enum privsep_verdict
send_handover(struct net_session *n)
{
	struct session *s = &n->core;
	struct ipc_field f[4] = { { NULL, 0 }, { NULL, 0 }, { NULL, 0 },
				  { NULL, 0 } };

	f[0].data = telemetry_pending(s->telemetry, &f[0].len);
	if (f[0].data != NULL && f[0].len > IPC_FIELD_MAX)
		f[0].len = IPC_FIELD_MAX;
	if (s->in_len > s->in_off) {
		f[1].data = s->inbuf + s->in_off;
		f[1].len = s->in_len - s->in_off;
	}
	/* replies not yet sent, for a transaction process that gets the
	 * client's socket itself (request() keeps them under the limit) */
	if (!session_tls_active(s) && s->out_len > 0) {
		f[2].data = s->outbuf;
		f[2].len = s->out_len;
	}
	/* the command, masked, for pop3_cmd_debug's line of a login */
	if (s->cmd_masked != NULL) {
		f[3].data = s->cmd_masked;
		f[3].len = strlen(s->cmd_masked);
	}
	if (f[0].data == NULL && f[1].data == NULL && f[2].data == NULL &&
	    f[3].data == NULL)
		return PRIVSEP_REFUSED;
	return send_or_end(n, IPC_HANDOVER, 4, f);
}

/* The reply text from the monitor, made safe for one reply line. */
static void
reply_text(struct session *s, const char *text)
{
	char safe[256];
	size_t o = 0;

	for (; text != NULL && *text != '\0' && o + 1 < sizeof safe; text++)
		safe[o++] = (*text < 0x20 || *text == 0x7f) ? '?' : *text;
	safe[o] = '\0';
	reply_err(s, "%s", o > 0 ? safe : "failed");
}

static enum privsep_verdict
await_verdict(struct net_session *n)
{
	struct session *s = &n->core;
	const char *error, *text;
	int rc;

	rc = ipc_recv(n->monitor_fd, &msg, -1, &session_stop_requested, &error);
	if (rc <= 0) {
		if (!session_stop_requested)
			mu_log(MU_LOG_ERR, "no answer from the monitor: %s",
			       rc == 0 ? "it is gone" : error);
		session_end_set(s, session_stop_requested ?
				SESSION_END_SHUTDOWN : SESSION_END_ERROR);
		return PRIVSEP_END;
	}
	switch (msg.type) {
	case IPC_OK:
		text = ipc_field_str(&msg, 0, 255);
		if (msg.nfields < 1 || msg.nfields > 2 || text == NULL)
			break;
		if (msg.nfields == 2) {
			const char *how = ipc_field_str(&msg, 1, 8);

			if (how == NULL || strcmp(how, "direct") != 0)
				break;
			n->direct = true;
		}
		/* our log lines name the user from now on, as the
		 * transaction process's do */
		free(n->user);
		n->user = mu_xstrdup(text);
		session_set_log_prefix(s, n->user);
		n->handed_over = true;
		s->login_timer = false;
		/* the transaction process sends the replies we held */
		if (n->direct)
			s->out_len = 0;
		/* the input read ahead went with the request */
		explicit_bzero(s->inbuf, sizeof s->inbuf);
		s->in_off = s->in_len = 0;
		return PRIVSEP_LOGGED_IN;
	case IPC_FAIL:
		text = ipc_field_str(&msg, 0, 255);
		if (msg.nfields != 2 || text == NULL)
			break;
		reply_text(s, text);
		if (ipc_field_str(&msg, 1, 1) != NULL &&
		    strcmp(msg.field[1].data, "1") == 0) {
			session_end_set(s, SESSION_END_TOO_MANY_ERRORS);
			s->closing = true;
			return PRIVSEP_END;
		}
		return PRIVSEP_REFUSED;
	case IPC_CONTINUE:
		text = ipc_field_str(&msg, 0, IPC_FIELD_MAX);
		if (msg.nfields != 1 || text == NULL)
			break;
		/* RFC 5034 section 4: "+" SP [base64] */
		reply_continue(s, text);
		return PRIVSEP_CHALLENGE;
	default:
		break;
	}
	mu_log(MU_LOG_ERR, "unexpected %s from the monitor",
	       ipc_type_name(msg.type));
	session_end_set(s, SESSION_END_ERROR);
	return PRIVSEP_END;
}

static enum privsep_verdict
request(struct net_session *n, enum ipc_type type, unsigned nf,
	const struct ipc_field *f)
{
	struct session *s = &n->core;
	enum privsep_verdict v;

	/* Replies still buffered stay so: the monitor is not the client.
	 * Through TLS they leave with the transaction process's first
	 * output through the relay; on a plain connection, which a login
	 * hands over as it is, they go with the handover, to lead the
	 * transaction process's first write (one write for a burst).  A
	 * cancel cannot log anyone in: nothing to hand over. */
	if (type != IPC_SASL_CANCEL) {
		if (!session_tls_active(s) && s->out_len > IPC_FIELD_MAX &&
		    reply_flush(s) < 0) {
			session_end_set(s, SESSION_END_ERROR);
			return PRIVSEP_END;
		}
		if (send_handover(n) == PRIVSEP_END)
			return PRIVSEP_END;
	}
	v = send_or_end(n, type, nf, f);
	if (v == PRIVSEP_END)
		return v;
	v = await_verdict(n);
	ipc_msg_wipe(&msg);
	return v;
}

enum privsep_verdict
privsep_tls_begins(struct net_session *n)
{
	return send_or_end(n, IPC_TLS, 0, NULL);
}

static struct ipc_field
field(const char *text)
{
	struct ipc_field f = { text, text != NULL ? strlen(text) : 0 };
	return f;
}

int
privsep_send_client(struct net_session *n)
{
	struct session *s = &n->core;
	char port[16];
	struct ipc_field f[2];
	int rc;

	snprintf(port, sizeof port, "%u", s->client_port);
	f[0] = field(s->client);
	f[1] = field(port);
	if (send_or_end(n, IPC_CLIENT, 2, f) == PRIVSEP_END)
		return -1;
	rc = privsep_receive_hello(n);
	if (rc == 1) {
		/* deny_from / allow_from, prelogin_per_addr: the monitor
		 * logged why; on a POP3S connection, before the handshake,
		 * plain text would only be noise */
		session_end_set(s, SESSION_END_REFUSED);
		if (!s->implicit_tls)
			reply_text(s, n->refusal);
	}
	return rc;
}

enum privsep_verdict
privsep_login_pass(struct net_session *n, const char *user, const char *password)
{
	struct ipc_field f[2] = { field(user), field(password) };

	return request(n, IPC_PASS, 2, f);
}

enum privsep_verdict
privsep_login_apop(struct net_session *n, const char *user, const char *digest)
{
	struct ipc_field f[2] = { field(user), field(digest) };

	return request(n, IPC_APOP, 2, f);
}

enum privsep_verdict
privsep_sasl_start(struct net_session *n, const char *mech, const char *initial)
{
	unsigned char cb[TLS_CHANNEL_BINDING_MAX];
	size_t cblen = 0;
	const char *cbtype = NULL;
	struct ipc_field f[4] = { field(mech), field(initial), field(NULL),
				  field(NULL) };

	/* SCRAM (RFC 5802 section 6): the monitor gets the binding whenever
	 * there is one, -PLUS or not, to catch a downgrade */
	if (session_tls_active(&n->core) &&
	    tls_channel_binding(&n->core, &cbtype, cb, &cblen) == 0 &&
	    cblen > 0) {
		f[2] = field(cbtype);
		f[3].data = (const char *)cb;
		f[3].len = cblen;
	}
	return request(n, IPC_SASL_START, 4, f);
}

enum privsep_verdict
privsep_sasl_step(struct net_session *n, const char *line)
{
	struct ipc_field f = field(line);

	return request(n, IPC_SASL_STEP, 1, &f);
}

enum privsep_verdict
privsep_sasl_cancel(struct net_session *n, const char *reason)
{
	struct ipc_field f = field(reason);

	return request(n, IPC_SASL_CANCEL, reason != NULL ? 1 : 0, &f);
}

/* -PLUS needs a channel binding, which only TLS gives */
static bool
binding_available(struct session *s)
{
	unsigned char cb[TLS_CHANNEL_BINDING_MAX];
	size_t len = 0;
	const char *type;

	return session_tls_active(s) &&
		tls_channel_binding(s, &type, cb, &len) == 0 && len > 0;
}

bool
privsep_sasl_offered(struct net_session *n, const char *mech)
{
	if (!mechlist_contains(n->sasl_mechanisms, mech))
		return false;
	if (mechlist_is_plus(mech, strlen(mech)))
		return binding_available(&n->core);
	return true;
}

void
privsep_sasl_list(struct net_session *n, char *buf, size_t size)
{
	mechlist_filter(n->sasl_mechanisms, binding_available(&n->core), buf,
			size);
}
