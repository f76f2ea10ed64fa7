/* The mailbox front end: picks the driver from the URL and keeps the
 * per-message marks; the drivers do the storage work. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mailbox-driver.h"
#include "url.h"
#include "util.h"

/* The program's, for every mailbox it opens. */
static char *file_tag;

void
mu_mailbox_set_file_tag(const char *tag)
{
	free(file_tag);
	file_tag = mu_xstrdup(tag);
}

const char *
mu_mailbox_file_tag(void)
{
	return file_tag;
}

static const struct mu_mailbox_ops *
driver_for(enum mu_format format)
{
	switch (format) {
	case MU_FORMAT_MBOX:
		return &mu_mbox_ops;
	case MU_FORMAT_MAILDIR:
		return &mu_maildir_ops;
	case MU_FORMAT_MH:
		return &mu_mh_ops;
	case MU_FORMAT_AUTO:
		break;
	}
	return NULL;
}

int
mu_mailbox_fail(struct mu_mailbox *mb, enum mu_mailbox_error code,
		const char **error_r, const char *fmt, ...)
{
	char tmp[sizeof mb->errbuf];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof tmp, fmt, ap);	/* args may point into errbuf */
	va_end(ap);
	memcpy(mb->errbuf, tmp, sizeof tmp);
	mb->errcode = code;
	*error_r = mb->errbuf;
	return -1;
}

static void
mailbox_free(struct mu_mailbox *mb)
{
	if (mb->added != NULL)
		for (size_t i = 0; i < mb->count; i++)
			free(mb->added[i].line);
	free(mb->added);
	free(mb->view);
	free(mb->msgs);
	free(mb->path);
	free(mb);
}

int
mu_mailbox_open(struct mu_mailbox **mb_r, const char *url, int flags,
		unsigned lock_timeout, enum mu_mailbox_error *errcode_r,
		const char **error_r)
{
	struct mu_mailbox *mb;
	enum mu_format format;
	char *path;

	*mb_r = NULL;
	*errcode_r = MU_MBERR_PERM;
	if (file_tag == NULL) {
		/* a program that forgot would make files no other finds */
		*error_r = "the program gave no name for its lock files "
			   "(mu_mailbox_set_file_tag)";
		return -1;
	}
	if (mu_url_split(url, &format, &path, error_r) < 0)
		return -1;
	if (format == MU_FORMAT_AUTO)
		format = mu_format_detect(path, MU_FORMAT_MBOX);

	mb = mu_xcalloc(1, sizeof *mb);
	mb->ops = driver_for(format);
	mb->format = format;
	mb->path = path;
	mb->flags = flags;
	mb->lock_timeout = lock_timeout;
	mb->session_lock_fd = -1;
	if (mb->ops == NULL) {
		*error_r = "unknown mailbox format";
		mailbox_free(mb);
		return -1;
	}
	if (mb->ops->open(mb, flags, error_r) < 0) {
		*errcode_r = mb->errcode != MU_MBERR_NONE ? mb->errcode : MU_MBERR_TEMP;
		/* the driver's reason may live in mb->errbuf: keep it */
		static __thread char reason[sizeof mb->errbuf];
		snprintf(reason, sizeof reason, "%s", *error_r);
		*error_r = reason;
		mailbox_free(mb);
		return -1;
	}
	mb->added = mu_xcalloc(mb->count ? mb->count : 1, sizeof *mb->added);
	*errcode_r = MU_MBERR_NONE;
	*mb_r = mb;
	return 0;
}

/* The driver's number of the caller's message idx; false when there is
 * no such message. */
static bool
driver_idx(const struct mu_mailbox *mb, size_t idx, size_t *d_r)
{
	if (mb->view == NULL) {
		*d_r = idx;
		return idx < mb->count;
	}
	if (idx >= mb->view_count)
		return false;
	*d_r = mb->view[idx];
	return true;
}

enum mu_format
mu_mailbox_format(const struct mu_mailbox *mb)
{
	return mb->format;
}

bool
mu_mailbox_session_locked(const struct mu_mailbox *mb)
{
	return mb->session_lock_fd >= 0;
}

size_t
mu_mailbox_count(const struct mu_mailbox *mb)
{
	return mb->view != NULL ? mb->view_count : mb->count;
}

const struct mu_message_info *
mu_mailbox_info(const struct mu_mailbox *mb, size_t idx)
{
	size_t d;

	return driver_idx(mb, idx, &d) ? &mb->msgs[d] : NULL;
}

void
mu_mailbox_set_deleted(struct mu_mailbox *mb, size_t idx, bool deleted)
{
	size_t d;

	if (driver_idx(mb, idx, &d))
		mb->msgs[d].deleted = deleted;
}

void
mu_mailbox_set_seen(struct mu_mailbox *mb, size_t idx)
{
	size_t d;

	if (driver_idx(mb, idx, &d))
		mb->msgs[d].seen = true;
}

int
mu_mailbox_add_header(struct mu_mailbox *mb, size_t idx, const char *line)
{
	size_t d;

	if (!driver_idx(mb, idx, &d) || strchr(line, '\n') != NULL ||
	    strchr(line, ':') == NULL)
		return -1;
	free(mb->added[d].line);
	mb->added[d].line = mu_xstrdup(line);
	return 0;
}

void
mu_mailbox_clear_delete_mark(struct mu_mailbox *mb, size_t idx)
{
	size_t d;

	if (driver_idx(mb, idx, &d) && mb->msgs[d].delete_mark)
		mb->msgs[d].clear_delete_mark = true;
}

size_t
mu_mailbox_hide_marked(struct mu_mailbox *mb)
{
	size_t total = mu_mailbox_count(mb), kept = 0;
	size_t *view = mu_xcalloc(total ? total : 1, sizeof *view);

	for (size_t k = 0; k < total; k++) {
		size_t d = k;

		(void)driver_idx(mb, k, &d);	/* k < total: it is there */
		if (mb->msgs[d].delete_mark)
			mb->msgs[d].deleted = true;
		else
			view[kept++] = d;
	}
	free(mb->view);
	mb->view = view;
	mb->view_count = kept;
	return total - kept;
}

int
mu_mailbox_commit(struct mu_mailbox *mb, const char **error_r)
{
	if (!(mb->flags & MU_OPEN_WRITE)) {
		*error_r = "mailbox opened read-only";
		return -1;
	}
	return mb->ops->commit(mb, error_r);
}

int
mu_mailbox_append(struct mu_mailbox *mb, const char *data, size_t len,
		  const char **error_r)
{
	return mb->ops->append(mb, data, len, error_r);
}

int
mu_mailbox_reopen(struct mu_mailbox **mb_io, enum mu_mailbox_error *errcode_r,
		  const char **error_r)
{
	struct mu_mailbox *old = *mb_io, *mb;
	bool move_lock = old->session_lock_fd >= 0;
	int flags = old->flags;
	char *url;
	int rc;

	/* the lock is a flock on an open file: a second one taken by this
	 * process would conflict with the first, so it moves instead */
	if (move_lock)
		flags &= ~MU_OPEN_SESSION_LOCK;
	url = mu_xasprintf("%s:%s", old->ops->name, old->path);
	rc = mu_mailbox_open(&mb, url, flags, old->lock_timeout, errcode_r,
			     error_r);
	free(url);
	if (rc < 0)
		return -1;
	if (move_lock) {
		mb->session_lock_fd = old->session_lock_fd;
		old->session_lock_fd = -1;
	}
	mu_mailbox_close(old);
	*mb_io = mb;
	return 0;
}

void
mu_mailbox_close(struct mu_mailbox *mb)
{
	if (mb == NULL)
		return;
	mb->ops->close(mb);
	mailbox_free(mb);
}

int
mu_msgstream_open(struct mu_mailbox *mb, size_t idx, struct mu_msgstream *st,
		  const char **error_r)
{
	size_t d;

	if (!driver_idx(mb, idx, &d)) {
		*error_r = "no such message";
		return -1;
	}
	return mb->ops->stream_open(mb, d, st, error_r);
}
