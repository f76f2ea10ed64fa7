/* The listener <-> session link (listenerlink.h). */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "libmu/log.h"
#include "pop3d/common/limits.h"
#include "pop3d/listener/listenerlink.h"

int
listener_link_pair(int fds[2])
{
	return socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds);
}

void
listener_link_logged_in(int fd)
{
	if (fd < 0)
		return;
	if (send(fd, "L", 1, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
		mu_log(MU_LOG_WARNING, "telling the listener of the login: %s",
		       strerror(errno));
}

bool
listener_link_admit(int fd, const char *address)
{
	char msg[1 + LISTENER_LINK_ADDR_MAX];
	size_t len = strlen(address);
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	char answer;
	ssize_t n;

	if (fd < 0 || len > LISTENER_LINK_ADDR_MAX)
		return true;
	msg[0] = 'A';
	memcpy(msg + 1, address, len);
	if (send(fd, msg, 1 + len, MSG_NOSIGNAL) < 0) {
		mu_log(MU_LOG_WARNING, "asking the listener: %s",
		       strerror(errno));
		return true;
	}
	for (;;) {
		int r = poll(&pfd, 1, LINK_ANSWER_WAIT_MS);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			mu_log(MU_LOG_WARNING, "no answer from the listener "
			       "about %s; going on", address);
			return true;
		}
		break;
	}
	n = recv(fd, &answer, 1, 0);
	return n != 1 || answer != 'N';
}

enum listener_link_event
listener_link_read(int fd, char *address, size_t size)
{
	char msg[1 + LISTENER_LINK_ADDR_MAX + 1];
	ssize_t n = recv(fd, msg, sizeof msg, MSG_DONTWAIT | MSG_TRUNC);

	if (n == 0)
		return LINK_CLOSED;
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? LINK_NONE :
			LINK_CLOSED;
	/* MSG_TRUNC: n is the datagram's real length; too long is void */
	if (n == 1 && msg[0] == 'L')
		return LINK_LOGGED_IN;
	if (msg[0] == 'A' && n > 1 && (size_t)n <= 1 + LISTENER_LINK_ADDR_MAX &&
	    (size_t)n <= size && memchr(msg + 1, '\0', (size_t)n - 1) == NULL) {
		memcpy(address, msg + 1, (size_t)n - 1);
		address[n - 1] = '\0';
		return LINK_ADDRESS;
	}
	return LINK_NONE;
}

void
listener_link_answer(int fd, bool admit)
{
	(void)send(fd, admit ? "Y" : "N", 1, MSG_NOSIGNAL | MSG_DONTWAIT);
}
