/* Certificate/key pairs into GnuTLS credentials.  Each file is read and
 * parsed here rather than by gnutls_certificate_set_x509_key_file2(),
 * whose single error code cannot say whether the certificate, the key or
 * their pairing is at fault, nor why a file cannot be opened. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gnutls/x509.h>

#include "libmu/util.h"
#include "pop3d/common/limits.h"
#include "pop3d/net/tlscert.h"

#define DIR_CERT "pop3_certificate_path"
#define DIR_KEY "pop3_private_key_path"
#define DIR_PASSWD "pop3_certificate_passwd"

struct pair_error {
	const char *directive;
	char *message;
};

static int fail(struct pair_error *e, const char *directive, const char *fmt,
		...) __attribute__((format(printf, 3, 4)));

static int
fail(struct pair_error *e, const char *directive, const char *fmt, ...)
{
	va_list ap;
	char *text;

	va_start(ap, fmt);
	if (vasprintf(&text, fmt, ap) < 0)
		text = NULL;
	va_end(ap);
	e->directive = directive;
	e->message = mu_xasprintf("%s: %s", directive,
				  text != NULL ? text : "out of memory");
	free(text);
	return -1;
}

static int
read_file(const char *path, gnutls_datum_t *out, const char **error_r)
{
	struct stat st;
	unsigned char *buf;
	ssize_t n;
	int fd;

	/* O_NONBLOCK: a FIFO in place of a key file must not hang pop3d;
	 * fstat() below refuses it */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		*error_r = strerror(errno);
		return -1;
	}
	if (fstat(fd, &st) < 0) {
		*error_r = strerror(errno);
		close(fd);
		return -1;
	}
	if (S_ISDIR(st.st_mode) || !S_ISREG(st.st_mode)) {
		*error_r = S_ISDIR(st.st_mode) ? strerror(EISDIR) :
			"not a regular file";
		close(fd);
		return -1;
	}
	if (st.st_size == 0 || st.st_size > TLSCERT_FILE_MAX) {
		*error_r = st.st_size == 0 ? "empty file" :
			"larger than 1 MiB: not a certificate or key";
		close(fd);
		return -1;
	}
	buf = mu_xmalloc((size_t)st.st_size + 1);
	n = mu_read_full(fd, buf, (size_t)st.st_size);
	if (n < 0) {
		*error_r = strerror(errno);
		free(buf);
		close(fd);
		return -1;
	}
	close(fd);
	buf[n] = '\0';
	out->data = buf;
	out->size = (unsigned)n;
	return 0;
}

static void
wipe_datum(gnutls_datum_t *d)
{
	if (d->data != NULL) {
		explicit_bzero(d->data, d->size);
		free(d->data);
	}
	d->data = NULL;
	d->size = 0;
}

/* PEM when it looks like PEM, else DER. */
static gnutls_x509_crt_fmt_t
format_of(const gnutls_datum_t *d)
{
	return memmem(d->data, d->size, "-----BEGIN", 10) != NULL ?
		GNUTLS_X509_FMT_PEM : GNUTLS_X509_FMT_DER;
}

/* A parse error of a file without PEM armour would only name an ASN.1
 * detail: say first that it was not PEM either. */
static const char *
not_pem(gnutls_x509_crt_fmt_t fmt)
{
	return fmt == GNUTLS_X509_FMT_DER ? "no PEM data, and as DER: " : "";
}

static int
load_pair(gnutls_certificate_credentials_t cred, const char *cert_path,
	  const char *key_path, bool key_in_cert_file, const char *password,
	  struct pair_error *e)
{
	gnutls_x509_crt_t *crts = NULL;
	gnutls_x509_privkey_t key = NULL;
	gnutls_datum_t data = { NULL, 0 };
	const char *key_dir = key_in_cert_file ? DIR_CERT : DIR_KEY;
	gnutls_x509_crt_fmt_t fmt;
	unsigned ncrts = 0;
	const char *why;
	int r, result = -1;

	if (read_file(cert_path, &data, &why) < 0) {
		fail(e, DIR_CERT, "%s: %s", cert_path, why);
		goto out;
	}
	fmt = format_of(&data);
	r = gnutls_x509_crt_list_import2(&crts, &ncrts, &data, fmt, 0);
	wipe_datum(&data);
	if (r < 0) {
		fail(e, DIR_CERT, "%s: %s%s", cert_path, not_pem(fmt),
		     gnutls_strerror(r));
		goto out;
	}

	if (read_file(key_path, &data, &why) < 0) {
		fail(e, key_dir, "%s: %s", key_path, why);
		goto out;
	}
	fmt = format_of(&data);
	r = gnutls_x509_privkey_init(&key);
	if (r >= 0)
		r = gnutls_x509_privkey_import2(key, &data, fmt, password, 0);
	wipe_datum(&data);
	if (r < 0) {
		if (key_in_cert_file)
			fail(e, key_dir, "%s: no usable private key: %s "
			     "(pop3_private_key_path is unset, so the key is "
			     "looked for in the certificate file)", key_path,
			     gnutls_strerror(r));
		else if (r == GNUTLS_E_DECRYPTION_FAILED && password == NULL)
			fail(e, key_dir, "%s: %s (the key is encrypted and "
			     DIR_PASSWD " is unset)", key_path,
			     gnutls_strerror(r));
		else if (r == GNUTLS_E_DECRYPTION_FAILED)
			fail(e, key_dir, "%s: %s (wrong " DIR_PASSWD "?)",
			     key_path, gnutls_strerror(r));
		else
			fail(e, key_dir, "%s: %s%s", key_path, not_pem(fmt),
			     gnutls_strerror(r));
		goto out;
	}

	/* GnuTLS copies both, and checks that they belong together */
	r = gnutls_certificate_set_x509_key(cred, crts, ncrts, key);
	if (r < 0) {
		fail(e, key_dir, "%s: %s (certificate %s)", key_path,
		     gnutls_strerror(r), cert_path);
		goto out;
	}
	result = 0;
out:
	for (unsigned i = 0; i < ncrts; i++)
		gnutls_x509_crt_deinit(crts[i]);
	gnutls_free(crts);
	if (key != NULL)
		gnutls_x509_privkey_deinit(key);
	return result;
}

/* Split a colon list; an empty element is an error (a stray colon would
 * otherwise shift every later pairing). */
static char **
split_colons(const char *list, size_t *n_r)
{
	size_t n = 1;
	char **v, *copy, *p;

	for (p = (char *)list; *p != '\0'; p++)
		n += *p == ':';
	v = mu_xcalloc(n + 1, sizeof *v);
	copy = mu_xstrdup(list);
	n = 0;
	for (p = copy;;) {
		char *colon = strchr(p, ':');

		if (colon != NULL)
			*colon = '\0';
		v[n++] = mu_xstrdup(p);
		if (colon == NULL)
			break;
		p = colon + 1;
	}
	free(copy);
	*n_r = n;
	return v;
}

static void
free_list(char **v)
{
	if (v == NULL)
		return;
	for (char **p = v; *p != NULL; p++)
		free(*p);
	free(v);
}

static bool
list_has_empty(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (v[i][0] == '\0')
			return true;
	return false;
}

int
tlscert_load(const struct mu_config *cfg,
	     gnutls_certificate_credentials_t cred, unsigned *pairs_r,
	     const char **directive_r, char **error_r)
{
	struct pair_error e = { NULL, NULL };
	char **certs = NULL, **keys = NULL;
	size_t ncerts = 0, nkeys = 0;
	bool keys_in_certs;
	int result = -1;

	*pairs_r = 0;
	if (cfg->certificate_path == NULL) {
		fail(&e, DIR_CERT, "unset");
		goto out;
	}
	certs = split_colons(cfg->certificate_path, &ncerts);
	if (list_has_empty(certs, ncerts)) {
		fail(&e, DIR_CERT, "empty file name in \"%s\"",
		     cfg->certificate_path);
		goto out;
	}
	keys_in_certs = cfg->private_key_path == NULL;
	if (!keys_in_certs) {
		keys = split_colons(cfg->private_key_path, &nkeys);
		if (list_has_empty(keys, nkeys)) {
			fail(&e, DIR_KEY, "empty file name in \"%s\"",
			     cfg->private_key_path);
			goto out;
		}
		if (nkeys != ncerts) {
			fail(&e, DIR_KEY, "%zu key file%s for %zu certificate "
			     "file%s; they pair in order", nkeys,
			     nkeys == 1 ? "" : "s", ncerts,
			     ncerts == 1 ? "" : "s");
			goto out;
		}
	}
	for (size_t i = 0; i < ncerts; i++)
		if (load_pair(cred, certs[i], keys_in_certs ? certs[i] : keys[i],
			      keys_in_certs, cfg->certificate_passwd, &e) < 0)
			goto out;
	*pairs_r = (unsigned)ncerts;
	result = 0;
out:
	free_list(certs);
	free_list(keys);
	if (result < 0) {
		*directive_r = e.directive;
		*error_r = e.message;
	}
	return result;
}
