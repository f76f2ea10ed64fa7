/* The crash test of the Maildir and MH commits and appends
 * (doc/maildir.md, doc/mh.md), the counterpart of test-mbox-kill.
 *
 * A child process opens a mailbox of eight distinct messages, marks
 * (deletes, queues the expire header, retrieves) and commits -- or
 * appends a bulletin, or clears the deletion marks other programs left
 * (`undelete`, the way pop3d/mail/undelete.c does at login) and commits
 * that first -- and is SIGKILLed
 *  - after each of its durable steps in turn (MU_TEST_KILL_AFTER_WRITES=n
 *    for n = 1, 2, ... until a run completes), and
 *  - at random instants (usleep then kill).
 * Then the next session opens the mailbox, and on disk as well as
 * through the driver: every kept message is there exactly once, each
 * byte for byte either its old version or its stamped one; a deleted
 * one is whole or gone (MH: whole in its ",N" backup); the UIDL of every
 * message is the one it had before; nothing else is served (a temporary
 * file left by the crash is never taken for a message); an MH
 * .mh_sequences is the old file or the committed one.
 *
 * Deletion marks (libmu/delmark.h): MH messages carry "Status:" 'd' and
 * "X-Status:" 'D' letters (and look-alikes that are none: a body line,
 * letters of the other case), Maildir ones the T flag.  A message keeps
 * its mark or loses it, never anything else: MH bytes differ from a
 * version only where a letter became a space (only with undelete), a
 * Maildir name keeps its unique part and its flags but T (and gains S
 * when retrieved); what the driver reports as delete_mark is what the
 * storage holds. */
#include "config.h"

#include <signal.h>
#include <sys/wait.h>
#include <time.h>

#include "mailtest.h"

#define NMSG 8
#define ADDED "X-Expire-Timestamp: 1700000000"
#define BULLETIN "X-Bulletin-Id: kill-test\nSubject: a bulletin\n\nread me\n"
#define MH_SEQ_OLD "unseen: 1-8\nflagged: 2 5-6\ncur: 3\n"

enum kind { MAILDIR, MH };

struct scenario {
	const char *name;
	bool append;			/* append a bulletin instead of marks */
	bool del[NMSG], add[NMSG], seen[NMSG];
	/* first clear every deletion mark and commit (pop3d's undelete at
	 * login), then the marks above in a second commit (QUIT) */
	bool undelete;
};

static const struct scenario scenarios[] = {
	{ "delete some", false, { [1] = 1, [4] = 1, [6] = 1 }, { 0 }, { 0 },
	  false },
	{ "delete all", false, { 1, 1, 1, 1, 1, 1, 1, 1 }, { 0 }, { 0 }, false },
	{ "stamp some", false, { 0 },
	  { [0] = 1, [2] = 1, [3] = 1, [4] = 1, [5] = 1, [7] = 1 }, { 0 },
	  false },
	{ "delete, stamp, retrieve", false, { [1] = 1, [6] = 1 },
	  { [0] = 1, [3] = 1, [4] = 1, [5] = 1 },
	  { [0] = 1, [1] = 1, [2] = 1, [5] = 1, [7] = 1 }, false },
	{ "append a bulletin", true, { 0 }, { 0 }, { 0 }, false },
	{ "undelete", false, { 0 }, { 0 }, { 0 }, true },
	{ "undelete, then delete...", false, { [1] = 1, [6] = 1 },
	  { [0] = 1, [2] = 1, [4] = 1, [5] = 1 }, { [3] = 1, [7] = 1 }, true },
};
#define NSCEN (sizeof scenarios / sizeof scenarios[0])

/* message i: its bytes before and after the header is added */
static char *old_raw[NMSG], *new_raw[NMSG];
static size_t old_len[NMSG], new_len[NMSG];
static char *old_crlf[NMSG], *new_crlf[NMSG], *bull_crlf;
static size_t old_crlf_len[NMSG], new_crlf_len[NMSG], bull_crlf_len;
static char uidl_before[NMSG][MU_UIDL_MAX + 1];
static int marks_total[NMSG];		/* MH deletion letters in message i */

/* The MH deletion marks (with the LF line end of the message's own), and
 * look-alikes that are none: 3 has 'd' only in its body, 6 has the
 * letters in the wrong case.  Message 5 ends in its mark, without LF. */
static const char *const mh_marks[NMSG] = {
	"Status: ROd\n", "X-Status: D\n", "Status: dO\nX-Status: DF\n",
	"Status: RO\nX-Status: F\n", "Status: d\n", "X-Status: D",
	"status: O D\nX-Status: d\n", "Status: Od\n",
};

/* the Maildir names: 0-3 in new/ (1 with an info and T, as a tool that
 * marks without moving may leave it), 4-7 in cur/ with flags; T marks */
static const char *const md_info[NMSG] = { "", ":2,T", "", "", ":2,T",
					   ":2,FT", ":2,RS", ":2,STa" };
static char *root, *url;
static enum kind kind;
static char *seq_committed;		/* MH: .mh_sequences after a full run */

static unsigned long iterations, kill_points, step_kills, random_kills;
static unsigned long messages_checked, leftovers_seen, half_cleared;
/* check_disk: does message i's file carry its mark now */
static bool disk_marked[NMSG];

/* Is ref[pos] a deletion letter: in the header, in a "Status:" field a
 * 'd', in an "X-Status:" field a 'D' (the rule of libmu/delmark.h,
 * written out again from its description)? */
static bool
mark_letter_at(const char *ref, size_t len, size_t pos)
{
	for (size_t p = 0; p < len;) {
		const char *nl = memchr(ref + p, '\n', len - p);
		size_t e = nl != NULL ? (size_t)(nl - ref) : len, le = e;

		if (le > p && ref[le - 1] == '\r')
			le--;
		if (le == p || pos < p)
			return false;		/* the header has ended */
		if (pos < le) {
			size_t v = 0;
			char letter = 0;

			if (le - p > 7 && strncasecmp(ref + p, "Status:", 7) == 0) {
				letter = 'd';
				v = 7;
			} else if (le - p > 9 &&
				   strncasecmp(ref + p, "X-Status:", 9) == 0) {
				letter = 'D';
				v = 9;
			}
			return letter != 0 && pos >= p + v && ref[pos] == letter;
		}
		p = e + 1;
	}
	return false;
}

/* data is ref, or ref with some of its deletion letters turned into
 * spaces (*blanked: how many). */
static bool
same_but_marks(const char *data, size_t len, const char *ref, size_t ref_len,
	       int *blanked)
{
	*blanked = 0;
	if (len != ref_len)
		return false;
	if (memcmp(data, ref, len) == 0)
		return true;
	for (size_t k = 0; k < len; k++) {
		if (data[k] == ref[k])
			continue;
		if (data[k] != ' ' || !mark_letter_at(ref, ref_len, k))
			return false;
		++*blanked;
	}
	return true;
}

/* Does message i carry a deletion mark in the mailbox as written? */
static bool
marked_at_start(int i)
{
	return kind == MAILDIR ? strchr(md_info[i], 'T') != NULL :
		marks_total[i] > 0;
}

static char *
padded_body(int i, size_t size, const char *eol)
{
	struct mu_buf b;
	size_t k = 0;

	mu_buf_init(&b);
	mu_buf_append(&b, "", 0);
	while (b.len < size)
		mu_buf_appendf(&b, "line %zu of message %d, padding%s", k++, i, eol);
	return b.data;
}

/* Distinct messages: two beyond the 64 KiB copy buffer, an empty body,
 * a body without a final newline, CRLF line ends, and a header alone
 * without a final newline. */
static void
make_messages(void)
{
	for (int i = 0; i < NMSG; i++) {
		const char *eol = i == 4 ? "\r\n" : "\n";
		char *marks = i == 4 ? mu_xasprintf("Status: d\r\n") :
			mu_xstrdup(mh_marks[i]);
		char *hdr = mu_xasprintf("Subject: message %d%sMessage-Id: "
					 "<%d@kill.test>%s%s", i, eol, i, eol,
					 marks);
		char *body;

		switch (i) {
		case 1: body = padded_body(i, 70000, eol); break;
		case 2: body = mu_xstrdup(""); break;
		case 3: body = mu_xstrdup("Status: d\nthe last, without newline"); break;
		case 6: body = mu_xstrdup("ten bytes\n"); break;
		case 7: body = padded_body(i, 150000, eol); break;
		default: body = padded_body(i, 200, eol); break;
		}
		if (i == 5) {
			/* a header alone, its last line without LF */
			old_raw[i] = mu_xasprintf("Subject: message 5\nMessage-Id: "
						  "<5@kill.test>\n%s", marks);
			new_raw[i] = mu_xasprintf("%s\n" ADDED "\n", old_raw[i]);
		} else {
			old_raw[i] = mu_xasprintf("%s%s%s", hdr, eol, body);
			new_raw[i] = mu_xasprintf("%s" ADDED "%s%s%s", hdr, eol,
						  eol, body);
		}
		old_len[i] = strlen(old_raw[i]);
		new_len[i] = strlen(new_raw[i]);
		old_crlf[i] = crlf_form(old_raw[i], old_len[i], &old_crlf_len[i]);
		new_crlf[i] = crlf_form(new_raw[i], new_len[i], &new_crlf_len[i]);
		free(hdr);
		free(body);
		free(marks);
		for (size_t k = 0; k < old_len[i]; k++)
			marks_total[i] += mark_letter_at(old_raw[i], old_len[i], k);
	}
	bull_crlf = crlf_form(BULLETIN, strlen(BULLETIN), &bull_crlf_len);
}

static void
run(const char *cmd)
{
	if (system(cmd) != 0) {
		printf("%s failed\n", cmd);
		exit(99);
	}
}

/* The mailbox as it was before every run. */
static void
write_old(void)
{
	char *cmd = mu_xasprintf("rm -rf '%s'", root);

	run(cmd);
	free(cmd);
	make_dir(root);
	if (kind == MAILDIR) {
		make_dir(pathf("%s/new", root));
		make_dir(pathf("%s/cur", root));
		make_dir(pathf("%s/tmp", root));
	}
	for (int i = 0; i < NMSG; i++) {
		char *p = kind == MAILDIR ?
			mu_xasprintf("%s/%s/%d.M%06dP100.kill.test%s", root,
				     i < 4 ? "new" : "cur", 1700000000 + i, i,
				     md_info[i]) :
			mu_xasprintf("%s/%d", root, i + 1);
		put_file(p, old_raw[i], old_len[i]);
		free(p);
	}
	if (kind == MH)
		put_str(pathf("%s/.mh_sequences", root), MH_SEQ_OLD);
}

static void
child_run(const struct scenario *sc, long kill_after)
{
	struct mu_mailbox *mb;
	enum mu_mailbox_error code;
	const char *err;
	char num[32];

	if (kill_after > 0) {
		snprintf(num, sizeof num, "%ld", kill_after);
		setenv("MU_TEST_KILL_AFTER_WRITES", num, 1);
	}
	if (mu_mailbox_open(&mb, url, MU_OPEN_WRITE | MU_OPEN_SESSION_LOCK, 10,
			    &code, &err) < 0) {
		printf("child open: %s\n", err);
		_exit(3);
	}
	if (sc->undelete) {
		/* pop3d/mail/undelete.c at login: clear, commit at once; then
		 * what still has a mark counts as deleted (lifecycle.c) */
		size_t marked = 0;

		for (size_t i = 0; i < mu_mailbox_count(mb); i++) {
			if (mu_mailbox_info(mb, i)->delete_mark) {
				mu_mailbox_clear_delete_mark(mb, i);
				marked++;
			}
		}
		if (marked > 0 && mu_mailbox_commit(mb, &err) < 0) {
			printf("child undelete commit: %s\n", err);
			_exit(4);
		}
		for (size_t i = 0; i < mu_mailbox_count(mb); i++)
			if (mu_mailbox_info(mb, i)->delete_mark)
				mu_mailbox_set_deleted(mb, i, true);
	}
	if (sc->append) {
		if (mu_mailbox_append(mb, BULLETIN, strlen(BULLETIN), &err) < 0) {
			printf("child append: %s\n", err);
			_exit(4);
		}
	} else {
		for (size_t i = 0; i < NMSG; i++) {
			if (sc->del[i])
				mu_mailbox_set_deleted(mb, i, true);
			if (sc->add[i])
				mu_mailbox_add_header(mb, i, ADDED);
			if (sc->seen[i])
				mu_mailbox_set_seen(mb, i);
		}
		if (mu_mailbox_commit(mb, &err) < 0) {
			printf("child commit: %s\n", err);
			_exit(4);
		}
	}
	mu_mailbox_close(mb);
	_exit(0);
}

static pid_t
spawn(const struct scenario *sc, long kill_after)
{
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		exit(99);
	if (pid == 0)
		child_run(sc, kill_after);
	return pid;
}

/* 1 killed, 0 exited 0; anything else fails the test. */
static int
reap(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		exit(99);
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
		return 1;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	CHECK(0, "child ended with status 0x%x", status);
	return 0;
}

/* Which message raw bytes are: 0..NMSG-1, NMSG the bulletin, -1 none.
 * *stamped: the new version; *blanked: deletion letters cleared. */
static int
identify(const char *data, size_t len, bool crlf_form_given, bool *stamped,
	 int *blanked)
{
	*stamped = false;
	*blanked = 0;
	for (int i = 0; i < NMSG; i++) {
		const char *o = crlf_form_given ? old_crlf[i] : old_raw[i];
		const char *n = crlf_form_given ? new_crlf[i] : new_raw[i];
		size_t ol = crlf_form_given ? old_crlf_len[i] : old_len[i];
		size_t nl = crlf_form_given ? new_crlf_len[i] : new_len[i];

		if (same_but_marks(data, len, o, ol, blanked))
			return i;
		if (same_but_marks(data, len, n, nl, blanked)) {
			*stamped = true;
			return i;
		}
	}
	if (crlf_form_given ? len == bull_crlf_len &&
	    memcmp(data, bull_crlf, len) == 0 :
	    len == strlen(BULLETIN) && memcmp(data, BULLETIN, len) == 0)
		return NMSG;
	return -1;
}

/* A Maildir file of message which, under sub ("new" or "cur"): its name
 * is the one written, or (cur/) the same unique part with the flags
 * written, T gone only with undelete, S added only when retrieved, in
 * ASCII order.  Notes in disk_marked[] whether T is there. */
static void
check_md_name(const struct scenario *sc, const char *sub, const char *n,
	      int which, const char *what)
{
	char *unique = mu_xasprintf("%d.M%06dP100.kill.test", 1700000000 + which,
				    which);
	size_t ulen = strlen(unique);
	const char *was = md_info[which];
	const char *info = n + ulen, *flags;
	bool ok;

	disk_marked[which] = false;
	ok = strncmp(n, unique, ulen) == 0 && (info[0] == '\0' || info[0] == ':');
	if (ok && strcmp(sub, "new") == 0) {
		ok = strcmp(info, was) == 0;
	} else if (ok) {
		ok = strncmp(info, ":2,", 3) == 0;
		flags = info + 3;
		for (const char *f = was[0] ? was + 3 : ""; ok && *f; f++)
			ok = strchr(flags, *f) != NULL ||
				(*f == 'T' && sc->undelete);
		for (const char *f = flags; ok && *f; f++)
			ok = (strchr(was, *f) != NULL && was[0] != '\0') ||
				(*f == 'S' && sc->seen[which]);
		for (const char *f = flags; ok && *f && f[1]; f++)
			ok = f[0] < f[1];
		/* moved out of new/ only by a rename that had a reason */
		ok = ok && (which >= 4 || sc->seen[which] ||
			    (sc->undelete && strchr(was, 'T') != NULL));
	}
	if (ok && info[0] == ':')
		disk_marked[which] = strchr(info + 3, 'T') != NULL;
	CHECK(ok, "%s: %s/%s is not a name message %d may have (was %s/%s%s)",
	      what, sub, n, which, which < 4 ? "new" : "cur", unique, was);
	free(unique);
}

static bool
is_mh_number(const char *name)
{
	if (name[0] < '1' || name[0] > '9')
		return false;
	return strspn(name, "0123456789") == strlen(name);
}

/* A message file's marks, as check_disk found them: a Maildir file's
 * bytes never change for a mark; MH letters are cleared only by undelete,
 * and before a stamp (the second commit follows the first).  Clearing
 * writes letter by letter: a kill between two letters of one message
 * leaves it marked by the other, which is counted. */
static void
check_marks(const struct scenario *sc, const char *p, int which, bool stamped,
	    int blanked, const char *what)
{
	if (which >= NMSG)
		return;
	if (kind == MAILDIR) {
		CHECK(blanked == 0, "%s: %s: %d letters of the header cleared "
		      "in a Maildir", what, p, blanked);
		CHECK(!stamped || !sc->undelete || !disk_marked[which],
		      "%s: %s stamped before its T flag was cleared", what, p);
		return;
	}
	CHECK(sc->undelete || blanked == 0, "%s: %s: %d deletion letters "
	      "cleared unasked", what, p, blanked);
	CHECK(!stamped || !sc->undelete || blanked == marks_total[which],
	      "%s: %s stamped with %d of its %d deletion letters", what, p,
	      marks_total[which] - blanked, marks_total[which]);
	if (blanked > 0 && blanked < marks_total[which])
		half_cleared++;
	disk_marked[which] = blanked < marks_total[which];
}

/* The files on disk: each message file is one of ours, old or stamped,
 * with its mark or without, counted in on_disk[] (the bulletin at NMSG);
 * MH backups ",N" hold message N-1 whole and unstamped.  Leftover
 * temporary files are counted. */
static void
check_disk(const struct scenario *sc, int on_disk[NMSG + 1], const char *what)
{
	static const char *const md_subs[] = { "new", "cur", "tmp" };
	size_t nsubs = kind == MAILDIR ? 3 : 1;

	memset(disk_marked, 0, sizeof disk_marked);
	for (size_t s = 0; s < nsubs; s++) {
		char *dir = kind == MAILDIR ? pathf("%s/%s", root, md_subs[s]) : root;
		bool tmp = kind == MAILDIR && s == 2;
		DIR *d = opendir(dir);
		struct dirent *de;

		CHECK(d != NULL, "%s: cannot read %s", what, dir);
		if (d == NULL)
			continue;
		while ((de = readdir(d)) != NULL) {
			const char *n = de->d_name;
			char *p = mu_xasprintf("%s/%s", dir, n);
			size_t len = 0;
			char *data;
			bool stamped;
			int which, blanked;

			if (strcmp(n, ".") == 0 || strcmp(n, "..") == 0) {
				free(p);
				continue;
			}
			if (tmp || (kind == MH &&
				    strncmp(n, ".pop3d-tmp.", 11) == 0)) {
				leftovers_seen++;	/* never served: see verify */
			} else if ((kind == MAILDIR && n[0] != '.') ||
				   (kind == MH && is_mh_number(n))) {
				data = get_file(p, &len);
				which = data ? identify(data, len, false, &stamped,
							&blanked) : -1;
				CHECK(which >= 0, "%s: %s is none of our messages "
				      "(%zu bytes)", what, p, len);
				if (which >= 0) {
					on_disk[which]++;
					CHECK(!stamped || (which < NMSG &&
							   sc->add[which]),
					      "%s: %s stamped unasked", what, p);
					if (kind == MAILDIR && which < NMSG)
						check_md_name(sc, md_subs[s], n,
							      which, what);
					check_marks(sc, p, which, stamped,
						    blanked, what);
				}
				free(data);
			} else if (kind == MH && n[0] == ',') {
				long k = atol(n + 1);
				data = get_file(p, &len);
				/* deleted by the second commit: after undelete's */
				CHECK(k >= 1 && k <= NMSG && sc->del[k - 1] && data &&
				      same_but_marks(data, len, old_raw[k - 1],
						     old_len[k - 1], &blanked) &&
				      blanked == (sc->undelete ?
						  marks_total[k - 1] : 0),
				      "%s: backup %s is not message %ld whole",
				      what, p, k);
				free(data);
			} else {
				CHECK(strcmp(n, ".mh_sequences") == 0 ||
				      strcmp(n, ".pop3d.lock") == 0,
				      "%s: unexpected file %s", what, p);
			}
			free(p);
		}
		closedir(d);
	}
}

/* The next session's view after a crash (or a complete run).  Returns
 * 1 when the run's changes are all there, 0 when none is, 2 between. */
static int
verify(const struct scenario *sc, const char *what)
{
	struct mu_mailbox *mb;
	enum mu_mailbox_error code;
	const char *err = "";
	int on_disk[NMSG + 1] = { 0 }, served[NMSG + 1] = { 0 };
	int changed = 0, unchanged = 0;

	check_disk(sc, on_disk, what);
	CHECK(mu_mailbox_open(&mb, url, MU_OPEN_WRITE | MU_OPEN_SESSION_LOCK, 1,
			      &code, &err) == 0, "%s: open after the crash: %s",
	      what, err);
	if (mb == NULL)
		return -1;
	for (size_t j = 0; j < mu_mailbox_count(mb); j++) {
		const struct mu_message_info *info = mu_mailbox_info(mb, j);
		size_t len = 0;
		char *m = stream_message(mb, j, &len, &err);
		bool stamped = false;
		int blanked = 0;
		int which = m ? identify(m, len, true, &stamped, &blanked) : -1;

		messages_checked++;
		CHECK(which >= 0, "%s: message %zu served is none of ours (%s)",
		      what, j + 1, m ? "other bytes" : err);
		if (which >= 0) {
			served[which]++;
			if (which < NMSG && sc->add[which])
				*(stamped ? &changed : &unchanged) += 1;
			CHECK(info->size == len, "%s: message %zu size %llu, "
			      "sent %zu", what, j + 1,
			      (unsigned long long)info->size, len);
			if (which < NMSG)
				CHECK(strcmp(info->uidl, uidl_before[which]) == 0,
				      "%s: message %d UIDL %s, was %s", what,
				      which, info->uidl, uidl_before[which]);
			/* what the driver says is what the storage holds */
			if (which < NMSG)
				CHECK(info->delete_mark == disk_marked[which],
				      "%s: message %d delete_mark %d, on disk %d",
				      what, which, info->delete_mark,
				      disk_marked[which]);
			if (which < NMSG && kind == MH)
				CHECK(disk_marked[which] == (blanked <
							     marks_total[which]),
				      "%s: message %d served with %d of %d "
				      "letters cleared", what, which, blanked,
				      marks_total[which]);
			/* undelete's own changes */
			if (which < NMSG && sc->undelete && !sc->del[which] &&
			    marked_at_start(which))
				*(disk_marked[which] ? &unchanged : &changed) += 1;
		}
		free(m);
	}
	mu_mailbox_close(mb);

	for (int i = 0; i < NMSG; i++) {
		CHECK(served[i] == on_disk[i], "%s: message %d served %d times, "
		      "on disk %d", what, i, served[i], on_disk[i]);
		if (sc->del[i]) {
			CHECK(served[i] <= 1, "%s: deleted message %d served %d "
			      "times", what, i, served[i]);
			*(served[i] ? &unchanged : &changed) += 1;
		} else {
			CHECK(served[i] == 1, "%s: kept message %d served %d times",
			      what, i, served[i]);
		}
	}
	CHECK(served[NMSG] <= (sc->append ? 1 : 0), "%s: bulletin served %d "
	      "times", what, served[NMSG]);
	if (sc->append)
		*(served[NMSG] ? &changed : &unchanged) += 1;
	if (kind == MH) {
		char *seq = get_file(pathf("%s/.mh_sequences", root), NULL);
		CHECK(seq != NULL && (strcmp(seq, MH_SEQ_OLD) == 0 ||
				      (seq_committed != NULL &&
				       strcmp(seq, seq_committed) == 0)),
		      "%s: .mh_sequences is neither the old nor the new one:\n%s",
		      what, seq ? seq : "(missing)");
		free(seq);
	}
	return changed && unchanged ? 2 : changed ? 1 : 0;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The UIDLs of the untouched mailbox, and (MH) the sequences after a
 * complete run of sc. */
static void
reference(const struct scenario *sc)
{
	struct mu_mailbox *mb;
	enum mu_mailbox_error code;
	const char *err;

	write_old();
	if (mu_mailbox_open(&mb, url, MU_OPEN_READONLY, 1, &code, &err) < 0 ||
	    mu_mailbox_count(mb) != NMSG) {
		printf("reference open failed\n");
		exit(99);
	}
	for (size_t i = 0; i < NMSG; i++) {
		strcpy(uidl_before[i], mu_mailbox_info(mb, i)->uidl);
		/* the marks as written, the look-alikes not */
		CHECK(mu_mailbox_info(mb, i)->delete_mark == marked_at_start(i),
		      "%s: message %zu delete_mark %d at start", sc->name, i,
		      mu_mailbox_info(mb, i)->delete_mark);
	}
	mu_mailbox_close(mb);
	free(seq_committed);
	seq_committed = NULL;
	CHECK(reap(spawn(sc, 0)) == 0, "%s: complete run killed", sc->name);
	if (kind == MH)
		seq_committed = get_file(pathf("%s/.mh_sequences", root), NULL);
	CHECK(verify(sc, "complete run") == 1, "%s: complete run did not "
	      "take effect", sc->name);
}

static void
sweep(const struct scenario *sc, const char *fmt)
{
	char what[160];
	int partial = 0;
	long n;

	reference(sc);
	for (n = 1; n < 1000; n++) {
		write_old();
		bool killed = reap(spawn(sc, n)) == 1;
		iterations++;
		snprintf(what, sizeof what, "%s %s, killed after step %ld", fmt,
			 sc->name, n);
		int state = verify(sc, what);
		if (!killed) {
			CHECK(state == 1, "%s: completed but not applied", what);
			break;
		}
		kill_points++;
		step_kills++;
		partial += state == 2;
	}
	printf("%-8s %-24s killed at each of its %ld steps (%d left half "
	       "applied)\n", fmt, sc->name, n - 1, partial);
}

static void
random_rounds(const struct scenario *sc, const char *fmt, int rounds)
{
	unsigned seed = (unsigned)getpid();
	double t0, span;
	int applied = 0;

	write_old();
	t0 = now();
	reap(spawn(sc, 0));
	span = now() - t0;
	for (int r = 0; r < rounds; r++) {
		char what[160];
		pid_t pid;

		write_old();
		pid = spawn(sc, 0);
		usleep((useconds_t)(span * 1.2e6 * (rand_r(&seed) / (double)RAND_MAX)));
		kill(pid, SIGKILL);
		reap(pid);
		iterations++;
		kill_points++;
		random_kills++;
		snprintf(what, sizeof what, "%s %s, random kill %d", fmt,
			 sc->name, r);
		applied += verify(sc, what) == 1;
	}
	printf("%-8s %-24s random kills: %d rounds over %.1f ms, %d complete\n",
	       fmt, sc->name, rounds, span * 1e3, applied);
}

int
main(void)
{
	static const char *const names[] = { "Maildir", "MH" };
	double start = now();

	/* fsyncs prove nothing here (a SIGKILL does not lose the page
	 * cache) and are slow on a real disk */
	if (getenv("TMPDIR") == NULL && access("/dev/shm", W_OK) == 0)
		setenv("TMPDIR", "/dev/shm", 1);
	scratch_make("test-msgfile-kill");
	printf("working in %s\n", scratch);
	root = pathf("%s/box", scratch);
	make_messages();

	for (int k = 0; k < 2; k++) {
		kind = (enum kind)k;
		url = pathf("%s:%s", kind == MAILDIR ? "maildir" : "mh", root);
		for (size_t s = 0; s < NSCEN; s++)
			sweep(&scenarios[s], names[k]);
		reference(&scenarios[3]);
		random_rounds(&scenarios[3], names[k], 30);
		reference(&scenarios[4]);
		random_rounds(&scenarios[4], names[k], 10);
		reference(&scenarios[5]);
		random_rounds(&scenarios[5], names[k], 20);
		reference(&scenarios[6]);
		random_rounds(&scenarios[6], names[k], 30);
	}
	printf("kill points: %lu (after a step %lu, random instants %lu), "
	       "iterations: %lu, messages checked: %lu, temporary files left "
	       "by kills: %lu (none served), MH messages found with some of "
	       "their deletion letters cleared: %lu, %.1f s\n", kill_points,
	       step_kills, random_kills, iterations, messages_checked,
	       leftovers_seen, half_cleared, now() - start);
	return finish("test-msgfile-kill");
}
