/* pop3_fd_limit: the descriptor limit (RLIMIT_NOFILE) pop3d runs with. */
#ifndef POP3D_FDLIMIT_H
#define POP3D_FDLIMIT_H

/* Set the soft RLIMIT_NOFILE to limit, or to the hard limit when limit
 * is 0.  Raising the hard limit needs root (CAP_SYS_RESOURCE); without
 * it a larger request is cut to the hard limit and logged.  Problems are
 * logged, never fatal: pop3d still runs with the limit it has. */
void fd_limit_apply(unsigned long limit);

#endif
