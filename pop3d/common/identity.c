/* Process identities (identity.h). */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libmu/log.h"
#include "libmu/util.h"
#include "pop3d/common/identity.h"

static char error_buf[256];

int
identity_lookup(const char *name, struct identity *id, const char **error_r)
{
	long hint = sysconf(_SC_GETPW_R_SIZE_MAX);
	size_t size = hint > 0 ? (size_t)hint : 4096;
	struct passwd pw, *found = NULL;
	char *buf = NULL;
	int rc;

	for (;;) {
		buf = mu_xrealloc(buf, size);
		rc = getpwnam_r(name, &pw, buf, size, &found);
		if (rc != ERANGE || size >= 1024 * 1024)
			break;
		size *= 2;
	}
	if (found == NULL) {
		free(buf);
		if (rc == 0 || rc == ENOENT || rc == ESRCH)
			return 0;
		snprintf(error_buf, sizeof error_buf, "cannot look up user %s: %s",
			 name, strerror(rc));
		*error_r = error_buf;
		return -1;
	}
	id->name = mu_xstrdup(pw.pw_name);
	id->uid = pw.pw_uid;
	id->gid = pw.pw_gid;
	id->home = pw.pw_dir != NULL && pw.pw_dir[0] != '\0' ?
		mu_xstrdup(pw.pw_dir) : NULL;
	free(buf);
	return 1;
}

void
identity_free(struct identity *id)
{
	free(id->name);
	free(id->home);
	id->name = id->home = NULL;
}

void
identity_preload_nss(void)
{
	gid_t groups[8];
	int n = 8;

	(void)getpwnam("root");
	(void)getgrouplist("root", 0, groups, &n);
	endpwent();
	endgrent();
}

bool
identity_privileged(void)
{
	return geteuid() == 0;
}

static int
fail(const char *step, const char **error_r)
{
	snprintf(error_buf, sizeof error_buf, "%s: %s", step, strerror(errno));
	*error_r = error_buf;
	return -1;
}

int
identity_switch(const struct identity *id, enum identity_groups groups,
		const char **error_r)
{
	return identity_switch_keep_group(id, groups, (gid_t)-1, error_r);
}

int
identity_group_lookup(const char *name, gid_t *gid_r, const char **error_r)
{
	struct group gr, *res = NULL;
	char buf[4096];
	int rc = getgrnam_r(name, &gr, buf, sizeof buf, &res);

	if (rc != 0) {
		*error_r = strerror(rc);
		return -1;
	}
	if (res == NULL)
		return 0;
	*gid_r = gr.gr_gid;
	return 1;
}

int
identity_switch_keep_group(const struct identity *id,
			   enum identity_groups groups, gid_t keep_gid,
			   const char **error_r)
{
	uid_t ruid, euid, suid;
	gid_t rgid, egid, sgid;
	gid_t saved = keep_gid != (gid_t)-1 ? keep_gid : id->gid;

	if (id->uid == 0) {
		*error_r = "refusing to run a session as uid 0";
		return -1;
	}
	if (groups == IDENTITY_GROUPS_ALL && initgroups(id->name, id->gid) < 0)
		return fail("initgroups", error_r);
	if (groups == IDENTITY_GROUPS_ONE && setgroups(1, &id->gid) < 0)
		return fail("setgroups", error_r);
	/* setresgid/setresuid set the saved ids too: nothing to return to */
	if (setresgid(id->gid, id->gid, saved) < 0)
		return fail("setresgid", error_r);
	if (setresuid(id->uid, id->uid, id->uid) < 0)
		return fail("setresuid", error_r);
	if (getresuid(&ruid, &euid, &suid) < 0 ||
	    getresgid(&rgid, &egid, &sgid) < 0)
		return fail("getresuid", error_r);
	if (ruid != id->uid || euid != id->uid || suid != id->uid ||
	    rgid != id->gid || egid != id->gid || sgid != saved) {
		*error_r = "the identity switch did not take";
		return -1;
	}
	if (setuid(0) == 0) {
		*error_r = "root could be regained after the identity switch";
		return -1;
	}
	return 0;
}

gid_t
identity_spool_group(const char *name, gid_t own_gid)
{
	const char *error = "no such group";
	gid_t gid;
	int rc;

	if (name == NULL || name[0] == '\0')
		return (gid_t)-1;
	rc = identity_group_lookup(name, &gid, &error);
	if (rc <= 0) {
		mu_log(MU_LOG_WARNING, "mail_privileged_group %s: %s", name,
		       error);
		return (gid_t)-1;
	}
	if (gid == 0) {
		mu_log(MU_LOG_WARNING, "mail_privileged_group %s is gid 0: not "
		       "used", name);
		return (gid_t)-1;
	}
	return gid == own_gid ? (gid_t)-1 : gid;
}
