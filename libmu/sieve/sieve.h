/* A Sieve interpreter (RFC 5228) for mail already in a mailbox.
 *
 * A script is compiled once (lexer.c -> parser.c -> check.c) into a typed
 * tree and then run over each message (interp.c, tests.c).  Running a
 * script never fails: every argument is checked at compile time, so a
 * message only ever yields a list of actions for the caller to apply
 * (actions.c applies them to a mailbox).
 *
 * Supported: require; if/elsif/else, stop; keep, discard, fileinto;
 * tests header, address, exists, size, allof, anyof, not, true, false and
 * timestamp (GNU Mailutils' expiry test); match types :is, :contains,
 * :matches; comparators i;ascii-casemap and i;octet. */
#ifndef MU_SIEVE_H
#define MU_SIEVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct mu_mailbox;

/* Limits, so that a hostile or broken script cannot make the interpreter
 * grow without bound.  Exceeding one is a compile error naming it. */
#define SIEVE_MAX_SCRIPT_SIZE   (1024 * 1024)   /* octets of script text */
#define SIEVE_MAX_STRING        (64 * 1024)     /* octets in one string */
#define SIEVE_MAX_LIST          1024            /* strings in one list */
#define SIEVE_MAX_DEPTH         32              /* nested blocks and tests */
#define SIEVE_MAX_ERROR         1024            /* octets of an error text */
/* Header of one message as the tests see it: a header beyond these is
 * not seen (the message is still processed; nothing is lost). */
#define SIEVE_MAX_HEADER_BYTES  (1024 * 1024)
#define SIEVE_MAX_HEADERS       10000

struct sieve_script;

/* Compile the script text named name (used in error positions).
 * On error returns -1 and *error_r is "NAME:LINE:COLUMN: message" (in a
 * buffer valid until the next compile in this thread). */
int sieve_compile(const char *name, const char *text, size_t len,
		  struct sieve_script **script_r, const char **error_r);
/* Read and compile a script file; errors as above (or "FILE: reason"). */
int sieve_compile_file(const char *path, struct sieve_script **script_r,
		       const char **error_r);
void sieve_script_free(struct sieve_script *script);

/* ---- what a test sees of a message ---- */
struct sieve_header {
	char *name;             /* as written, without the colon */
	char *value;            /* unfolded, leading/trailing blanks removed */
};

struct sieve_message {
	struct sieve_header *headers;
	size_t count, cap;
	size_t header_bytes;    /* bounded by SIEVE_MAX_HEADER_BYTES */
	uint64_t size;          /* RFC 5322 octets (CRLF line ends) */
};

void sieve_message_init(struct sieve_message *msg);
void sieve_message_free(struct sieve_message *msg);
/* Fill msg from a whole message in memory (LF or CRLF line ends): its
 * header fields and its size as a CRLF message. */
void sieve_message_from_text(struct sieve_message *msg, const char *text,
			     size_t len);
/* Fill msg from message idx of an open mailbox (header read through the
 * message stream; size from the mailbox scan). */
int sieve_message_from_mailbox(struct sieve_message *msg,
			       struct mu_mailbox *mb, size_t idx,
			       const char **error_r);
/* The nth (0-based) value of header name (case-insensitive), or NULL. */
const char *sieve_message_header(const struct sieve_message *msg,
				 const char *name, size_t nth);

/* ---- what a script decides for a message ---- */
enum sieve_action_kind {
	SIEVE_ACTION_KEEP,      /* explicit keep, or the implicit keep */
	SIEVE_ACTION_DISCARD,
	SIEVE_ACTION_FILEINTO,
};

struct sieve_action {
	enum sieve_action_kind kind;
	bool implicit;          /* KEEP: the implicit keep of RFC 5228 2.10.2 */
	const char *mailbox;    /* FILEINTO: the URL (owned by the script) */
	unsigned line;          /* where in the script (0 for implicit keep) */
};

struct sieve_result {
	struct sieve_action *actions;   /* in the order the script ran them */
	size_t count, cap;
	bool keep;              /* the message stays in its mailbox */
};

/* Run the script over one message.  now is the time "now" in date
 * strings means (one value for a whole run, so every message of a
 * mailbox is judged against the same instant). */
void sieve_run(const struct sieve_script *script,
	       const struct sieve_message *msg, time_t now,
	       struct sieve_result *result);
void sieve_result_free(struct sieve_result *result);

/* A one-word name of an action kind: "keep", "discard", "fileinto". */
const char *sieve_action_name(enum sieve_action_kind kind);

/* ---- applying a result to a mailbox (actions.c) ---- */
/* Copy message idx of mb into the mailbox at url (appended under that
 * mailbox's delivery lock, as a delivery agent does). */
int sieve_fileinto(struct mu_mailbox *mb, size_t idx, const char *url,
		   unsigned lock_timeout, const char **error_r);

/* ---- dates (date.c), shared with tests ---- */
/* Parse an RFC 5322 date-time (section 3.3, with the obsolete forms of
 * section 4.3) into seconds since the epoch.  0 ok, -1 not a date. */
int sieve_parse_rfc5322_date(const char *text, time_t *t_r);
/* A header value used as a time: an epoch number or an RFC 5322 date. */
int sieve_parse_header_time(const char *text, time_t *t_r);

#endif
