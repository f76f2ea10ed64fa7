/* MH: a message keeps the identity it had when the session listed it
 * (the file's device and inode), whatever MH tools do to the folder
 * meanwhile (doc/mh.md, "Other programs during a session").
 *
 *  - rmm 3 (3 becomes ",3"), inc delivers a new mail as 3, sortm swaps
 *    1 and 2 (same size): message 1 of the session is still the first
 *    mail, found under its new number; message 3 is gone; DELE 3 + QUIT
 *    leaves the new mail and rmm's backup alone, and .mh_sequences loses
 *    the numbers of the listed messages only;
 *  - a ",N" backup already there is never overwritten;
 *  - a file rewritten under the same number (a new inode, even of the
 *    same size) is not sent, not removed, not stamped and its deletion
 *    letters are not cleared;
 *  - sortm swapping 1 and 2 while the stamped copy of 1 is being written
 *    (the test's own fsync() runs it then): the copy does not replace
 *    what is at 1 by then, the other mail. */
#include "config.h"

#include <sys/syscall.h>

#include "mailtest.h"

/* Another program's move, run by the next fsync() libmu makes -- the one
 * of a stamped copy, before it takes the message's place. */
static void (*during_fsync)(void);

int
fsync(int fd)
{
	void (*hook)(void) = during_fsync;

	during_fsync = NULL;
	if (hook != NULL)
		hook();
	return (int)syscall(SYS_fsync, fd);
}

#define HDR "X-Expire-Timestamp: 1700000000"
#define OPEN_FLAGS (MU_OPEN_WRITE | MU_OPEN_SESSION_LOCK)

static struct mu_mailbox *
open_folder(const char *url)
{
	struct mu_mailbox *mb;
	enum mu_mailbox_error code;
	const char *err;

	if (mu_mailbox_open(&mb, url, OPEN_FLAGS, 1, &code, &err) < 0) {
		printf("cannot open %s: %s\n", url, err);
		exit(99);
	}
	return mb;
}

static void
move(const char *from, const char *to)
{
	if (rename(from, to) < 0) {
		printf("rename %s %s: %s\n", from, to, strerror(errno));
		exit(99);
	}
}

/* Another program writes path anew: a new file renamed over it. */
static void
rewrite(const char *path, const char *data)
{
	char *tmp = pathf("%s.rewrite", path);

	put_str(tmp, data);
	move(tmp, path);
}

/* The story of rmm, inc and sortm during one session. */
static void
renumbered(const char *dir)
{
	const char *folder = pathf("%s/story", dir);
	const char *one = "Subject: one\n\nfirst\n";
	const char *two = "Subject: two\n\nsecnd\n";	/* the same size */
	const char *three = "Subject: three\n\nthird mail\n";
	const char *fresh = "Subject: new\n\ndelivered by inc as 3\n";
	struct mu_mailbox *mb;
	const char *err;

	make_dir(folder);
	put_str(pathf("%s/1", folder), one);
	put_str(pathf("%s/2", folder), two);
	put_str(pathf("%s/3", folder), three);
	put_str(pathf("%s/.mh_sequences", folder), "unseen: 1-3\n");
	mb = open_folder(pathf("mh:%s", folder));
	CHECK(mu_mailbox_count(mb) == 3, "story: count %zu",
	      mu_mailbox_count(mb));

	/* rmm 3; inc; sortm swapping 1 and 2 */
	move(pathf("%s/3", folder), pathf("%s/,3", folder));
	put_str(pathf("%s/3", folder), fresh);
	move(pathf("%s/1", folder), pathf("%s/.sortm-tmp", folder));
	move(pathf("%s/2", folder), pathf("%s/1", folder));
	move(pathf("%s/.sortm-tmp", folder), pathf("%s/2", folder));

	check_message(mb, 0, one, strlen(one), "story: RETR 1 after sortm");
	check_message(mb, 1, two, strlen(two), "story: RETR 2 after sortm");
	check_stream_fails(mb, 2, "gone");

	mu_mailbox_set_seen(mb, 0);		/* the first mail, now 2 */
	mu_mailbox_set_deleted(mb, 2, true);	/* the old 3, rmm'd */
	CHECK(mu_mailbox_commit(mb, &err) == 0, "story: commit: %s", err);
	mu_mailbox_close(mb);

	check_file(pathf("%s/1", folder), two, "story: 1 (was 2)");
	check_file(pathf("%s/2", folder), one, "story: 2 (was 1)");
	check_file(pathf("%s/3", folder), fresh, "story: the new 3");
	check_file(pathf("%s/,3", folder), three, "story: rmm's backup");
	CHECK(count_entries(folder, ",") == 1, "story: %zu backups",
	      count_entries(folder, ","));
	/* the first mail is 2 now; 3 is another message */
	check_file(pathf("%s/.mh_sequences", folder), "unseen: 1 3\n",
		   "story: sequences");
}

/* DELE 2 when ",2" is there already. */
static void
backup_kept(const char *dir)
{
	const char *folder = pathf("%s/backup", dir);
	const char *older = "Subject: an older two\n\nremoved by rmm\n";
	const char *two = "Subject: two\n\ndeleted now\n";
	struct mu_mailbox *mb;
	const char *err;
	DIR *d;
	struct dirent *de;
	int copies = 0;

	make_dir(folder);
	put_str(pathf("%s/1", folder), "Subject: one\n\nstays\n");
	put_str(pathf("%s/2", folder), two);
	put_str(pathf("%s/,2", folder), older);
	mb = open_folder(pathf("mh:%s", folder));
	mu_mailbox_set_deleted(mb, 1, true);
	CHECK(mu_mailbox_commit(mb, &err) == 0, "backup: commit: %s", err);
	mu_mailbox_close(mb);

	check_file(pathf("%s/,2", folder), older, "backup: the older ,2");
	CHECK(!exists(pathf("%s/2", folder)), "backup: 2 still there");
	d = opendir(folder);
	while (d != NULL && (de = readdir(d)) != NULL) {
		char *data;

		if (strncmp(de->d_name, ",2", 2) != 0 ||
		    strcmp(de->d_name, ",2") == 0)
			continue;
		data = get_file(pathf("%s/%s", folder, de->d_name), NULL);
		copies += data != NULL && strcmp(data, two) == 0;
		free(data);
	}
	if (d != NULL)
		closedir(d);
	CHECK(copies == 1, "backup: message 2 is in %d backups", copies);
}

/* Files rewritten under their numbers during the session. */
static void
rewritten(const char *dir)
{
	const char *folder = pathf("%s/rewritten", dir);
	const char *msg[] = {
		"Subject: a\n\nto be deleted\n",
		"Subject: b\n\nto be stamped\n",
		"Status: Od\nSubject: c\n\nto be undeleted\n",
		"Subject: d\n\nto be sent\n",
	};
	const char *other[] = {
		"Subject: A\n\nanother mail!\n",
		"Subject: B\n\nanother mail!\n",
		"Status: Od\nSubject: C\n\nanother mail!!!\n",
		"Subject: D\n\nanother ma\n",
	};
	struct mu_mailbox *mb;
	const char *err = "";

	make_dir(folder);
	for (int i = 0; i < 4; i++)
		put_str(pathf("%s/%d", folder, i + 1), msg[i]);
	mb = open_folder(pathf("mh:%s", folder));
	CHECK(mu_mailbox_info(mb, 2)->delete_mark, "rewritten: 3 not marked");
	for (int i = 0; i < 4; i++) {
		CHECK(strlen(other[i]) == strlen(msg[i]), "fixture %d", i);
		rewrite(pathf("%s/%d", folder, i + 1), other[i]);
	}
	check_stream_fails(mb, 3, "");
	mu_mailbox_set_deleted(mb, 0, true);
	CHECK(mu_mailbox_add_header(mb, 1, HDR) == 0, "add_header");
	mu_mailbox_clear_delete_mark(mb, 2);
	(void)mu_mailbox_commit(mb, &err);
	mu_mailbox_close(mb);

	for (int i = 0; i < 4; i++)
		check_file(pathf("%s/%d", folder, i + 1), other[i],
			   "rewritten: another program's file");
	CHECK(count_entries(folder, ",") == 0, "rewritten: a backup was made");
	CHECK(count_entries(folder, ".pop3d-tmp") == 0,
	      "rewritten: temporary files left");
}

static const char *swap_folder;

static void
sortm_swap(void)
{
	move(pathf("%s/1", swap_folder), pathf("%s/.sortm-tmp", swap_folder));
	move(pathf("%s/2", swap_folder), pathf("%s/1", swap_folder));
	move(pathf("%s/.sortm-tmp", swap_folder), pathf("%s/2", swap_folder));
}

/* sortm in the instant between the copy and its rename */
static void
swapped_while_stamping(const char *dir)
{
	const char *folder = pathf("%s/swap", dir);
	const char *one = "Subject: one\n\nfirst\n";
	const char *two = "Subject: two\n\nsecond\n";
	struct mu_mailbox *mb;
	const char *err;

	make_dir(folder);
	put_str(pathf("%s/1", folder), one);
	put_str(pathf("%s/2", folder), two);
	mb = open_folder(pathf("mh:%s", folder));
	CHECK(mu_mailbox_add_header(mb, 0, HDR) == 0, "add_header");
	swap_folder = folder;
	during_fsync = sortm_swap;
	CHECK(mu_mailbox_commit(mb, &err) == 0, "swap: commit: %s", err);
	CHECK(during_fsync == NULL, "swap: no fsync came");
	mu_mailbox_close(mb);
	check_file(pathf("%s/1", folder), two, "swap: 1, the second mail");
	check_file(pathf("%s/2", folder), one, "swap: 2, the first, unstamped");
	CHECK(count_entries(folder, ".pop3d-tmp") == 0,
	      "swap: temporary files left");
}

int
main(void)
{
	const char *dir = scratch_make("test-mh-identity");

	renumbered(dir);
	backup_kept(dir);
	rewritten(dir);
	swapped_while_stamping(dir);
	return finish("test-mh-identity");
}
