/* proxy_v2_parse() and proxy_v2_read() against headers built byte by
 * byte (haproxy's proxy-protocol.txt, section 2.2): what is accepted,
 * what each malformation is refused for, and that reading consumes
 * exactly the header and not one octet of what follows. */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "pop3d/common/limits.h"
#include "pop3d/net/proxy.h"
#include "testsuite/lib/check.h"

static const unsigned char sig[12] = "\r\n\r\n\0\r\nQUIT\n";

/* A header: fixed part with ver_cmd and fam, then body (len octets);
 * the length field says field_len. */
static size_t
build(unsigned char *out, unsigned ver_cmd, unsigned fam,
      const unsigned char *body, size_t len, size_t field_len)
{
	memcpy(out, sig, 12);
	out[12] = (unsigned char)ver_cmd;
	out[13] = (unsigned char)fam;
	out[14] = (unsigned char)(field_len >> 8);
	out[15] = (unsigned char)field_len;
	if (len > 0)
		memcpy(out + 16, body, len);
	return 16 + len;
}

static size_t
v4_body(unsigned char *b, const char *src, unsigned sport, const char *dst,
	unsigned dport)
{
	inet_pton(AF_INET, src, b);
	inet_pton(AF_INET, dst, b + 4);
	b[8] = (unsigned char)(sport >> 8);
	b[9] = (unsigned char)sport;
	b[10] = (unsigned char)(dport >> 8);
	b[11] = (unsigned char)dport;
	return 12;
}

static size_t
v6_body(unsigned char *b, const char *src, unsigned sport, const char *dst,
	unsigned dport)
{
	inet_pton(AF_INET6, src, b);
	inet_pton(AF_INET6, dst, b + 16);
	b[32] = (unsigned char)(sport >> 8);
	b[33] = (unsigned char)sport;
	b[34] = (unsigned char)(dport >> 8);
	b[35] = (unsigned char)dport;
	return 36;
}

static int
parse(const unsigned char *buf, size_t len, struct proxy_v2_info *info,
      const char **error)
{
	*error = "(none)";
	return proxy_v2_parse(buf, len, info, error);
}

static void
expect_refused(const unsigned char *buf, size_t len, const char *what,
	       const char *reason)
{
	struct proxy_v2_info info;
	const char *error;

	CHECK(parse(buf, len, &info, &error) == -1, "%s accepted", what);
	CHECK(strstr(error, reason) != NULL, "%s: error \"%s\", want \"%s\"",
	      what, error, reason);
}

static void
test_valid(void)
{
	unsigned char body[512], buf[600];
	struct proxy_v2_info info;
	const char *error;
	char text[INET6_ADDRSTRLEN];
	size_t n, len;

	n = v4_body(body, "203.0.113.7", 40123, "192.0.2.1", 110);
	len = build(buf, 0x21, 0x11, body, n, n);
	CHECK(parse(buf, len, &info, &error) == 0, "v4: %s", error);
	{
		const struct sockaddr_in *in = (const void *)&info.src;

		CHECK(!info.local && in->sin_family == AF_INET &&
		      ntohs(in->sin_port) == 40123, "v4 family/port");
		inet_ntop(AF_INET, &in->sin_addr, text, sizeof text);
		CHECK(strcmp(text, "203.0.113.7") == 0, "v4 src %s", text);
		CHECK(info.src_len == sizeof *in, "v4 length");
	}

	n = v6_body(body, "2001:db8::42", 1, "2001:db8::1", 995);
	len = build(buf, 0x21, 0x21, body, n, n);
	CHECK(parse(buf, len, &info, &error) == 0, "v6: %s", error);
	{
		const struct sockaddr_in6 *in6 = (const void *)&info.src;

		CHECK(!info.local && in6->sin6_family == AF_INET6 &&
		      ntohs(in6->sin6_port) == 1, "v6 family/port");
		inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text);
		CHECK(strcmp(text, "2001:db8::42") == 0, "v6 src %s", text);
	}

	/* TLVs: NOOP with padding, an empty one, ALPN; all skipped */
	n = v4_body(body, "198.51.100.9", 5, "192.0.2.1", 110);
	memcpy(body + n, "\x04\x00\x03xyz" "\x05\x00\x00" "\x01\x00\x04pop3",
	       6 + 3 + 7);
	n += 16;
	len = build(buf, 0x21, 0x11, body, n, n);
	CHECK(parse(buf, len, &info, &error) == 0, "v4 + TLVs: %s", error);
	CHECK(!info.local, "v4 + TLVs keeps the address");

	/* LOCAL: no address, whatever the family byte says */
	len = build(buf, 0x20, 0x00, NULL, 0, 0);
	CHECK(parse(buf, len, &info, &error) == 0 && info.local, "LOCAL");
	n = v4_body(body, "203.0.113.7", 1, "192.0.2.1", 2);
	len = build(buf, 0x20, 0x11, body, n, n);
	CHECK(parse(buf, len, &info, &error) == 0 && info.local,
	      "LOCAL with an address block");

	/* PROXY UNSPEC and UNIX stream: the connection's own address */
	len = build(buf, 0x21, 0x00, NULL, 0, 0);
	CHECK(parse(buf, len, &info, &error) == 0 && info.local, "UNSPEC");
	memset(body, 0, 216);
	len = build(buf, 0x21, 0x31, body, 216, 216);
	CHECK(parse(buf, len, &info, &error) == 0 && info.local, "UNIX stream");
}

static void
test_refused(void)
{
	unsigned char body[4096], buf[5000];
	size_t n, len;

	n = v4_body(body, "203.0.113.7", 40123, "192.0.2.1", 110);
	len = build(buf, 0x21, 0x11, body, n, n);
	for (size_t i = 0; i < 12; i++) {
		unsigned char bad[64];

		memcpy(bad, buf, len);
		bad[i] ^= 0x20;
		expect_refused(bad, len, "signature", "signature");
	}
	buf[12] = 0x11;
	expect_refused(buf, len, "version 1", "version 2");
	buf[12] = 0x31;
	expect_refused(buf, len, "version 3", "version 2");
	for (unsigned cmd = 2; cmd < 16; cmd++) {
		buf[12] = (unsigned char)(0x20 | cmd);
		expect_refused(buf, len, "command", "command");
	}
	buf[12] = 0x21;

	buf[13] = 0x12;
	expect_refused(buf, len, "UDP over IPv4", "STREAM");
	buf[13] = 0x22;
	expect_refused(buf, len, "UDP over IPv6", "STREAM");
	buf[13] = 0x10;
	expect_refused(buf, len, "IPv4 without transport", "STREAM");
	buf[13] = 0x41;
	expect_refused(buf, len, "family 4", "family");
	buf[13] = 0x01;
	expect_refused(buf, len, "UNSPEC with a transport", "UNSPEC");
	buf[13] = 0x21;         /* IPv6 needs 36 octets, has 12 */
	expect_refused(buf, len, "short IPv6 block", "shorter than its family");
	buf[13] = 0x11;

	/* IPv4 block cut short */
	len = build(buf, 0x21, 0x11, body, 11, 11);
	expect_refused(buf, len, "11-octet IPv4 block", "shorter than its family");

	/* the buffer and the length field disagree */
	len = build(buf, 0x21, 0x11, body, n, n + 4);
	expect_refused(buf, len, "length beyond the data", "truncated");
	expect_refused(buf, 10, "10 octets", "truncated");
	len = build(buf, 0x21, 0x11, body, n + 4, n);
	expect_refused(buf, len, "data beyond the length", "shorter");

	/* over the named limit, even when all the octets are there */
	memset(body + n, 0, sizeof body - n);
	len = build(buf, 0x21, 0x11, body, POP3_PROXY_V2_MAX_LEN + 1,
		    POP3_PROXY_V2_MAX_LEN + 1);
	expect_refused(buf, len, "oversized", "longer than");
	len = build(buf, 0x21, 0x11, body, 0, 0xFFFF);
	expect_refused(buf, len, "65535", "longer than");

	/* TLVs that do not tile the rest */
	memcpy(body + n, "\x04\x00", 2);
	len = build(buf, 0x21, 0x11, body, n + 2, n + 2);
	expect_refused(buf, len, "2-octet TLV head", "truncated TLV");
	memcpy(body + n, "\x04\x00\x05xyz", 6);
	len = build(buf, 0x21, 0x11, body, n + 6, n + 6);
	expect_refused(buf, len, "TLV past the end", "past the end");
	memcpy(body + n, "\x04\xff\xff", 3);
	len = build(buf, 0x21, 0x11, body, n + 3, n + 3);
	expect_refused(buf, len, "TLV of 65535", "past the end");
}

/* Random mutations of a valid header: never a crash, never an address
 * from a refused header. */
static void
test_mutations(void)
{
	unsigned char body[128], good[200], buf[200];
	struct proxy_v2_info info;
	const char *error;
	size_t n = v6_body(body, "2001:db8::42", 1, "2001:db8::1", 995);
	size_t len;

	memcpy(body + n, "\x04\x00\x02zz", 5);
	n += 5;
	len = build(good, 0x21, 0x21, body, n, n);
	srand(42);
	for (int i = 0; i < 200000; i++) {
		size_t cut = len - (size_t)(rand() % 4 == 0 ? rand() % (int)len : 0);

		memcpy(buf, good, len);
		for (int k = rand() % 3 + 1; k > 0; k--)
			buf[rand() % (int)len] = (unsigned char)rand();
		if (parse(buf, cut, &info, &error) == 0 && !info.local)
			CHECK(info.src_len > 0, "accepted without an address");
	}
}

/* proxy_v2_read: the octets after the header stay in the socket. */
static void
test_read_exact(void)
{
	unsigned char body[64], buf[200];
	struct proxy_v2_info info;
	const char *error = "(none)";
	char rest[64];
	int sv[2];
	size_t n, len;
	ssize_t got;

	n = v4_body(body, "203.0.113.7", 40123, "192.0.2.1", 110);
	len = build(buf, 0x21, 0x11, body, n, n);
	memcpy(buf + len, "USER alice\r\n", 12);
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0) {
		perror("socketpair");
		exit(1);
	}
	CHECK(write(sv[0], buf, len + 12) == (ssize_t)(len + 12), "write");
	CHECK(proxy_v2_read(sv[1], 2000, NULL, &info, &error) == 0,
	      "read: %s", error);
	got = read(sv[1], rest, sizeof rest);
	CHECK(got == 12 && memcmp(rest, "USER alice\r\n", 12) == 0,
	      "the POP3 bytes after the header are left: %zd", got);

	/* a wrong first octet is refused without waiting for 16 */
	CHECK(write(sv[0], "USER x\r\n", 8) == 8, "write");
	CHECK(proxy_v2_read(sv[1], 5000, NULL, &info, &error) == -1 &&
	      strstr(error, "signature") != NULL, "plain POP3: %s", error);

	/* a header that stops: refused at the deadline */
	CHECK(write(sv[0], buf, 20) == 20, "write");
	CHECK(proxy_v2_read(sv[1], 300, NULL, &info, &error) == -1 &&
	      strstr(error, "within") != NULL, "truncated: %s", error);
	close(sv[0]);
	close(sv[1]);
}

int
main(void)
{
	test_valid();
	test_refused();
	test_mutations();
	test_read_exact();
	if (check_failures == 0)
		printf("all PROXY v2 checks passed\n");
	return check_status();
}
