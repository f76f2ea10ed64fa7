/* What the parts of the config reader (cfg.c, cfg-values.c,
 * cfg-suggest.c) share and nothing else needs. */
#ifndef MU_CFG_IMPL_H
#define MU_CFG_IMPL_H

#include <stdbool.h>
#include <stddef.h>

/* The blanks that separate words and surround values. */
static inline bool
mu_cfg_is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* CHOICES (NULL-terminated) as "a, b or c" into buf, which is
 * returned (cut short if it is too small). */
const char *mu_cfg_choices_text(char *buf, size_t size,
				const char *const *choices);

#endif
