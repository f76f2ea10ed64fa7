/* Maildir session lock: pop3d.lock in the Maildir root (see session-lock.h). */
#include "config.h"

#include "session-lock.h"

int
main(void)
{
	const char *dir = scratch_make("test-maildir-session-lock");
	const char *root = pathf("%s/Maildir", dir);

	make_dir(root);
	make_dir(pathf("%s/cur", root));
	make_dir(pathf("%s/new", root));
	make_dir(pathf("%s/tmp", root));
	put_str(pathf("%s/new/1000.a.host", root), "Subject: a\n\na\n");
	put_str(pathf("%s/cur/1001.b.host:2,S", root), "Subject: b\n\nb\n");
	check_session_lock(pathf("maildir:%s", root), 2);
	CHECK(exists(pathf("%s/pop3d.lock", root)), "no pop3d.lock in the root");
	return finish("test-maildir-session-lock");
}
