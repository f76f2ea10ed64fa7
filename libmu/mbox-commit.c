/* The mbox driver's commit (doc/mbox-commit.md): check that the file is
 * still the one scanned, plan the new tail -- the kept messages with
 * their added headers, then what was delivered since the scan -- write
 * it through the journal (mbox-journal.c), and renumber what the session
 * sees. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "delmark.h"
#include "log.h"
#include "mailbox-driver.h"
#include "mbox-impl.h"
#include "util.h"

/* ---- commit ---- */

/* What a message's added header needs (found by reading its header). */
struct insertion {
	bool insert;
	off_t at;               /* offset of the blank line, or message end */
	char *text;             /* bytes to insert */
	size_t len;
	uint64_t size_add;      /* what it adds to the message's CRLF size */
	/* the line end text starts with to complete the From_ line of an
	 * empty message: the message starts after it */
	size_t from_eol_len;
};

/* Is the file still the one we scanned?  The same inode, no shorter,
 * every message's identity and the end's unchanged, and whatever lies
 * past the scanned end mail an MTA appended.  An MUA that rewrote the
 * last message in place (mutt adding "Status: RO") pushed its tail past
 * the scanned end: taken for new mail, those bytes would be glued to the
 * message before a deleted one.  Any doubt refuses the commit before a
 * byte is written. */
static int
commit_verify(struct mu_mailbox *mb, struct mbox *d, off_t size,
	      const char **error_r)
{
	struct stat st;
	char *buf, why[96];
	uint64_t id;
	int rc = 0;

	if (stat(mb->path, &st) < 0 || st.st_ino != d->ino || st.st_dev != d->dev)
		return mu_mailbox_fail(mb, MU_MBERR_TEMP, error_r, "%s was replaced by "
				       "another program during the session; nothing "
				       "changed", mb->path);
	why[0] = '\0';
	if (size < d->scanned_size)
		snprintf(why, sizeof why, "it is shorter than when it was read");
	buf = mu_xmalloc(COPY_BUFSIZE);
	for (size_t i = 0; why[0] == '\0' && i < mb->count; i++) {
		rc = mu_mbox_msg_ident(d, i, buf, &id);
		if (rc < 0 || id != d->m[i].ident)
			snprintf(why, sizeof why, "message %zu moved or changed", i + 1);
	}
	if (why[0] == '\0') {
		rc = mu_mbox_end_ident(d, buf, &id);
		if (rc < 0 || id != d->end_ident)
			snprintf(why, sizeof why, "the end of message %zu changed",
				 mb->count);
	}
	if (why[0] == '\0' && size > d->scanned_size) {
		rc = mu_mbox_appended_mail_at(d->fd, d->scanned_size, size,
					      true, buf);
		if (rc == 0)
			snprintf(why, sizeof why, "what follows message %zu is not a "
				 "new message", mb->count);
	}
	free(buf);
	if (rc < 0 && errno != ESTALE)
		return mu_mailbox_fail(mb, MU_MBERR_TEMP, error_r, "reading %s: %s",
				       mb->path, strerror(errno));
	if (why[0] != '\0')
		return mu_mailbox_fail(mb, MU_MBERR_TEMP, error_r, "%s was changed by "
				       "another program during the session (%s); "
				       "nothing changed", mb->path, why);
	return 0;
}

/* Find where message idx's header ends and whether it already has the
 * field of its added line.  Reads the header only. */
static int
plan_insertion(struct mu_mailbox *mb, struct mbox *d, size_t idx,
	       struct insertion *ins)
{
	const char *line = mb->added[idx].line;
	size_t namelen = (size_t)(strchr(line, ':') - line);
	char *name = mu_xstrndup(line, namelen);
	const struct mbox_msg *m = &d->m[idx];
	struct mu_msgstream s;
	const char *data;
	size_t len;
	bool eol, line_start = true, crlf = false, first = true, need_lf = false;
	char last = '\n';
	int rc;

	ins->insert = true;
	ins->at = m->body_end;
	mu_msgstream_init_fd(&s, d->fd, false, m->body_start, m->body_end,
			     MU_STREAM_PLAIN);
	for (;;) {
		off_t off = stream_offset(&s);

		rc = mu_msgstream_next(&s, &data, &len, &eol);
		if (rc <= 0)
			break;
		if (line_start && eol && first)
			crlf = stream_offset(&s) - off == (off_t)len + 2;
		if (line_start) {
			first = false;
			if (eol && len == 0) {
				ins->at = off;	/* the blank line ends the header */
				break;
			}
			if (mu_header_is(data, len, name)) {
				ins->insert = false;
				break;
			}
		}
		line_start = eol;
	}
	mu_msgstream_close(&s);
	free(name);
	if (rc < 0)
		return -1;
	if (!ins->insert)
		return 0;
	if (ins->at == m->body_end) {
		/* no blank line: the header runs to the end of the message,
		 * whose last line may lack its line end -- and so may the
		 * From_ line of an empty message, the last in the file */
		if (mu_pread_full(d->fd, &last, 1, m->body_end - 1) != 1)
			return -1;
		need_lf = last != '\n';
	}
	/* a CR ending that line is its own (mailbox.h): a bare LF after it
	 * would make it half of a CRLF and cut it from the line */
	ins->text = mu_xasprintf("%s%s%s%s", need_lf ? (crlf || last == '\r' ?
						 "\r\n" : "\n") : "",
				 mu_mbox_is_quoted_from(line, strlen(line)) ||
				 strncmp(line, "From ", 5) == 0 ? ">" : "",
				 line, crlf ? "\r\n" : "\n");
	ins->len = strlen(ins->text);
	if (need_lf && m->body_end == m->body_start)
		ins->from_eol_len = crlf || last == '\r' ? 2 : 1;
	/* read back unquoted, with CRLF; a line end added before it only
	 * completes a last line already counted as if it had one */
	ins->size_add = strlen(line) + 2;
	return 0;
}

/* undelete: the deletion letters in the headers become spaces, in place
 * and before any journal is made, so that one copies them cleared
 * (delmark.h says why an in-place letter is crash-safe). */
static int
clear_delete_marks(struct mu_mailbox *mb, struct mbox *d, const char **error_r)
{
	int cleared = 0;

	for (size_t i = 0; i < mb->count; i++) {
		struct mu_message_info *info = &mb->msgs[i];
		int n;

		if (info->deleted || !info->clear_delete_mark || !info->delete_mark)
			continue;
		n = mu_delmark_clear(d->fd, d->m[i].body_start, d->m[i].body_end);
		if (n < 0)
			return mu_mailbox_fail(mb, MU_MBERR_TEMP, error_r, "clearing a "
					       "deletion mark in %s: %s", mb->path,
					       strerror(errno));
		cleared += n;
	}
	if (cleared > 0) {
		if (fsync(d->fd) < 0)
			return mu_mailbox_fail(mb, MU_MBERR_TEMP, error_r, "fsync %s: %s",
					       mb->path, strerror(errno));
		mu_test_kill_point();
	}
	for (size_t i = 0; i < mb->count; i++)
		if (mb->msgs[i].clear_delete_mark && !mb->msgs[i].deleted)
			mb->msgs[i].delete_mark = false;
	return 0;
}

/* After the last scanned message, the bytes up to the next From_ line
 * (at most two line ends a careful appender adds when the file lacked
 * them) belong to that message's separator: if it is deleted they go too,
 * so the next message does not start with a stray blank line. */
static off_t
absorb_separator(struct mbox *d, off_t size)
{
	char b[9];
	off_t at = d->scanned_size;
	ssize_t n;
	size_t j;

	if (size <= at)
		return at;
	n = mu_pread_full(d->fd, b, sizeof b, at);
	if (n < 0)
		return at;
	j = mu_mbox_skip_line_ends(b, (size_t)n, 2);
	if (j + 5 <= (size_t)n && memcmp(b + j, "From ", 5) == 0)
		return at + (off_t)j;
	return at;
}

/* The in-memory view after a commit: deleted messages gone, offsets
 * moved, added headers counted; the UIDLs stay. */
static void
commit_update_view(struct mu_mailbox *mb, struct mbox *d, size_t first,
		   const struct insertion *ins, off_t p, off_t newmail)
{
	size_t out = first;
	off_t pos = p;

	for (size_t i = first; i < mb->count; i++) {
		off_t unit_end = i + 1 < mb->count ? d->m[i + 1].from_off
						   : newmail;
		off_t shift = pos - d->m[i].from_off;
		off_t unit_len = unit_end - d->m[i].from_off;

		if (mb->msgs[i].deleted) {
			free(mb->added[i].line);
			continue;
		}
		struct mbox_msg nm = d->m[i];
		nm.from_off += shift;
		nm.body_start += shift;
		nm.body_end += shift;
		if (ins[i].insert) {
			nm.body_start += (off_t)ins[i].from_eol_len;
			nm.body_end += (off_t)ins[i].len;
			unit_len += (off_t)ins[i].len;
			mb->msgs[i].size += ins[i].size_add;
			mb->msgs[i].lines++;
		}
		d->m[out] = nm;
		mb->msgs[out] = mb->msgs[i];
		mb->added[out] = mb->added[i];
		pos += unit_len;
		out++;
	}
	for (size_t i = 0; i < out; i++) {
		free(mb->added[i].line);
		mb->added[i].line = NULL;
	}
	mb->count = out;
	d->scanned_size = pos;
}

int
mu_mbox_commit(struct mu_mailbox *mb, const char **error_r)
{
	struct mbox *d = mb->drv;
	struct insertion *ins = NULL;
	struct piece *pieces = NULL;
	struct journal_header h;
	struct stat st;
	size_t first, npieces = 0, count = mb->count;
	off_t newmail;
	char *buf = NULL;
	int jfd, rc = -1;
	bool any = false, clearing = false;

	if (d->fd < 0 || mb->count == 0)
		return 0;
	if (d->broken)
		return mu_mailbox_fail(mb, MU_MBERR_TEMP, error_r, "an earlier commit of "
				       "%s failed; reopen the mailbox", mb->path);
	for (size_t i = 0; i < mb->count && !any; i++)
		any = mb->msgs[i].deleted || mb->added[i].line != NULL ||
		      (mb->msgs[i].clear_delete_mark && mb->msgs[i].delete_mark);
	if (!any)
		return 0;
	if (!d->writable)
		return mu_mailbox_fail(mb, MU_MBERR_PERM, error_r,
				       "%s was opened read-only", mb->path);

	if (mu_mbox_lock_for_writing(mb, d, &st, error_r) < 0)
		return -1;
	if (commit_verify(mb, d, st.st_size, error_r) < 0)
		goto out;
	for (size_t i = 0; i < mb->count && !clearing; i++)
		clearing = mb->msgs[i].clear_delete_mark && mb->msgs[i].delete_mark &&
			   !mb->msgs[i].deleted;
	if (clear_delete_marks(mb, d, error_r) < 0)
		goto out;
	/* a cleared letter may lie in an identity's bytes: take them anew,
	 * or the rest of the session would take our own write for another
	 * program's */
	if (clearing && mu_mbox_identify(mb, d, 0) < 0) {
		mu_mailbox_fail(mb, MU_MBERR_TEMP, error_r, "reading %s: %s",
				mb->path, strerror(errno));
		d->broken = true;
		goto out;
	}

	ins = mu_xcalloc(count, sizeof *ins);
	first = mb->count;
	for (size_t i = 0; i < mb->count; i++) {
		if (!mb->msgs[i].deleted && mb->added[i].line != NULL &&
		    plan_insertion(mb, d, i, &ins[i]) < 0) {
			mu_mailbox_fail(mb, MU_MBERR_TEMP, error_r, "reading %s: %s",
					mb->path, strerror(errno));
			goto out;
		}
		if (first == mb->count && (mb->msgs[i].deleted || ins[i].insert))
			first = i;
	}
	if (first == mb->count) {
		rc = 0;		/* every added header was there already */
		for (size_t i = 0; i < mb->count; i++) {
			free(mb->added[i].line);
			mb->added[i].line = NULL;
		}
		goto out;
	}

	/* The new tail from P: kept messages, with their added headers,
	 * then everything delivered since the scan, byte for byte. */
	newmail = absorb_separator(d, st.st_size);
	pieces = mu_xreallocarray(NULL, 3 * (mb->count - first) + 1, sizeof *pieces);
	memset(&h, 0, sizeof h);
	h.dev = (uint64_t)d->dev;
	h.ino = (uint64_t)d->ino;
	h.p = (uint64_t)d->m[first].from_off;
	h.s0 = (uint64_t)st.st_size;
	for (size_t i = first; i < mb->count; i++) {
		off_t start = d->m[i].from_off;
		off_t end = i + 1 < mb->count ? d->m[i + 1].from_off : newmail;

		if (mb->msgs[i].deleted)
			continue;
		if (ins[i].insert) {
			pieces[npieces++] = (struct piece){
				d->fd, start, (uint64_t)(ins[i].at - start), NULL };
			pieces[npieces++] = (struct piece){
				-1, 0, ins[i].len, ins[i].text };
			pieces[npieces++] = (struct piece){
				d->fd, ins[i].at, (uint64_t)(end - ins[i].at), NULL };
		} else {
			pieces[npieces++] = (struct piece){
				d->fd, start, (uint64_t)(end - start), NULL };
		}
	}
	pieces[npieces++] = (struct piece){
		d->fd, newmail, (uint64_t)(st.st_size - newmail), NULL };
	h.l = 0;
	for (size_t i = 0; i < npieces; i++)
		h.l += pieces[i].len;
	buf = mu_xmalloc(COPY_BUFSIZE);
	if (mu_mbox_journal_orig_hash(d, &h,
				      buf) < 0 || mu_mbox_journal_identity(d,
				      &h, buf) < 0) {
		mu_mailbox_fail(mb, MU_MBERR_TEMP, error_r, "reading %s: %s", mb->path,
				strerror(errno));
		goto out;
	}
	jfd = mu_mbox_journal_create(mb, d, &h, pieces, npieces, error_r);
	if (jfd < 0) {
		/* nothing changed, unless a journal got in place: then the
		 * next open applies it and our offsets are not to be trusted */
		if (access(d->journal_path, F_OK) == 0)
			d->broken = true;
		goto out;
	}
	/* a fresh journal: phase "prepared", the file not resized yet */
	if (mu_mbox_journal_finish(mb, d, jfd, &h, h.p + h.l == h.s0,
				   error_r) < 0) {
		/* half done: our offsets no longer hold until recovery */
		d->broken = true;
		goto out;
	}
	commit_update_view(mb, d, first, ins, (off_t)h.p, newmail);
	/* the messages from P on moved: their identities are new */
	if (mu_mbox_identify(mb, d, first) < 0) {
		mu_log(MU_LOG_ERR, "%s: reading after a commit: %s", mb->path,
		       strerror(errno));
		d->broken = true;
	}
	rc = 0;

out:
	if (ins != NULL)
		for (size_t i = 0; i < count; i++)
			free(ins[i].text);
	free(ins);
	free(pieces);
	free(buf);
	mu_mbox_delivery_unlock(d);
	return rc;
}
