/* Every limit of the POP3 protocol side, in one place (the popa3d habit:
 * a reviewer checks the numbers here, not all over the code). */
#ifndef POP3D_LIMITS_H
#define POP3D_LIMITS_H

/* RFC 2449 section 4: a command line is at most 255 octets, counted
 * before the CRLF; a longer line is discarded whole and
 * answered with one -ERR, never split into two commands. */
#define POP3_LINE_MAX 255

/* A line still without LF after this many octets is a flood: the
 * connection is closed rather than buffering (or skipping) forever. */
#define POP3_FLOOD_MAX (64 * 1024)

/* Input buffer: enough for many pipelined commands (RFC 2449 PIPELINING)
 * and always more than one whole command line with its CRLF. */
#define POP3_INPUT_BUFSIZE 8192

/* Output buffer: replies are coalesced here and written when full or
 * before the server waits for input; a message body streams through it. */
#define POP3_OUTPUT_BUFSIZE 65536

/* RFC 2449 section 4: a response line is at most 512 octets with CRLF. */
#define POP3_REPLY_MAX 512

/* The longest host_id: the greeting with its APOP timestamp
 *   "+OK " host_id " POP3 server ready <" pid "." time "." random "@"
 *   host_id ">" CRLF
 * (session.c send_greeting, privsep.c make_apop_timestamp) holds host_id
 * twice and at most 75 other octets -- pid an int (10 digits), time a
 * 64-bit time_t (19 digits), random 16 hex digits -- and must fit in
 * POP3_REPLY_MAX, or the timestamp is cut off.  A longer host_id is a
 * configuration error (conf.c): 218 octets. */
#define POP3_GREETING_FIXED_MAX (4 + 19 + 1 + 10 + 1 + 19 + 1 + 16 + 1 + 1 + 2)
#define POP3_HOST_ID_MAX ((POP3_REPLY_MAX - POP3_GREETING_FIXED_MAX) / 2)

/* Bad commands in a row (unknown, wrong state, bad arguments, failed
 * logins) before the server gives up on the client. */
#define POP3_MAX_BAD_COMMANDS 20

/* Delay before answering a failed login: slows password guessing, and is
 * the same for an unknown user and a wrong password. */
#define POP3_AUTH_FAIL_DELAY_MS 500

/* Words in a command line: the keyword's arguments (APOP and TOP take 2). */
#define POP3_MAX_ARGS 2

/* Standalone mode: after SIGTERM, how long children may take to end
 * before they are killed. */
#define POP3_DAEMON_STOP_GRACE_MS 5000

/* login_timeout is enforced by the network process, which tells the
 * client; the monitor ends a session that is still not logged in this
 * much later (a network process taken over, or stuck writing) */
#define POP3_LOGIN_TIMEOUT_GRACE_MS 5000

/* Standalone mode: pause after accept() fails for lack of descriptors,
 * so a full table does not turn the listener into a busy loop. */
#define POP3_ACCEPT_BACKOFF_MS 100

/* PROXY protocol v2: the most octets accepted after the 16-octet fixed
 * part (addresses and TLVs).  The field allows 65535; haproxy's headers,
 * even with SSL and unique-id TLVs, stay far below this.  A longer one is
 * refused rather than read. */
#define POP3_PROXY_V2_MAX_LEN 2048

/* telemetry_dir: the transcript kept in memory before login, while the
 * user (and so whether to trace) is unknown.  Past this, records are
 * counted and dropped, never buffered. */
#define POP3_TELEMETRY_PRELOGIN_MAX (16 * 1024)

/* telemetry_dir: a transcript is always a file of its own making, never
 * one found in place.  When telemetry_dir/USER/PID exists (a login after
 * one the transaction process refused, or a name planted there) the
 * next of PID.1, PID.2, ... is tried, this many names in all; more
 * than PRIVSEP_MAX_ATTEMPTS, so every login of a session can have one. */
#define POP3_TELEMETRY_NAME_TRIES 16

/* TLS (RFC 8314 section 5.1): a client gets at most this many seconds
 * (or pop3_conn_timeout, if shorter) to finish the handshake, so a
 * connection that never speaks TLS cannot hold a session slot long. */
#define POP3_TLS_HANDSHAKE_TIMEOUT_S 30

/* TLS: how long the end of a session waits to send close_notify to a
 * client that does not read. */
#define POP3_TLS_BYE_WAIT_MS 1000

/* Bulletins (doc/bulletins.md): one is read into memory to be appended;
 * a bigger one is not delivered (and the delivery stops there). */
#define POP3_BULLETIN_SIZE_MAX (16 * 1024 * 1024)

/* bulletin_db: how long a session waits for another one that holds the
 * GDBM lock (each holds it for one read or one write), and the step. */
#define POP3_BULLETIN_DB_LOCK_WAIT_MS 5000
#define POP3_BULLETIN_DB_LOCK_STEP_MS 20

#endif
