/* The pop3d configuration: the table of every directive pop3d documents,
 * the value parsers, the `name = value` file reader and the printer.
 *
 * Two headers are called config.h: autoconf's (in the build directory,
 * reached through -I. with angle brackets) and ours, next to this file. */
#include <config.h>
#include "settings.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cidr.h"
#include "util.h"

/* A config line longer than this is refused rather than split or truncated:
 * no directive needs more, and a bounded reader cannot be made to grow. */
#define MU_CONFIG_LINE_MAX 4096
/* How much of a bad value is quoted back in an error message. */
#define MU_CONFIG_QUOTE_MAX 80
/* expire is in days; bounded so that days * 86400 + now fits any time_t. */
#define MU_EXPIRE_MAX_DAYS 36500
/* The default data_file_path, $(datadir)/pop3d, comes from the build
 * (pop3d/data.inc); a compiler run without it gets the usual one. */
#ifndef POP3D_DATADIR
#define POP3D_DATADIR "/usr/local/share/pop3d"
#endif

#define OFF(field) offsetof(struct mu_config, field)
#define FIELD(cfg, d, type) ((type *)(void *)((char *)(cfg) + (d)->offset))
#define CFIELD(cfg, d, type) \
	((type const *)(const void *)((const char *)(cfg) + (d)->offset))

/* Hints with numbers in them are built here; valid until the next call. */
static char hint_buf[256];

static const char *
hint(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static const char *
hint(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(hint_buf, sizeof hint_buf, fmt, ap);
	va_end(ap);
	return hint_buf;
}

/* ---------------------------------------------------------------- lists */

static void
list_free(char **list)
{
	if (list == NULL)
		return;
	for (char **w = list; *w != NULL; w++)
		free(*w);
	free(list);
}

bool
mu_list_contains(char *const *list, const char *word)
{
	if (list == NULL)
		return false;
	for (; *list != NULL; list++)
		if (strcmp(*list, word) == 0)
			return true;
	return false;
}

static bool
is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* Split TEXT at spaces and tabs; NULL when there is no word. */
static char **
list_split(const char *text)
{
	char **list = NULL;
	size_t n = 0;
	const char *p = text;

	for (;;) {
		const char *start;

		while (is_space(*p))
			p++;
		if (*p == '\0')
			break;
		start = p;
		while (*p != '\0' && !is_space(*p))
			p++;
		list = mu_xreallocarray(list, n + 2, sizeof *list);
		list[n++] = mu_xstrndup(start, (size_t)(p - start));
		list[n] = NULL;
	}
	return list;
}

/* The first word listed twice, or NULL. */
static const char *
list_duplicate(char *const *list)
{
	if (list == NULL)
		return NULL;
	for (size_t i = 0; list[i] != NULL; i++)
		for (size_t j = 0; j < i; j++)
			if (strcmp(list[i], list[j]) == 0)
				return list[i];
	return NULL;
}

/* Put list (taken over) into a list field, unless a word is in it twice. */
static int
list_store(char **list, void *field, const char **hint_r)
{
	const char *dup = list_duplicate(list);

	if (dup != NULL) {
		*hint_r = hint("%.60s is listed twice", dup);
		list_free(list);
		return -1;
	}
	list_free(*(char ***)field);
	*(char ***)field = list;
	return 0;
}

/* -------------------------------------------------------- value parsers */

/* Leading decimal digits of *pp into *value_r, advancing *pp.
 * 0 ok, -1 no digit, -2 the number does not fit in unsigned long long. */
static int
parse_digits(const char **pp, unsigned long long *value_r)
{
	const char *p = *pp;
	unsigned long long v = 0;

	if (*p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		unsigned d = (unsigned)(*p - '0');

		if (v > (ULLONG_MAX - d) / 10)
			return -2;
		v = v * 10 + d;
	}
	*pp = p;
	*value_r = v;
	return 0;
}

int
mu_parse_uint(const char *text, unsigned long max, unsigned long *value_r,
	      const char **error_r)
{
	unsigned long long v;
	const char *p = text;
	int rc;

	if (max == 0)
		max = ULONG_MAX;
	rc = parse_digits(&p, &v);
	if (rc == -1 || *p != '\0') {
		*error_r = "use a whole number of digits only, e.g. 3";
		return -1;
	}
	if (rc == -2 || v > max) {
		*error_r = hint("at most %lu", max);
		return -1;
	}
	*value_r = (unsigned long)v;
	return 0;
}

struct unit {
	const char *name;
	unsigned long factor;
};

static const struct unit duration_units[] = {
	{ "s", 1 }, { "sec", 1 }, { "secs", 1 }, { "second", 1 },
	{ "seconds", 1 },
	{ "m", 60 }, { "min", 60 }, { "mins", 60 }, { "minute", 60 },
	{ "minutes", 60 },
	{ "h", 3600 }, { "hour", 3600 }, { "hours", 3600 },
	{ "d", 86400 }, { "day", 86400 }, { "days", 86400 },
	{ "w", 604800 }, { "week", 604800 }, { "weeks", 604800 },
	{ NULL, 0 }
};

static const struct unit size_units[] = {
	{ "b", 1 },
	{ "k", 1024UL }, { "kb", 1024UL },
	{ "m", 1024UL * 1024 }, { "mb", 1024UL * 1024 },
	{ "g", 1024UL * 1024 * 1024 }, { "gb", 1024UL * 1024 * 1024 },
	{ NULL, 0 }
};

/* NUMBER [spaces] [UNIT] with UNIT from the table (case-insensitive);
 * no unit means a factor of 1.  0 ok, -1 syntax, -2 above max. */
static int
parse_with_unit(const char *text, const struct unit *units,
		unsigned long long max, unsigned long long *value_r)
{
	const char *p = text;
	unsigned long long v, factor = 1;
	int rc = parse_digits(&p, &v);

	if (rc == -1)
		return -1;
	while (is_space(*p))
		p++;
	if (*p != '\0') {
		const struct unit *u;

		for (u = units; u->name != NULL; u++)
			if (strcasecmp(p, u->name) == 0)
				break;
		if (u->name == NULL)
			return -1;
		factor = u->factor;
	} else if (p != text && is_space(p[-1])) {
		return -1;      /* trailing spaces but no unit */
	}
	if (rc == -2 || v > max / factor)
		return -2;
	*value_r = v * factor;
	return 0;
}

int
mu_parse_duration(const char *text, unsigned *seconds_r, const char **error_r)
{
	unsigned long long v;

	switch (parse_with_unit(text, duration_units, UINT_MAX, &v)) {
	case -1:
		*error_r = "use e.g. 90s, 3min, 1h, 5 days";
		return -1;
	case -2:
		*error_r = hint("too long: at most %u seconds", UINT_MAX);
		return -1;
	}
	*seconds_r = (unsigned)v;
	return 0;
}

int
mu_parse_size(const char *text, unsigned long *bytes_r, const char **error_r)
{
	unsigned long long v;

	switch (parse_with_unit(text, size_units, ULONG_MAX, &v)) {
	case -1:
		*error_r = "use bytes or e.g. 256K, 2M, 1G";
		return -1;
	case -2:
		*error_r = hint("too large: at most %lu bytes", ULONG_MAX);
		return -1;
	}
	*bytes_r = (unsigned long)v;
	return 0;
}

int
mu_parse_bool(const char *text, bool *value_r, const char **error_r)
{
	static const char *const yes[] = { "yes", "true", "on", "1", NULL };
	static const char *const no[] = { "no", "false", "off", "0", NULL };

	for (size_t i = 0; yes[i] != NULL; i++) {
		if (strcasecmp(text, yes[i]) == 0) {
			*value_r = true;
			return 0;
		}
		if (strcasecmp(text, no[i]) == 0) {
			*value_r = false;
			return 0;
		}
	}
	*error_r = "use yes/no, true/false, on/off or 1/0";
	return -1;
}

static const char *const tls_proto_names[] = {
	[MU_TLS1_0] = "tls1.0", [MU_TLS1_1] = "tls1.1",
	[MU_TLS1_2] = "tls1.2", [MU_TLS1_3] = "tls1.3",
};

const char *
mu_tls_proto_name(enum mu_tls_proto proto)
{
	if ((unsigned)proto >= sizeof tls_proto_names / sizeof *tls_proto_names)
		return "?";
	return tls_proto_names[proto];
}

int
mu_parse_tls_proto(const char *text, enum mu_tls_proto *proto_r,
		   const char **error_r)
{
	for (size_t i = 0; i < sizeof tls_proto_names / sizeof *tls_proto_names;
	     i++) {
		if (strcasecmp(text, tls_proto_names[i]) == 0) {
			*proto_r = (enum mu_tls_proto)i;
			return 0;
		}
	}
	*error_r = "use tls1.0, tls1.1, tls1.2 or tls1.3";
	return -1;
}

/* ------------------------------------------------ directive-own parsers */

/* The daemon binds this literally; a name would need DNS at start. */
static int
parse_listen_addr(const struct mu_directive *d, const char *text, void *field,
		  const char **hint_r)
{
	unsigned char addr[sizeof(struct in6_addr)];
	char **s = field;

	if (inet_pton(AF_INET6, text, addr) != 1 &&
	    inet_pton(AF_INET, text, addr) != 1) {
		*hint_r = "use an IPv4 or IPv6 address, e.g. ::, 0.0.0.0, "
			  "127.0.0.1 or ::1";
		return -1;
	}
	free(*s);
	*s = mu_xstrdup(text);
	return 0;
}

static int
parse_haproxy(const struct mu_directive *d, const char *text, void *field,
	      const char **hint_r)
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
parse_size_text(const struct mu_directive *d, const char *text, void *field,
		const char **hint_r)
{
	unsigned long bytes;
	char **s = field;

	if (mu_parse_size(text, &bytes, hint_r) < 0)
		return -1;
	free(*s);
	*s = mu_xstrdup(text);
	return 0;
}

/* A list value of only blanks ("  " in quotes, which the reader does not
 * take for an empty value): the empty list where that is allowed, else
 * -1 with *hint_r saying to USE something. */
static int
store_blank_list(const struct mu_directive *d, void *field, const char *use,
		 const char **hint_r)
{
	if (d->empty == MU_EMPTY_UNSET) {
		list_free(*(char ***)field);
		*(char ***)field = NULL;
		return 0;
	}
	*hint_r = hint("use %s", use);
	return -1;
}

/* Words of TEXT, each one of CHOICES (compared case-insensitively and
 * stored as spelled in CHOICES), none twice. */
static int
parse_choice_list(const struct mu_directive *d, const char *text,
		  const char *const *choices,
		  const char *choices_text, void *field, const char **hint_r)
{
	char **list = list_split(text);

	if (list == NULL)
		return store_blank_list(d, field, choices_text, hint_r);
	for (char **w = list; *w != NULL; w++) {
		size_t i;

		for (i = 0; choices[i] != NULL; i++)
			if (strcasecmp(*w, choices[i]) == 0)
				break;
		if (choices[i] == NULL) {
			*hint_r = hint("unknown \"%.40s\"; use %s", *w,
				       choices_text);
			list_free(list);
			return -1;
		}
		free(*w);
		*w = mu_xstrdup(choices[i]);
	}
	return list_store(list, field, hint_r);
}

static int
parse_auth(const struct mu_directive *d, const char *text, void *field,
	   const char **hint_r)
{
	static const char *const backends[] = { "pam", "popauth", NULL };

	return parse_choice_list(d, text, backends, "pam or popauth", field,
				 hint_r);
}

static int
parse_sasl(const struct mu_directive *d, const char *text, void *field,
	   const char **hint_r)
{
	static const char *const mechs[] = {
		"PLAIN", "LOGIN", "CRAM-MD5", "SCRAM-SHA-1", "SCRAM-SHA-256",
		"SCRAM-SHA-1-PLUS", "SCRAM-SHA-256-PLUS", NULL
	};

	return parse_choice_list(d, text, mechs,
				 "PLAIN, LOGIN, CRAM-MD5, SCRAM-SHA-1, "
				 "SCRAM-SHA-256, SCRAM-SHA-1-PLUS or "
				 "SCRAM-SHA-256-PLUS", field, hint_r);
}

/* Addresses and CIDR networks (cidr.h), none twice.  Checked here, so that
 * a typo in an access list is a FILE:LINE: error at start rather than a
 * client let in or kept out; stored as the words, so that -t prints them
 * as written, and turned into networks with mu_cidr_list_parse by the
 * code that matches clients. */
static int
parse_cidr_list(const struct mu_directive *d, const char *text, void *field,
		const char **hint_r)
{
	char **list = list_split(text);
	struct mu_cidr *nets;
	size_t count;

	if (list == NULL)
		return store_blank_list(d, field, "addresses or CIDR networks, "
					"e.g. 127.0.0.1 ::1 10.0.0.0/8", hint_r);
	if (mu_cidr_list_parse(list, &nets, &count, hint_r) < 0) {
		list_free(list);
		return -1;
	}
	free(nets);
	return list_store(list, field, hint_r);
}

/* ---------------------------------------------------------------- table */

#define YES true
#define NO false

/* Every directive, in the order of pop3d.conf(5).  implemented = NO means
 * the value is checked and stored but nothing uses it yet; pop3d warns. */
const struct mu_directive mu_directives[] = {
	/* named after Gromox pop3 */
	{ "host_id", MU_CFG_STRING, OFF(host_id), NULL, 0, 0, YES,
	  MU_EMPTY_ERROR, NULL },
	{ "pop3_listen_addr", MU_CFG_STRING, OFF(listen_addr), "::", 0, 0, YES,
	  MU_EMPTY_ERROR, parse_listen_addr },
	{ "pop3_listen_port", MU_CFG_UINT, OFF(listen_port), "110", 0, 65535,
	  YES, MU_EMPTY_ERROR, NULL },
	{ "pop3_listen_tls_port", MU_CFG_INT_OPT, OFF(listen_tls_port), NULL,
	  0, 65535, YES, MU_EMPTY_UNSET, NULL },
	{ "context_num", MU_CFG_UINT, OFF(context_num), "200", 1, 0, YES,
	  MU_EMPTY_ERROR, NULL },
	{ "pop3_conn_timeout", MU_CFG_DURATION, OFF(conn_timeout), "3 minutes",
	  1, 0, YES, MU_EMPTY_ERROR, NULL },
	{ "pop3_auth_times", MU_CFG_UINT, OFF(auth_times), "3", 1, 0, YES,
	  MU_EMPTY_ERROR, NULL },
	{ "block_interval_auths", MU_CFG_DURATION, OFF(block_interval_auths),
	  "1 minute", 0, 0, YES, MU_EMPTY_ERROR, NULL },
	{ "enable_capa_implementation", MU_CFG_BOOL,
	  OFF(enable_capa_implementation), "no", 0, 0, YES, MU_EMPTY_ERROR,
	  NULL },
	{ "pop3_support_tls", MU_CFG_BOOL, OFF(support_tls), "no", 0, 0, YES,
	  MU_EMPTY_ERROR, NULL },
	{ "pop3_force_tls", MU_CFG_BOOL, OFF(force_tls), "no", 0, 0, YES,
	  MU_EMPTY_ERROR, NULL },
	{ "pop3_certificate_path", MU_CFG_STRING, OFF(certificate_path), NULL,
	  0, 0, YES, MU_EMPTY_UNSET, NULL },
	{ "pop3_private_key_path", MU_CFG_STRING, OFF(private_key_path), NULL,
	  0, 0, YES, MU_EMPTY_UNSET, NULL },
	{ "pop3_certificate_passwd", MU_CFG_STRING, OFF(certificate_passwd),
	  NULL, 0, 0, YES, MU_EMPTY_UNSET, NULL },
	{ "tls_min_proto", MU_CFG_TLS_PROTO, OFF(tls_min_proto), "tls1.2", 0, 0,
	  YES, MU_EMPTY_ERROR, NULL },
	{ "pop3_accept_haproxy", MU_CFG_UINT, OFF(accept_haproxy), "0", 0, 2,
	  YES, MU_EMPTY_ERROR, parse_haproxy },
	/* checked now; the listener matches proxies against it later */
	{ "pop3_haproxy_trusted", MU_CFG_LIST, OFF(haproxy_trusted),
	  "127.0.0.1 ::1", 0, 0, YES, MU_EMPTY_ERROR, parse_cidr_list },
	{ "pop3_fd_limit", MU_CFG_ULONG, OFF(fd_limit), "0", 0, 0, YES,
	  MU_EMPTY_ERROR, NULL },
	{ "pop3_cmd_debug", MU_CFG_UINT, OFF(cmd_debug), "0", 0, 2, YES,
	  MU_EMPTY_ERROR, NULL },
	{ "pop3_log_file", MU_CFG_STRING, OFF(log_file), "-", 0, 0, YES,
	  MU_EMPTY_ERROR, NULL },
	{ "pop3_log_level", MU_CFG_UINT, OFF(log_level), "4", 1, 6, YES,
	  MU_EMPTY_ERROR, NULL },
	/* gromox.cfg's alias of pop3_fd_limit; the larger wins (fdlimit.c) */
	{ "daemons_fd_limit", MU_CFG_ULONG, OFF(daemons_fd_limit), "0", 0, 0,
	  YES, MU_EMPTY_ERROR, NULL },
	/* the floor is pop3d's to know (conf.c: what its buffers need) */
	{ "context_max_mem", MU_CFG_SIZE, OFF(context_max_mem), "2M", 0, 0,
	  YES, MU_EMPTY_ERROR, NULL },
	{ "data_file_path", MU_CFG_STRING, OFF(data_file_path),
	  POP3D_DATADIR, 0, 0, YES, MU_EMPTY_ERROR, NULL },
	{ "config_file_path", MU_CFG_STRING, OFF(config_file_path), NULL, 0,
	  0, YES, MU_EMPTY_UNSET, NULL },
	/* Gromox's thread pool: checked so that a typo is still caught, and
	 * used by nothing -- pop3d runs each session in processes of its
	 * own (pop3d -t says so once) */
	{ "pop3_thread_init_num", MU_CFG_INT_OPT, OFF(thread_init_num), NULL,
	  0, 0, YES, MU_EMPTY_UNSET, NULL },
	{ "pop3_thread_charge_num", MU_CFG_INT_OPT, OFF(thread_charge_num),
	  NULL, 0, 0, YES, MU_EMPTY_UNSET, NULL },
	{ "context_average_mem", MU_CFG_STRING, OFF(context_average_mem), NULL,
	  0, 0, YES, MU_EMPTY_UNSET, parse_size_text },
	{ "context_average_units", MU_CFG_INT_OPT, OFF(context_average_units),
	  NULL, 0, 0, YES, MU_EMPTY_UNSET, NULL },
	{ "running_identity", MU_CFG_STRING, OFF(running_identity), "nobody",
	  0, 0, YES, MU_EMPTY_STRING, NULL },
	/* from GNU Mailutils pop3d */
	{ "mailbox", MU_CFG_STRING, OFF(mailbox), "mbox:/var/mail/%u", 0, 0,
	  YES, MU_EMPTY_ERROR, NULL },
	{ "login_delay", MU_CFG_DURATION, OFF(login_delay), "0", 0, 0, YES,
	  MU_EMPTY_ERROR, NULL },
	{ "stat_file", MU_CFG_STRING, OFF(stat_file),
	  LOCALSTATEDIR "/lib/pop3d/login.db", 0, 0, YES, MU_EMPTY_ERROR, NULL },
	{ "expire", MU_CFG_LONG_OPT, OFF(expire), NULL, 0, MU_EXPIRE_MAX_DAYS,
	  YES, MU_EMPTY_UNSET, NULL },
	{ "delete_expired", MU_CFG_BOOL, OFF(delete_expired), "no", 0, 0, YES,
	  MU_EMPTY_ERROR, NULL },
	{ "undelete", MU_CFG_BOOL, OFF(undelete), "no", 0, 0, YES,
	  MU_EMPTY_ERROR, NULL },
	{ "bulletin_source", MU_CFG_STRING, OFF(bulletin_source), NULL, 0, 0,
	  YES, MU_EMPTY_UNSET, NULL },
	{ "bulletin_db", MU_CFG_STRING, OFF(bulletin_db), NULL, 0, 0, YES,
	  MU_EMPTY_UNSET, NULL },
	/* of this project */
	{ "auth", MU_CFG_LIST, OFF(auth), "pam", 0, 0, YES, MU_EMPTY_ERROR,
	  parse_auth },
	{ "pam_service", MU_CFG_STRING, OFF(pam_service), "pop3", 0, 0, YES,
	  MU_EMPTY_ERROR, NULL },
	{ "popauth_db", MU_CFG_STRING, OFF(popauth_db),
	  SYSCONFDIR "/pop3d/popauth.db", 0, 0, YES, MU_EMPTY_ERROR, NULL },
	{ "mail_user", MU_CFG_STRING, OFF(mail_user), "", 0, 0, YES,
	  MU_EMPTY_STRING, NULL },
	{ "apop", MU_CFG_BOOL, OFF(apop), "yes", 0, 0, YES, MU_EMPTY_ERROR,
	  NULL },
	{ "sasl_mechanisms", MU_CFG_LIST, OFF(sasl_mechanisms), NULL, 0, 0, YES,
	  MU_EMPTY_UNSET, parse_sasl },
	{ "impersonation_users", MU_CFG_LIST, OFF(impersonation_users), "", 0,
	  0, YES, MU_EMPTY_UNSET, NULL },
	{ "telemetry_dir", MU_CFG_STRING, OFF(telemetry_dir), NULL, 0, 0, YES,
	  MU_EMPTY_UNSET, NULL },
	{ "lock_timeout", MU_CFG_DURATION, OFF(lock_timeout), "30s", 0, 0, YES,
	  MU_EMPTY_ERROR, NULL },
	/* checked now; sessions, the listener and mu-sieve use them later */
	{ "mail_privileged_group", MU_CFG_STRING, OFF(mail_privileged_group),
	  "mail", 0, 0, YES, MU_EMPTY_STRING, NULL },
	{ "login_timeout", MU_CFG_DURATION, OFF(login_timeout), "1 minute", 0,
	  0, YES, MU_EMPTY_ERROR, NULL },
	{ "prelogin_per_addr", MU_CFG_UINT, OFF(prelogin_per_addr), "10", 0, 0,
	  YES, MU_EMPTY_ERROR, NULL },
	{ "pid_file", MU_CFG_STRING, OFF(pid_file), NULL, 0, 0, YES,
	  MU_EMPTY_UNSET, NULL },
	{ "deny_from", MU_CFG_LIST, OFF(deny_from), "", 0, 0, YES,
	  MU_EMPTY_UNSET, parse_cidr_list },
	{ "allow_from", MU_CFG_LIST, OFF(allow_from), "", 0, 0, YES,
	  MU_EMPTY_UNSET, parse_cidr_list },
};

const size_t mu_directive_count = sizeof mu_directives / sizeof *mu_directives;

const struct mu_directive *
mu_directive_find(const char *name)
{
	for (size_t i = 0; i < mu_directive_count; i++)
		if (strcasecmp(mu_directives[i].name, name) == 0)
			return &mu_directives[i];
	return NULL;
}

bool
mu_config_is_set(const struct mu_config *cfg, const char *name)
{
	const struct mu_directive *d = mu_directive_find(name);

	return d != NULL && cfg->explicit_set != NULL &&
		cfg->explicit_set[d - mu_directives];
}

/* ------------------------------------------------- did you mean ... */

/* Names other servers give to what a directive of ours does, so that a
 * configuration carried over gets told the name to use rather than only
 * "unknown".  They stay errors: each of these servers means something a
 * little different (GNU Mailutils' statements end in ';', its mailbox is
 * a block), and a file read half-right is worse than one refused. */
static const struct {
	const char *name, *ours, *whose;
} foreign_names[] = {
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

static int
fold(char c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c == '-' ? '_' : c;
}

/* Optimal string alignment distance (Levenshtein with transpositions of
 * neighbours, "prot" for "port"), case-insensitive and with '-' taken
 * for '_'.  The table's names are short, and a name much longer than
 * all of them is far from each: three rows of a small array do, and a
 * longer name counts as far. */
#define SUGGEST_NAME_MAX 64
static size_t
edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t rows[3][SUGGEST_NAME_MAX + 1];
	size_t *prev2 = rows[0], *prev = rows[1], *cur = rows[2];

	if (la > SUGGEST_NAME_MAX || lb > SUGGEST_NAME_MAX)
		return SIZE_MAX;
	for (size_t j = 0; j <= lb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t *t;

		cur[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = fold(a[i - 1]) == fold(b[j - 1]) ? 0 : 1;
			size_t v = prev[j - 1] + cost;

			if (prev[j] + 1 < v)
				v = prev[j] + 1;
			if (cur[j - 1] + 1 < v)
				v = cur[j - 1] + 1;
			if (i > 1 && j > 1 && fold(a[i - 1]) == fold(b[j - 2]) &&
			    fold(a[i - 2]) == fold(b[j - 1]) &&
			    prev2[j - 2] + 1 < v)
				v = prev2[j - 2] + 1;
			cur[j] = v;
		}
		t = prev2;
		prev2 = prev;
		prev = cur;
		cur = t;
	}
	return prev[lb];
}

const char *
mu_directive_suggest(const char *name, const char **whose_r)
{
	const char *best = NULL;
	size_t best_d = SIZE_MAX, len = strlen(name), limit;

	if (whose_r != NULL)
		*whose_r = NULL;
	for (size_t i = 0; i < sizeof foreign_names / sizeof *foreign_names;
	     i++) {
		if (strcasecmp(name, foreign_names[i].name) == 0) {
			if (whose_r != NULL)
				*whose_r = foreign_names[i].whose;
			return foreign_names[i].ours;
		}
	}
	/* a slip of one key in a short name, up to three in a long one:
	 * closer than that, a suggestion is more guess than help */
	limit = len <= 4 ? 1 : len <= 10 ? 2 : 3;
	for (size_t i = 0; i < mu_directive_count; i++) {
		size_t dist = edit_distance(name, mu_directives[i].name);

		if (dist <= limit && dist < best_d) {
			best_d = dist;
			best = mu_directives[i].name;
		}
	}
	return best;
}

/* --------------------------------------------------- storing a value */

/* What a value of each type looks like, for "missing value" errors. */
static const char *
type_expects(const struct mu_directive *d)
{
	switch (d->type) {
	case MU_CFG_STRING:
		return "a value";
	case MU_CFG_UINT:
	case MU_CFG_INT_OPT:
	case MU_CFG_LONG_OPT:
	case MU_CFG_ULONG:
		return "a number";
	case MU_CFG_DURATION:
		return "a duration, e.g. 90s, 3min, 1h, 5 days";
	case MU_CFG_SIZE:
		return "a size, e.g. 256K, 2M, 1G";
	case MU_CFG_BOOL:
		return "yes or no";
	case MU_CFG_LIST:
		if (d->parse == parse_cidr_list)
			return "addresses or CIDR networks";
		return "a list of words";
	case MU_CFG_TLS_PROTO:
		return "tls1.0, tls1.1, tls1.2 or tls1.3";
	}
	return "a value";
}

/* The noun in `NAME: bad NOUN "VALUE" (hint)`. */
static const char *
type_noun(const struct mu_directive *d)
{
	switch (d->type) {
	case MU_CFG_UINT:
	case MU_CFG_INT_OPT:
	case MU_CFG_LONG_OPT:
	case MU_CFG_ULONG:
		return "number";
	case MU_CFG_DURATION:
		return "duration";
	case MU_CFG_SIZE:
		return "size";
	case MU_CFG_BOOL:
		return "boolean";
	case MU_CFG_LIST:
		return "list";
	case MU_CFG_STRING:
	case MU_CFG_TLS_PROTO:
		break;
	}
	return "value";
}

/* What the directive's bounds allow; UNIT names what is counted ("" for
 * plain numbers, " second" for durations). */
static const char *
bounds_hint(const struct mu_directive *d, const char *unit)
{
	unsigned long limit = d->max != 0 ? d->max : d->min;
	const char *plural = *unit != '\0' && limit != 1 ? "s" : "";

	if (d->max != 0)
		return hint("use %lu to %lu%s%s", d->min, d->max, unit, plural);
	return hint("at least %lu%s%s", d->min, unit, plural);
}

static int
check_bounds(const struct mu_directive *d, unsigned long v, const char *unit,
	     const char **hint_r)
{
	if (v >= d->min && (d->max == 0 || v <= d->max))
		return 0;
	*hint_r = bounds_hint(d, unit);
	return -1;
}

/* A number that fits both the field's C type and the directive's bounds. */
static int
parse_number(const struct mu_directive *d, const char *text,
	     unsigned long type_max, unsigned long *value_r,
	     const char **hint_r)
{
	unsigned long max = d->max != 0 && d->max < type_max ? d->max : type_max;

	if (mu_parse_uint(text, max, value_r, hint_r) < 0) {
		/* all digits: too large, so say what the range is */
		if (d->max != 0 && text[strspn(text, "0123456789")] == '\0')
			*hint_r = bounds_hint(d, "");
		return -1;
	}
	return check_bounds(d, *value_r, "", hint_r);
}

/* The type's plain parser: TEXT (not empty) into the field. */
static int
parse_plain(const struct mu_directive *d, const char *text, void *field,
	    const char **hint_r)
{
	unsigned long ul;
	unsigned secs;
	bool b;
	enum mu_tls_proto proto;

	switch (d->type) {
	case MU_CFG_STRING:
		free(*(char **)field);
		*(char **)field = mu_xstrdup(text);
		return 0;
	case MU_CFG_UINT:
		if (parse_number(d, text, UINT_MAX, &ul, hint_r) < 0)
			return -1;
		*(unsigned *)field = (unsigned)ul;
		return 0;
	case MU_CFG_INT_OPT:
		if (parse_number(d, text, INT_MAX, &ul, hint_r) < 0)
			return -1;
		*(int *)field = (int)ul;
		return 0;
	case MU_CFG_LONG_OPT:
		if (parse_number(d, text, LONG_MAX, &ul, hint_r) < 0)
			return -1;
		*(long *)field = (long)ul;
		return 0;
	case MU_CFG_ULONG:
		if (parse_number(d, text, ULONG_MAX, &ul, hint_r) < 0)
			return -1;
		*(unsigned long *)field = ul;
		return 0;
	case MU_CFG_DURATION:
		if (mu_parse_duration(text, &secs, hint_r) < 0 ||
		    check_bounds(d, secs, " second", hint_r) < 0)
			return -1;
		*(unsigned *)field = secs;
		return 0;
	case MU_CFG_SIZE:
		if (mu_parse_size(text, &ul, hint_r) < 0 ||
		    check_bounds(d, ul, " byte", hint_r) < 0)
			return -1;
		*(unsigned long *)field = ul;
		return 0;
	case MU_CFG_BOOL:
		if (mu_parse_bool(text, &b, hint_r) < 0)
			return -1;
		*(bool *)field = b;
		return 0;
	case MU_CFG_TLS_PROTO:
		if (mu_parse_tls_proto(text, &proto, hint_r) < 0)
			return -1;
		*(enum mu_tls_proto *)field = proto;
		return 0;
	case MU_CFG_LIST:
		return list_store(list_split(text), field, hint_r);
	}
	*hint_r = "unknown directive type";
	return -1;
}

/* The "unset" state of a field (-1, NULL). */
static void
set_unset(const struct mu_directive *d, void *field)
{
	switch (d->type) {
	case MU_CFG_STRING:
		free(*(char **)field);
		*(char **)field = NULL;
		break;
	case MU_CFG_LIST:
		list_free(*(char ***)field);
		*(char ***)field = NULL;
		break;
	case MU_CFG_INT_OPT:
		*(int *)field = -1;
		break;
	case MU_CFG_LONG_OPT:
		*(long *)field = -1;
		break;
	default:
		break;
	}
}

enum set_result { SET_OK, SET_EMPTY_REFUSED, SET_BAD };

static enum set_result
set_value(struct mu_config *cfg, const struct mu_directive *d,
	  const char *text, const char **hint_r)
{
	void *field = FIELD(cfg, d, char);

	if (*text == '\0') {
		switch (d->empty) {
		case MU_EMPTY_ERROR:
			return SET_EMPTY_REFUSED;
		case MU_EMPTY_UNSET:
			set_unset(d, field);
			return SET_OK;
		case MU_EMPTY_STRING:
			free(*(char **)field);
			*(char **)field = mu_xstrdup("");
			return SET_OK;
		}
	}
	if ((d->parse ? d->parse : parse_plain)(d, text, field, hint_r) < 0)
		return SET_BAD;
	return SET_OK;
}

/* -------------------------------------------------------- init and free */

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
	for (size_t i = 0; i < mu_directive_count; i++) {
		const struct mu_directive *d = &mu_directives[i];
		const char *why = NULL;

		if (d->offset == OFF(host_id)) {
			cfg->host_id = system_hostname();
			continue;
		}
		if (d->default_text == NULL) {
			set_unset(d, FIELD(cfg, d, char));
			continue;
		}
		if (set_value(cfg, d, d->default_text, &why) != SET_OK) {
			/* a broken table is a bug, not a user error */
			fprintf(stderr, "mu_config_init: default of %s \"%s\": "
				"%s\n", d->name, d->default_text,
				why ? why : "empty value refused");
			abort();
		}
	}
}

void
mu_config_free(struct mu_config *cfg)
{
	for (size_t i = 0; i < mu_directive_count; i++) {
		const struct mu_directive *d = &mu_directives[i];

		if (d->type == MU_CFG_STRING || d->type == MU_CFG_LIST)
			set_unset(d, FIELD(cfg, d, char));
	}
	if (cfg->extra != NULL && cfg->extra_free != NULL)
		cfg->extra_free(cfg->extra);
	free(cfg->explicit_set);
	free(cfg->file);
	memset(cfg, 0, sizeof *cfg);
}

/* ------------------------------------------------------------ the reader */

struct reader {
	struct mu_config *cfg;
	const char *file;
	unsigned line;
	FILE *errs;
	int errors;
	unsigned *first_line;           /* per directive; 0: not seen yet */
};

static void
report(struct reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
report(struct reader *r, const char *fmt, ...)
{
	va_list ap;

	r->errors++;
	if (r->errs == NULL)
		return;
	fprintf(r->errs, "%s:%u: ", r->file, r->line);
	va_start(ap, fmt);
	vfprintf(r->errs, fmt, ap);
	va_end(ap);
	fputc('\n', r->errs);
}

enum line_status { LINE_OK, LINE_EOF, LINE_TOO_LONG, LINE_NUL, LINE_IO_ERROR };

/* One line into buf (NUL-terminated, without its LF or a CR before it).
 * A line is never split: an overlong one is read to its end and refused. */
static enum line_status
read_line(FILE *f, char buf[MU_CONFIG_LINE_MAX + 2])
{
	size_t len = 0;
	bool overlong = false, nul = false, any = false;
	int c;

	while ((c = getc(f)) != EOF) {
		any = true;
		if (c == '\n')
			break;
		if (c == '\0')
			nul = true;
		/* one byte of slack for the CR of a CRLF file */
		if (len < MU_CONFIG_LINE_MAX + 1)
			buf[len++] = (char)c;
		else
			overlong = true;
	}
	if (ferror(f))
		return LINE_IO_ERROR;
	if (!any)
		return LINE_EOF;
	if (len > 0 && buf[len - 1] == '\r')
		len--;
	buf[len] = '\0';
	if (overlong || len > MU_CONFIG_LINE_MAX)
		return LINE_TOO_LONG;
	return nul ? LINE_NUL : LINE_OK;
}

/* A double-quoted value starting at *p (on the quote) into out; \" and \\
 * are the only escapes.  0 ok (p past the quote), -1 with *why set. */
static int
unquote(const char **pp, char *out, const char **why)
{
	const char *p = *pp + 1;

	for (;;) {
		char c = *p++;

		if (c == '\0') {
			*why = "missing closing quote";
			return -1;
		}
		if (c == '"')
			break;
		if (c == '\\') {
			c = *p++;
			if (c != '"' && c != '\\') {
				*why = "bad escape in quoted value (only \\\" "
				       "and \\\\ are allowed)";
				return -1;
			}
		}
		*out++ = c;
	}
	*out = '\0';
	*pp = p;
	return 0;
}

static void
parse_line(struct reader *r, char *line, char *value_buf)
{
	char *p = line, *name, *value;
	const struct mu_directive *d;
	const char *why = NULL;
	size_t idx;

	while (is_space(*p))
		p++;
	if (*p == '\0' || *p == '#')
		return;
	name = p;
	while (*p != '\0' && !is_space(*p) && *p != '=')
		p++;
	if (p == name) {
		report(r, "missing directive name before \"=\" "
		       "(expected \"name = value\")");
		return;
	}
	if (*p != '\0' && *p != '=')
		*p++ = '\0';
	while (is_space(*p))
		p++;
	if (*p != '=') {
		report(r, "%.*s: missing \"=\" (expected \"%.*s = value\")",
		       MU_CONFIG_QUOTE_MAX, name, MU_CONFIG_QUOTE_MAX, name);
		return;
	}
	*p++ = '\0';
	while (is_space(*p))
		p++;

	if (*p == '"') {
		const char *q = p;

		if (unquote(&q, value_buf, &why) < 0) {
			report(r, "%.*s: %s", MU_CONFIG_QUOTE_MAX, name, why);
			return;
		}
		while (is_space(*q))
			q++;
		if (*q != '\0' && *q != '#') {
			report(r, "%.*s: unexpected text after the closing "
			       "quote", MU_CONFIG_QUOTE_MAX, name);
			return;
		}
		value = value_buf;
	} else {
		/* '#' opens a comment only at the start or after a blank,
		 * so a password like pa#ss survives */
		char *end;

		value = p;
		for (end = p; *end != '\0'; end++)
			if (*end == '#' && (end == value || is_space(end[-1])))
				break;
		while (end > value && is_space(end[-1]))
			end--;
		*end = '\0';
	}

	d = mu_directive_find(name);
	if (d == NULL) {
		const char *whose, *near = mu_directive_suggest(name, &whose);

		if (near == NULL)
			report(r, "unknown directive \"%.*s\"",
			       MU_CONFIG_QUOTE_MAX, name);
		else
			report(r, "unknown directive \"%.*s\"; did you mean "
			       "\"%s\"?%s%s%s", MU_CONFIG_QUOTE_MAX, name, near,
			       whose ? " (" : "", whose ? whose : "",
			       whose ? ")" : "");
		return;
	}
	idx = (size_t)(d - mu_directives);
	if (r->first_line[idx] != 0) {
		report(r, "%s: set twice (first on line %u)", d->name,
		       r->first_line[idx]);
		return;
	}
	r->first_line[idx] = r->line;

	switch (set_value(r->cfg, d, value, &why)) {
	case SET_OK:
		r->cfg->explicit_set[idx] = true;
		break;
	case SET_EMPTY_REFUSED:
		report(r, "%s: missing value (expected %s)", d->name,
		       type_expects(d));
		break;
	case SET_BAD:
		report(r, "%s: bad %s \"%.*s%s\" (%s)", d->name, type_noun(d),
		       MU_CONFIG_QUOTE_MAX, value,
		       strlen(value) > MU_CONFIG_QUOTE_MAX ? "..." : "", why);
		break;
	}
}

int
mu_config_read(struct mu_config *cfg, const char *file, bool missing_ok,
	       FILE *errs)
{
	struct reader r = {
		.cfg = cfg, .file = file, .line = 0, .errs = errs, .errors = 0,
	};
	char *line, *value_buf;
	FILE *f = fopen(file, "re");
	int result;

	if (f == NULL) {
		if (errno == ENOENT && missing_ok)
			return 0;
		if (errs != NULL)
			fprintf(errs, "%s: cannot open: %s\n", file,
				strerror(errno));
		return -1;
	}
	free(cfg->file);
	cfg->file = mu_xstrdup(file);
	r.first_line = mu_xcalloc(mu_directive_count, sizeof *r.first_line);
	line = mu_xmalloc(MU_CONFIG_LINE_MAX + 2);
	value_buf = mu_xmalloc(MU_CONFIG_LINE_MAX + 2);

	for (;;) {
		enum line_status st = read_line(f, line);

		if (st == LINE_EOF)
			break;
		r.line++;
		if (st == LINE_IO_ERROR) {
			if (errs != NULL)
				fprintf(errs, "%s:%u: read error: %s\n", file,
					r.line, strerror(errno));
			r.errors = -1;
			break;
		}
		if (st == LINE_TOO_LONG)
			report(&r, "line too long (more than %d bytes)",
			       MU_CONFIG_LINE_MAX);
		else if (st == LINE_NUL)
			report(&r, "NUL byte in line");
		else
			parse_line(&r, line, value_buf);
	}
	result = r.errors;
	fclose(f);
	free(line);
	free(value_buf);
	free(r.first_line);
	return result;
}

/* ----------------------------------------------------------- the printer */

/* Quoted when plain text would read back differently: a leading quote or
 * blank, a trailing blank, a '#' that could open a comment, or a trailing
 * CR (the reader would take it for the CR of a CRLF line end). */
static void
print_string(FILE *out, const char *s)
{
	size_t len = strlen(s);

	if (len == 0)
		return;
	if (s[0] != '"' && !is_space(s[0]) && !is_space(s[len - 1]) &&
	    s[len - 1] != '\r' && strchr(s, '#') == NULL) {
		fprintf(out, " %s", s);
		return;
	}
	fputs(" \"", out);
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

static void
print_value(FILE *out, const struct mu_config *cfg, const struct mu_directive *d)
{
	struct mu_buf b;
	char *const *list;
	int iv;
	long lv;

	switch (d->type) {
	case MU_CFG_STRING: {
		const char *s = *CFIELD(cfg, d, char *);

		if (s != NULL)
			print_string(out, s);
		break;
	}
	case MU_CFG_UINT:
	case MU_CFG_DURATION:
		fprintf(out, " %u", *CFIELD(cfg, d, unsigned));
		break;
	case MU_CFG_INT_OPT:
		if ((iv = *CFIELD(cfg, d, int)) >= 0)
			fprintf(out, " %d", iv);
		break;
	case MU_CFG_LONG_OPT:
		if ((lv = *CFIELD(cfg, d, long)) >= 0)
			fprintf(out, " %ld", lv);
		break;
	case MU_CFG_SIZE:
	case MU_CFG_ULONG:
		fprintf(out, " %lu", *CFIELD(cfg, d, unsigned long));
		break;
	case MU_CFG_BOOL:
		fputs(*CFIELD(cfg, d, bool) ? " yes" : " no", out);
		break;
	case MU_CFG_TLS_PROTO:
		fprintf(out, " %s",
			mu_tls_proto_name(*CFIELD(cfg, d, enum mu_tls_proto)));
		break;
	case MU_CFG_LIST:
		list = *CFIELD(cfg, d, char **);
		if (list == NULL)
			break;
		mu_buf_init(&b);
		for (size_t i = 0; list[i] != NULL; i++)
			mu_buf_appendf(&b, "%s%s", i ? " " : "", list[i]);
		print_string(out, b.data);      /* mu_buf keeps a NUL */
		mu_buf_free(&b);
		break;
	}
}

void
mu_config_print(const struct mu_config *cfg, FILE *out)
{
	for (size_t i = 0; i < mu_directive_count; i++) {
		fprintf(out, "%s =", mu_directives[i].name);
		print_value(out, cfg, &mu_directives[i]);
		fputc('\n', out);
	}
}

void
mu_config_warn_unimplemented(const struct mu_config *cfg,
			     void (*warn)(const char *name, void *ctx),
			     void *ctx)
{
	if (cfg->explicit_set == NULL)
		return;
	for (size_t i = 0; i < mu_directive_count; i++)
		if (cfg->explicit_set[i] && !mu_directives[i].implemented)
			warn(mu_directives[i].name, ctx);
}
