/* Whether a PAM service has a session stack worth keeping a process for:
 * the service's configuration read the way Linux-PAM reads it, so that
 * pop3d can tell beforehand whether pam_open_session would run anything
 * but pam_permit.so. */
#ifndef POP3D_PAMSTACK_H
#define POP3D_PAMSTACK_H

#include <stdbool.h>

/* true when the service's configuration has at least one "session"
 * module other than pam_permit.so (the session stack would run);
 * false when it has none.  When the configuration cannot be read or
 * parsed for sure, true (the safe answer: keep the session).
 *
 * The files are those libpam reads: /etc/pam.d/SERVICE, then
 * /usr/lib/pam.d/SERVICE, and "other" likewise; /etc/pam.conf when
 * neither directory exists; under libpam_wrapper (PAM_WRAPPER=1) the
 * directory PAM_WRAPPER_SERVICE_DIR alone. */
bool pam_service_has_session(const char *service);

/* Where the configuration is, for pam_service_has_session_at. */
struct pamstack_where {
	/* The directories of service files, in the order libpam tries them,
	 * NULL-terminated.  The first is also where include names without
	 * a directory are looked up. */
	const char *const *dirs;
	/* The single file of lines with a service field, read when none of
	 * dirs is a directory; NULL: dirs only, as libpam reads them when it
	 * is given a configuration directory (pam_start_confdir). */
	const char *conf;
};

/* pam_service_has_session with the configuration at where: what
 * pam_service_has_session does with the system's (or pam_wrapper's)
 * locations, and what the tests use to put it elsewhere. */
bool pam_service_has_session_at(const struct pamstack_where *where,
				const char *service);

#endif
