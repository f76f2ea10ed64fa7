/* Who may talk to pop3d at all, decided before a byte from the client is
 * read: the client address ACL (deny_from, allow_from) and the proxies
 * trusted to send a PROXY v2 header (pop3_haproxy_trusted).  The lists
 * were checked when the configuration was read (libmu/cidr.h).
 *
 * Connections that are not over IP -- a UNIX socket, inetd's pipes --
 * are local: the ACL does not apply to them and they are trusted as
 * proxies, since only a process on this host can make them. */
#ifndef POP3D_ACCESS_H
#define POP3D_ACCESS_H

#include <stdbool.h>
#include <sys/socket.h>

#include "pop3d/common/settings.h"

/* Is the client at SA (as accept() or getpeername() gave it) let in by
 * deny_from and allow_from? */
bool access_client_allowed(const struct mu_config *cfg,
			   const struct sockaddr *sa, socklen_t len);

/* The same for an address in text (a PROXY v2 header's source, as the
 * monitor is told it); text that is not an IP address is local. */
bool access_client_allowed_text(const struct mu_config *cfg,
				const char *addr);

/* May the peer at SA send a PROXY v2 header (pop3_haproxy_trusted)? */
bool access_proxy_trusted(const struct mu_config *cfg,
			  const struct sockaddr *sa, socklen_t len);

/* Turn a connection away before its session starts: "-ERR TEXT" (with
 * its host_id, as every refusal of a connection carries one) without
 * waiting for the client -- nothing on a POP3S connection, where plain
 * text would only be noise in a handshake.  The descriptor stays open. */
void access_refuse(int fd, bool implicit_tls, const char *text);

/* The peer of descriptor fd, for inetd mode: 1 an IP peer in *ss, 0 not
 * an IP peer (a pipe, a UNIX socket), -1 error (errno). */
int access_peer(int fd, struct sockaddr_storage *ss, socklen_t *len_r);

#endif
