/* The mbox driver's append: a whole message added at the end of the
 * file under the delivery lock, its body quoted (mboxrd). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "mailbox-driver.h"
#include "mbox-impl.h"
#include "util.h"

/* ---- append ---- */

/* Buffered pwrite at the end of the mbox, in COPY_BUFSIZE pieces. */
struct appender {
	int fd;
	off_t pos;
	struct mu_buf b;
};

static int
app_flush(struct appender *a)
{
	if (mu_pwrite_all(a->fd, a->b.data, a->b.len, a->pos) < 0)
		return -1;
	a->pos += (off_t)a->b.len;
	a->b.len = 0;
	return 0;
}

static int
app_put(struct appender *a, const char *data, size_t len)
{
	while (len > 0) {
		size_t take = len < COPY_BUFSIZE ? len : COPY_BUFSIZE;

		mu_buf_append(&a->b, data, take);
		data += take;
		len -= take;
		if (a->b.len >= COPY_BUFSIZE && app_flush(a) < 0)
			return -1;
	}
	return 0;
}

/* The message with mboxrd quoting: ^>*From  gains one '>'. */
static int
app_put_quoted(struct appender *a, const char *data, size_t len)
{
	size_t i = 0;

	while (i < len) {
		const char *nl = memchr(data + i, '\n', len - i);
		size_t end = nl != NULL ? (size_t)(nl - data) + 1 : len;
		size_t j = i;

		while (j < end && data[j] == '>')
			j++;
		if (end - j >= 5 && memcmp(data + j, "From ", 5) == 0 &&
		    app_put(a, ">", 1) < 0)
			return -1;
		if (app_put(a, data + i, end - i) < 0)
			return -1;
		i = end;
	}
	return 0;
}

/* Append one message as an MTA would: a From_ line, the message quoted,
 * a final line end if it lacks one, and the blank line that ends it. */
int
mu_mbox_append(struct mu_mailbox *mb, const char *data, size_t len,
	       const char **error_r)
{
	struct mbox *d = mb->drv;
	struct appender a;
	struct stat st;
	char tail[3], date[64];
	time_t now = time(NULL);
	struct tm tm;
	int rc = -1;

	if (d->fd < 0 || !d->writable) {
		int fd = open(mb->path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
		if (fd < 0)
			return mu_mailbox_fail(mb, errno == EACCES ?
					       MU_MBERR_PERM : MU_MBERR_TEMP,
					       error_r, "cannot open %s for "
					       "writing: %s", mb->path,
					       strerror(errno));
		if (fstat(fd, &st) < 0) {
			close(fd);
			return mu_mailbox_fail(mb, MU_MBERR_TEMP, error_r, "fstat %s: %s",
					       mb->path, strerror(errno));
		}
		if (d->fd >= 0)
			close(d->fd);	/* no lock is held on it now */
		else {
			d->ino = st.st_ino;
			d->dev = st.st_dev;
		}
		d->fd = fd;
		d->writable = true;
	}
	if (mu_mbox_lock_for_writing(mb, d, &st, error_r) < 0)
		return -1;
	/* The path must still name the file we hold and locked: one an MUA
	 * saved as a new file and renamed into place takes the mail from
	 * then on, and an append to ours, unlinked, would be lost. */
	{
		struct stat pst;

		if (stat(mb->path, &pst) < 0 || pst.st_ino != st.st_ino ||
		    pst.st_dev != st.st_dev) {
			mu_mailbox_fail(mb, MU_MBERR_TEMP, error_r, "%s was replaced "
					"by another program since it was opened; "
					"nothing appended", mb->path);
			goto out;
		}
	}
	a.fd = d->fd;
	a.pos = st.st_size;
	mu_buf_init(&a.b);
	if (st.st_size > 0) {
		/* The blank line before our From_ line, if the file does not
		 * end with one ("\n\n", or "\n\r\n" in a CRLF file). */
		size_t n = st.st_size >= 3 ? 3 : (size_t)st.st_size;
		bool blank_end;

		if (mu_pread_full(d->fd, tail, n, st.st_size - (off_t)n) !=
		    (ssize_t)n) {
			mu_mailbox_fail(mb, MU_MBERR_TEMP, error_r, "reading %s: %s",
					mb->path, strerror(errno));
			goto out;
		}
		blank_end = (n >= 2 && tail[n - 2] == '\n') ||
			    (n >= 3 && tail[0] == '\n' && tail[1] == '\r') ||
			    (st.st_size == 1) ||
			    (st.st_size == 2 && tail[0] == '\r');
		/* a last line without LF: its line end, then the blank
		 * line; after a CR, a CRLF, or that CR would become half a
		 * line end and the last message would lose it */
		if (tail[n - 1] == '\r')
			mu_buf_append(&a.b, "\r\n\r\n", 4);
		else if (tail[n - 1] != '\n')
			mu_buf_append(&a.b, "\n\n", 2);
		else if (!blank_end)
			mu_buf_append(&a.b, "\n", 1);
	}
	localtime_r(&now, &tm);
	strftime(date, sizeof date, "%a %b %e %H:%M:%S %Y", &tm);
	mu_buf_appendf(&a.b, "From MAILER-DAEMON %s\n", date);
	if (app_put_quoted(&a, data, len) < 0 ||
	    (len > 0 && data[len - 1] != '\n' && app_put(&a, "\n", 1) < 0) ||
	    app_put(&a, "\n", 1) < 0 || app_flush(&a) < 0 || fsync(d->fd) < 0) {
		int e = errno;
		/* leave no partial message for the next reader */
		if (ftruncate(d->fd, st.st_size) < 0 || fsync(d->fd) < 0)
			mu_log(MU_LOG_ERR, "%s: cannot undo a partial append: %s",
			       mb->path, strerror(errno));
		mu_mailbox_fail(mb, MU_MBERR_TEMP, error_r, "appending to %s: %s",
				mb->path, strerror(e));
		mu_buf_free(&a.b);
		goto out;
	}
	mu_buf_free(&a.b);
	rc = 0;
out:
	mu_mbox_delivery_unlock(d);
	return rc;
}
