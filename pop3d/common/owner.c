/* Whose maildrop it is (owner.h). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libmu/url.h"
#include "pop3d/common/owner.h"

int
maildrop_check_owner(const char *url, const char **error_r)
{
	static char error_buf[256];
	enum mu_format format;
	struct stat st;
	char *path;
	int rc = 0;

	if (mu_url_split(url, &format, &path, error_r) < 0)
		return -1;
	if (lstat(path, &st) < 0) {
		if (errno != ENOENT) {
			snprintf(error_buf, sizeof error_buf, "%s", strerror(errno));
			*error_r = error_buf;
			rc = -1;
		}
	} else if (S_ISLNK(st.st_mode)) {
		*error_r = "it is a symbolic link";
		rc = -1;
	} else if (st.st_uid != geteuid()) {
		snprintf(error_buf, sizeof error_buf, "it belongs to uid %ld, "
			 "the session runs as uid %ld", (long)st.st_uid,
			 (long)geteuid());
		*error_r = error_buf;
		rc = -1;
	}
	free(path);
	return rc;
}
