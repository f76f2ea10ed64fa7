/* The configuration of pop3d and mu-sieve: one table of every directive
 * pop3d documents, with its type and default, and a parser for the
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
	char **haproxy_trusted;         /* addresses, CIDR networks (cidr.h) */
	unsigned long fd_limit;
	unsigned cmd_debug;             /* 0, 1, 2 */
	char *log_file;
	unsigned log_level;             /* 1 crit .. 6 debug */
	unsigned long daemons_fd_limit; /* gromox.cfg's name; pop3d/fdlimit.c */
	unsigned long context_max_mem;  /* bytes; pop3d/conf.c checks the floor */
	char *data_file_path;           /* directories, colon-separated */
	char *config_file_path;         /* NULL: the config file's directory */
	/* Gromox's thread pool: accepted, no effect (one process a session) */
	int thread_init_num;            /* -1: unset */
	int thread_charge_num;          /* -1: unset */
	char *context_average_mem;      /* a size, as written; NULL: unset */
	int context_average_units;      /* -1: unset */
	char *running_identity;         /* default "nobody"; "" : no switch */
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
	char *mail_privileged_group;    /* "" : never */
	unsigned login_timeout;         /* 0: no limit */
	unsigned prelogin_per_addr;     /* 0: no limit */
	char *pid_file;
	/* client address ACL: addresses and CIDR networks (mu_cidr_list_parse
	 * turns them into what mu_cidr_list_match_* take) */
	char **deny_from;
	char **allow_from;

	/* bookkeeping: which directives the file set, by table index */
	bool *explicit_set;
	char *file;                     /* the file read, or NULL */
	/* What the program derives from the file and keeps with it, so that
	 * a configuration re-read on SIGHUP carries its own (pop3d: its
	 * response texts, from data_file_path).  libmu never looks inside;
	 * mu_config_free calls extra_free on it. */
	void *extra;
	void (*extra_free)(void *extra);
};

/* The C type of each field: STRING char *, UINT unsigned, INT_OPT int (-1
 * unset), DURATION unsigned seconds, SIZE and ULONG unsigned long, BOOL bool,
 * LIST char ** (NULL-terminated, NULL when empty), TLS_PROTO enum
 * mu_tls_proto, LONG_OPT long (-1 unset). */
enum mu_config_type {
	MU_CFG_STRING, MU_CFG_UINT, MU_CFG_INT_OPT, MU_CFG_DURATION,
	MU_CFG_SIZE, MU_CFG_BOOL, MU_CFG_LIST, MU_CFG_TLS_PROTO, MU_CFG_LONG_OPT,
	MU_CFG_ULONG,
};

struct mu_directive;
/* A directive's own check, replacing the plain one of its type: parse TEXT
 * (never empty) into the field, which it owns (frees the old value).
 * 0 ok; -1 with *hint_r saying what was expected. */
typedef int mu_directive_parser(const struct mu_directive *d, const char *text,
				void *field, const char **hint_r);

/* How an empty value (`name =`) is taken. */
enum mu_config_empty {
	MU_EMPTY_ERROR,                 /* a value is required */
	MU_EMPTY_UNSET,                 /* NULL string / empty list / -1 */
	MU_EMPTY_STRING,                /* the empty string "" */
};

struct mu_directive {
	const char *name;
	enum mu_config_type type;
	size_t offset;                  /* into struct mu_config */
	/* the default in file syntax (parsed by mu_config_init, so it can be
	 * "3 minutes"); NULL: unset, or for host_id the system hostname */
	const char *default_text;
	unsigned long min, max;         /* for numbers; max 0: no bound */
	bool implemented;               /* false: accepted, warned "no effect yet" */
	enum mu_config_empty empty;
	mu_directive_parser *parse;     /* NULL: the type's plain parser */
};

extern const struct mu_directive mu_directives[];
extern const size_t mu_directive_count;

/* The directive called NAME (case-insensitive), or NULL. */
const struct mu_directive *mu_directive_find(const char *name);

/* Defaults into *cfg.  Must be paired with mu_config_free(). */
void mu_config_init(struct mu_config *cfg);
void mu_config_free(struct mu_config *cfg);

/* Read FILE into *cfg (already initialised).  A missing file is an error
 * unless missing_ok.  Each problem is written to errs as `FILE:LINE: msg`;
 * returns the number of errors (0 = sound), or -1 if the file cannot be
 * read at all (the reason also goes to errs). */
int mu_config_read(struct mu_config *cfg, const char *file, bool missing_ok,
		   FILE *errs);

/* Parse one value of a type, strictly (no sign, spaces or junk around it);
 * 0 ok, -1 with *error_r set to a hint of what was expected (a static
 * string, or a buffer valid until the next call).  mu_parse_uint: max 0
 * means no bound but ULONG_MAX. */
int mu_parse_duration(const char *text, unsigned *seconds_r, const char **error_r);
int mu_parse_size(const char *text, unsigned long *bytes_r, const char **error_r);
int mu_parse_bool(const char *text, bool *value_r, const char **error_r);
int mu_parse_uint(const char *text, unsigned long max, unsigned long *value_r,
		  const char **error_r);
int mu_parse_tls_proto(const char *text, enum mu_tls_proto *proto_r,
		       const char **error_r);
const char *mu_tls_proto_name(enum mu_tls_proto proto);

/* Print every effective setting as `name = value`, one a line, in table
 * order; the output reads back through mu_config_read to the same config
 * (unless a value is so long that its printed line passes the reader's
 * 4096-octet limit: it was read from a line near that limit). */
void mu_config_print(const struct mu_config *cfg, FILE *out);

/* Names of directives the file set whose feature is not built yet. */
void mu_config_warn_unimplemented(const struct mu_config *cfg,
				  void (*warn)(const char *name, void *ctx),
				  void *ctx);

/* Whether the file set the directive called NAME (false for a name not
 * in the table). */
bool mu_config_is_set(const struct mu_config *cfg, const char *name);

/* The directive closest to NAME, for a "did you mean" hint: a name of
 * the table within a small edit distance, or the table's name for one
 * GNU Mailutils or Gromox spell differently.  NULL when nothing is
 * close; *whose_r (may be NULL) gets "GNU Mailutils' name", "Gromox's
 * older name", ... or NULL for a plain typo. */
const char *mu_directive_suggest(const char *name, const char **whose_r);

/* Exact (case-sensitive) membership; a NULL list is empty. */
bool mu_list_contains(char *const *list, const char *word);

#endif
