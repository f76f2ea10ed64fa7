/* One mailbox interface over three storage formats (mbox, Maildir, MH).
 *
 * A message is seen as a sequence of lines.  Its size is the number of
 * octets it has when every line ends in CRLF (the canonical form of
 * RFC 5322, in which messages travel): a line's terminator is LF, one CR just
 * before that LF belongs to the terminator, and a final line without LF
 * counts as if it had CRLF.  Sizes and UIDLs are computed once, when the
 * mailbox is scanned, and reused.
 *
 * Functions that can fail return -1 and hand back the reason through
 * error_r (a static or mailbox-owned string, valid until the next call on
 * that mailbox); *errcode_r, where asked for, classifies the failure. */
#ifndef MU_MAILBOX_H
#define MU_MAILBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define MU_UIDL_MAX 70

enum mu_format { MU_FORMAT_AUTO, MU_FORMAT_MBOX, MU_FORMAT_MAILDIR, MU_FORMAT_MH };

enum mu_mailbox_error {
	MU_MBERR_NONE = 0,
	MU_MBERR_IN_USE,     /* another session holds the session lock */
	MU_MBERR_LOCK,       /* delivery lock not had within lock_timeout */
	MU_MBERR_TEMP,       /* other transient failure (I/O, memory) */
	MU_MBERR_PERM,       /* permanent: bad format, permissions */
};

enum mu_open_flags {
	MU_OPEN_READONLY     = 0,
	MU_OPEN_WRITE        = 1 << 0,  /* deletions and changes may be committed */
	MU_OPEN_SESSION_LOCK = 1 << 1,  /* take the session lock (IN-USE) */
	MU_OPEN_NOCREATE     = 1 << 2,  /* a missing mailbox is an error */
	/* create a missing Maildir or MH folder (empty), so that the session
	 * lock can be taken before anything is appended (bulletins) */
	MU_OPEN_CREATE       = 1 << 3,
};

/* mu_message_info.expire_ts when the header was not read at open
 * (a Maildir file sized by Dovecot's ",W=" name field). */
#define MU_EXPIRE_TS_UNREAD ((int64_t)-1)

struct mu_message_info {
	uint64_t size;                  /* CRLF octets, header and body */
	uint64_t lines;                 /* number of lines */
	char uidl[MU_UIDL_MAX + 1];
	bool uidl_from_header;          /* uidl is the message's X-UIDL value */
	bool deleted;                   /* deletion mark (set by mailbox_delete) */
	bool seen;                      /* retrieved in this session */
	/* X-Expire-Timestamp value (seconds since the epoch) as scanned at
	 * open: 0 none (or not a number), MU_EXPIRE_TS_UNREAD not read */
	int64_t expire_ts;
	/* the storage carries a deletion mark another program left: mbox and
	 * MH "Status:" with 'd' or "X-Status:" with 'D'; Maildir the T flag
	 * (mu_mailbox_hide_marked, mu_mailbox_clear_delete_mark) */
	bool delete_mark;
	bool clear_delete_mark;         /* commit removes that mark (undelete) */
};

/* A mailbox open (mu_mailbox_open); what is in it is the drivers'
 * (mailbox-driver.h). */
struct mu_mailbox;
struct mu_msgstream;

/* The word the drivers put in the names of the files they keep with a
 * mailbox: beside an mbox NAME, .NAME.TAG-lock (the session lock) and
 * .NAME.TAG-journal (the commit's journal); in a Maildir, TAG.lock; in an
 * MH folder, .TAG.lock and .TAG-tmp.* (copies on their way).  The session
 * lock is how programs that work on one mailbox exclude each other: they
 * must all give the same tag, and keep it, as files of it may be there
 * already.  Called before the first mu_mailbox_open (which fails
 * without a tag); the tag is copied. */
void mu_mailbox_set_file_tag(const char *tag);

/* Open a mailbox.  url is an expanded URL: "mbox:PATH", "maildir:PATH",
 * "mh:PATH" or a bare PATH (auto-detected; see url.h).  A missing mailbox
 * is an empty one of the URL's type unless MU_OPEN_NOCREATE.
 * On failure *errcode_r says why (IN_USE, LOCK, TEMP, PERM). */
int mu_mailbox_open(struct mu_mailbox **mb_r, const char *url, int flags,
		    unsigned lock_timeout, enum mu_mailbox_error *errcode_r,
		    const char **error_r);

size_t mu_mailbox_count(const struct mu_mailbox *mb);
const struct mu_message_info *mu_mailbox_info(const struct mu_mailbox *mb,
					      size_t idx);
void mu_mailbox_set_deleted(struct mu_mailbox *mb, size_t idx, bool deleted);
void mu_mailbox_set_seen(struct mu_mailbox *mb, size_t idx);
/* Queue a header line to be added to message idx at commit (kept only if
 * the message has no header of that name).  The UIDL does not change. */
int mu_mailbox_add_header(struct mu_mailbox *mb, size_t idx, const char *line);

/* Queue the removal of message idx's deletion mark (delete_mark) for
 * commit; after commit delete_mark is false. */
void mu_mailbox_clear_delete_mark(struct mu_mailbox *mb, size_t idx);

/* Leave every message that carries a deletion mark (delete_mark) out of
 * the numbering: from now on mu_mailbox_count and every function taking
 * an idx see only the others, numbered 0..count-1 without gaps, in
 * mailbox order (RFC 1939 section 5 numbers a maildrop 1..N).  The
 * hidden messages are marked deleted: a commit removes them, as it
 * removes those deleted by idx.  Returns how many were hidden. */
size_t mu_mailbox_hide_marked(struct mu_mailbox *mb);

/* Apply marks crash-safely; the mailbox stays open and locked. */
int mu_mailbox_commit(struct mu_mailbox *mb, const char **error_r);
int mu_mailbox_append(struct mu_mailbox *mb, const char *data, size_t len,
		      const char **error_r);
/* Open the mailbox again to see what was appended since it was opened,
 * keeping its session lock (taken now if the mailbox did not exist
 * before); marks not committed are dropped.  On failure *mb_io is still
 * the old, valid handle and *errcode_r says why. */
int mu_mailbox_reopen(struct mu_mailbox **mb_io,
		      enum mu_mailbox_error *errcode_r, const char **error_r);
/* Release locks and memory without committing anything. */
void mu_mailbox_close(struct mu_mailbox *mb);

/* The format of the open mailbox (the URL's, or the one detected). */
enum mu_format mu_mailbox_format(const struct mu_mailbox *mb);
/* Whether the mailbox holds its session lock (MU_OPEN_SESSION_LOCK on a
 * mailbox that exists). */
bool mu_mailbox_session_locked(const struct mu_mailbox *mb);

/* ---- message streams ----
 * Reads a message line by line through a bounded buffer.  Each call
 * returns one chunk of a line: the chunk's bytes without the line
 * terminator, and *eol true when the chunk ends its line.  A line longer
 * than the buffer comes in several chunks, the last with *eol true.
 * Returns 1 for a chunk, 0 at the end of the message, -1 on error. */
#define MU_STREAM_BUFSIZE 65536

struct mu_msgstream {
	int fd;
	off_t pos, end;                 /* byte range in the file */
	bool in_body;                   /* the blank line after the header was read */
	bool at_line_start;
	int kind;                       /* the driver's (mailbox-driver.h) */
	char *buf;
	size_t buf_len, buf_off;
	bool own_fd;
	bool line_in_body;              /* the line being returned is body */
};

int mu_msgstream_open(struct mu_mailbox *mb, size_t idx,
		      struct mu_msgstream *st, const char **error_r);
int mu_msgstream_next(struct mu_msgstream *st, const char **data,
		      size_t *len, bool *eol);
/* File offset of the next byte the stream will return. */
off_t mu_msgstream_offset(const struct mu_msgstream *st);
/* true once the line just returned was in the body (after the blank line) */
bool mu_msgstream_in_body(const struct mu_msgstream *st);
void mu_msgstream_close(struct mu_msgstream *st);

#endif
