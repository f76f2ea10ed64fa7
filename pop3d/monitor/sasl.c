/* SASL (RFC 4422) for AUTH (RFC 5034), server side, through libgsasl.
 * Runs in the monitor (doc/privsep.md): the network process only carries
 * the base64 lines back and forth.
 *
 * What each mechanism needs from the backends, given through libgsasl's
 * callback:
 *   PLAIN, LOGIN   GSASL_VALIDATE_SIMPLE: the password goes through the
 *                  `auth` backends like USER/PASS (PAM users too).
 *   CRAM-MD5       done here, not by libgsasl (whose challenge names
 *                  "localhost"): the reversible secret popauth keeps for
 *                  --apop users (RFC 2195).
 *   SCRAM-SHA-1, SCRAM-SHA-256 (and -PLUS)
 *                  GSASL_SCRAM_ITER, _SALT, _STOREDKEY, _SERVERKEY: the
 *                  keys popauth keeps (RFC 5802 section 3); the password
 *                  never reaches the server.
 * A user who does not exist, or lacks what the mechanism needs, gets made
 * up values -- a salt derived from the name with the database's secret
 * key, random keys -- so that the exchange runs to the end and fails
 * exactly as a wrong password does (RFC 5802 section 9: do not reveal
 * whether a user exists). */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#include "libmu/log.h"
#include "libmu/util.h"
#include "pop3d/common/mechlist.h"
#include "pop3d/monitor/monitor.h"
#include "pop3d/net/tls.h"

/* In the order CAPA lists them: strongest first */
static const char *const all_mechanisms[] = {
	"SCRAM-SHA-256-PLUS", "SCRAM-SHA-256", "SCRAM-SHA-1-PLUS",
	"SCRAM-SHA-1", "CRAM-MD5", "PLAIN", "LOGIN", NULL
};

/* Made-up SCRAM values need a key nobody outside knows, and the same one
 * in every session, or the salt of a missing user would change from one
 * connection to the next and give it away.  popauth keeps one in the
 * summary record; without it (a database older than that) a per-process
 * key is the best there is. */
static const unsigned char *
fake_salt_key(struct monitor *m)
{
	if (!m->summary.has_fake_salt_key) {
		if (gnutls_rnd(GNUTLS_RND_KEY, m->summary.fake_salt_key,
			       sizeof m->summary.fake_salt_key) < 0)
			memset(m->summary.fake_salt_key, 0x5a,
			       sizeof m->summary.fake_salt_key);
		m->summary.has_fake_salt_key = true;
	}
	return m->summary.fake_salt_key;
}

static bool
is_scram(const char *mech, enum userdb_scram_hash *hash_r)
{
	if (strncmp(mech, "SCRAM-SHA-256", 13) == 0) {
		*hash_r = USERDB_SCRAM_SHA256;
		return true;
	}
	if (strncmp(mech, "SCRAM-SHA-1", 11) == 0) {
		*hash_r = USERDB_SCRAM_SHA1;
		return true;
	}
	return false;
}

static bool
is_cram(const char *mech)
{
	return strcmp(mech, "CRAM-MD5") == 0;
}

static bool
is_plus(const char *mech)
{
	return mechlist_is_plus(mech, strlen(mech));
}

void
sasl_compute_offered(struct monitor *m)
{
	const struct mu_config *cfg = m->cfg;
	bool popauth = mu_list_contains(cfg->auth, "popauth");
	size_t used = 0;

	m->mechanisms[0] = '\0';
	for (const char *const *mech = all_mechanisms; *mech != NULL; mech++) {
		enum userdb_scram_hash hash;
		bool can;

		if (cfg->sasl_mechanisms != NULL &&
		    !mu_list_contains(cfg->sasl_mechanisms, *mech))
			continue;
		if (m->gsasl == NULL || (!is_cram(*mech) &&
					 !gsasl_server_support_p(m->gsasl, *mech)))
			continue;
		if (is_scram(*mech, &hash))
			can = popauth && m->summary.scram[hash] > 0;
		else if (strcmp(*mech, "CRAM-MD5") == 0)
			can = popauth && m->summary.secrets > 0;
		else
			can = true;     /* PLAIN, LOGIN: any backend */
		if (!can)
			continue;
		int n = snprintf(m->mechanisms + used, sizeof m->mechanisms - used,
				 "%s%s", used > 0 ? " " : "", *mech);
		if (n < 0 || (size_t)n >= sizeof m->mechanisms - used)
			break;
		used += (size_t)n;
	}
}

/* RFC 2449 section 5: what CAPA announced in AUTHORIZATION, it announces
 * after login too -- SASL with the same mechanisms.  The transaction
 * process that answers then has no TLS of its own, and the -PLUS
 * mechanisms were offered only over TLS (RFC 5802 section 6).  Whether
 * TLS runs, the monitor knows only from a channel binding, which the
 * network process sends with every SASL_START over TLS: so the -PLUS
 * ones are listed when a SASL exchange of this session came with one (a
 * SASL login over TLS: the list is then the one CAPA gave before), and
 * left out otherwise -- after a USER/PASS or APOP login over TLS, a list
 * shorter than the truth rather than one that might claim what a plain
 * connection cannot do. */
void
sasl_list_after_login(const struct monitor *m, char *buf, size_t size)
{
	mechlist_filter(m->mechanisms, m->channel_bound, buf, size);
}

/* The popauth record of the exchange's user, looked up once.  A backend
 * that cannot answer makes the attempt a temporary failure. */
static struct userdb_record *
exchange_record(struct monitor *m)
{
	const char *why = NULL;
	enum auth_result r;

	if (m->sasl_rec_state == REC_UNKNOWN) {
		m->sasl_rec_state = REC_NONE;
		if (!m->at.identified || m->at.blocked ||
		    !mu_list_contains(m->cfg->auth, "popauth"))
			return NULL;
		r = auth_popauth_lookup(m->cfg, m->at.authuser, &m->sasl_rec,
					&why);
		if (r == AUTH_OK)
			m->sasl_rec_state = REC_FOUND;
		else {
			m->at.result = r;
			m->at.why = why;
		}
	}
	return m->sasl_rec_state == REC_FOUND ? &m->sasl_rec : NULL;
}

static void
set_random(Gsasl_session *sctx, Gsasl_property prop, size_t octets)
{
	unsigned char raw[32];
	char *b64 = NULL;

	if (octets > sizeof raw)
		octets = sizeof raw;
	if (gnutls_rnd(GNUTLS_RND_NONCE, raw, octets) < 0)
		memset(raw, 0, octets);
	if (gsasl_base64_to((const char *)raw, octets, &b64, NULL) == GSASL_OK)
		gsasl_property_set(sctx, prop, b64);
	gsasl_free(b64);
}

/* A salt for a user with no keys: HMAC(key, mechanism, name), so it is
 * the same at every attempt, as a real user's is. */
static void
set_fake_salt(struct monitor *m, Gsasl_session *sctx)
{
	unsigned char mac[32];
	char *b64 = NULL;
	struct mu_buf b;

	mu_buf_init(&b);
	mu_buf_appendf(&b, "%s%c%s", m->sasl_mech, 0, m->at.authuser);
	if (gnutls_hmac_fast(GNUTLS_MAC_SHA256, fake_salt_key(m),
			     sizeof m->summary.fake_salt_key, b.data, b.len,
			     mac) < 0)
		memset(mac, 0, sizeof mac);
	mu_buf_free(&b);
	if (gsasl_base64_to((const char *)mac, USERDB_SCRAM_SALT_OCTETS, &b64,
			    NULL) == GSASL_OK)
		gsasl_property_set(sctx, GSASL_SCRAM_SALT, b64);
	gsasl_free(b64);
}

static int
scram_property(struct monitor *m, Gsasl_session *sctx, Gsasl_property prop)
{
	enum userdb_scram_hash hash = USERDB_SCRAM_SHA256;
	struct userdb_record *rec;
	const struct userdb_scram *sc = NULL;
	char iter[16];

	(void)is_scram(m->sasl_mech, &hash);
	rec = exchange_record(m);
	if (rec != NULL && rec->scram[hash].iterations > 0)
		sc = &rec->scram[hash];
	switch (prop) {
	case GSASL_SCRAM_ITER:
		snprintf(iter, sizeof iter, "%u", sc != NULL ? sc->iterations
			 : USERDB_SCRAM_ITERATIONS);
		gsasl_property_set(sctx, prop, iter);
		break;
	case GSASL_SCRAM_SALT:
		if (sc != NULL)
			gsasl_property_set(sctx, prop, sc->salt);
		else
			set_fake_salt(m, sctx);
		break;
	case GSASL_SCRAM_STOREDKEY:
	case GSASL_SCRAM_SERVERKEY:
		if (sc != NULL)
			gsasl_property_set(sctx, prop, prop == GSASL_SCRAM_STOREDKEY
					   ? sc->stored_key : sc->server_key);
		else
			set_random(sctx, prop, hash == USERDB_SCRAM_SHA1 ? 20 : 32);
		break;
	default:
		return GSASL_NO_CALLBACK;
	}
	return GSASL_OK;
}

static int
callback(Gsasl *ctx, Gsasl_session *sctx, Gsasl_property prop)
{
	struct monitor *m = sctx != NULL ? gsasl_session_hook_get(sctx) : NULL;
	const char *authid, *authzid, *password;

	(void)ctx;
	if (m == NULL)
		return GSASL_NO_CALLBACK;
	authid = gsasl_property_fast(sctx, GSASL_AUTHID);
	authzid = gsasl_property_fast(sctx, GSASL_AUTHZID);
	switch (prop) {
	case GSASL_VALIDATE_SIMPLE:
		/* PLAIN, LOGIN: RFC 4616 -- the whole check is ours */
		password = gsasl_property_fast(sctx, GSASL_PASSWORD);
		if (authid == NULL || password == NULL ||
		    attempt_identify(m, authid, authzid) < 0)
			return GSASL_AUTHENTICATION_ERROR;
		attempt_check_password(m, password);
		return m->at.authenticated ? GSASL_OK
			: GSASL_AUTHENTICATION_ERROR;
	case GSASL_SCRAM_ITER:
	case GSASL_SCRAM_SALT:
	case GSASL_SCRAM_STOREDKEY:
	case GSASL_SCRAM_SERVERKEY:
		if (authid == NULL || attempt_identify(m, authid, authzid) < 0) {
			/* malformed names: made-up values, a sure failure */
			m->at.identified = false;
		}
		return scram_property(m, sctx, prop);
	default:
		return GSASL_NO_CALLBACK;
	}
}

/* The libgsasl context of the listener (sasl_preload), or NULL. */
static Gsasl *preloaded;

int
sasl_init(struct monitor *m, const char **error_r)
{
	int rc;

	/* the listener's, made once (sasl_preload): each monitor forked
	 * from it has its own copy, with its own session hooks */
	if (preloaded != NULL) {
		m->gsasl = preloaded;
		m->gsasl_shared = true;
		return 0;
	}
	rc = gsasl_init(&m->gsasl);

	if (rc != GSASL_OK) {
		m->gsasl = NULL;
		*error_r = gsasl_strerror(rc);
		return -1;
	}
	gsasl_callback_set(m->gsasl, callback);
	return 0;
}

static void
exchange_end(struct monitor *m)
{
	if (m->sasl != NULL)
		gsasl_finish(m->sasl);
	m->sasl = NULL;
	m->sasl_phase = SASL_IDLE;
	if (m->sasl_rec_state == REC_FOUND)
		userdb_record_free(&m->sasl_rec);
	m->sasl_rec_state = REC_UNKNOWN;
}

void
sasl_done(struct monitor *m)
{
	exchange_end(m);
	if (m->gsasl != NULL && !m->gsasl_shared)
		gsasl_done(m->gsasl);
	m->gsasl = NULL;
}

void
sasl_preload(void)
{
	Gsasl *ctx = NULL;

	if (preloaded != NULL)
		return;
	/* on failure nothing is kept: each monitor tries again, and logs */
	if (gsasl_init(&ctx) == GSASL_OK) {
		gsasl_callback_set(ctx, callback);
		preloaded = ctx;
	}
}

/* A client response: "=" (RFC 5034 section 4) or nothing is empty, else
 * strict base64.  0 with *out_r (free with gsasl_free), -1 bad. */
static int
decode_response(const char *text, char **out_r, size_t *len_r)
{
	if (text[0] == '\0' || strcmp(text, "=") == 0) {
		*out_r = NULL;
		*len_r = 0;
		return 0;
	}
	for (const char *p = text; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && *p != '+' && *p != '/' &&
		    *p != '=')
			return -1;
	if (gsasl_base64_from(text, strlen(text), out_r, len_r) != GSASL_OK)
		return -1;
	return 0;
}

static bool
offered(const struct monitor *m, const char *mech)
{
	size_t n = strlen(mech);

	for (const char *p = m->mechanisms; *p != '\0';) {
		const char *end = strchr(p, ' ');
		size_t len = end != NULL ? (size_t)(end - p) : strlen(p);

		if (len == n && memcmp(p, mech, n) == 0)
			return true;
		p += len;
		while (*p == ' ')
			p++;
	}
	return false;
}

/* An empty client response ends the exchange.  No mechanism offered here
 * has an empty client message: a PLAIN message holds at least a user
 * name and a password (RFC 4616 section 2), a CRAM-MD5 response is "user
 * digest" (RFC 2195 section 2), SCRAM's messages have mandatory
 * attributes (RFC 5802 section 7), LOGIN asks for a user name and then
 * a password.  libgsasl answers an empty PLAIN, CRAM-MD5 or first SCRAM
 * message with the same challenge again, for ever.  No credentials were
 * tried, so like a malformed response it is not a failed login (the
 * AUTH still counts against PRIVSEP_MAX_ATTEMPTS).  The AUTH exchange
 * is over: [AUTH] (RFC 3206 section 4) tells the client that retrying
 * the same is pointless. */
static int
refuse_empty_response(struct monitor *m)
{
	mu_log(MU_LOG_INFO, "%s: empty response; exchange ended",
	       m->sasl_method);
	exchange_end(m);
	return monitor_fail(m, "[AUTH] empty response: credentials expected",
			    false);
}

/* ---------------------------------------------------------------- CRAM-MD5
 * RFC 2195, done here: libgsasl's server makes its challenge
 * "<digits.0@localhost>" (on purpose, to reveal nothing), where section
 * 2 has random digits, a timestamp and the server's fully qualified
 * name -- host_id, the name the greeting and the APOP timestamp give. */

/* The challenge, sent as the first "+ " line.  0, or -1 to end. */
static int
cram_challenge(struct monitor *m)
{
	unsigned long long rnd;
	const char *error;
	char *b64 = NULL;
	int n, ret;

	if (gnutls_rnd(GNUTLS_RND_NONCE, &rnd, sizeof rnd) < 0) {
		exchange_end(m);
		return monitor_fail(m, "[SYS/TEMP] authentication temporarily "
				    "unavailable", false);
	}
	n = snprintf(m->cram_challenge, sizeof m->cram_challenge,
		     "<%llu.%lld@%s>", rnd, (long long)time(NULL), m->host_id);
	if (n < 0 || (size_t)n >= sizeof m->cram_challenge ||
	    gsasl_base64_to(m->cram_challenge, (size_t)n, &b64, NULL)
	    != GSASL_OK) {
		exchange_end(m);
		return monitor_fail(m, "[SYS/TEMP] authentication temporarily "
				    "unavailable", false);
	}
	const char *f[1] = { b64 };
	ret = ipc_send_strs(m->ctl_fd, IPC_CONTINUE, 1, f, &error);
	gsasl_free(b64);
	if (ret < 0)
		mu_log(MU_LOG_ERR, "monitor: send: %s", error);
	return ret;
}

/* HMAC-MD5 of the challenge keyed with the user's secret, in lower-case
 * hex (RFC 2195 section 2).  The secret is SASLprep'ed first, as
 * libgsasl did, so that secrets stored before keep working. */
static bool
cram_digest(const struct monitor *m, const char *secret, char hex[33])
{
	unsigned char mac[16];
	char *key = NULL;
	int rc;

	if (gsasl_saslprep(secret, 0, &key, NULL) != GSASL_OK)
		return false;
	rc = gnutls_hmac_fast(GNUTLS_MAC_MD5, key, strlen(key),
			      m->cram_challenge, strlen(m->cram_challenge), mac);
	explicit_bzero(key, strlen(key));
	gsasl_free(key);
	if (rc < 0)
		return false;
	for (size_t i = 0; i < sizeof mac; i++)
		snprintf(hex + 2 * i, 3, "%02x", mac[i]);
	explicit_bzero(mac, sizeof mac);
	return true;
}

/* The response: "user SP digest".  A user without a secret, or unknown,
 * gets a digest computed all the same, over a random key, and fails
 * like a wrong secret. */
static int
cram_response(struct monitor *m, const char *in, size_t len)
{
	struct userdb_record *rec;
	char expected[33], given[33], *user, fake[24];
	const char *secret;
	unsigned char diff = 0;
	bool computed;

	if (len <= 33 || in[len - 33] != ' ' ||
	    memchr(in, '\0', len - 33) != NULL) {
		m->at.why = "malformed CRAM-MD5 response";
		exchange_end(m);
		return attempt_finish(m, NULL);
	}
	for (size_t i = 0; i < 32; i++)
		given[i] = (char)tolower((unsigned char)in[len - 32 + i]);
	given[32] = '\0';
	user = mu_xstrndup(in, len - 33);
	if (attempt_identify(m, user, NULL) < 0 || m->at.blocked) {
		free(user);
		exchange_end(m);
		return attempt_finish(m, NULL);
	}
	free(user);
	rec = exchange_record(m);
	if (rec != NULL && rec->secret != NULL) {
		secret = rec->secret;
	} else {
		unsigned char raw[sizeof fake / 2];

		if (gnutls_rnd(GNUTLS_RND_NONCE, raw, sizeof raw) < 0)
			memset(raw, 0x5a, sizeof raw);
		for (size_t i = 0; i < sizeof raw; i++)
			snprintf(fake + 2 * i, 3, "%02x", raw[i]);
		secret = fake;
	}
	computed = cram_digest(m, secret, expected);
	explicit_bzero(fake, sizeof fake);
	/* every octet compared, whatever differs first */
	for (size_t i = 0; i < 32; i++)
		diff |= (unsigned char)(expected[i] ^ given[i]);
	if (computed && diff == 0 && secret != fake) {
		auth_popauth_user(m->at.authuser, &m->sasl_rec, &m->at.user);
		m->at.authenticated = true;
	} else if (m->at.why == NULL) {
		m->at.why = !computed ? "the secret cannot be prepared "
			"(SASLprep)" : rec == NULL ? "no such user" :
			rec->secret == NULL ? "no reversible secret (popauth "
			"--apop)" : "wrong password (the digest does not verify)";
	}
	explicit_bzero(expected, sizeof expected);
	exchange_end(m);
	return attempt_finish(m, NULL);
}

/* One gsasl_step and what follows from it. */
static int
exchange_step(struct monitor *m, const char *in, size_t len)
{
	char *out = NULL, *b64 = NULL;
	size_t outlen = 0;
	int rc = gsasl_step(m->sasl, in, len, &out, &outlen);
	int ret;

	if (m->at.blocked) {
		/* found out from a callback: the password is not looked at */
		gsasl_free(out);
		exchange_end(m);
		return attempt_finish(m, NULL);
	}
	if (rc == GSASL_NEEDS_MORE) {
		if (gsasl_base64_to(out != NULL ? out : "", outlen, &b64, NULL)
		    != GSASL_OK) {
			gsasl_free(out);
			exchange_end(m);
			return monitor_fail(m, "[SYS/TEMP] out of memory", true);
		}
		gsasl_free(out);
		const char *f[1] = { b64 };
		const char *error;
		ret = ipc_send_strs(m->ctl_fd, IPC_CONTINUE, 1, f, &error);
		gsasl_free(b64);
		if (ret < 0)
			mu_log(MU_LOG_ERR, "monitor: send: %s", error);
		return ret;
	}
	if (rc == GSASL_OK) {
		enum userdb_scram_hash hash;

		/* SCRAM proved the popauth user's keys */
		if (!m->at.authenticated && m->sasl_rec_state == REC_FOUND &&
		    is_scram(m->sasl_mech, &hash)) {
			auth_popauth_user(m->at.authuser, &m->sasl_rec,
					  &m->at.user);
			m->at.authenticated = true;
		}
		if (!m->at.authenticated) {
			/* libgsasl said yes where we did not: refuse */
			m->at.why = "SASL mechanism succeeded without our check";
			gsasl_free(out);
			exchange_end(m);
			return attempt_finish(m, NULL);
		}
		if (outlen > 0 && gsasl_base64_to(out, outlen, &b64, NULL) !=
		    GSASL_OK)
			b64 = NULL;
		gsasl_free(out);
		exchange_end(m);
		ret = attempt_finish(m, b64);
		gsasl_free(b64);
		return ret;
	}
	gsasl_free(out);
	if (m->at.why == NULL)
		m->at.why = rc == GSASL_AUTHENTICATION_ERROR &&
			m->sasl_rec_state == REC_FOUND ?
			"wrong password (the proof does not verify)" :
			gsasl_strerror(rc);
	exchange_end(m);
	return attempt_finish(m, NULL);
}

int
sasl_handle_start(struct monitor *m, const struct ipc_msg *msg)
{
	const char *mech = ipc_field_str(msg, 0, SASL_MECH_MAX);
	const char *initial = NULL, *cbtype = NULL;
	char *in = NULL, *cb64 = NULL;
	size_t inlen = 0;
	int rc;

	if (m->sasl_phase != SASL_IDLE || msg->nfields != 4 || mech == NULL) {
		mu_log(MU_LOG_ERR, "monitor: malformed SASL_START");
		return -1;
	}
	if (!ipc_field_absent(msg, 1)) {
		initial = ipc_field_str(msg, 1, IPC_FIELD_MAX);
		if (initial == NULL)
			return monitor_fail(m, "invalid initial response", false);
	}
	if (!offered(m, mech))
		return monitor_fail(m, "unsupported authentication mechanism",
				    false);
	if (!ipc_field_absent(msg, 2) || !ipc_field_absent(msg, 3)) {
		cbtype = ipc_field_str(msg, 2, 32);
		if (cbtype == NULL || (strcmp(cbtype, "tls-unique") != 0 &&
				       strcmp(cbtype, "tls-exporter") != 0) ||
		    ipc_field_absent(msg, 3) || msg->field[3].len == 0 ||
		    msg->field[3].len > TLS_CHANNEL_BINDING_MAX) {
			mu_log(MU_LOG_ERR, "monitor: malformed channel binding");
			return -1;
		}
		/* the certificates are loaded before the session forks: with
		 * none here, no connection of ours has TLS, and the network
		 * process made the binding up */
		if (!tls_server_ready()) {
			mu_log(MU_LOG_ERR, "monitor: channel binding without TLS");
			return -1;
		}
		m->channel_bound = true;
	}
	if (is_plus(mech) && cbtype == NULL)
		return monitor_fail(m, "channel binding needs TLS", false);
	/* RFC 4422 section 5: a server-first mechanism has no initial
	 * response, not even an empty one */
	if (is_cram(mech) && initial != NULL)
		return monitor_fail(m, "CRAM-MD5 takes no initial response",
				    false);
	snprintf(m->sasl_mech, sizeof m->sasl_mech, "%s", mech);
	snprintf(m->sasl_method, sizeof m->sasl_method, "AUTH %s", mech);
	attempt_begin(m, m->sasl_method);
	if (is_cram(mech)) {
		m->sasl_phase = SASL_RUNNING;
		return cram_challenge(m);
	}
	rc = gsasl_server_start(m->gsasl, mech, &m->sasl);
	if (rc != GSASL_OK) {
		m->sasl = NULL;
		mu_log(MU_LOG_ERR, "gsasl_server_start(%s): %s", mech,
		       gsasl_strerror(rc));
		return monitor_fail(m, "[SYS/TEMP] authentication temporarily "
				    "unavailable", false);
	}
	m->sasl_phase = SASL_RUNNING;
	gsasl_session_hook_set(m->sasl, m);
	gsasl_property_set(m->sasl, GSASL_SERVICE, "pop");
	gsasl_property_set(m->sasl, GSASL_HOSTNAME, m->host_id);
	if (cbtype != NULL) {
		/* RFC 5802 section 6: with this set, a plain SCRAM client
		 * that says "y" (it could bind but thinks we cannot) is
		 * refused: a man in the middle stripped -PLUS from CAPA */
		if (gsasl_base64_to(msg->field[3].data, msg->field[3].len,
				    &cb64, NULL) != GSASL_OK) {
			exchange_end(m);
			return monitor_fail(m, "[SYS/TEMP] out of memory", true);
		}
		gsasl_property_set(m->sasl, strcmp(cbtype, "tls-unique") == 0 ?
				   GSASL_CB_TLS_UNIQUE : GSASL_CB_TLS_EXPORTER,
				   cb64);
		gsasl_free(cb64);
	}
	if (initial != NULL && decode_response(initial, &in, &inlen) < 0) {
		exchange_end(m);
		return monitor_fail(m, "invalid base64 in the initial response",
				    false);
	}
	/* RFC 5034 section 4: "=" is an initial response, an empty one --
	 * not the absence of one */
	if (initial != NULL && inlen == 0) {
		gsasl_free(in);
		return refuse_empty_response(m);
	}
	/* LOGIN with an initial response (curl --sasl-ir, gsasl): it is the
	 * user name, the answer to a "User Name" challenge libgsasl's server
	 * insists on making first -- made and dropped here */
	if (strcmp(mech, "LOGIN") == 0 && inlen > 0) {
		char *ignored = NULL;
		size_t ignored_len = 0;

		rc = gsasl_step(m->sasl, NULL, 0, &ignored, &ignored_len);
		gsasl_free(ignored);
		if (rc != GSASL_NEEDS_MORE) {
			if (in != NULL) {
				explicit_bzero(in, inlen);
				gsasl_free(in);
			}
			m->at.why = gsasl_strerror(rc);
			exchange_end(m);
			return attempt_finish(m, NULL);
		}
	}
	/* no initial response: the empty challenge of a client-first
	 * mechanism (RFC 4422 section 5) */
	rc = exchange_step(m, in, inlen);
	if (in != NULL) {
		explicit_bzero(in, inlen);
		gsasl_free(in);
	}
	return rc;
}

int
sasl_handle_step(struct monitor *m, const struct ipc_msg *msg)
{
	const char *text = ipc_field_str(msg, 0, IPC_FIELD_MAX);
	char *in = NULL;
	size_t inlen = 0;
	int rc;

	if (m->sasl_phase == SASL_IDLE || msg->nfields != 1 || text == NULL) {
		mu_log(MU_LOG_ERR, "monitor: unexpected SASL_STEP");
		return -1;
	}
	if (decode_response(text, &in, &inlen) < 0) {
		exchange_end(m);
		m->sasl_phase = SASL_IDLE;
		return monitor_fail(m, "invalid base64 in the response", false);
	}
	if (m->sasl_phase == SASL_AWAIT_ACK) {
		/* RFC 4422 section 3.6: an empty response after the
		 * additional data; anything else ends the exchange */
		bool empty = inlen == 0;

		gsasl_free(in);
		m->sasl_phase = SASL_IDLE;
		if (!empty) {
			if (m->at.authenticated)
				auth_user_free(&m->at.user);
			m->at.authenticated = false;
			return monitor_fail(m, "[AUTH] unexpected response",
					    false);
		}
		return attempt_login(m);
	}
	if (inlen == 0) {
		gsasl_free(in);
		return refuse_empty_response(m);
	}
	if (is_cram(m->sasl_mech))
		rc = cram_response(m, in, inlen);
	else
		rc = exchange_step(m, in, inlen);
	if (in != NULL) {
		explicit_bzero(in, inlen);
		gsasl_free(in);
	}
	return rc;
}

/* SASL_CANCEL: the client's "*", or (one field) a response line the
 * network process could not take.  Either ends the exchange without a
 * failed login -- no password was tried -- but only "*" is a cancel:
 * the reply to the other says what was wrong with the line. */
int
sasl_handle_cancel(struct monitor *m, const struct ipc_msg *msg)
{
	static const char *const reasons[] = {
		SESSION_RESPONSE_TOO_LONG, SESSION_RESPONSE_NUL, NULL
	};
	const char *reason = NULL;
	char text[64];

	if (m->sasl_phase == SASL_IDLE || msg->nfields > 1) {
		mu_log(MU_LOG_ERR, "monitor: %s SASL_CANCEL", m->sasl_phase ==
		       SASL_IDLE ? "unexpected" : "malformed");
		return -1;
	}
	if (msg->nfields == 1) {
		const char *r = ipc_field_str(msg, 0, 32);

		for (size_t i = 0; r != NULL && reasons[i] != NULL; i++)
			if (strcmp(r, reasons[i]) == 0)
				reason = reasons[i];
		if (reason == NULL) {
			mu_log(MU_LOG_ERR, "monitor: malformed SASL_CANCEL");
			return -1;
		}
	}
	if (m->sasl_phase == SASL_AWAIT_ACK && m->at.authenticated)
		auth_user_free(&m->at.user);
	m->at.authenticated = false;
	if (reason == NULL) {
		exchange_end(m);
		/* RFC 5034 section 4: "*" cancels, answered with -ERR */
		return monitor_fail(m, "authentication cancelled", false);
	}
	mu_log(MU_LOG_INFO, "%s: %s; exchange ended", m->sasl_method, reason);
	exchange_end(m);
	snprintf(text, sizeof text, "[AUTH] %s", reason);
	return monitor_fail(m, text, false);
}
