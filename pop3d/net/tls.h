/* TLS with GnuTLS: the server's certificates, protocol floor and session
 * ticket key (loaded once, before any session forks), and what a session
 * does with them: STLS (RFC 2595 section 4), implicit TLS (RFC 8314),
 * pop3_force_tls, channel binding for SCRAM-*-PLUS. */
#ifndef POP3D_TLS_H
#define POP3D_TLS_H

#include <stdbool.h>
#include <stddef.h>

#include "pop3d/common/settings.h"

struct session;

/* ---- the server: one state per process ----
 * Loaded by main.c at start and by daemon.c on SIGHUP, in the parent; every
 * session child inherits it across fork(), which is how the children
 * share one ticket key and so resume each other's sessions. */

/* Load the TLS state cfg asks for: every pop3_certificate_path /
 * pop3_private_key_path pair (colon lists, paired in order; with several,
 * GnuTLS serves the one whose names match the client's SNI, else the
 * first), the priorities from tls_min_proto, and once per process the
 * session ticket key.  Nothing is loaded when TLS is not asked for
 * (pop3_support_tls = no and not required; required: -s).
 *
 * 0 on success.  -1 when a setting is unusable: the state loaded before
 * stays, *directive_r names the directive at fault (for FILE:LINE) and
 * *error_r (malloc'd) is one line naming the file and GnuTLS's reason. */
int tls_server_setup(const struct mu_config *cfg, bool required,
		     const char **directive_r, char **error_r);

/* The same checks, loading nothing (pop3d -t). */
int tls_server_check(const struct mu_config *cfg, const char **directive_r,
		     char **error_r);

/* A TLS setting that is accepted but probably not what was meant, as a
 * warning line (malloc'd) naming its directive; NULL if none. */
char *tls_config_warning(const struct mu_config *cfg, const char **directive_r);

/* SIGHUP: tls_server_setup() for the new configuration; on failure the
 * certificates loaded before stay in use and the reason is logged. */
void tls_server_reload(const struct mu_config *cfg);

/* Certificates are loaded: STLS can be offered, the TLS port served. */
bool tls_server_ready(void);

/* ---- a session ---- */

/* Switch the session's transport to TLS: drop any plaintext the client
 * sent ahead (CVE-2011-0411: it must never run inside TLS), then the
 * handshake, bounded by POP3_TLS_HANDSHAKE_TIMEOUT_S.  0 on success; -1
 * (logged) when the session must end. */
int tls_session_start(struct session *s);

bool session_tls_active(const struct session *s);

/* STLS is offered now: TLS configured, not active yet, AUTHORIZATION. */
bool tls_stls_offered(const struct session *s);

/* pop3_force_tls: false while credentials would cross in clear.  CAPA
 * then omits USER and SASL, and USER/PASS/APOP/AUTH get
 * tls_refuse_login() before any backend sees them. */
bool tls_login_allowed(const struct session *s);
int tls_refuse_login(struct session *s);

/* SCRAM-*-PLUS (RFC 5802 section 6): the channel binding of the session's
 * TLS, tls-exporter on TLS 1.3 (RFC 9266) and tls-unique on TLS 1.2
 * (RFC 5929).  buf must hold TLS_CHANNEL_BINDING_MAX octets.  0 with
 * *type_r, buf and *len_r set; -1 without TLS or binding data. */
#define TLS_CHANNEL_BINDING_MAX 64
int tls_channel_binding(struct session *s, const char **type_r,
			unsigned char *buf, size_t *len_r);

#endif
