/* pop3d's configuration: the struct that holds every directive of
 * pop3d.conf(5), its table (pop3d/common/directives.c) and the calls that read,
 * print and free it through libmu's table-driven reader (cfg.h).
 *
 * The mu_ names are those the configuration had when libmu held it: the
 * code that reads the settings did not change when they moved here. */
#ifndef POP3D_SETTINGS_H
#define POP3D_SETTINGS_H

#include <stdbool.h>
#include <stdio.h>

#include "libmu/cfg.h"

/* tls_min_proto, the index of its name in the directive's choices */
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
	int tls_min_proto;              /* enum mu_tls_proto */
	unsigned accept_haproxy;        /* 0 or 2 */
	char **haproxy_trusted;         /* addresses, CIDR networks (cidr.h) */
	unsigned long fd_limit;
	unsigned cmd_debug;             /* 0, 1, 2 */
	char *log_file;
	unsigned log_level;             /* 1 crit .. 6 debug */
	unsigned long daemons_fd_limit; /* gromox.cfg's name; listener/fdlimit.c */
	unsigned long context_max_mem;  /* bytes; common/conf.c checks the floor */
	char *data_file_path;           /* directories, colon-separated */
	char *config_file_path;         /* NULL: the config file's directory */
	/* Gromox's thread pool: accepted, no effect (POP3D_NO_EFFECT) */
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
	 * response texts, from data_file_path).  The reader never looks
	 * inside; mu_config_free calls extra_free on it. */
	void *extra;
	void (*extra_free)(void *extra);
};

/* A mark of pop3d's own in a directive's flags: accepted for Gromox
 * compatibility, and of no effect in pop3d's process model (Gromox's
 * thread pool: pop3d forks processes for each connection).  The value is
 * checked and printed like any other, and pop3d -t warns once for all
 * the directives so marked that the file sets. */
#define POP3D_NO_EFFECT 0x1u

/* Every directive, in the order of pop3d.conf(5). */
extern const struct mu_cfg_directive mu_directives[];
extern const size_t mu_directive_count;
/* The table the reader takes: mu_directives with the names other servers
 * give to them, for the "did you mean" of an unknown directive. */
extern const struct mu_cfg_table pop3d_config_table;

/* The directive called NAME (case-insensitive), or NULL. */
const struct mu_cfg_directive *mu_directive_find(const char *name);

/* Defaults into *cfg (host_id: the system's host name).  Must be paired
 * with mu_config_free(). */
void mu_config_init(struct mu_config *cfg);
void mu_config_free(struct mu_config *cfg);

/* Read FILE into *cfg (already initialised): mu_cfg_read, which also
 * records what the file set and the file's name.  A missing file is an
 * error unless missing_ok.  Returns the number of errors (0 = sound), or
 * -1 if the file cannot be read at all. */
int mu_config_read(struct mu_config *cfg, const char *file, bool missing_ok,
		   FILE *errs);

/* Every effective setting as `name = value`, in table order (pop3d -t). */
void mu_config_print(const struct mu_config *cfg, FILE *out);

/* Whether the file set the directive called NAME (false for a name not
 * in the table). */
bool mu_config_is_set(const struct mu_config *cfg, const char *name);

/* tls_min_proto's values. */
int mu_parse_tls_proto(const char *text, enum mu_tls_proto *proto_r,
		       const char **error_r);
const char *mu_tls_proto_name(enum mu_tls_proto proto);

#endif
