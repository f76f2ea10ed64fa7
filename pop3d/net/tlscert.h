/* The certificate and key files of the configuration, read into GnuTLS
 * credentials one pair at a time, so that an error names the very file
 * at fault and GnuTLS's reason. */
#ifndef POP3D_TLSCERT_H
#define POP3D_TLSCERT_H

#include <gnutls/gnutls.h>

#include "pop3d/common/settings.h"

/* Add every pop3_certificate_path / pop3_private_key_path pair of cfg to
 * cred (colon lists, paired in order; with no key list, each certificate
 * file holds its own key).  pop3_certificate_passwd decrypts encrypted
 * keys.  0 with *pairs_r set; -1 with *directive_r and *error_r (one
 * malloc'd line: "DIRECTIVE: FILE: reason"). */
int tlscert_load(const struct mu_config *cfg,
		 gnutls_certificate_credentials_t cred, unsigned *pairs_r,
		 const char **directive_r, char **error_r);

#endif
