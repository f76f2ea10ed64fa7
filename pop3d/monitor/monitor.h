/* The monitor: the privileged process of a session (doc/privsep.md).  It
 * answers the network process's login requests, runs the SASL server
 * (sasl.c), keeps the blocks and LOGIN-DELAY, and after a good login
 * starts the transaction process as the user. */
#ifndef POP3D_MONITOR_H
#define POP3D_MONITOR_H

#include <stdbool.h>
#include <sys/types.h>
#include <time.h>

#include <gsasl.h>

#include "pop3d/common/settings.h"
#include "pop3d/monitor/auth.h"
#include "pop3d/monitor/block.h"
#include "pop3d/common/ipc.h"
#include "pop3d/common/limits.h"
#include "pop3d/common/session.h"
/* the texts of its refusals (login-delay) */
#include "pop3d/common/texts.h"
#include "pop3d/userdb/userdb.h"

/* Room for the list of mechanisms offered */
#define SASL_MECHLIST_MAX 160

enum sasl_phase {
	SASL_IDLE,              /* no exchange */
	SASL_RUNNING,           /* gsasl_step until GSASL_OK */
	SASL_AWAIT_ACK,         /* sent the additional data with success as a
				 * challenge (RFC 5034 section 4): waiting
				 * for the client's empty response */
};

/* One login attempt, from the request to the verdict. */
struct attempt {
	struct timespec start;          /* CLOCK_MONOTONIC, request arrival */
	bool identified;                /* the names below are known */
	char authuser[USERDB_NAME_MAX + 1];   /* whose credentials */
	char target[USERDB_NAME_MAX + 1];     /* mailbox user, "" = authuser */
	bool blocked;
	const char *method;             /* "USER/PASS", "APOP", "AUTH PLAIN"... */
	/* a backend accepted the credentials of authuser */
	bool authenticated;
	struct auth_user user;
	enum auth_result result;        /* of the backend, when not OK */
	const char *why;                /* for the log */
};

struct monitor {
	const struct mu_config *cfg;
	int ctl_fd;                     /* to the network process */
	int data_fd;                    /* the transaction process's end */
	/* a plain connection's socket, never read or written here: a
	 * transaction process gets it instead of the data socket, so that
	 * no relay stands between it and the client.  -1 with TLS. */
	int client_fd;
	pid_t net_pid;
	char client[SESSION_CLIENT_MAX];
	unsigned client_port;
	struct timespec started;        /* the session's, CLOCK_MONOTONIC */
	bool proxy_v2;                  /* a CLIENT message comes first */
	int link_fd;                    /* to the listener; -1: none */
	bool client_final;              /* no CLIENT message accepted any more */
	char log_prefix[SESSION_CLIENT_MAX + 96];
	/* HANDOVER: for the transaction process */
	char *transcript;               /* telemetry records before login */
	size_t transcript_len;
	char *input;                    /* commands the client sent ahead */
	size_t input_len;
	char *output;                   /* replies to them not yet sent */
	size_t output_len;
	char *command;                  /* the login command, masked */
	size_t command_len;
	char host_id[SESSION_HOST_ID_MAX];
	char apop_timestamp[SESSION_TIMESTAMP_MAX];
	char mechanisms[SASL_MECHLIST_MAX];
	struct userdb_summary summary;  /* counts; fake salt key for SCRAM */
	unsigned attempts;
	bool told_to_close;             /* a FAIL that ends the session sent */
	bool tls;                       /* the network process said IPC_TLS */

	/* SASL (sasl.c) */
	Gsasl *gsasl;
	bool gsasl_shared;              /* the listener's (sasl_preload) */
	Gsasl_session *sasl;
	char sasl_mech[SASL_MECH_MAX + 1];
	char sasl_method[SASL_MECH_MAX + 8];    /* "AUTH <mechanism>" */
	enum sasl_phase sasl_phase;
	/* the popauth record of the exchange's authuser, looked up once */
	struct userdb_record sasl_rec;
	enum { REC_UNKNOWN, REC_FOUND, REC_NONE } sasl_rec_state;
	/* a SASL_START came with a TLS channel binding: TLS runs, and will
	 * until the session ends (for CAPA after login, sasl.c) */
	bool channel_bound;
	/* CRAM-MD5 (sasl.c): the challenge sent, "<digits.time@host_id>" */
	char cram_challenge[SESSION_HOST_ID_MAX + 48];

	struct attempt at;

	/* after a good login, while the transaction process runs */
	bool logged_in;
	bool direct;                    /* the client's socket went with it */
	bool adopted;                   /* the listener started it (adopt.h) */
	pid_t trans_pid;
	int trans_signal;               /* it was killed by this signal */
	struct auth_user session_user;
};

/* Serve the network process until it goes away; returns the exit status
 * of the session. */
int monitor_run(struct monitor *m);

/* HELLO: the APOP timestamp and the SASL mechanisms.  0, or -1 (logged). */
int monitor_hello(struct monitor *m);

/* ---- shared by monitor.c and sasl.c ---- */

/* Begin an attempt: note the time. */
void attempt_begin(struct monitor *m, const char *method);

/* The names of an attempt: user is "authuser" or "authuser!mailbox"
 * (Gromox style); authzid, if not NULL or empty, is a SASL authorization
 * identity naming the mailbox user (it and a '!' together are refused).
 * Checks them like popauth checks names, then checks the blocks.  0, or
 * -1 if the names are malformed (the attempt fails like a wrong
 * password).  Idempotent within one attempt. */
int attempt_identify(struct monitor *m, const char *user, const char *authzid);

/* Verify a password for the attempt's authuser through the backends,
 * unless the attempt is blocked (then the backends are not asked). */
void attempt_check_password(struct monitor *m, const char *password);

/* The attempt ends: the verdict for the network process.  A failure is
 * counted and answered at start + POP3_AUTH_FAIL_DELAY_MS; a success goes
 * through impersonation and LOGIN-DELAY to the transaction process.
 * final_data (SASL additional data with success, base64) is sent as a
 * challenge first when not NULL.  Returns 0, or -1 when the session must
 * end. */
int attempt_finish(struct monitor *m, const char *final_data);

/* After SASL_AWAIT_ACK: go on with the login */
int attempt_login(struct monitor *m);

/* Send the network process a FAIL; close tells it to end the session. */
int monitor_fail(struct monitor *m, const char *text, bool close);

/* ---- sasl.c ---- */

int sasl_init(struct monitor *m, const char **error_r);
void sasl_done(struct monitor *m);
/* In the listener, once: the libgsasl context every monitor then shares
 * (a copy each, by fork) instead of making its own. */
void sasl_preload(void);
/* The mechanisms that can succeed now, into m->mechanisms. */
void sasl_compute_offered(struct monitor *m);
/* The mechanisms CAPA lists after login (the transaction process's),
 * space-separated, into buf. */
void sasl_list_after_login(const struct monitor *m, char *buf, size_t size);
/* SASL_START, SASL_STEP, SASL_CANCEL.  Return 0, or -1 to end. */
int sasl_handle_start(struct monitor *m, const struct ipc_msg *msg);
int sasl_handle_step(struct monitor *m, const struct ipc_msg *msg);
int sasl_handle_cancel(struct monitor *m, const struct ipc_msg *msg);

#endif
