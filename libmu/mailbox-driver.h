/* What the mailbox drivers share with the front end (mailbox.c) and
 * with each other: the operations a format fills in, what an open
 * mailbox holds, and the helpers the drivers use.  Only libmu's drivers
 * (mbox, Maildir, MH, with msgfile.c, msgstream.c and delmark.c) and the
 * tests of their insides include it; programs use mailbox.h. */
#ifndef MU_MAILBOX_DRIVER_H
#define MU_MAILBOX_DRIVER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "mailbox.h"

/* The driver operations table; each format fills one.
 * Ownership: the driver allocates mb->msgs (mu_x* allocators) and sets
 * mb->count in open; mailbox.c frees mb->msgs, mb->added, mb->path and mb
 * itself -- after ops->close, or after a failed ops->open (which must
 * release its own drv, fds and locks before returning -1, and set
 * mb->errcode).  mb->added is allocated by mailbox.c after open with
 * count entries (.line NULL: nothing to add). */
struct mu_mailbox_ops {
	const char *name;
	/* open: lock as flags say, scan, fill mb->msgs/mb->count */
	int (*open)(struct mu_mailbox *mb, int flags, const char **error_r);
	/* open a stream on message idx (0-based) */
	int (*stream_open)(struct mu_mailbox *mb, size_t idx,
			   struct mu_msgstream *st, const char **error_r);
	/* apply deletions, seen flags and added headers crash-safely */
	int (*commit)(struct mu_mailbox *mb, const char **error_r);
	/* append a complete message (LF line ends) under the delivery lock */
	int (*append)(struct mu_mailbox *mb, const char *data, size_t len,
		      const char **error_r);
	void (*close)(struct mu_mailbox *mb);
};

/* Added headers pending commit (used by expire); set per message. */
struct mu_pending_header {
	char *line;                     /* "Name: value" without line end */
};

struct mu_mailbox {
	const struct mu_mailbox_ops *ops;
	enum mu_format format;
	char *path;
	int flags;
	unsigned lock_timeout;          /* seconds */
	enum mu_mailbox_error errcode;

	struct mu_message_info *msgs;
	size_t count;
	struct mu_pending_header *added;  /* count entries, .line NULL: none */
	/* the numbering callers see (mu_mailbox_hide_marked): message k of
	 * the API is the driver's view[k]; NULL: all count, in order.  The
	 * drivers index msgs and added by their own numbers. */
	size_t *view;
	size_t view_count;

	void *drv;                      /* driver-private state */
	int session_lock_fd;            /* -1: none */
	char errbuf[512];
};

/* mu_msgstream.kind: PLAIN gives the bytes as they are, MBOXRD takes
 * one '>' off a body line ">From " (or ">>From ", ...). */
#define MU_STREAM_PLAIN  0
#define MU_STREAM_MBOXRD 1

/* A stream over fd's byte range [start, end). */
void mu_msgstream_init_fd(struct mu_msgstream *st, int fd, bool own_fd,
			  off_t start, off_t end, int kind);

/* The tag mu_mailbox_set_file_tag was given. */
const char *mu_mailbox_file_tag(void);

/* Record a failure -- its class in mb->errcode, its text in
 * mb->errbuf with *error_r pointing there -- and return -1.  The
 * arguments may point into mb->errbuf. */
int mu_mailbox_fail(struct mu_mailbox *mb, enum mu_mailbox_error code,
		    const char **error_r, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

extern const struct mu_mailbox_ops mu_mbox_ops;
extern const struct mu_mailbox_ops mu_maildir_ops;
extern const struct mu_mailbox_ops mu_mh_ops;

#endif
