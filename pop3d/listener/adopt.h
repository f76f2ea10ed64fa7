/* The listener adopts a logged-in session (doc/privsep.md).
 *
 * In -d mode, once a user has logged in on a plain connection and no PAM
 * session has to be held open, the monitor has nothing left to do but
 * wait.  So it does not fork the transaction process itself: it hands
 * the listener (over the listener link, listenerlink.h) the client's
 * socket, the status socket the transaction process reports on, and what
 * that process needs -- the user, the transcript so far, the input read
 * ahead and the replies not yet sent.  The listener forks the transaction
 * process, which switches to the user as it would under a monitor, and
 * keeps it in its table of sessions: it signals it at shutdown, counts it
 * against context_num, and repairs the mailbox if it is killed.  The
 * monitor and the network process then end: a logged-in session is one
 * process, forked from the small listener rather than from a monitor
 * that has run PAM and SASL.
 *
 * The message is IPC_ADOPT (ipc.h): field 0 the user record, fields 1-3
 * the transcript, the input and the output, with two descriptors.  Only
 * the monitor, root like the listener, holds the link: nothing that
 * parses client input can send it. */
#ifndef POP3D_ADOPT_H
#define POP3D_ADOPT_H

#include <stdbool.h>
#include <sys/types.h>
#include <time.h>

#include "pop3d/common/settings.h"
#include "pop3d/monitor/auth.h"

struct monitor;
struct ipc_msg;

/* ---- the monitor's side ---- */

/* Can the listener take this session?  -d mode, the client's socket in
 * hand (plain connection), no PAM transaction to keep. */
bool adopt_possible(const struct monitor *m, const struct auth_user *u);

/* Hand the session over: u, the handover the monitor kept, the client's
 * socket and status_fd (the transaction process's end of the status
 * socket; the monitor closes its copy).  0, or -1 with *error_r. */
int adopt_request(const struct monitor *m, const struct auth_user *u,
		  int status_fd, const char *mechanisms, const char **error_r);

/* ---- the listener's side ---- */

/* What the listener keeps of an adopted session, for a repair. */
struct adopted {
	struct auth_user user;
};

/* Start the transaction process of an IPC_ADOPT message (fds: the
 * client's socket, the status socket; both closed here).  In the child,
 * child_setup(ctx) first drops what is the listener's; then the process
 * becomes the user and serves the session.  The pid, or -1 (logged; the
 * monitor sees the status socket close and answers the client). */
pid_t adopt_start(const struct mu_config *cfg, const struct ipc_msg *msg,
		  const int fds[2], const struct timespec *started,
		  pid_t session_pid, void (*child_setup)(void *), void *ctx,
		  struct adopted *a);

void adopted_free(struct adopted *a);

#endif
