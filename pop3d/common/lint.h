/* pop3d -t: check the configuration and print the effective settings. */
#ifndef POP3D_LINT_H
#define POP3D_LINT_H

#include <stdbool.h>

/* Exit status: 0 sound (settings printed on stdout), 1 with
 * `FILE:LINE: message` lines on stderr. */
int lint_run(const char *file, bool explicit_file);

#endif
