/* systemd socket activation: the protocol of sd_listen_fds(3), which is
 * small enough to read here rather than link libsystemd for it.
 *
 * LISTEN_PID names the process the sockets are for (a variable
 * inherited by some other program is not an invitation), LISTEN_FDS
 * their number from descriptor 3 on, LISTEN_FDNAMES (optional) their
 * names, colon-separated. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pop3d/listener/sdlisten.h"

static void
unset_env(void)
{
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
}

/* A decimal number with nothing around it, at most max. */
static int
parse_number(const char *s, unsigned long max, unsigned long *n)
{
	char *end;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	*n = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || *n > max)
		return -1;
	return 0;
}

/* The index'th colon-separated field of names, "" when missing. */
static void
fd_name(const char *names, size_t index, char *buf, size_t size)
{
	const char *p = names, *colon;

	buf[0] = '\0';
	if (names == NULL)
		return;
	for (size_t i = 0; i < index; i++) {
		p = strchr(p, ':');
		if (p == NULL)
			return;
		p++;
	}
	colon = strchr(p, ':');
	snprintf(buf, size, "%.*s", (int)(colon ? (size_t)(colon - p) :
					   strlen(p)), p);
}

/* "pop3s", or any name with "pop3s" or "tls" in it ("pop3s-v6",
 * "pop3-tls"), is the implicit-TLS listener; others speak plain POP3. */
static bool
name_is_tls(const char *name)
{
	return strcasestr(name, "pop3s") != NULL ||
		strcasestr(name, "tls") != NULL;
}

static int
check_listening(int fd, char *error, size_t errsize)
{
	struct stat st;
	int type = 0, listening = 0;
	socklen_t len;

	if (fstat(fd, &st) < 0) {
		snprintf(error, errsize, "descriptor %d: %s", fd,
			 strerror(errno));
		return -1;
	}
	if (!S_ISSOCK(st.st_mode)) {
		snprintf(error, errsize, "descriptor %d is not a socket", fd);
		return -1;
	}
	len = sizeof type;
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) < 0 ||
	    type != SOCK_STREAM) {
		snprintf(error, errsize, "descriptor %d is not a stream "
			 "(TCP) socket", fd);
		return -1;
	}
	len = sizeof listening;
	if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) < 0 ||
	    !listening) {
		snprintf(error, errsize, "descriptor %d is not a listening "
			 "socket (Accept=yes units run pop3d -i)", fd);
		return -1;
	}
	return 0;
}

int
sd_listen_collect(struct sd_socket *out, size_t max, char *error,
		  size_t errsize)
{
	const char *pid_s = getenv("LISTEN_PID");
	const char *fds_s = getenv("LISTEN_FDS");
	const char *names = getenv("LISTEN_FDNAMES");
	unsigned long pid, n;
	int r = -1;

	if (pid_s == NULL || fds_s == NULL) {
		unset_env();
		return 0;
	}
	if (parse_number(pid_s, (unsigned long)-1, &pid) < 0) {
		snprintf(error, errsize, "LISTEN_PID=%s is not a process id",
			 pid_s);
		goto out;
	}
	if (pid != (unsigned long)getpid()) {
		r = 0;                  /* meant for another process */
		goto out;
	}
	if (parse_number(fds_s, 1000000, &n) < 0) {
		snprintf(error, errsize, "LISTEN_FDS=%s is not a number of "
			 "descriptors", fds_s);
		goto out;
	}
	if (n > max) {
		snprintf(error, errsize, "%lu sockets passed (LISTEN_FDS), at "
			 "most %zu are served", n, max);
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		int fd = SD_LISTEN_FDS_START + (int)i;
		int flags;

		if (check_listening(fd, error, errsize) < 0)
			goto out;
		/* the sessions must not inherit them past exec, and accept()
		 * must not block when a client vanished after poll() */
		if (fcntl(fd, F_SETFD, FD_CLOEXEC) < 0 ||
		    (flags = fcntl(fd, F_GETFL)) < 0 ||
		    fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) {
			snprintf(error, errsize, "descriptor %d: %s", fd,
				 strerror(errno));
			goto out;
		}
		out[i].fd = fd;
		fd_name(names, i, out[i].name, sizeof out[i].name);
		out[i].implicit_tls = name_is_tls(out[i].name);
	}
	r = (int)n;
out:
	unset_env();
	return r;
}
