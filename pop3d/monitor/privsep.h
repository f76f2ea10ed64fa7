/* Privilege separation: the three processes of a session (doc/privsep.md).
 *
 *   privsep.c       the split at the start of a session, the monitor's
 *                   life, starting the transaction process
 *   privsep_net.c   the network process's side: requests to the monitor
 *                   (its session: net_session.h)
 *   transaction.c   the transaction process (its session:
 *                   mail_session.h)
 *   relay.c         the network process after login
 *   monitor.c, sasl.c   the monitor's answers */
#ifndef POP3D_PRIVSEP_H
#define POP3D_PRIVSEP_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "pop3d/common/identity.h"
#include "pop3d/common/cmd.h"
#include "pop3d/common/session.h"
#include "pop3d/monitor/auth.h"

struct monitor;
struct ipc_msg;
struct identity;
struct net_session;

/* At the start of net_session_run, before a byte from the client is read:
 * fork.  The parent becomes the monitor and never returns (it exits when
 * the session is over).  The child, the network process, switches to
 * running_identity, waits for the monitor's HELLO (the APOP timestamp and
 * the SASL mechanisms, into n) and returns 0; -1 (logged) when the
 * session cannot go on. */
int privsep_split(struct net_session *n, const struct session_conn *conn);

/* End a process of a session: stdio flushed, then _exit().  exit()
 * would run the libraries' destructors (GnuTLS's global deinit among
 * them), whose writes only copy pages shared with the listener before the
 * process is gone anyway. */
void privsep_exit(int status) __attribute__((noreturn));

/* ---- the network process (privsep_net.c) ---- */

enum privsep_verdict {
	PRIVSEP_LOGGED_IN,      /* relay (relay.c) until the session ends */
	PRIVSEP_REFUSED,        /* answered -ERR; stay in AUTHORIZATION */
	PRIVSEP_CHALLENGE,      /* SASL: "+ challenge" sent, read a response */
	PRIVSEP_END,            /* the session must end */
};

/* What a command that asked the monitor leaves the session to do: a
 * login hands it over, END closes it, anything else goes on. */
enum cmd_result privsep_cmd_result(enum privsep_verdict v);

/* After a PROXY v2 header: tell the monitor the client's address and
 * wait for its HELLO.  0 go on; 1 the client is turned away (the reply,
 * n->refusal, is written; the session ends); -1 error (logged). */
int privsep_send_client(struct net_session *n);

/* The monitor's HELLO (into n), or its refusal of the client (into
 * n->refusal: 1).  0, 1, or -1 (logged). */
int privsep_receive_hello(struct net_session *n);

/* USER/PASS, APOP: ask the monitor, answer the client.  On LOGGED_IN the
 * handler returns CMD_HANDOVER (privsep_cmd_result): net_session_run
 * relays. */
enum privsep_verdict privsep_login_pass(struct net_session *n, const char *user,
					const char *password);
enum privsep_verdict privsep_login_apop(struct net_session *n, const char *user,
					const char *digest);

/* AUTH (authcmd.c): start an exchange; initial is the initial response
 * as the client sent it, or NULL.  Then one step per client line, or a
 * cancel: reason NULL for the client's "*", else why its line was void
 * (a SESSION_RESPONSE_ reason, session.h). */
enum privsep_verdict privsep_sasl_start(struct net_session *n, const char *mech,
					const char *initial);
enum privsep_verdict privsep_sasl_step(struct net_session *n, const char *line);
enum privsep_verdict privsep_sasl_cancel(struct net_session *n,
					 const char *reason);

/* STLS: from now on the stream is TLS, which only this process can
 * speak; the monitor stops keeping the client's socket for a transaction
 * process.  PRIVSEP_REFUSED (go on) or PRIVSEP_END. */
enum privsep_verdict privsep_tls_begins(struct net_session *n);

/* Is mech among the mechanisms offered now (TLS decides the -PLUS ones)?
 * And the list for CAPA and AUTH with no argument. */
bool privsep_sasl_offered(struct net_session *n, const char *mech);
void privsep_sasl_list(struct net_session *n, char *buf, size_t size);

/* ---- the monitor (privsep.c) ---- */

/* Fork the transaction process for m->at.user and wait until it reports.
 * 0 the maildrop is open; 1 refused (text: the reply for the client, e.g.
 * "[IN-USE] ..."); -1 error (logged); -2 it was killed by a signal
 * (m->trans_signal): the session ends as if it had been one process. */
int privsep_start_transaction(struct monitor *m, char *text, size_t size);

/* Let go of the client's socket: TLS runs, or it is handed over. */
void privsep_monitor_close_client(struct monitor *m);
/* The monitor's log prefix, after CLIENT changed the address. */
void privsep_monitor_log_prefix(struct monitor *m);
/* Does the monitor wait for a CLIENT message first (PROXY v2)? */
bool privsep_monitor_expects_client(const struct monitor *m);
/* HANDOVER: keep the network process's telemetry records and the input
 * it read ahead (pipelined after the login command), for the transaction
 * process the next request may start.  Each replaces what was kept, and
 * the monitor drops it once that request is answered, whatever the
 * answer: it never outlives one login attempt. */
void privsep_keep_handover(struct monitor *m, const struct ipc_msg *msg);
void privsep_drop_handover(struct monitor *m);
/* Set by SIGTERM: the session is to end. */
const volatile sig_atomic_t *privsep_stop_flag(void);

/* After the transaction process was killed by a signal (repair.c): open
 * and close the mailbox as the user, so that a commit it was making is
 * finished now rather than at the next login.  Waits for it; logged. */
void privsep_repair_mailbox(struct monitor *m);
/* Its body, in a child that is root: become the user, open and close
 * the mailbox, log how long it took.  Also run by the listener for a
 * session it adopted (adopt.h), which does not wait for it. */
void privsep_repair_child(const struct mu_config *cfg,
			  const struct auth_user *u) __attribute__((noreturn));

/* ---- the transaction process (transaction.c) ---- */

struct transaction_start {
	const struct mu_config *cfg;
	int data_fd;                    /* plain POP3 to the network process */
	int status_fd;                  /* OPENED / FAIL to the monitor */
	struct auth_user *user;
	const char *client;
	unsigned client_port;
	const char *transcript;         /* the network process's records */
	size_t transcript_len;
	const char *input;              /* commands sent ahead (pipelining) */
	size_t input_len;
	const char *output;             /* replies the network process held */
	size_t output_len;
	pid_t session_pid;              /* the monitor's: names the session */
	struct timespec started;        /* when the connection came */
	/* the identity to switch to, NULL: keep the process's */
	const struct identity *identity;
	enum identity_groups groups;    /* how to set the supplementary groups */
	/* started by the listener (adopt.h), which no monitor waits for:
	 * no parent-death signal, for the listener is not its monitor */
	bool adopted;
	const char *sasl_mechanisms;    /* for CAPA after login (sasl.c) */
	const char *command;            /* the login command, masked, or NULL:
					 * pop3_cmd_debug 2 logs it here */
};

/* Never returns. */
void transaction_run(const struct transaction_start *ts)
	__attribute__((noreturn));

/* ---- relay.c ---- */

/* Logged in: forward the input already read, then copy bytes both ways
 * between the client (through its transport: TLS or not) and the
 * transaction process until either side is done. */
void privsep_relay(struct net_session *n);

#endif
