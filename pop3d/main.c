/* pop3d: options and modes (pop3d(8), OPTIONS and MODES). */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "pop3d/common/settings.h"
#include "libmu/log.h"
#include "libmu/mailbox.h"
#include "libmu/util.h"
#include "pop3d/listener/access.h"
#include "pop3d/common/conf.h"
#include "pop3d/listener/daemon.h"
#include "pop3d/listener/fdlimit.h"
#include "pop3d/common/limits.h"
#include "pop3d/common/lint.h"
#include "pop3d/common/net.h"
#include "pop3d/common/session.h"
#include "pop3d/net/net_session.h"
#include "pop3d/common/shared.h"
#include "pop3d/net/tls.h"

#define DEFAULT_CONFIG SYSCONFDIR "/pop3d.conf"

enum mode { MODE_INETD, MODE_DAEMON };

struct options {
	const char *config_file;
	bool config_explicit;
	enum mode mode;
	bool mode_inetd_given;
	unsigned max_children;          /* -dN; 0: context_num */
	bool foreground;
	bool implicit_tls;              /* -s */
	bool proxy_header;              /* -H */
	bool lint;
	bool help, version;
};

enum { OPT_FOREGROUND = 256, OPT_VERSION, OPT_HELP };

static const struct option long_options[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "inetd", no_argument, NULL, 'i' },
	{ "daemon", optional_argument, NULL, 'd' },
	{ "foreground", no_argument, NULL, OPT_FOREGROUND },
	{ "lint", no_argument, NULL, 't' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

static void
usage(FILE *out)
{
	fprintf(out,
"Usage: pop3d [-c FILE] [-i | -d[N]] [--foreground] [-s] [-H] [-t]\n"
"A POP3 server (RFC 1939, 2449) for mbox, Maildir and MH mailboxes.\n"
"\n"
"  -c, --config=FILE   configuration file (default %s;\n"
"                      a missing default file means built-in defaults)\n"
"  -i, --inetd         serve one session on stdin/stdout (the default)\n"
"  -d, --daemon[=N]    standalone: listen and fork one child per connection,\n"
"                      at most N at once (default: context_num)\n"
"      --foreground    with -d: do not detach; log to stderr unless\n"
"                      pop3_log_file says otherwise\n"
"  -s                  inetd mode: the connection is implicit TLS (POP3S)\n"
"  -H                  expect a PROXY protocol v2 header first (with -d:\n"
"                      as pop3_accept_haproxy = 2)\n"
"  -t, --lint          check the configuration, print every effective\n"
"                      setting; exit 0 if sound, 1 if not\n"
"      --version       print the version and exit\n"
"  -?, --help          print this help and exit\n"
"\n"
"Signals (-d): SIGTERM or SIGINT stop, SIGHUP re-reads the configuration.\n"
"See pop3d(8) and pop3d.conf(5).\n", DEFAULT_CONFIG);
}

static void
bad_usage(const char *what, const char *arg)
{
	fprintf(stderr, "pop3d: %s '%s'; see pop3d --help\n", what, arg);
	exit(1);
}

static void
parse_options(int argc, char **argv, struct options *o)
{
	const char *error;
	unsigned long n;
	int c;

	memset(o, 0, sizeof *o);
	o->config_file = DEFAULT_CONFIG;
	o->mode = MODE_INETD;
	opterr = 0;             /* our own messages: one line each */
	for (;;) {
		char shortopt[3] = { '-', 0, 0 };

		optopt = 0;
		c = getopt_long(argc, argv, ":c:id::sHt", long_options, NULL);
		if (c == -1)
			break;
		switch (c) {
		case 'c':
			o->config_file = optarg;
			o->config_explicit = true;
			break;
		case 'i':
			o->mode_inetd_given = true;
			break;
		case 'd':
			o->mode = MODE_DAEMON;
			if (optarg == NULL)
				break;
			if (mu_parse_uint(optarg, 1000000, &n, &error) < 0 || n == 0)
				bad_usage("bad number of children in", argv[optind - 1]);
			o->max_children = (unsigned)n;
			break;
		case OPT_FOREGROUND:
			o->foreground = true;
			break;
		case 's':
			o->implicit_tls = true;
			break;
		case 'H':
			o->proxy_header = true;
			break;
		case 't':
			o->lint = true;
			break;
		case OPT_VERSION:
			o->version = true;
			break;
		case OPT_HELP:
			o->help = true;
			break;
		case ':':
			if (optopt > 0 && optopt < 128 && isalpha(optopt)) {
				shortopt[1] = (char)optopt;
				bad_usage("missing argument to option", shortopt);
			}
			bad_usage("missing argument to option", argv[optind - 1]);
			break;
		default:
			/* '?' is not in the option string, so "-?" arrives
			 * here as an unknown option whose letter is '?' */
			if (optopt == '?') {
				o->help = true;
				break;
			}
			if (optopt > 0 && optopt < 128 && isprint(optopt) &&
			    strncmp(argv[optind - 1], "--", 2) != 0) {
				shortopt[1] = (char)optopt;
				bad_usage("unknown option", shortopt);
			}
			bad_usage("unknown or malformed option",
				  argv[optind - 1]);
		}
	}
	if (optind < argc)
		bad_usage("unexpected argument", argv[optind]);
	if (o->mode_inetd_given && o->mode == MODE_DAEMON) {
		fprintf(stderr, "pop3d: -i and -d exclude each other; see "
			"pop3d --help\n");
		exit(1);
	}
	/* ignored silently, -d -s would leave an administrator believing
	 * the plain port speaks TLS */
	if (o->implicit_tls && o->mode == MODE_DAEMON) {
		fprintf(stderr, "pop3d: -s is for inetd mode; with -d, set "
			"pop3_listen_tls_port; see pop3d --help\n");
		exit(1);
	}
}

/* Load what TLS needs; a bad setting is one line on stderr naming the
 * directive's line, the file and GnuTLS's reason. */
static int
start_tls(const struct mu_config *cfg, bool required)
{
	const char *directive = NULL;
	char *error = NULL, *warning;
	unsigned line;

	if (tls_server_setup(cfg, required, &directive, &error) < 0) {
		line = conf_directive_line(cfg->file, directive);
		if (line > 0)
			fprintf(stderr, "pop3d: %s:%u: %s\n", cfg->file, line,
				error);
		else
			fprintf(stderr, "pop3d: %s\n", error);
		free(error);
		return -1;
	}
	warning = tls_config_warning(cfg, &directive);
	if (warning != NULL) {
		mu_log(MU_LOG_WARNING, "%s", warning);
		free(warning);
	}
	return 0;
}

/* inetd mode: what the listener checks at accept in -d mode, on the
 * socket's peer, before a byte is read.  With a PROXY v2 header to come
 * the peer is a proxy, which must be trusted; the ACL then applies to the
 * header's address (the monitor checks it).  Not an IP peer (a pipe, a
 * UNIX socket): local, let in. */
static bool
inetd_admitted(const struct mu_config *cfg, const struct session_conn *conn)
{
	struct sockaddr_storage ss;
	socklen_t len;
	char host[SESSION_HOST_ID_MAX], text[POP3_REPLY_MAX];
	int r = access_peer(conn->in_fd, &ss, &len);

	if (r < 0) {
		mu_log(MU_LOG_ERR, "[client %s] getpeername: %s; closing",
		       conn->client, strerror(errno));
		return false;
	}
	if (r == 0)
		return true;
	if (conn->proxy_v2) {
		if (access_proxy_trusted(cfg, (struct sockaddr *)&ss, len))
			return true;
		mu_log(MU_LOG_NOTICE, "[client %s port %u] refused: not in "
		       "pop3_haproxy_trusted, it may not send a PROXY v2 "
		       "header; closed without greeting", conn->client,
		       conn->client_port);
		return false;
	}
	if (access_client_allowed(cfg, (struct sockaddr *)&ss, len))
		return true;
	snprintf(text, sizeof text, "[SYS/PERM] %.400s %s",
		 conf_host_id(cfg, host, sizeof host),
		 text_get(cfg, TEXT_ACCESS_DENIED));
	access_refuse(conn->out_fd, conn->implicit_tls, text);
	mu_log(MU_LOG_NOTICE, "[client %s port %u] refused: access denied "
	       "(deny_from, allow_from)", conn->client, conn->client_port);
	return false;
}

int
main(int argc, char **argv)
{
	struct options o;
	struct mu_config *cfg;
	const char *error;
	const char *problem;
	int status;

	/* the names pop3d's log lines and its files in the spools have
	 * always had */
	mu_log_set_ident("pop3d");
	mu_mailbox_set_file_tag(POP3D_MAILBOX_FILE_TAG);
	parse_options(argc, argv, &o);
	if (o.help) {
		usage(stdout);
		return fflush(stdout) == 0 ? 0 : 1;
	}
	if (o.version) {
		printf("pop3d (%s) %s\n", PACKAGE, VERSION);
		return fflush(stdout) == 0 ? 0 : 1;
	}
	if (o.lint)
		return lint_run(o.config_file, o.config_explicit);

	cfg = mu_xcalloc(1, sizeof *cfg);
	mu_config_init(cfg);
	if (conf_load(cfg, o.config_file, o.config_explicit, &problem) < 0) {
		fprintf(stderr, "pop3d: %s\n", problem);
		return 1;
	}
	/* In inetd mode stderr may be the client's socket: "-" must mean
	 * syslog there, never stderr */
	if (mu_log_open("pop3d", cfg->log_file, cfg->log_level,
			o.mode == MODE_DAEMON && o.foreground, &error) < 0) {
		fprintf(stderr, "pop3d: cannot open log %s: %s\n",
			cfg->log_file, error);
		return 1;
	}
	fd_limit_apply(fd_limit_wanted(cfg));
	/* certificates are loaded here, once, before any session forks:
	 * every child inherits them and the session ticket key */
	if (start_tls(cfg, o.implicit_tls && o.mode == MODE_INETD) < 0)
		return 1;
	/* a vanished client shows up as EPIPE from write(), not a signal */
	signal(SIGPIPE, SIG_IGN);

	if (o.mode == MODE_DAEMON) {
		struct daemon_options dopts = {
			.config_file = o.config_file,
			.config_explicit = o.config_explicit,
			.max_children = o.max_children,
			.foreground = o.foreground,
			.proxy_header = o.proxy_header,
		};

		status = daemon_run(cfg, &dopts);
	} else {
		struct session_conn conn = {
			.in_fd = 0,
			.out_fd = 1,
			.implicit_tls = o.implicit_tls,
			.proxy_v2 = o.proxy_header || cfg->accept_haproxy == 2,
			.link_fd = -1,
		};

		net_peer_name(0, conn.client, sizeof conn.client,
			      &conn.client_port);
		status = inetd_admitted(cfg, &conn) ?
			net_session_run(cfg, &conn) : 1;
		mu_config_free(cfg);
		free(cfg);
	}
	mu_log_close();
	return status;
}
