/* Standalone mode (-d): listen, fork one session per connection. */
#ifndef POP3D_DAEMON_H
#define POP3D_DAEMON_H

#include <stdbool.h>

#include "pop3d/common/settings.h"

struct daemon_options {
	const char *config_file;        /* re-read on SIGHUP */
	bool config_explicit;
	unsigned max_children;          /* -dN; 0: context_num */
	bool foreground;                /* --foreground: do not detach */
	bool proxy_header;              /* -H: as pop3_accept_haproxy = 2 */
};

/* Listen on pop3_listen_port and pop3_listen_tls_port (or serve the
 * sockets systemd passes, sdlisten.h), detach unless
 * foreground, serve until SIGTERM or SIGINT.  Takes cfg (heap,
 * mu_config_init'ed); it is replaced when SIGHUP re-reads the file.
 * Returns the exit status: 0 after a clean stop, 1 if a listener cannot
 * be set up (reported on stderr before detaching). */
int daemon_run(struct mu_config *cfg, const struct daemon_options *opts);

#endif
