/* Socket addresses as the logs show them. */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/un.h>

#include "pop3d/common/net.h"

void
net_addr_format(const struct sockaddr *sa, socklen_t len, char *buf,
		size_t size)
{
	if (sa->sa_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;

		if (inet_ntop(AF_INET, &in->sin_addr, buf, size) != NULL)
			return;
	} else if (sa->sa_family == AF_INET6 &&
		   len >= sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;

		if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr) &&
		    inet_ntop(AF_INET, &in6->sin6_addr.s6_addr[12], buf,
			      size) != NULL)
			return;
		if (inet_ntop(AF_INET6, &in6->sin6_addr, buf, size) != NULL)
			return;
	} else if (sa->sa_family == AF_UNIX) {
		snprintf(buf, size, "local");
		return;
	}
	snprintf(buf, size, "unknown");
}

unsigned
net_addr_port(const struct sockaddr *sa, socklen_t len)
{
	if (sa->sa_family == AF_INET && len >= sizeof(struct sockaddr_in))
		return ntohs(((const struct sockaddr_in *)sa)->sin_port);
	if (sa->sa_family == AF_INET6 && len >= sizeof(struct sockaddr_in6))
		return ntohs(((const struct sockaddr_in6 *)sa)->sin6_port);
	return 0;
}

void
net_peer_name(int fd, char *buf, size_t size, unsigned *port_r)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;

	memset(&ss, 0, sizeof ss);
	if (port_r != NULL)
		*port_r = 0;
	if (getpeername(fd, (struct sockaddr *)&ss, &len) < 0) {
		snprintf(buf, size, "local");
		return;
	}
	net_addr_format((struct sockaddr *)&ss, len, buf, size);
	if (port_r != NULL)
		*port_r = net_addr_port((struct sockaddr *)&ss, len);
}
