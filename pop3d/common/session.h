/* A POP3 session: what every process that speaks POP3 to the client
 * knows of it, handed to every command handler.  Nothing about a session
 * lives in globals. */
#ifndef POP3D_SESSION_H
#define POP3D_SESSION_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "pop3d/common/settings.h"
#include "libmu/mailbox.h"
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
struct cmd_table;

/* The core of a session, the part every process that speaks POP3 has:
 * the network process before login (struct net_session,
 * net/net_session.h) and the transaction process after it (struct
 * mail_session, mail/mail_session.h) each embed one first, and add what
 * only their role knows.  The reader, the writer, the command loop and
 * the logs see only this. */
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

	/* the commands of the state the session is in: the role's table
	 * (cmd.h) */
	const struct cmd_table *commands;
	unsigned bad_commands;                  /* -ERR replies in a row */
	bool closing;                           /* QUIT: end after this reply */
	/* login_timeout counts (the network process until a login) */
	bool login_timer;
	/* pop3_cmd_debug 2: the command being served, masked, for the
	 * transaction process to log with the reply it gives to a login
	 * (the network process hands it over with the login request) */
	const char *cmd_masked;

	/* operation: the summary line, pop3_cmd_debug, telemetry_dir */
	struct timespec started;                /* CLOCK_MONOTONIC */
	enum session_end end;
	bool last_reply_ok;                     /* "+OK" (or "+ ") last */
	char last_reply[SESSION_LAST_REPLY_MAX];
	/* Set while the lines the client sends are secrets (a SASL
	 * exchange, RFC 5034): logs and telemetry show them masked. */
	bool secret_input;
	struct telemetry *telemetry;            /* NULL: no transcript */
};

/* The role's struct of which s is the core (its first member). */
#define SESSION_ROLE(s, type) \
	((type *)(void *)((char *)(s) - offsetof(type, core)))

/* A zeroed session of size octets (the role's struct), fresh anonymous
 * pages: see session.c.  And its end: the input wiped, the transcript
 * freed, the pages unmapped. */
void *session_new(size_t size);
void session_free(struct session *s, size_t size);

/* What every role does before its first read: SIGTERM and SIGINT stop
 * the session at its next wait; the descriptor non-blocking (its old
 * flags into *old_flags_r, -1 on failure, logged); TCP_NODELAY. */
void session_catch_stop_signals(void);
int session_set_nonblocking(int fd, int *old_flags_r);
void session_set_nodelay(int fd);

/* The command loop: read a line, run it from s->commands, until the
 * session ends (s->end says why) or a command hands it over. */
void session_loop(struct session *s);

/* The shorter of two waits in milliseconds, -1 meaning no limit. */
int session_min_wait(int a, int b);

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
 * from the last command) while s->login_timer runs; 0 when it has
 * passed, -1 when it does not apply. */
int session_login_ms_left(const struct session *s);

/* Record why the session ends, unless a cause is already recorded. */
void session_end_set(struct session *s, enum session_end why);

/* "quit", "timeout", ... as the summary line says it. */
const char *session_end_name(enum session_end why);

/* Set by the SIGTERM handler of a session process (daemon.c): every wait
 * for the client ends, and the session closes without committing. */
extern volatile sig_atomic_t session_stop_requested;

/* Log lines name the client, and the user once logged in (user: NULL
 * before). */
void session_set_log_prefix(struct session *s, const char *user);

/* Copy text into buf fit for a log line: control bytes and non-ASCII as
 * \xHH, cut to the buffer.  Returns buf. */
const char *log_quote(const char *text, char *buf, size_t size);

#endif
