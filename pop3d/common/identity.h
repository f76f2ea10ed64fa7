/* Process identities: the unprivileged network process
 * (`running_identity`), virtual users' sessions (`mail_user`) and system
 * accounts.  A switch is only ever done by a process that is root; each
 * step is checked, and afterwards the process checks that it cannot get
 * root back. */
#ifndef POP3D_IDENTITY_H
#define POP3D_IDENTITY_H

#include <stdbool.h>
#include <sys/types.h>

struct identity {
	char *name;
	uid_t uid;
	gid_t gid;
	char *home;             /* NULL if none */
};

/* The passwd entry of name.  1 found, 0 no such user, -1 lookup error
 * (*error_r). */
int identity_lookup(const char *name, struct identity *id,
		    const char **error_r);
void identity_free(struct identity *id);

/* Look up root's entry and groups once, so that the NSS modules the
 * system uses for users and groups are loaded in this process (and in
 * every process forked from it) from now on. */
void identity_preload_nss(void);

/* Is this process privileged enough to switch identities? */
bool identity_privileged(void);

enum identity_groups {
	IDENTITY_GROUPS_ALL,    /* all of id->name's, as initgroups(3) */
	IDENTITY_GROUPS_ONE,    /* id->gid alone */
	IDENTITY_GROUPS_KEEP,   /* already set (initgroups, then PAM) */
};

/* Become id: supplementary groups as groups says, then setgid, setuid
 * (real, effective and saved ids).  Refuses uid 0.  Then checks that the
 * ids are id's and that setuid(0) fails.  0, or -1 with *error_r. */
int identity_switch(const struct identity *id, enum identity_groups groups,
		    const char **error_r);

/* The same, but the saved gid becomes keep_gid ((gid_t)-1: id's own): the
 * one group the process may take back later, for mail_privileged_group
 * (libmu/privgroup.h).  Never a supplementary group. */
int identity_switch_keep_group(const struct identity *id,
			       enum identity_groups groups, gid_t keep_gid,
			       const char **error_r);

/* mail_privileged_group (name, NULL or empty: none) for a session whose
 * own group is own_gid: the gid to keep as its saved gid, or (gid_t)-1
 * when unset, unknown (logged), gid 0, or own_gid anyway. */
gid_t identity_spool_group(const char *name, gid_t own_gid);

/* The gid of group name: 1, 0 no such group, -1 error (*error_r). */
int identity_group_lookup(const char *name, gid_t *gid_r,
			  const char **error_r);

#endif
