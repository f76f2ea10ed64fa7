/* What the files of the mbox driver share (mbox.c, mbox-scan.c,
 * mbox-journal.c, mbox-commit.c, mbox-append.c); nothing else includes
 * it. */
#ifndef MU_MBOX_IMPL_H
#define MU_MBOX_IMPL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "lock.h"
#include "mailbox-driver.h"
#include "util.h"

/* The buffer of every pass that reads or copies the file. */
#define COPY_BUFSIZE 65536

/* ---- the journal (mbox-journal.c) ---- */

/* The identity of the file a journal was made for (journal_matches):
 * the first and the last J_PREFIX_SAMPLE bytes before P, and the anchor,
 * the first J_ANCHOR_MAX bytes the commit rewrites, hashed in pieces
 * that each lie within one J_SECTOR-byte sector: a write torn by a crash
 * leaves each piece whole, old or new. */
#define J_PREFIX_SAMPLE 65536
#define J_ANCHOR_MAX 4096
#define J_SECTOR 512
#define J_ANCHOR_PIECES (J_ANCHOR_MAX / J_SECTOR + 1)

struct journal_header {
	size_t size;            /* of the header: where the tail starts */
	uint64_t dev, ino;
	uint64_t p;             /* where the tail goes */
	uint64_t l;             /* tail length; the mbox ends at T = P + L */
	uint64_t s0;            /* mbox size when the journal was made */
	uint64_t h;             /* length of the original bytes hashed at T */
	char orig_md5[MU_MD5_HEX_LEN + 1];  /* MD5 of original [T, T+H) */
	/* the file's identity (none in a version 1 journal) */
	bool has_identity;
	uint64_t prefix_hash;   /* prefix_hash(): the sampled bytes before P */
	uint64_t anchor_len;    /* A: the anchor is [P, P+A) */
	uint64_t anchor_old[J_ANCHOR_PIECES];  /* its pieces when made */
};

/* ---- the driver's state (mb->drv) ---- */

struct mbox_msg {
	off_t from_off;         /* the From_ line */
	off_t body_start;       /* first byte after the From_ line */
	off_t body_end;         /* end of the message (separator excluded) */
	/* mu_mbox_msg_ident(): is it still where we found it? */
	uint64_t ident;
};

struct mbox {
	int fd;                 /* -1: the file does not exist */
	bool writable;          /* fd is O_RDWR */
	ino_t ino;
	dev_t dev;
	char *journal_path, *journal_tmp, *session_path;
	struct mu_dotlock dl;
	bool fcntl_held;
	time_t last_touch;
	struct mbox_msg *m;     /* mb->count entries */
	off_t scanned_size;     /* the file size the messages were found in */
	/* mu_mbox_end_ident(): the bytes before scanned_size */
	uint64_t end_ident;
	bool broken;            /* a commit failed half-way: read nothing more */
};

/* ---- a commit's new tail (mbox-commit.c, written by mbox-journal.c) ---- */

/* A piece of the new tail: bytes of a file, or bytes from memory. */
struct piece {
	int fd;                 /* the file, when data is NULL */
	off_t off;
	uint64_t len;
	const char *data;
};

/* FNV-1a, 64 bits: a fingerprint against accidents (another program's
 * rewrite, a file put in the mailbox's place), not against an adversary,
 * who could as well edit the file. */
#define FNV_INIT 0xcbf29ce484222325ULL

/* Where the stream will read next. */
static inline off_t
stream_offset(const struct mu_msgstream *st)
{
	return mu_msgstream_offset(st);
}

/* ---- mbox.c ---- */
void mu_mbox_touch_lock(struct mbox *d);
void mu_mbox_delivery_unlock(struct mbox *d);
int mu_mbox_lock_for_writing(struct mu_mailbox *mb, struct mbox *d,
			     struct stat *st_r, const char **error_r);

/* ---- mbox-scan.c ---- */
int mu_mbox_read_range(int fd, off_t off, uint64_t len, char *buf,
		       void (*eat)(void *ctx, const char *data, size_t n),
		       void *ctx);
int mu_mbox_fnv1a_range(int fd, off_t off, uint64_t len, char *buf,
			uint64_t *h);
bool mu_mbox_is_quoted_from(const char *p, size_t len);
size_t mu_mbox_skip_line_ends(const char *b, size_t n, int max);
int mu_mbox_appended_mail_at(int fd, off_t off, off_t size, bool dated,
			     char *buf);
int mu_mbox_msg_ident(const struct mbox *d, size_t i, char *buf,
		      uint64_t *id_r);
int mu_mbox_end_ident(const struct mbox *d, char *buf, uint64_t *id_r);
int mu_mbox_identify(struct mu_mailbox *mb, struct mbox *d, size_t first);
int mu_mbox_scan(struct mu_mailbox *mb, struct mbox *d, const char **error_r);

/* ---- mbox-journal.c ---- */
int mu_mbox_journal_create(struct mu_mailbox *mb, struct mbox *d,
			   const struct journal_header *h,
			   const struct piece *pieces, size_t npieces,
			   const char **error_r);
int mu_mbox_journal_identity(struct mbox *d, struct journal_header *h,
			     char *buf);
int mu_mbox_journal_orig_hash(struct mbox *d, struct journal_header *h,
			      char *buf);
int mu_mbox_journal_finish(struct mu_mailbox *mb, struct mbox *d, int jfd,
			   struct journal_header *h, int resized,
			   const char **error_r);
int mu_mbox_recover(struct mu_mailbox *mb, struct mbox *d,
		    const char **error_r);
bool mu_mbox_journal_exists(struct mbox *d);

/* ---- mbox-commit.c ---- */
int mu_mbox_commit(struct mu_mailbox *mb, const char **error_r);

/* ---- mbox-append.c ---- */
int mu_mbox_append(struct mu_mailbox *mb, const char *data, size_t len,
		   const char **error_r);

#endif
