/* pop3_fd_limit: the descriptor limit (RLIMIT_NOFILE) pop3d runs with. */
#ifndef POP3D_FDLIMIT_H
#define POP3D_FDLIMIT_H

/* Set the soft RLIMIT_NOFILE to limit, or to the hard limit when limit
 * is 0.  Raising the hard limit needs root (CAP_SYS_RESOURCE); without
 * it a larger request is cut to the hard limit and logged.  Problems are
 * logged, never fatal: pop3d still runs with the limit it has. */
void fd_limit_apply(unsigned long limit);

struct mu_config;

/* The limit to apply: pop3_fd_limit, or daemons_fd_limit (gromox.cfg's
 * name for it), whichever the file set; when it set both, the larger,
 * 0 (the hard limit) counting for the hard limit it means. */
unsigned long fd_limit_wanted(const struct mu_config *cfg);

/* SIGHUP: apply cfg's limit if it differs from old's. */
void fd_limit_reload(const struct mu_config *cfg, const struct mu_config *old);

#endif
