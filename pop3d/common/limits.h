/* Every limit of pop3d, in one place (the popa3d habit: a reviewer checks
 * the numbers here, not all over the code): what a client, a peer
 * process or a file may make a session read, hold, repeat or wait for.
 * Each says why it has its value.  A constant that a format fixes (the
 * PROXY v2 header's field sizes, the stat file's records) or that only
 * sizes a buffer for a value bounded here stays with its code.
 * doc/security.md lists the limits a client meets before login. */
#ifndef POP3D_LIMITS_H
#define POP3D_LIMITS_H

/* ---- what a client sends */

/* RFC 2449 section 4: a command line is at most 255 octets, counted
 * before the CRLF; a longer line is discarded whole and
 * answered with one -ERR, never split into two commands. */
#define POP3_LINE_MAX 255

/* A line still without LF after this many octets is a flood: the
 * connection is closed rather than buffering (or skipping) forever. */
#define POP3_FLOOD_MAX (64 * 1024)

/* A client response line may be longer than a command line (RFC 5034
 * section 4 bounds only the AUTH command itself): a SCRAM-PLUS final
 * message in base64 passes 255 octets.  Bounded by the input buffer. */
#define SASL_RESPONSE_MAX 8000

/* Longest SASL mechanism name (RFC 4422 section 3.1) */
#define SASL_MECH_MAX 20

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
 * (net_session.c send_greeting, privsep.c make_apop_timestamp) holds host_id
 * twice and at most 75 other octets -- pid an int (10 digits), time a
 * 64-bit time_t (19 digits), random 16 hex digits -- and must fit in
 * POP3_REPLY_MAX, or the timestamp is cut off.  A longer host_id is a
 * configuration error (conf.c): 218 octets. */
#define POP3_GREETING_FIXED_MAX (4 + 19 + 1 + 10 + 1 + 19 + 1 + 16 + 1 + 1 + 2)
#define POP3_HOST_ID_MAX ((POP3_REPLY_MAX - POP3_GREETING_FIXED_MAX) / 2)

/* The longest replacement text of pop3_code.txt, in octets: with a
 * response code and host_id it still fits a reply line (RFC 2449 section
 * 4: 512 with CRLF) and the monitor's messages (255). */
#define TEXTS_TEXT_MAX 200

/* Bad commands in a row (unknown, wrong state, bad arguments, failed
 * logins) before the server gives up on the client. */
#define POP3_MAX_BAD_COMMANDS 20

/* Words in a command line: the keyword's arguments (APOP and TOP take 2). */
#define POP3_MAX_ARGS 2

/* PROXY protocol v2: the most octets accepted after the 16-octet fixed
 * part (addresses and TLVs).  The field allows 65535; haproxy's headers,
 * even with SSL and unique-id TLVs, stay far below this.  A longer one is
 * refused rather than read. */
#define POP3_PROXY_V2_MAX_LEN 2048

/* ---- logins */

/* Delay before answering a failed login: slows password guessing, and is
 * the same for an unknown user and a wrong password. */
#define POP3_AUTH_FAIL_DELAY_MS 500

/* Login attempts one connection may make; then the monitor stops
 * answering and the session ends.  Blocks count across connections; this
 * bounds what one connection costs (each failure holds it for
 * POP3_AUTH_FAIL_DELAY_MS anyway). */
#define PRIVSEP_MAX_ATTEMPTS 10

/* a client address is blocked as a whole after this many times
 * pop3_auth_times failures (pop3d.conf(5)): enough for a few users
 * behind one address (a NAT) to mistype, too few for guessing across
 * many names */
#define BLOCK_ADDRESS_FACTOR 5

/* A user name popauth stores and the monitor takes: %u puts it into a
 * path, where one name is at most 255 octets (NAME_MAX). */
#define USERDB_NAME_MAX 255
/* libxcrypt's CRYPT_MAX_PASSPHRASE_SIZE less the NUL: crypt(3) refuses
 * longer phrases, so popauth refuses to store them. */
#define USERDB_PASSWORD_MAX 511

/* ---- between a session's processes (doc/privsep.md) */

/* The most fields of a message: IPC_SASL_START's four. */
#define IPC_MAX_FIELDS 4
/* descriptors one message may carry (IPC_ADOPT: the client's socket and
 * the status socket) */
#define IPC_MAX_FDS 2
/* Big enough for a SASL response line (SASL_RESPONSE_MAX) and the
 * telemetry records kept before login */
#define IPC_FIELD_MAX 20480    /* > POP3_TELEMETRY_PRELOGIN_MAX */
/* The longest datagram, by the wire form of pop3d/common/ipc.h: type and field
 * count, then a 4-octet length and the octets of each field */
#define IPC_MSG_MAX (2 + IPC_MAX_FIELDS * (4 + IPC_FIELD_MAX))

/* How long the network process waits for the monitor's HELLO: it reads
 * the popauth summary, nothing slow */
#define HELLO_TIMEOUT_MS 30000

/* login_timeout is enforced by the network process, which tells the
 * client; the monitor ends a session that is still not logged in this
 * much later (a network process taken over, or stuck writing) */
#define POP3_LOGIN_TIMEOUT_GRACE_MS 5000

/* After login, the client's input the network process holds on its way
 * to the transaction process (context_max_mem may lower it, never below
 * POP3_INPUT_BUFSIZE): the plaintext of a whole TLS record (at most 2^14
 * octets, RFC 8446 section 5.1) fits. */
#define RELAY_UP_BUFSIZE 16384

/* ---- standalone mode */

/* Listening sockets: the plain port and the implicit-TLS port, or what
 * systemd passes (several addresses, IPv4 and IPv6 apart); more sockets
 * passed are an error. */
#define MAX_LISTENERS 16

/* How long a monitor waits for the listener's answer: the listener only
 * counts its table, so anything longer means it is gone or stuck, and
 * the session goes on rather than hang on it. */
#define LINK_ANSWER_WAIT_MS 2000

/* After SIGTERM, how long children may take to end before they are
 * killed. */
#define POP3_DAEMON_STOP_GRACE_MS 5000

/* Pause after accept() fails for lack of descriptors, so a full table
 * does not turn the listener into a busy loop. */
#define POP3_ACCEPT_BACKOFF_MS 100

/* ---- TLS */

/* A client gets at most this many seconds (or pop3_conn_timeout, if
 * shorter) to finish the handshake (RFC 8314 section 5.1), so a
 * connection that never speaks TLS cannot hold a session slot long. */
#define POP3_TLS_HANDSHAKE_TIMEOUT_S 30

/* How long the end of a session waits to send close_notify to a client
 * that does not read. */
#define POP3_TLS_BYE_WAIT_MS 1000

/* A certificate chain or key larger than this is not one: refuse to read
 * it all. */
#define TLSCERT_FILE_MAX (1024 * 1024)

/* ---- files */

/* stat_file: how long a session waits for the lock another one holds,
 * and the step.  Nobody holds it longer than a few record updates, so a
 * longer wait means the holder is stuck: the access fails (and is
 * logged) rather than hold the login. */
#define STATDB_LOCK_WAIT_MS 3000
#define STATDB_LOCK_STEP_MS 5

/* popauth_db: how long to wait for a lock another process holds, and the
 * step.  popauth holds the write lock only while it rewrites one
 * record. */
#define USERDB_LOCK_WAIT_MS 3000
#define USERDB_LOCK_STEP_MS 20

/* Bulletins (doc/bulletins.md): one is read into memory to be appended;
 * a bigger one is not delivered (and the delivery stops there). */
#define POP3_BULLETIN_SIZE_MAX (16 * 1024 * 1024)

/* bulletin_db: how long a session waits for another one that holds the
 * GDBM lock (each holds it for one read or one write), and the step. */
#define POP3_BULLETIN_DB_LOCK_WAIT_MS 5000
#define POP3_BULLETIN_DB_LOCK_STEP_MS 20

/* ---- telemetry_dir */

/* The transcript kept in memory before login, while the user (and so
 * whether to trace) is unknown.  Past this, records are counted and
 * dropped, never buffered. */
#define POP3_TELEMETRY_PRELOGIN_MAX (16 * 1024)

/* One record at most; a longer text is cut (a RETR body is never
 * recorded, only its size, so only odd client lines come near this). */
#define TELEMETRY_RECORD_MAX 1024

/* A transcript is always a file of its own making, never one found in
 * place.  When telemetry_dir/USER/PID exists (a login after one the
 * transaction process refused, or a name planted there) the next of
 * PID.1, PID.2, ... is tried, this many names in all; more than
 * PRIVSEP_MAX_ATTEMPTS, so every login of a session can have one. */
#define POP3_TELEMETRY_NAME_TRIES 16

/* What the limits must leave room for: a SASL response line and the
 * pre-login transcript each travel in one IPC field. */
_Static_assert(IPC_FIELD_MAX > SASL_RESPONSE_MAX &&
	       IPC_FIELD_MAX > POP3_TELEMETRY_PRELOGIN_MAX,
	       "an IPC field holds a SASL response and the pre-login transcript");

#endif
