/* The network process's session (doc/privsep.md): the AUTHORIZATION
 * state, as running_identity.  What it adds to the core (session.h) is
 * what a login needs and nothing of the maildrop. */
#ifndef POP3D_NET_SESSION_H
#define POP3D_NET_SESSION_H

#include <stdbool.h>

#include "pop3d/common/session.h"

struct net_session {
	struct session core;                    /* first: SESSION_ROLE */

	char *pending_user;                     /* from USER, awaiting PASS */
	char apop_timestamp[SESSION_TIMESTAMP_MAX];  /* "<...>", "" if no APOP */

	/* privilege separation (privsep.h): the monitor's control socket
	 * and the data socket to the transaction process; what the monitor
	 * offers; and, once logged in, that the transaction process has
	 * the session */
	int monitor_fd, data_fd;
	char sasl_mechanisms[SESSION_SASL_MECHS_MAX];
	bool handed_over;
	/* ... and the client's socket with it: this process leaves the
	 * connection alone from then on (a plain connection) */
	bool direct;
	/* the monitor turned the client away instead of its HELLO: the
	 * reply text (after "-ERR ") */
	char refusal[SESSION_LAST_REPLY_MAX * 2];
	/* the user the monitor logged in, for our log lines */
	char *user;
};

static inline struct net_session *
net_session(struct session *s)
{
	return SESSION_ROLE(s, struct net_session);
}

/* Serve one POP3 session on conn's descriptors (a socket, or inetd's
 * pipes): split off the monitor, then AUTHORIZATION until a login hands
 * the session over.  Returns the process exit status. */
int net_session_run(const struct mu_config *cfg,
		    const struct session_conn *conn);

/* Drop (and wipe) a name given by USER. */
void net_forget_pending_user(struct net_session *n);

#endif
