/* Mailbox URL templates: `mbox:PATH`, `maildir:PATH`, `mh:PATH` or a bare
 * PATH; in PATH `%u` user, `%d` domain of user@domain, `%h` home, a leading
 * `~/` home, `%%` percent. */
#ifndef MU_URL_H
#define MU_URL_H

#include "mailbox.h"

/* Expand template for user (home may be NULL: %h and ~/ are then errors).
 * Returns a malloc'd URL or NULL with *error_r. */
char *mu_url_expand(const char *template, const char *user, const char *home,
		    const char **error_r);

/* Split url into format and path (path malloc'd).  Bare path: format
 * MU_FORMAT_AUTO.  Returns 0 or -1 with *error_r for an unknown scheme. */
int mu_url_split(const char *url, enum mu_format *format_r, char **path_r,
		 const char **error_r);

/* Auto-detect an existing path: directory with cur/ new/ tmp/ is Maildir,
 * a directory with numeric files or .mh_sequences is MH, a file is mbox.
 * A missing path gives fallback. */
enum mu_format mu_format_detect(const char *path, enum mu_format fallback);

/* Check a template's syntax without a user (for a configuration check). */
int mu_url_check_template(const char *template, const char **error_r);

#endif
