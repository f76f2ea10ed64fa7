/* Socket addresses as the logs show them. */
#ifndef POP3D_NET_H
#define POP3D_NET_H

#include <stddef.h>
#include <sys/socket.h>

/* "192.0.2.1" or "2001:db8::1" (an IPv4-mapped IPv6 address is shown as
 * IPv4, as dual-stack listeners receive them). */
void net_addr_format(const struct sockaddr *sa, socklen_t len, char *buf,
		     size_t size);

/* The peer of fd, or "local" when fd is not a socket (a pipe in tests,
 * a terminal); *port_r (if not NULL) its TCP port, 0 when none. */
void net_peer_name(int fd, char *buf, size_t size, unsigned *port_r);

/* The port of an AF_INET or AF_INET6 address, 0 for anything else. */
unsigned net_addr_port(const struct sockaddr *sa, socklen_t len);

#endif
