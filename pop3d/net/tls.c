/* TLS with GnuTLS: the server state every session of this process uses,
 * and the switch of one session's transport to TLS. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <gnutls/gnutls.h>

#include "libmu/log.h"
#include "libmu/util.h"
#include "pop3d/common/reply.h"
#include "pop3d/common/session.h"
#include "pop3d/net/tls.h"
#include "pop3d/net/tlscert.h"

/* The server's TLS state.  Process-wide on purpose: it is loaded before
 * the daemon forks and inherited by every session child; nothing in it
 * belongs to one session. */
static struct {
	gnutls_certificate_credentials_t cred;  /* NULL: TLS off */
	gnutls_priority_t priority;
	/* RFC 5077 / RFC 8446 section 4.6.1 tickets: one key per process
	 * lifetime, made before the first fork, so that a ticket from one
	 * child resumes in any other, across SIGHUP too */
	gnutls_datum_t ticket_key;
} server;

/* tls_min_proto as a GnuTLS priority string: the versions from the floor
 * up, the server's cipher order first. */
static const char *
priority_string(enum mu_tls_proto floor)
{
	switch (floor) {
	case MU_TLS1_0:
		return "NORMAL:%SERVER_PRECEDENCE:-VERS-ALL:+VERS-TLS1.3:"
			"+VERS-TLS1.2:+VERS-TLS1.1:+VERS-TLS1.0";
	case MU_TLS1_1:
		return "NORMAL:%SERVER_PRECEDENCE:-VERS-ALL:+VERS-TLS1.3:"
			"+VERS-TLS1.2:+VERS-TLS1.1";
	case MU_TLS1_2:
		break;
	case MU_TLS1_3:
		return "NORMAL:%SERVER_PRECEDENCE:-VERS-ALL:+VERS-TLS1.3";
	}
	return "NORMAL:%SERVER_PRECEDENCE:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2";
}

/* Build credentials and priorities for cfg into *cred_r, *prio_r. */
static int
load(const struct mu_config *cfg, gnutls_certificate_credentials_t *cred_r,
     gnutls_priority_t *prio_r, unsigned *pairs_r, const char **directive_r,
     char **error_r)
{
	gnutls_certificate_credentials_t cred;
	gnutls_priority_t prio;
	const char *where = NULL;
	int r;

	r = gnutls_certificate_allocate_credentials(&cred);
	if (r < 0) {
		*directive_r = "pop3_certificate_path";
		*error_r = mu_xasprintf("pop3_certificate_path: %s",
					gnutls_strerror(r));
		return -1;
	}
	if (tlscert_load(cfg, cred, pairs_r, directive_r, error_r) < 0) {
		gnutls_certificate_free_credentials(cred);
		return -1;
	}
	r = gnutls_priority_init(&prio, priority_string(cfg->tls_min_proto),
				 &where);
	if (r < 0) {
		*directive_r = "tls_min_proto";
		*error_r = mu_xasprintf("tls_min_proto: %s: GnuTLS cannot "
					"use it: %s", mu_tls_proto_name(
						cfg->tls_min_proto),
					gnutls_strerror(r));
		gnutls_certificate_free_credentials(cred);
		return -1;
	}
	*cred_r = cred;
	*prio_r = prio;
	return 0;
}

/* TLS is asked for: STLS and the TLS port (pop3_support_tls), or -s. */
static bool
tls_wanted(const struct mu_config *cfg, bool required)
{
	return required || cfg->support_tls;
}

/* Settings that cannot work together, whatever the files hold. */
static int
check_combination(const struct mu_config *cfg, bool required,
		  const char **directive_r, char **error_r)
{
	if (required && cfg->certificate_path == NULL) {
		*directive_r = "pop3_certificate_path";
		*error_r = mu_xstrdup("pop3_certificate_path: unset, and -s "
				      "(implicit TLS) needs a certificate");
		return -1;
	}
	/* no client could ever log in */
	if (cfg->force_tls && !required &&
	    (!cfg->support_tls || cfg->certificate_path == NULL)) {
		*directive_r = "pop3_force_tls";
		*error_r = mu_xasprintf("pop3_force_tls: TLS is required but "
					"not available (%s); no client could "
					"log in", !cfg->support_tls ?
					"pop3_support_tls = no" :
					"pop3_certificate_path is unset");
		return -1;
	}
	return 0;
}

int
tls_server_check(const struct mu_config *cfg, const char **directive_r,
		 char **error_r)
{
	gnutls_certificate_credentials_t cred;
	gnutls_priority_t prio;
	unsigned pairs;

	if (check_combination(cfg, false, directive_r, error_r) < 0)
		return -1;
	/* files named are checked even when TLS is off: the mistake would
	 * only show the day someone turns it on */
	if (cfg->certificate_path == NULL)
		return 0;
	if (load(cfg, &cred, &prio, &pairs, directive_r, error_r) < 0)
		return -1;
	gnutls_certificate_free_credentials(cred);
	gnutls_priority_deinit(prio);
	return 0;
}

char *
tls_config_warning(const struct mu_config *cfg, const char **directive_r)
{
	if (cfg->support_tls && cfg->certificate_path == NULL) {
		*directive_r = "pop3_support_tls";
		return mu_xstrdup("pop3_support_tls: yes, but "
				  "pop3_certificate_path is unset: STLS is not "
				  "offered and the TLS port is not served");
	}
	if (cfg->certificate_path == NULL && cfg->private_key_path != NULL) {
		*directive_r = "pop3_private_key_path";
		return mu_xstrdup("pop3_private_key_path: ignored without "
				  "pop3_certificate_path");
	}
	if (!cfg->support_tls && cfg->listen_tls_port >= 0) {
		*directive_r = "pop3_listen_tls_port";
		return mu_xstrdup("pop3_listen_tls_port: not served while "
				  "pop3_support_tls = no");
	}
	return NULL;
}

int
tls_server_setup(const struct mu_config *cfg, bool required,
		 const char **directive_r, char **error_r)
{
	gnutls_certificate_credentials_t cred = NULL;
	gnutls_priority_t prio = NULL;
	unsigned pairs = 0;
	int r;

	if (check_combination(cfg, required, directive_r, error_r) < 0)
		return -1;
	if (tls_wanted(cfg, required) && cfg->certificate_path != NULL) {
		if (load(cfg, &cred, &prio, &pairs, directive_r, error_r) < 0)
			return -1;
	}
	if (cred != NULL && server.ticket_key.data == NULL) {
		r = gnutls_session_ticket_key_generate(&server.ticket_key);
		if (r < 0) {
			/* sessions still work, only without resumption */
			mu_log(MU_LOG_WARNING, "TLS session tickets off: %s",
			       gnutls_strerror(r));
			server.ticket_key.data = NULL;
		}
	}
	if (server.cred != NULL)
		gnutls_certificate_free_credentials(server.cred);
	if (server.priority != NULL)
		gnutls_priority_deinit(server.priority);
	server.cred = cred;
	server.priority = prio;
	if (cred != NULL)
		mu_log(MU_LOG_INFO, "TLS: %u certificate%s loaded, %s or later",
		       pairs, pairs == 1 ? "" : "s",
		       mu_tls_proto_name(cfg->tls_min_proto));
	return 0;
}

void
tls_server_reload(const struct mu_config *cfg)
{
	const char *directive = NULL;
	char *error = NULL, *warning;

	if (tls_server_setup(cfg, false, &directive, &error) < 0) {
		mu_log(MU_LOG_ERR, "SIGHUP: %s; the TLS settings loaded before "
		       "stay in use", error);
		free(error);
		return;
	}
	warning = tls_config_warning(cfg, &directive);
	if (warning != NULL) {
		mu_log(MU_LOG_WARNING, "%s", warning);
		free(warning);
	}
}

bool
tls_server_ready(void)
{
	return server.cred != NULL;
}

/* ---- a session ---- */

bool
session_tls_active(const struct session *s)
{
	return s->conn.tls != NULL;
}

bool
tls_stls_offered(const struct session *s)
{
	return s->cfg->support_tls && server.cred != NULL &&
		s->state == STATE_AUTHORIZATION && !session_tls_active(s);
}

bool
tls_login_allowed(const struct session *s)
{
	return !s->cfg->force_tls || session_tls_active(s);
}

int
tls_refuse_login(struct session *s)
{
	/* RFC 3206 section 4: [AUTH], the credentials cannot be used like
	 * this; STLS is always offered when pop3_force_tls is accepted */
	return reply_err(s, "[AUTH] TLS is required first: use STLS");
}

static int
handshake_timeout_ms(const struct session *s)
{
	unsigned sec = POP3_TLS_HANDSHAKE_TIMEOUT_S;

	int login_ms = session_login_ms_left(s);

	if (s->cfg->conn_timeout > 0 && s->cfg->conn_timeout < sec)
		sec = s->cfg->conn_timeout;
	/* login_timeout holds through a handshake too; 0 left still
	 * gets a moment, and the reader closes the session after it */
	if (login_ms >= 0 && login_ms < (int)sec * 1000)
		return login_ms > 0 ? login_ms : 1;
	return (int)sec * 1000;
}

static void
log_started(gnutls_session_t tls)
{
	char name[256];
	size_t len = sizeof name - 1;
	unsigned type;
	char *desc = gnutls_session_get_desc(tls);
	bool sni = gnutls_server_name_get(tls, name, &len, &type, 0) ==
		GNUTLS_E_SUCCESS && type == GNUTLS_NAME_DNS;
	char quoted[128];

	if (sni)
		name[len < sizeof name ? len : sizeof name - 1] = '\0';
	mu_log(MU_LOG_INFO, "TLS started: %s%s%s%s",
	       desc != NULL ? desc : "?",
	       sni ? ", server name " : "",
	       sni ? log_quote(name, quoted, sizeof quoted) : "",
	       gnutls_session_is_resumed(tls) ? ", resumed" : "");
	gnutls_free(desc);
}

int
tls_session_start(struct session *s)
{
	gnutls_session_t tls;
	const char *error = "unknown error";
	size_t dropped = s->in_len - s->in_off;
	int r;

	if (server.cred == NULL) {
		mu_log(MU_LOG_ERR, "TLS asked for, but no certificate is "
		       "loaded");
		session_end_set(s, SESSION_END_TLS);
		return -1;
	}
	/* RFC 2595 section 4 and CVE-2011-0411: whatever the client sent
	 * after the command that starts TLS was sent in clear, where anyone
	 * could have put it; it must not run as if it came through TLS */
	if (dropped > 0)
		mu_log(MU_LOG_NOTICE, "discarding %zu octet%s sent in clear "
		       "before the TLS handshake", dropped,
		       dropped == 1 ? "" : "s");
	explicit_bzero(s->inbuf, sizeof s->inbuf);
	s->in_off = s->in_len = 0;

	r = gnutls_init(&tls, GNUTLS_SERVER);
	if (r < 0) {
		mu_log(MU_LOG_ERR, "TLS: %s", gnutls_strerror(r));
		return -1;
	}
	r = gnutls_priority_set(tls, server.priority);
	if (r >= 0)
		r = gnutls_credentials_set(tls, GNUTLS_CRD_CERTIFICATE,
					   server.cred);
	if (r >= 0 && server.ticket_key.data != NULL)
		r = gnutls_session_ticket_enable_server(tls, &server.ticket_key);
	if (r < 0) {
		mu_log(MU_LOG_ERR, "TLS: %s", gnutls_strerror(r));
		gnutls_deinit(tls);
		return -1;
	}
	gnutls_certificate_server_set_request(tls, GNUTLS_CERT_IGNORE);

	if (conn_start_tls(&s->conn, tls, handshake_timeout_ms(s), &error,
			   &r) < 0) {
		/* GnuTLS reports a client below the floor as having no
		 * cipher suite in common: say what is likely meant */
		bool floor = r == GNUTLS_E_UNSUPPORTED_VERSION_PACKET ||
			(r == GNUTLS_E_NO_CIPHER_SUITES &&
			 s->cfg->tls_min_proto == MU_TLS1_3);

		mu_log(MU_LOG_NOTICE, "TLS handshake failed: %s%s%s%s", error,
		       floor ? " (a client older than tls_min_proto = " : "",
		       floor ? mu_tls_proto_name(s->cfg->tls_min_proto) : "",
		       floor ? "?)" : "");
		session_end_set(s, SESSION_END_TLS);
		/* whatever was half sent is no POP3 any more */
		s->out_failed = true;
		return -1;
	}
	log_started(tls);
	return 0;
}

int
tls_channel_binding(struct session *s, const char **type_r,
		    unsigned char *buf, size_t *len_r)
{
	gnutls_channel_binding_t type;
	gnutls_datum_t cb;
	int r;

	if (!session_tls_active(s))
		return -1;
	if (gnutls_protocol_get_version(s->conn.tls) == GNUTLS_TLS1_3) {
#if GNUTLS_VERSION_NUMBER >= 0x030702
		/* RFC 9266: tls-unique is undefined for TLS 1.3 */
		type = GNUTLS_CB_TLS_EXPORTER;
		*type_r = "tls-exporter";
#else
		return -1;      /* this GnuTLS cannot export it */
#endif
	} else {
		type = GNUTLS_CB_TLS_UNIQUE;
		*type_r = "tls-unique";
	}
	r = gnutls_session_channel_binding(s->conn.tls, type, &cb);
	if (r < 0) {
		mu_log(MU_LOG_WARNING, "TLS channel binding %s: %s", *type_r,
		       gnutls_strerror(r));
		return -1;
	}
	if (cb.size > TLS_CHANNEL_BINDING_MAX) {
		gnutls_free(cb.data);
		return -1;
	}
	memcpy(buf, cb.data, cb.size);
	*len_r = cb.size;
	gnutls_free(cb.data);
	return 0;
}
