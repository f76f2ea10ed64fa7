/* mu-sieve's settings: the few directives of pop3d.conf(5) it uses. */
#ifndef SIEVE_CONF_H
#define SIEVE_CONF_H

#include <stdbool.h>
#include <stdio.h>

struct sieve_conf {
	char *mailbox;                  /* the template, as pop3d's */
	unsigned lock_timeout;          /* seconds */
	char *mail_privileged_group;    /* "" : never */
};

/* Defaults into *conf; pair with sieve_conf_free. */
void sieve_conf_init(struct sieve_conf *conf);
void sieve_conf_free(struct sieve_conf *conf);

/* Read FILE, a pop3d.conf: the directives above are checked as pop3d
 * checks them, pop3d's others are left to pop3d (-t) and skipped.  A
 * missing file is an error unless missing_ok.  Problems go to errs as
 * `FILE:LINE: message`; returns their number, or -1 if the file cannot
 * be read at all. */
int sieve_conf_read(struct sieve_conf *conf, const char *file,
		    bool missing_ok, FILE *errs);

#endif
