/* Numbers are strict (digits only, no sign, no junk, no overflow) and
 * bounded per directive; also the other one-word kinds: tls_min_proto,
 * pop3_accept_haproxy (0 or 2), expire (days or unset), the optional
 * TLS port and the listen address. */
#include "config.h"

#include <limits.h>

#include "config-fixture.h"

static void
uint_good(const char *text, unsigned long max, unsigned long expected)
{
	unsigned long v = 999;
	const char *why = NULL;
	int rc = mu_parse_uint(text, max, &v, &why);

	CHECK(rc == 0 && v == expected, "\"%s\" max %lu: rc %d v %lu: %s", text,
	      max, rc, v, why ? why : "");
}

static void
uint_bad(const char *text, unsigned long max)
{
	unsigned long v = 999;
	const char *why = NULL;
	int rc = mu_parse_uint(text, max, &v, &why);

	CHECK(rc == -1 && why != NULL && v == 999, "\"%s\" max %lu accepted",
	      text, max);
}

int
main(void)
{
	struct mu_config cfg;
	enum mu_tls_proto proto;
	const char *why;

	uint_good("0", 10, 0);
	uint_good("10", 10, 10);
	uint_good("007", 10, 7);
	uint_good("4294967297", 0, 4294967297UL > ULONG_MAX ? 0 : 4294967297UL);
	uint_good("18446744073709551615", 0, ULONG_MAX);
	uint_bad("11", 10);
	uint_bad("18446744073709551616", 0);
	uint_bad("99999999999999999999999999999", 0);
	uint_bad("", 0);
	uint_bad("-1", 0);
	uint_bad("+1", 0);
	uint_bad(" 1", 0);
	uint_bad("1 ", 0);
	uint_bad("1a", 0);
	uint_bad("0x1", 0);
	uint_bad("1e3", 0);

	CHECK(mu_parse_tls_proto("TLS1.3", &proto, &why) == 0 &&
	      proto == MU_TLS1_3, "TLS1.3");
	CHECK(mu_parse_tls_proto("tls1.0", &proto, &why) == 0 &&
	      proto == MU_TLS1_0, "tls1.0");
	CHECK(mu_parse_tls_proto("tls1.4", &proto, &why) == -1, "tls1.4");
	CHECK(strcmp(mu_tls_proto_name(MU_TLS1_1), "tls1.1") == 0, "name");

	fixture_setup();
	read_good(&cfg, "pop3_listen_port = 0\n"
		  "pop3_listen_tls_port = 995\n"
		  "context_num = 4294967295\n"
		  "pop3_fd_limit = 1048576\n"
		  "pop3_log_level = 6\n"
		  "pop3_cmd_debug = 2\n"
		  "pop3_accept_haproxy = 2\n"
		  "pop3_auth_times = 5\n"
		  "tls_min_proto = TLS1.3\n"
		  "expire = 0\n"
		  "pop3_listen_addr = 127.0.0.1\n");
	CHECK(cfg.listen_port == 0, "port %u", cfg.listen_port);
	CHECK(cfg.listen_tls_port == 995, "tls port %d", cfg.listen_tls_port);
	CHECK(cfg.context_num == 4294967295u, "context_num %u", cfg.context_num);
	CHECK(cfg.fd_limit == 1048576, "fd_limit %lu", cfg.fd_limit);
	CHECK(cfg.log_level == 6, "log_level %u", cfg.log_level);
	CHECK(cfg.cmd_debug == 2, "cmd_debug %u", cfg.cmd_debug);
	CHECK(cfg.accept_haproxy == 2, "haproxy %u", cfg.accept_haproxy);
	CHECK(cfg.auth_times == 5, "auth_times %u", cfg.auth_times);
	CHECK(cfg.tls_min_proto == MU_TLS1_3, "tls_min_proto");
	CHECK(cfg.expire == 0, "expire %ld", cfg.expire);
	CHECK(strcmp(cfg.listen_addr, "127.0.0.1") == 0, "addr %s",
	      cfg.listen_addr);
	mu_config_free(&cfg);

	read_good(&cfg, "expire = 36500\npop3_listen_tls_port =\n"
		  "pop3_listen_addr = ::1\n");
	CHECK(cfg.expire == 36500, "expire %ld", cfg.expire);
	CHECK(cfg.listen_tls_port == -1, "empty tls port %d",
	      cfg.listen_tls_port);
	CHECK(strcmp(cfg.listen_addr, "::1") == 0, "addr %s", cfg.listen_addr);
	mu_config_free(&cfg);

	read_bad("pop3_listen_port = 65536\n",
		 "pop3d.conf:1: pop3_listen_port: bad number \"65536\" "
		 "(use 0 to 65535)\n", 1);
	read_bad("pop3_listen_port = 4294967296\n",
		 "pop3d.conf:1: pop3_listen_port: bad number \"4294967296\" "
		 "(use 0 to 65535)\n", 1);
	read_bad("pop3_listen_port = +110\n",
		 "pop3d.conf:1: pop3_listen_port: bad number \"+110\" "
		 "(use a whole number of digits only, e.g. 3)\n", 1);
	read_bad("context_num = 4294967296\n",
		 "pop3d.conf:1: context_num: bad number \"4294967296\" "
		 "(at most 4294967295)\n", 1);
	read_bad("pop3_log_level = 7\n",
		 "pop3d.conf:1: pop3_log_level: bad number \"7\" "
		 "(use 1 to 6)\n", 1);
	read_bad("pop3_accept_haproxy = 1\n",
		 "pop3d.conf:1: pop3_accept_haproxy: bad number \"1\" "
		 "(PROXY protocol v1 is not supported; use 0 or 2)\n", 1);
	read_bad("pop3_accept_haproxy = 3\n",
		 "pop3d.conf:1: pop3_accept_haproxy: bad number \"3\" "
		 "(use 0 (no PROXY header) or 2 (PROXY protocol v2))\n", 1);
	read_bad("pop3_accept_haproxy = yes\n",
		 "pop3d.conf:1: pop3_accept_haproxy: bad number \"yes\" "
		 "(use 0 (no PROXY header) or 2 (PROXY protocol v2))\n", 1);
	read_bad("expire = 36501\n",
		 "pop3d.conf:1: expire: bad number \"36501\" "
		 "(use 0 to 36500)\n", 1);
	read_bad("expire = 5 days\n",
		 "pop3d.conf:1: expire: bad number \"5 days\" "
		 "(use a whole number of digits only, e.g. 3)\n", 1);
	read_bad("pop3_listen_tls_port = 65536\n",
		 "pop3d.conf:1: pop3_listen_tls_port: bad number \"65536\" "
		 "(use 0 to 65535)\n", 1);
	read_bad("pop3_auth_times = 0\n",
		 "pop3d.conf:1: pop3_auth_times: bad number \"0\" "
		 "(at least 1)\n", 1);
	read_bad("pop3_listen_addr = [::1]\n",
		 "pop3d.conf:1: pop3_listen_addr: bad value \"[::1]\" "
		 "(use an IPv4 or IPv6 address, e.g. ::, 0.0.0.0, 127.0.0.1 "
		 "or ::1)\n", 1);
	read_bad("tls_min_proto = 1.2\n",
		 "pop3d.conf:1: tls_min_proto: bad value \"1.2\" "
		 "(use tls1.0, tls1.1, tls1.2 or tls1.3)\n", 1);
	return fixture_finish();
}
