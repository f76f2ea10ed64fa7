/* The link between the standalone listener (daemon.c) and one of its
 * session processes (the monitor, privsep.c): what the listener needs to
 * know after the fork to enforce prelogin_per_addr.
 *
 * One AF_UNIX SOCK_SEQPACKET socketpair per session, a message a
 * datagram.  Only the monitor holds the session's end: the network and
 * transaction processes close it at once, so nothing that parses client
 * input can claim a login to escape the limit.
 *
 *   monitor -> listener   "A" ADDRESS   the client address a PROXY v2
 *                                       header gave; answered "Y" (go
 *                                       on) or "N" (too many from it)
 *   monitor -> listener   "L"           the session has logged in
 */
#ifndef POP3D_LISTENERLINK_H
#define POP3D_LISTENERLINK_H

#include <stdbool.h>
#include <stddef.h>

/* Longest address a link message carries (an IPv6 text form fits) */
#define LISTENER_LINK_ADDR_MAX 64

/* A close-on-exec SOCK_SEQPACKET pair.  0, or -1 with errno. */
int listener_link_pair(int fds[2]);

/* ---- the monitor's side (fd -1: no listener, inetd mode: no-ops) ---- */

/* The session has logged in: it no longer counts against its address. */
void listener_link_logged_in(int fd);

/* The client address is known only now (PROXY v2): may the session go
 * on?  true when the listener says yes, or cannot be asked (a listener
 * that does not answer at once must not hold the session). */
bool listener_link_admit(int fd, const char *address);

/* ---- the listener's side ---- */

enum listener_link_event {
	LINK_NONE,              /* nothing usable (a malformed datagram) */
	LINK_CLOSED,            /* the session's end is gone */
	LINK_ADDRESS,           /* "A": *address filled, answer it */
	LINK_LOGGED_IN,         /* "L" */
};

/* One message, without waiting (the descriptor is ready). */
enum listener_link_event listener_link_read(int fd, char *address,
					    size_t size);

/* The answer to LINK_ADDRESS. */
void listener_link_answer(int fd, bool admit);

#endif
