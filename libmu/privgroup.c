/* The spool group, taken around lock and journal files (privgroup.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "libmu/privgroup.h"

static gid_t priv_gid = (gid_t)-1;

void
mu_privgroup_set(gid_t gid)
{
	priv_gid = gid;
}

bool
mu_privgroup_active(void)
{
	return priv_gid != (gid_t)-1;
}

/* Whether a refusal could be lifted by the spool group. */
static bool
worth_retry(int err)
{
	return priv_gid != (gid_t)-1 && (err == EACCES || err == EPERM) &&
		getegid() != priv_gid;
}

/* Take the group; the old effective gid in *old.  0, or -1 (errno). */
static int
enter(gid_t *old)
{
	*old = getegid();
	return setegid(priv_gid);
}

/* Give it back, keeping the caller's errno.  A failure here would leave
 * the process with the spool group: it must not go on. */
static void
leave(gid_t old)
{
	int saved = errno;

	if (setegid(old) < 0) {
		fprintf(stderr, "cannot give up the mail spool's group: %m\n");
		_exit(70);
	}
	errno = saved;
}

/* Try the call; refused, try it once more with the group. */
#define RETRY_WITH_GROUP(rc, call)					\
	do {								\
		gid_t old_;						\
									\
		(rc) = (call);						\
		if ((rc) < 0 && worth_retry(errno) && enter(&old_) == 0) { \
			(rc) = (call);					\
			leave(old_);					\
		}							\
	} while (0)

int
mu_priv_open(const char *path, int flags, mode_t mode)
{
	int fd;

	RETRY_WITH_GROUP(fd, open(path, flags, mode));
	return fd;
}

int
mu_priv_link(const char *from, const char *to)
{
	int rc;

	RETRY_WITH_GROUP(rc, link(from, to));
	return rc;
}

int
mu_priv_unlink(const char *path)
{
	int rc;

	RETRY_WITH_GROUP(rc, unlink(path));
	return rc;
}

int
mu_priv_rename(const char *from, const char *to)
{
	int rc;

	RETRY_WITH_GROUP(rc, rename(from, to));
	return rc;
}

#ifdef RENAME_EXCHANGE
int
mu_priv_exchange(const char *a, const char *b)
{
	int rc;

	RETRY_WITH_GROUP(rc, renameat2(AT_FDCWD, a, AT_FDCWD, b,
				       RENAME_EXCHANGE));
	return rc;
}
#endif
