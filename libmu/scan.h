/* The one-pass message scanner shared by every driver.
 *
 * A driver feeds a message's bytes as it reads them, in chunks that each
 * lie within one line: chunk bytes without the line terminator, and eol
 * true for the chunk that ends the line (the LF, and one CR just before
 * it, are the terminator).  A final line without LF is fed with eol true
 * and counts as if it had CRLF (as the message is sent).  mbox drivers feed the
 * line after >From unquoting.
 *
 * The scanner computes the CRLF size and line count, and the content hash
 * of the UIDL scheme (doc/uidl.md): MD5 over the message without the
 * header fields that servers or MUAs add or rewrite (X-Expire-Timestamp,
 * X-UIDL, Status, X-Status, X-Keywords, X-UID, X-IMAP, X-IMAPbase), plus
 * any salt the driver adds (mbox: its From_ line).  An X-UIDL header with
 * a valid value (1-70 printable, no space) is remembered; it wins.  The
 * scanner also notes the X-Expire-Timestamp value and deletion marks
 * (delmark.h), so that nothing needs to read the header again. */
#ifndef MU_SCAN_H
#define MU_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mailbox.h"

struct mu_md5;

struct mu_scan {
	uint64_t size, lines;
	bool at_line_start;
	bool in_body;
	bool skipping;          /* inside an excluded header field */
	bool line_is_header_start;
	char head[96];          /* start of the current header line */
	size_t head_len;
	bool line_started_hash;
	char x_uidl[MU_UIDL_MAX + 1];
	int64_t expire_ts;      /* the first valid X-Expire-Timestamp, or 0 */
	bool delete_mark;       /* a status field marks it deleted (delmark.h) */
	char mark_letter;       /* in a status line longer than head: its letter */
	struct mu_md5 *md5;
};

void mu_scan_begin(struct mu_scan *sc);
/* Extra bytes mixed into the hash, not counted in the size. */
void mu_scan_salt(struct mu_scan *sc, const void *data, size_t len);
void mu_scan_chunk(struct mu_scan *sc, const char *data, size_t len, bool eol);
/* Fill size, lines and a provisional uidl (X-UIDL value, or the hash). */
void mu_scan_end(struct mu_scan *sc, struct mu_message_info *info);

/* Make the provisional UIDLs of a mailbox's messages (in mailbox order)
 * unique, the same way in every session: the first message with a UIDL
 * keeps it, the n-th copy gets "-n", or "~n" (and up) when "-n" is another
 * message's own UIDL.  A UIDL no other message shares never changes; the
 * rule and its limits are in doc/uidl.md. */
void mu_uidl_make_unique(struct mu_message_info *msgs, size_t count);

/* The value of a complete header line "X-Expire-Timestamp: <seconds>"
 * (the expire stamp): true with *ts_r > 0 when line is that field
 * and its value is a decimal number, spaces around it allowed. */
bool mu_expire_ts_parse(const char *line, size_t len, int64_t *ts_r);

/* Is s a valid UIDL (1-70 chars 0x21..0x7E)? */
bool mu_uidl_valid(const char *s, size_t len);

#endif
