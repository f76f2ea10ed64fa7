/* systemd socket activation (sd_listen_fds(3) protocol, without
 * libsystemd): listening sockets passed by a service manager. */
#ifndef POP3D_SDLISTEN_H
#define POP3D_SDLISTEN_H

#include <stdbool.h>
#include <stddef.h>

/* systemd passes descriptors from 3 on */
#define SD_LISTEN_FDS_START 3

struct sd_socket {
	int fd;
	char name[64];                  /* from LISTEN_FDNAMES, "" if none */
	bool implicit_tls;              /* the name says POP3S */
};

/* Collect the sockets passed to this process.  Returns their number (0
 * when the environment passes none to us), or -1 with a one-line
 * reason in error when LISTEN_FDS is malformed, there are more than max,
 * or one is not a listening stream socket.  The sockets are made
 * close-on-exec and non-blocking; LISTEN_PID, LISTEN_FDS and
 * LISTEN_FDNAMES are removed from the environment in every case, so
 * that no session or program started later takes them for its own. */
int sd_listen_collect(struct sd_socket *out, size_t max, char *error,
		      size_t errsize);

#endif
