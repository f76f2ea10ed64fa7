/* The configuration of pop3d and mu-sieve: one table of every directive
 * of INTERFACE.md, with its type and default, and a parser for the
 * `name = value` file format.  Errors are reported as `FILE:LINE: message`. */
#ifndef MU_CONFIG_H
#define MU_CONFIG_H

#include <stdbool.h>
#include <stdio.h>

enum mu_tls_proto { MU_TLS1_0, MU_TLS1_1, MU_TLS1_2, MU_TLS1_3 };

/* Every field has the built-in default after mu_config_init().
 * Durations are seconds; "unset" strings are NULL; lists are NULL-terminated
 * arrays (NULL pointer for an empty list). */
struct mu_config {
	/* Gromox pop3 */
	char *host_id;
	char *listen_addr;
	unsigned listen_port;
	int listen_tls_port;            /* -1: unset */
	unsigned context_num;
	unsigned conn_timeout;
	unsigned auth_times;
	unsigned block_interval_auths;
	bool enable_capa_implementation;
	bool support_tls;
	bool force_tls;
	char *certificate_path;
	char *private_key_path;
	char *certificate_passwd;
	enum mu_tls_proto tls_min_proto;
	unsigned accept_haproxy;        /* 0 or 2 */
	unsigned long fd_limit;
	unsigned cmd_debug;             /* 0, 1, 2 */
	char *log_file;
	unsigned log_level;             /* 1 crit .. 6 debug */
	char *running_identity;         /* "" : no switch */
	/* GNU Mailutils pop3d */
	char *mailbox;
	unsigned login_delay;
	char *stat_file;
	long expire;                    /* days; -1: unset (never) */
	bool delete_expired;
	bool undelete;
	char *bulletin_source;
	char *bulletin_db;
	/* this project */
	char **auth;
	char *pam_service;
	char *popauth_db;
	char *mail_user;
	bool apop;
	char **sasl_mechanisms;         /* NULL: all that work */
	char **impersonation_users;
	char *telemetry_dir;
	unsigned lock_timeout;

	/* bookkeeping: which directives the file set, by table index */
	bool *explicit_set;
	char *file;                     /* the file read, or NULL */
};

enum mu_config_type {
	MU_CFG_STRING, MU_CFG_UINT, MU_CFG_INT_OPT, MU_CFG_DURATION,
	MU_CFG_SIZE, MU_CFG_BOOL, MU_CFG_LIST, MU_CFG_TLS_PROTO, MU_CFG_LONG_OPT,
};

struct mu_directive {
	const char *name;
	enum mu_config_type type;
	size_t offset;                  /* into struct mu_config */
	const char *default_text;       /* as printed by pop3d -t; NULL: unset */
	unsigned long min, max;         /* for numbers; max 0: no bound */
	bool implemented;               /* false: accepted, warned "no effect yet" */
};

extern const struct mu_directive mu_directives[];
extern const size_t mu_directive_count;

/* Defaults into *cfg.  Must be paired with mu_config_free(). */
void mu_config_init(struct mu_config *cfg);
void mu_config_free(struct mu_config *cfg);

/* Read FILE into *cfg (already initialised).  A missing file is an error
 * unless missing_ok.  Each problem is written to errs as `FILE:LINE: msg`;
 * returns the number of errors (0 = sound), or -1 if the file cannot be
 * read at all (the reason also goes to errs). */
int mu_config_read(struct mu_config *cfg, const char *file, bool missing_ok,
		   FILE *errs);

/* Parse one value of a type; 0 ok, -1 with *error_r set. */
int mu_parse_duration(const char *text, unsigned *seconds_r, const char **error_r);
int mu_parse_size(const char *text, unsigned long *bytes_r, const char **error_r);
int mu_parse_bool(const char *text, bool *value_r, const char **error_r);
int mu_parse_uint(const char *text, unsigned long max, unsigned long *value_r,
		  const char **error_r);

/* Print every effective setting as `name = value`, one a line. */
void mu_config_print(const struct mu_config *cfg, FILE *out);

/* Names of directives the file set whose feature is not built yet. */
void mu_config_warn_unimplemented(const struct mu_config *cfg,
				  void (*warn)(const char *name, void *ctx),
				  void *ctx);

bool mu_list_contains(char *const *list, const char *word);

#endif
