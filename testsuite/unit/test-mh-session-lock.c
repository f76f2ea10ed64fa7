/* MH session lock: .pop3d.lock in the folder (see session-lock.h). */
#include "config.h"

#include "session-lock.h"

int
main(void)
{
	const char *dir = scratch_make("test-mh-session-lock");
	const char *folder = pathf("%s/inbox", dir);

	make_dir(folder);
	put_str(pathf("%s/1", folder), "Subject: a\n\na\n");
	put_str(pathf("%s/3", folder), "Subject: b\n\nb\n");
	check_session_lock(pathf("mh:%s", folder), 2);
	CHECK(exists(pathf("%s/.pop3d.lock", folder)), "no .pop3d.lock in the folder");
	CHECK(exists(pathf("%s/4", folder)), "delivery was not message 4");
	return finish("test-mh-session-lock");
}
