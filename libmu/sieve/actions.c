/* Carrying out fileinto: a copy of the message appended to another
 * mailbox the way a delivery agent does it (under that mailbox's
 * delivery lock; the driver makes the append all-or-nothing).  keep and
 * discard need no work here: the caller marks the message deleted or not
 * and commits once for the whole mailbox. */
#include <config.h>             /* autoconf's, through -I. */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "mailbox.h"
#include "sieve.h"
#include "util.h"

/* The message as LF-terminated lines, the form mu_mailbox_append takes. */
static int
read_message(struct mu_mailbox *mb, size_t idx, struct mu_buf *out,
	     const char **error_r)
{
	struct mu_msgstream st;
	const char *data;
	size_t len;
	bool eol;
	int rc;

	if (mu_msgstream_open(mb, idx, &st, error_r) < 0)
		return -1;
	while ((rc = mu_msgstream_next(&st, &data, &len, &eol)) == 1) {
		mu_buf_append(out, data, len);
		if (eol)
			mu_buf_append(out, "\n", 1);
	}
	mu_msgstream_close(&st);
	if (rc < 0) {
		static __thread char buf[256];

		snprintf(buf, sizeof buf, "cannot read the message: %s",
			 strerror(errno));
		*error_r = buf;
		return -1;
	}
	return 0;
}

int
sieve_fileinto(struct mu_mailbox *mb, size_t idx, const char *url,
	       unsigned lock_timeout, const char **error_r)
{
	struct mu_mailbox *dest;
	enum mu_mailbox_error code;
	struct mu_buf msg;
	int rc;

	mu_buf_init(&msg);
	if (read_message(mb, idx, &msg, error_r) < 0)
		return -1;
	/* no session lock: like an MTA, fileinto may deliver into a
	 * mailbox a session has open */
	if (mu_mailbox_open(&dest, url, MU_OPEN_WRITE, lock_timeout, &code,
			    error_r) < 0) {
		mu_buf_free(&msg);
		return -1;
	}
	rc = mu_mailbox_append(dest, msg.data ? msg.data : "", msg.len, error_r);
	if (rc < 0) {
		/* the reason lives in dest, which is about to go */
		static __thread char buf[512];

		snprintf(buf, sizeof buf, "%s", *error_r);
		*error_r = buf;
	}
	mu_mailbox_close(dest);
	mu_buf_free(&msg);
	return rc;
}
