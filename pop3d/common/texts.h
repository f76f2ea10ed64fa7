/* The human-readable texts of pop3d's fixed responses, each under a
 * stable code, and pop3_code.txt (found in data_file_path), whose
 * `CODE<TAB>TEXT` lines replace them.  Only the text is the
 * administrator's: the status word, the response code (RFC 2449 section
 * 8, RFC 3206), the host_id before a negative greeting and what pop3d
 * adds after a text (the APOP timestamp, "(3 messages left)") stay.
 *
 * The code writes the default texts, as it always has; the writers put
 * the loaded texts in their place: reply.c for every reply line (which
 * covers the refusals the monitor sends the network process in default
 * words, doc/privsep.md), access.c's callers for a refusal written
 * before a session starts.  So a text a process makes and another
 * writes is replaced all the same, and a configuration without
 * pop3_code.txt costs nothing. */
#ifndef POP3D_TEXTS_H
#define POP3D_TEXTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "pop3d/common/limits.h"
#include "pop3d/common/settings.h"

/* In the order of pop3d.conf(5) and of the installed pop3_code.txt. */
enum text_id {
	TEXT_GREETING,
	TEXT_SIGNING_OFF,
	TEXT_SEND_PASS,
	TEXT_CAPA,
	TEXT_STLS,
	TEXT_UNKNOWN_COMMAND,
	TEXT_WRONG_STATE,
	TEXT_SYNTAX,
	TEXT_LINE_TOO_LONG,
	TEXT_NUL_BYTE,
	TEXT_TOO_MANY_ERRORS,
	TEXT_BAD_MSGNO,
	TEXT_NO_SUCH_MESSAGE,
	TEXT_USER_FIRST,
	TEXT_IDLE_TIMEOUT,
	TEXT_AUTH_FAILED,
	TEXT_AUTH_TEMPFAIL,
	TEXT_BLOCKED,
	TEXT_TOO_MANY_ATTEMPTS,
	TEXT_TLS_REQUIRED,
	TEXT_LOGIN_DELAY,
	TEXT_IN_USE,
	TEXT_MAILBOX_LOCKED,
	TEXT_CANNOT_OPEN_MAILBOX,
	TEXT_LOGIN_TIMEOUT,
	TEXT_TOO_MANY_CONNECTIONS,
	TEXT_TOO_MANY_FROM_ADDRESS,
	TEXT_ACCESS_DENIED,
	TEXT_SERVICE_UNAVAILABLE,
	TEXT_COUNT
};

/* The file searched for in each directory of data_file_path. */
#define TEXTS_FILE_NAME "pop3_code.txt"

/* A code of the table, its default text, and the response code that
 * comes before it ("[AUTH]"; "" for none, "[SYS/TEMP] or [SYS/PERM]"
 * for either): for -t, the manual and the tests. */
const char *text_code(enum text_id id);
const char *text_default(enum text_id id);
const char *text_response_code(enum text_id id);

/* The text of id under cfg: the one pop3_code.txt gave, else the default. */
const char *text_get(const struct mu_config *cfg, enum text_id id);

/* The text of id with its {placeholders} replaced by values, in the
 * order text_placeholders() names them, into buf (cut to size). */
const char *text_expand(const struct mu_config *cfg, enum text_id id,
			char *buf, size_t size, const char *const *values);

/* The text under cfg of the fixed text default_text, as the code writes
 * it; default_text itself when it is none of the table's. */
const char *text_for(const struct mu_config *cfg, const char *default_text);

/* A reply's text as the code made it (after "+OK " or "-ERR ", without
 * CRLF), in buf of size octets, NUL-terminated: when it is one of the
 * table's texts -- response code, host_id, text, and what may follow
 * that text -- the text is replaced in place.  Returns the new length. */
size_t text_translate(const struct mu_config *cfg, const char *host_id,
		      char *buf, size_t size);

/* Read pop3_code.txt from the first directory of cfg->data_file_path
 * that has one, and keep its texts with cfg (cfg->extra) when it is
 * sound.  Every problem goes to errs as `FILE:LINE: message`: a line
 * without a TAB, an unknown or repeated code, a text that is empty, too
 * long, has a control character, starts with '[' (a client would take
 * it for a response code) or names a placeholder its code has not.
 * *file_r (may be NULL) gets the file read, malloc'd, or NULL when no
 * directory has one.  Returns the number of problems. */
int texts_load(struct mu_config *cfg, FILE *errs, char **file_r);

/* The pop3_code.txt texts_load would read from dirs (colon-separated),
 * malloc'd, or NULL when none has one. */
char *texts_find(const char *dirs);

#endif
