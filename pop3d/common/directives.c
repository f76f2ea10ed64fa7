/* pop3d's directives: the table of every directive pop3d.conf(5)
 * documents, the checks of the few whose values need more than their
 * type's, the names other servers use for them, and the calls that bind
 * the table to libmu's reader (cfg.h). */
#include "config.h"

#include <arpa/inet.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libmu/cidr.h"
#include "libmu/util.h"
#include "pop3d/common/settings.h"
#include "pop3d/common/shared.h"

/* expire is in days; bounded so that days * 86400 + now fits any time_t. */
#define EXPIRE_MAX_DAYS 36500
/* The default data_file_path, $(datadir)/pop3d, comes from the build
 * (pop3d/common/Makefile.inc); a compiler run without it gets the usual one. */
#ifndef POP3D_DATADIR
#define POP3D_DATADIR "/usr/local/share/pop3d"
#endif

#define OFF(field) offsetof(struct mu_config, field)

/* ---------------------------------------------------------------- values */

/* tls_min_proto's, in the order of enum mu_tls_proto */
static const char *const tls_proto_names[] = {
	[MU_TLS1_0] = "tls1.0", [MU_TLS1_1] = "tls1.1",
	[MU_TLS1_2] = "tls1.2", [MU_TLS1_3] = "tls1.3", NULL,
};

static const char *const auth_backends[] = { "pam", "popauth", NULL };

static const char *const sasl_mechanisms[] = {
	"PLAIN", "LOGIN", "CRAM-MD5", "SCRAM-SHA-1", "SCRAM-SHA-256",
	"SCRAM-SHA-1-PLUS", "SCRAM-SHA-256-PLUS", NULL
};

/* what `name =` is told an address list takes */
#define CIDR_EXPECTS "addresses or CIDR networks"

const char *
mu_tls_proto_name(enum mu_tls_proto proto)
{
	/* the last entry is the NULL that ends the choices */
	if ((unsigned)proto + 1 >= sizeof tls_proto_names /
	    sizeof *tls_proto_names)
		return "?";
	return tls_proto_names[proto];
}

int
mu_parse_tls_proto(const char *text, enum mu_tls_proto *proto_r,
		   const char **error_r)
{
	int i;

	if (mu_parse_choice(text, tls_proto_names, &i, error_r) < 0)
		return -1;
	*proto_r = (enum mu_tls_proto)i;
	return 0;
}

/* ------------------------------------------------ directive-own parsers */

/* A STRING field gets text, checked: a parser's last step. */
static int
keep_text(void *field, const char *text)
{
	char **s = field;

	free(*s);
	*s = mu_xstrdup(text);
	return 0;
}

/* The daemon binds this literally; a name would need DNS at start. */
static int
parse_listen_addr(const struct mu_cfg_directive *d, const char *text,
		  void *field, const char **hint_r)
{
	unsigned char addr[sizeof(struct in6_addr)];

	if (inet_pton(AF_INET6, text, addr) != 1 &&
	    inet_pton(AF_INET, text, addr) != 1) {
		*hint_r = "use an IPv4 or IPv6 address, e.g. ::, 0.0.0.0, "
			  "127.0.0.1 or ::1";
		return -1;
	}
	return keep_text(field, text);
}

static int
parse_haproxy(const struct mu_cfg_directive *d, const char *text,
	      void *field, const char **hint_r)
{
	unsigned long v = 0;
	int rc = mu_parse_uint(text, 2, &v, hint_r);

	if (rc == 0 && v == 1) {
		/* v1 is a text header; only the binary v2 is parsed */
		*hint_r = "PROXY protocol v1 is not supported; use 0 or 2";
		return -1;
	}
	if (rc < 0) {
		*hint_r = "use 0 (no PROXY header) or 2 (PROXY protocol v2)";
		return -1;
	}
	*(unsigned *)field = (unsigned)v;
	return 0;
}

/* A size kept as written (a directive nothing reads: -t prints it back
 * unchanged), checked like any size so that a typo is still an error. */
static int
parse_size_text(const struct mu_cfg_directive *d, const char *text,
		void *field, const char **hint_r)
{
	unsigned long bytes;

	if (mu_parse_size(text, &bytes, hint_r) < 0)
		return -1;
	return keep_text(field, text);
}

/* Addresses and CIDR networks (cidr.h), none twice.  Checked here, so that
 * a typo in an access list is a FILE:LINE: error at start rather than a
 * client let in or kept out; stored as the words, so that -t prints them
 * as written, and turned into networks with mu_cidr_list_parse by the
 * code that matches clients. */
static int
parse_cidr_list(const struct mu_cfg_directive *d, const char *text,
		void *field, const char **hint_r)
{
	char **list = mu_cfg_list_split(text);
	struct mu_cidr *nets;
	size_t count;

	if (list == NULL)
		return mu_cfg_list_blank(d, field, "addresses or CIDR networks, "
					 "e.g. 127.0.0.1 ::1 10.0.0.0/8", hint_r);
	if (mu_cidr_list_parse(list, &nets, &count, hint_r) < 0) {
		mu_cfg_list_free(list);
		return -1;
	}
	free(nets);
	return mu_cfg_list_store(list, field, hint_r);
}

/* ---------------------------------------------------------------- table */

/* Every directive, in the order of pop3d.conf(5). */
const struct mu_cfg_directive mu_directives[] = {
	/* named after Gromox pop3 */
	{ "host_id", MU_CFG_STRING, OFF(host_id), NULL, 0, 0, 0, MU_EMPTY_ERROR,
	  NULL, NULL, NULL },
	{ "pop3_listen_addr", MU_CFG_STRING, OFF(listen_addr), "::", 0, 0, 0,
	  MU_EMPTY_ERROR, parse_listen_addr, NULL, NULL },
	{ "pop3_listen_port", MU_CFG_UINT, OFF(listen_port), "110", 0, 65535, 0,
	  MU_EMPTY_ERROR, NULL, NULL, NULL },
	{ "pop3_listen_tls_port", MU_CFG_INT_OPT, OFF(listen_tls_port), NULL, 0,
	  65535, 0, MU_EMPTY_UNSET, NULL, NULL, NULL },
	{ "context_num", MU_CFG_UINT, OFF(context_num), "200", 1, 0, 0,
	  MU_EMPTY_ERROR, NULL, NULL, NULL },
	{ "pop3_conn_timeout", MU_CFG_DURATION, OFF(conn_timeout), "3 minutes",
	  1, 0, 0, MU_EMPTY_ERROR, NULL, NULL, NULL },
	{ "pop3_auth_times", MU_CFG_UINT, OFF(auth_times), "3", 1, 0, 0,
	  MU_EMPTY_ERROR, NULL, NULL, NULL },
	{ "block_interval_auths", MU_CFG_DURATION, OFF(block_interval_auths),
	  "1 minute", 0, 0, 0, MU_EMPTY_ERROR, NULL, NULL, NULL },
	{ "enable_capa_implementation", MU_CFG_BOOL,
	  OFF(enable_capa_implementation), "no", 0, 0, 0, MU_EMPTY_ERROR, NULL,
	  NULL, NULL },
	{ "pop3_support_tls", MU_CFG_BOOL, OFF(support_tls), "no", 0, 0, 0,
	  MU_EMPTY_ERROR, NULL, NULL, NULL },
	{ "pop3_force_tls", MU_CFG_BOOL, OFF(force_tls), "no", 0, 0, 0,
	  MU_EMPTY_ERROR, NULL, NULL, NULL },
	{ "pop3_certificate_path", MU_CFG_STRING, OFF(certificate_path), NULL,
	  0, 0, 0, MU_EMPTY_UNSET, NULL, NULL, NULL },
	{ "pop3_private_key_path", MU_CFG_STRING, OFF(private_key_path), NULL,
	  0, 0, 0, MU_EMPTY_UNSET, NULL, NULL, NULL },
	{ "pop3_certificate_passwd", MU_CFG_STRING, OFF(certificate_passwd),
	  NULL, 0, 0, 0, MU_EMPTY_UNSET, NULL, NULL, NULL },
	{ "tls_min_proto", MU_CFG_CHOICE, OFF(tls_min_proto), "tls1.2", 0, 0, 0,
	  MU_EMPTY_ERROR, NULL, NULL, tls_proto_names },
	{ "pop3_accept_haproxy", MU_CFG_UINT, OFF(accept_haproxy), "0", 0, 2, 0,
	  MU_EMPTY_ERROR, parse_haproxy, NULL, NULL },
	/* checked now; the listener matches proxies against it later */
	{ "pop3_haproxy_trusted", MU_CFG_LIST, OFF(haproxy_trusted),
	  "127.0.0.1 ::1", 0, 0, 0, MU_EMPTY_ERROR, parse_cidr_list,
	  CIDR_EXPECTS, NULL },
	{ "pop3_fd_limit", MU_CFG_ULONG, OFF(fd_limit), "0", 0, 0, 0,
	  MU_EMPTY_ERROR, NULL, NULL, NULL },
	{ "pop3_cmd_debug", MU_CFG_UINT, OFF(cmd_debug), "0", 0, 2, 0,
	  MU_EMPTY_ERROR, NULL, NULL, NULL },
	{ "pop3_log_file", MU_CFG_STRING, OFF(log_file), "-", 0, 0, 0,
	  MU_EMPTY_ERROR, NULL, NULL, NULL },
	{ "pop3_log_level", MU_CFG_UINT, OFF(log_level), "4", 1, 6, 0,
	  MU_EMPTY_ERROR, NULL, NULL, NULL },
	/* gromox.cfg's alias of pop3_fd_limit; the larger wins (fdlimit.c) */
	{ "daemons_fd_limit", MU_CFG_ULONG, OFF(daemons_fd_limit), "0", 0, 0, 0,
	  MU_EMPTY_ERROR, NULL, NULL, NULL },
	/* the floor is pop3d's to know (conf.c: what its buffers need) */
	{ "context_max_mem", MU_CFG_SIZE, OFF(context_max_mem), "2M", 0, 0, 0,
	  MU_EMPTY_ERROR, NULL, NULL, NULL },
	{ "data_file_path", MU_CFG_STRING, OFF(data_file_path), POP3D_DATADIR,
	  0, 0, 0, MU_EMPTY_ERROR, NULL, NULL, NULL },
	{ "config_file_path", MU_CFG_STRING, OFF(config_file_path), NULL, 0, 0,
	  0, MU_EMPTY_UNSET, NULL, NULL, NULL },
	/* Gromox's thread pool: checked so that a typo is still caught, and
	 * used by nothing -- pop3d runs each session in processes of its
	 * own (pop3d -t says so once) */
	{ "pop3_thread_init_num", MU_CFG_INT_OPT, OFF(thread_init_num), NULL, 0,
	  0, POP3D_NO_EFFECT, MU_EMPTY_UNSET, NULL, NULL, NULL },
	{ "pop3_thread_charge_num", MU_CFG_INT_OPT, OFF(thread_charge_num),
	  NULL, 0, 0, POP3D_NO_EFFECT, MU_EMPTY_UNSET, NULL, NULL, NULL },
	{ "context_average_mem", MU_CFG_STRING, OFF(context_average_mem), NULL,
	  0, 0, POP3D_NO_EFFECT, MU_EMPTY_UNSET, parse_size_text, NULL, NULL },
	{ "context_average_units", MU_CFG_INT_OPT, OFF(context_average_units),
	  NULL, 0, 0, POP3D_NO_EFFECT, MU_EMPTY_UNSET, NULL, NULL, NULL },
	{ "running_identity", MU_CFG_STRING, OFF(running_identity), "nobody", 0,
	  0, 0, MU_EMPTY_STRING, NULL, NULL, NULL },
	/* from GNU Mailutils pop3d */
	POP3D_DIRECTIVE_MAILBOX(struct mu_config),
	{ "login_delay", MU_CFG_DURATION, OFF(login_delay), "0", 0, 0, 0,
	  MU_EMPTY_ERROR, NULL, NULL, NULL },
	{ "stat_file", MU_CFG_STRING, OFF(stat_file),
	  LOCALSTATEDIR "/lib/pop3d/login.db", 0, 0, 0, MU_EMPTY_ERROR, NULL,
	  NULL, NULL },
	{ "expire", MU_CFG_LONG_OPT, OFF(expire), NULL, 0, EXPIRE_MAX_DAYS, 0,
	  MU_EMPTY_UNSET, NULL, NULL, NULL },
	{ "delete_expired", MU_CFG_BOOL, OFF(delete_expired), "no", 0, 0, 0,
	  MU_EMPTY_ERROR, NULL, NULL, NULL },
	{ "undelete", MU_CFG_BOOL, OFF(undelete), "no", 0, 0, 0, MU_EMPTY_ERROR,
	  NULL, NULL, NULL },
	{ "bulletin_source", MU_CFG_STRING, OFF(bulletin_source), NULL, 0, 0, 0,
	  MU_EMPTY_UNSET, NULL, NULL, NULL },
	{ "bulletin_db", MU_CFG_STRING, OFF(bulletin_db), NULL, 0, 0, 0,
	  MU_EMPTY_UNSET, NULL, NULL, NULL },
	/* of this project */
	{ "auth", MU_CFG_LIST, OFF(auth), "pam", 0, 0, 0, MU_EMPTY_ERROR, NULL,
	  NULL, auth_backends },
	{ "pam_service", MU_CFG_STRING, OFF(pam_service), "pop3", 0, 0, 0,
	  MU_EMPTY_ERROR, NULL, NULL, NULL },
	{ "popauth_db", MU_CFG_STRING, OFF(popauth_db),
	  SYSCONFDIR "/pop3d/popauth.db", 0, 0, 0, MU_EMPTY_ERROR, NULL, NULL,
	  NULL },
	{ "mail_user", MU_CFG_STRING, OFF(mail_user), "", 0, 0, 0,
	  MU_EMPTY_STRING, NULL, NULL, NULL },
	{ "apop", MU_CFG_BOOL, OFF(apop), "yes", 0, 0, 0, MU_EMPTY_ERROR, NULL,
	  NULL, NULL },
	{ "sasl_mechanisms", MU_CFG_LIST, OFF(sasl_mechanisms), NULL, 0, 0, 0,
	  MU_EMPTY_UNSET, NULL, NULL, sasl_mechanisms },
	{ "impersonation_users", MU_CFG_LIST, OFF(impersonation_users), "", 0,
	  0, 0, MU_EMPTY_UNSET, NULL, NULL, NULL },
	{ "telemetry_dir", MU_CFG_STRING, OFF(telemetry_dir), NULL, 0, 0, 0,
	  MU_EMPTY_UNSET, NULL, NULL, NULL },
	POP3D_DIRECTIVE_LOCK_TIMEOUT(struct mu_config),
	/* checked now; sessions, the listener and mu-sieve use them later */
	POP3D_DIRECTIVE_MAIL_PRIVILEGED_GROUP(struct mu_config),
	{ "login_timeout", MU_CFG_DURATION, OFF(login_timeout), "1 minute", 0,
	  0, 0, MU_EMPTY_ERROR, NULL, NULL, NULL },
	{ "prelogin_per_addr", MU_CFG_UINT, OFF(prelogin_per_addr), "10", 0, 0,
	  0, MU_EMPTY_ERROR, NULL, NULL, NULL },
	{ "pid_file", MU_CFG_STRING, OFF(pid_file), NULL, 0, 0, 0,
	  MU_EMPTY_UNSET, NULL, NULL, NULL },
	{ "deny_from", MU_CFG_LIST, OFF(deny_from), "", 0, 0, 0, MU_EMPTY_UNSET,
	  parse_cidr_list, CIDR_EXPECTS, NULL },
	{ "allow_from", MU_CFG_LIST, OFF(allow_from), "", 0, 0, 0,
	  MU_EMPTY_UNSET, parse_cidr_list, CIDR_EXPECTS, NULL },
};

const size_t mu_directive_count = sizeof mu_directives / sizeof *mu_directives;

/* ------------------------------------------------- did you mean ... */

/* Names other servers give to what a directive of ours does, so that a
 * configuration carried over gets told the name to use rather than only
 * "unknown".  They stay errors: each of these servers means something a
 * little different (GNU Mailutils' statements end in ';', its mailbox is
 * a block), and a file read half-right is worse than one refused. */
static const struct mu_cfg_alias foreign_names[] = {
	/* GNU Mailutils pop3d (its undelete and expire are ours too) */
	{ "login-delay", "login_delay", "GNU Mailutils' name" },
	{ "delete-expired", "delete_expired", "GNU Mailutils' name" },
	{ "bulletin-source", "bulletin_source", "GNU Mailutils' name" },
	{ "bulletin-db", "bulletin_db", "GNU Mailutils' name" },
	{ "stat-file", "stat_file", "GNU Mailutils' name" },
	{ "mailbox-pattern", "mailbox", "GNU Mailutils' mailbox statement; "
	  "ours takes the URL, e.g. mbox:/var/mail/%u" },
	{ "mailbox-type", "mailbox", "GNU Mailutils' mailbox statement; "
	  "ours takes the type as the URL's scheme, e.g. maildir:" },
	{ "tls-mode", "pop3_support_tls", "GNU Mailutils' name; "
	  "\"required\" is pop3_force_tls, \"connection\" "
	  "pop3_listen_tls_port" },
	{ "acl", "allow_from", "GNU Mailutils' statement; ours are "
	  "allow_from and deny_from" },
	{ "output-buffer-size", "context_max_mem", "GNU Mailutils' name" },
	/* Gromox's older names (accepted as aliases by Gromox, documented
	 * nowhere) and gromox.cfg's listeners, which take several
	 * addresses where pop3d binds one */
	{ "listen_port", "pop3_listen_port", "Gromox's older name" },
	{ "listen_ssl_port", "pop3_listen_tls_port", "Gromox's older name" },
	{ "pop3_support_stls", "pop3_support_tls", "Gromox's older name" },
	{ "pop3_force_stls", "pop3_force_tls", "Gromox's older name" },
	{ "thread_init_num", "pop3_thread_init_num", "Gromox's older name" },
	{ "thread_charge_num", "pop3_thread_charge_num",
	  "Gromox's older name" },
	{ "pop3_listen", "pop3_listen_addr", "gromox.cfg's name: pop3d "
	  "listens on one address, pop3_listen_addr, at pop3_listen_port" },
	{ "pop3_listen_tls", "pop3_listen_tls_port", "gromox.cfg's name: "
	  "pop3d listens on one address, pop3_listen_addr, at "
	  "pop3_listen_tls_port" },
};

const struct mu_cfg_table pop3d_config_table = {
	.directives = mu_directives,
	.count = sizeof mu_directives / sizeof *mu_directives,
	.aliases = foreign_names,
	.alias_count = sizeof foreign_names / sizeof *foreign_names,
};

/* ------------------------------------------------- the configuration */

const struct mu_cfg_directive *
mu_directive_find(const char *name)
{
	return mu_cfg_find(&pop3d_config_table, name);
}

bool
mu_config_is_set(const struct mu_config *cfg, const char *name)
{
	const struct mu_cfg_directive *d = mu_directive_find(name);

	return d != NULL && cfg->explicit_set != NULL &&
		cfg->explicit_set[d - mu_directives];
}

static char *
system_hostname(void)
{
	char name[256];

	/* gethostname may truncate without a NUL; terminate it ourselves */
	if (gethostname(name, sizeof name - 1) < 0 || name[0] == '\0')
		return mu_xstrdup("localhost");
	name[sizeof name - 1] = '\0';
	return mu_xstrdup(name);
}

void
mu_config_init(struct mu_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->explicit_set = mu_xcalloc(mu_directive_count,
				       sizeof *cfg->explicit_set);
	mu_cfg_defaults(&pop3d_config_table, cfg);
	/* host_id's default is this machine's, which no table can hold */
	cfg->host_id = system_hostname();
}

void
mu_config_free(struct mu_config *cfg)
{
	mu_cfg_release(&pop3d_config_table, cfg);
	if (cfg->extra != NULL && cfg->extra_free != NULL)
		cfg->extra_free(cfg->extra);
	free(cfg->explicit_set);
	free(cfg->file);
	memset(cfg, 0, sizeof *cfg);
}

int
mu_config_read(struct mu_config *cfg, const char *file, bool missing_ok,
	       FILE *errs)
{
	return mu_cfg_read(&pop3d_config_table, cfg, cfg->explicit_set,
			   &cfg->file, file, missing_ok, errs);
}

void
mu_config_print(const struct mu_config *cfg, FILE *out)
{
	mu_cfg_print(&pop3d_config_table, cfg, out);
}
