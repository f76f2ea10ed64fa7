/* A POP3 session: everything one connection knows, handed to every
 * command handler.  Nothing about a session lives in globals. */
#ifndef POP3D_SESSION_H
#define POP3D_SESSION_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "pop3d/common/settings.h"
#include "libmu/mailbox.h"
#include "pop3d/monitor/auth.h"
#include "pop3d/common/conn.h"
#include "pop3d/common/limits.h"

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
/* The SASL mechanisms the monitor offers, space-separated */
#define SESSION_SASL_MECHS_MAX 160
/* The first line of the last reply, kept for pop3_cmd_debug */
#define SESSION_LAST_REPLY_MAX 128

/* How a session ended, for the summary line (session_end_name()).  The
 * first cause recorded wins: a write that fails after a timeout is still
 * a timeout. */
enum session_end {
	SESSION_END_UNKNOWN = 0,
	SESSION_END_QUIT,               /* the client sent QUIT */
	SESSION_END_TIMEOUT,            /* idle for pop3_conn_timeout */
	SESSION_END_LOGIN_TIMEOUT,      /* not logged in within login_timeout */
	SESSION_END_STALLED,            /* stopped reading our output */
	SESSION_END_DROPPED,            /* the client closed or reset */
	SESSION_END_FLOOD,              /* a line without end past the limit */
	SESSION_END_TOO_MANY_ERRORS,    /* POP3_MAX_BAD_COMMANDS in a row */
	SESSION_END_SHUTDOWN,           /* SIGTERM: the daemon is stopping */
	SESSION_END_PROXY,              /* bad or missing PROXY v2 header */
	SESSION_END_REFUSED,            /* the client's address was refused */
	SESSION_END_TLS,                /* TLS not available or failed */
	SESSION_END_ERROR,              /* a server-side error */
};

/* What the accepting side knows of a connection before its session
 * starts: daemon.c in -d mode, main.c in inetd mode. */
struct session_conn {
	int in_fd, out_fd;
	char client[SESSION_CLIENT_MAX];        /* peer address, for logs */
	unsigned client_port;                   /* 0: not a TCP peer */
	/* POP3S (RFC 8314): accepted on pop3_listen_tls_port, or -s; the
	 * TLS handshake comes before the greeting */
	bool implicit_tls;
	/* a PROXY protocol v2 header comes first (pop3_accept_haproxy = 2,
	 * or -H); its source address replaces client and client_port */
	bool proxy_v2;
	/* -d mode: the link to the listener (listenerlink.h), which only
	 * the monitor keeps; -1 in inetd mode */
	int link_fd;
};

struct telemetry;

struct session {
	const struct mu_config *cfg;
	enum session_state state;
	char client[SESSION_CLIENT_MAX];        /* peer address, for logs */
	unsigned client_port;                   /* 0: not a TCP peer */
	bool implicit_tls;                      /* see struct session_conn */
	char log_prefix[SESSION_CLIENT_MAX + 96];
	char host_id[SESSION_HOST_ID_MAX];

	/* the transport both the reader and the writer go through: plain,
	 * or TLS after STLS or on an implicit-TLS connection (conn.h) */
	struct conn conn;

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
	/* what of outbuf may be filled: less than all of it when
	 * context_max_mem says so (conf_output_capacity); 0: all */
	size_t out_cap;
	bool out_failed;                        /* the client is gone */

	unsigned bad_commands;                  /* -ERR replies in a row */
	bool closing;                           /* QUIT: end after this reply */

	/* AUTHORIZATION */
	char *pending_user;                     /* from USER, awaiting PASS */
	char apop_timestamp[SESSION_TIMESTAMP_MAX];  /* "<...>", "" if no APOP */

	/* privilege separation (privsep.h): in the network process, the
	 * monitor's control socket and the data socket to the transaction
	 * process (-1 elsewhere); what the monitor offers; and, once
	 * logged in, that the transaction process has the session */
	int monitor_fd, data_fd;
	char sasl_mechanisms[SESSION_SASL_MECHS_MAX];
	bool handed_over;
	/* pop3_cmd_debug 2: the command being served, masked, for the
	 * transaction process to log with the reply it gives to a login */
	const char *cmd_masked;
	/* ... and the client's socket with it: this process leaves the
	 * connection alone from then on (a plain connection) */
	bool direct;
	/* the monitor turned the client away instead of its HELLO: the
	 * reply text (after "-ERR ") */
	char refusal[SESSION_LAST_REPLY_MAX * 2];

	/* TRANSACTION */
	struct auth_user user;
	bool logged_in;
	struct mu_mailbox *mbox;
	char *mailbox_url;

	/* operation: the summary line, pop3_cmd_debug, telemetry_dir */
	struct timespec started;                /* CLOCK_MONOTONIC */
	enum session_end end;
	unsigned retr_count;                    /* messages sent by RETR */
	uint64_t retr_octets;
	size_t deleted_count;                   /* removed at QUIT */
	bool last_reply_ok;                     /* "+OK" (or "+ ") last */
	char last_reply[SESSION_LAST_REPLY_MAX];
	/* Set while the lines the client sends are secrets (a SASL
	 * exchange, RFC 5034): logs and telemetry show them masked. */
	bool secret_input;
	struct telemetry *telemetry;            /* NULL: no transcript */
};

/* Serve one POP3 session on conn's descriptors (a socket, or inetd's
 * pipes).  Returns the process exit status. */
int session_run(const struct mu_config *cfg, const struct session_conn *conn);

/* The transaction process (privsep.h): log user in on fd -- the client's
 * socket on a plain connection, else the plain POP3 stream from the
 * network process -- and serve the session.  report
 * is called once: refusal NULL when the maildrop is open (then the
 * session is served), else the reply text of the refusal (then nothing
 * is sent and the function returns).  input: commands the client sent
 * after the login command, served first; output: replies the network
 * process had not sent, which go first; command: the login command,
 * masked, for pop3_cmd_debug 2's line, or NULL; started: when the connection
 * came (for the summary line); sasl_mechanisms: what CAPA lists.  Takes
 * telemetry and *user. */
int session_run_transaction(const struct mu_config *cfg, int fd,
			    const char *client, unsigned client_port,
			    const struct timespec *started,
			    struct auth_user *user, struct telemetry *telemetry,
			    const char *input, size_t input_len,
			    const char *output, size_t output_len,
			    const char *command,
			    const char *sasl_mechanisms,
			    void (*report)(void *ctx, const char *refusal),
			    void *ctx);

/* Why session_read_response() discarded a line.  Also the reasons a
 * SASL_CANCEL may carry to the monitor (doc/privsep.md), which makes the
 * reply "-ERR [AUTH] <reason>" of them. */
#define SESSION_RESPONSE_TOO_LONG "response too long"
#define SESSION_RESPONSE_NUL "response with a NUL byte"

/* A SASL response line (RFC 5034 section 4) into buf: 1 a line, 0 one
 * too long for buf or with a NUL, discarded (*why_r: one of the
 * SESSION_RESPONSE_ reasons), -1 the session must end (its end
 * recorded). */
int session_read_response(struct session *s, char *buf, size_t size,
			  const char **why_r);

/* Milliseconds left of login_timeout (counted from the connection, not
 * from the last command) in the network process before login; 0 when it
 * has passed, -1 when it does not apply. */
int session_login_ms_left(const struct session *s);

/* Record why the session ends, unless a cause is already recorded. */
void session_end_set(struct session *s, enum session_end why);

/* "quit", "timeout", ... as the summary line says it. */
const char *session_end_name(enum session_end why);

/* Set by the SIGTERM handler of a session process (daemon.c): every wait
 * for the client ends, and the session closes without committing. */
extern volatile sig_atomic_t session_stop_requested;

/* After a successful USER/PASS or APOP: open the maildrop and enter
 * TRANSACTION, or answer -ERR and stay in AUTHORIZATION.  Takes the
 * contents of *user.  Returns 0, or -1 if the session must end. */
int session_login(struct session *s, struct auth_user *user);

/* Log lines name the client, and the user once logged in. */
void session_set_log_prefix(struct session *s);

/* Drop (and wipe) a name given by USER. */
void session_forget_pending_user(struct session *s);

/* Copy text into buf fit for a log line: control bytes and non-ASCII as
 * \xHH, cut to the buffer.  Returns buf. */
const char *log_quote(const char *text, char *buf, size_t size);

#endif
