/* PROXY protocol version 2 -- haproxy's doc/proxy-protocol.txt, section
 * 2.2.  Everything here distrusts the header: it comes from the network,
 * and a proxy that is misconfigured (or a client that talks to the port
 * directly) must not make the session take a wrong address or read past
 * what was announced. */
#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pop3d/common/limits.h"
#include "pop3d/net/proxy.h"

/* section 2.2: "\r\n\r\n\0\r\nQUIT\n" */
static const unsigned char signature[12] = {
	0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A,
};

/* the 13th octet: high nibble the version, low nibble the command */
#define PROXY_V2_VERSION 0x2
#define PROXY_V2_CMD_LOCAL 0x0
#define PROXY_V2_CMD_PROXY 0x1

/* the 14th octet: high nibble the address family, low the transport */
#define FAM_UNSPEC 0x0
#define FAM_INET 0x1
#define FAM_INET6 0x2
#define FAM_UNIX 0x3
#define TRANS_UNSPEC 0x0
#define TRANS_STREAM 0x1
#define TRANS_DGRAM 0x2

/* section 2.2: the address blocks of each family */
#define ADDR_LEN_INET 12        /* src, dst (4 each), src port, dst port */
#define ADDR_LEN_INET6 36       /* src, dst (16 each), ports */
#define ADDR_LEN_UNIX 216       /* src, dst (108 each) */

/* section 2.2.7: type, length_hi, length_lo */
#define TLV_HEAD_LEN 3

static unsigned
get16(const unsigned char *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

int
proxy_v2_check_fixed(const unsigned char *hdr, size_t *rest_r,
		     const char **error_r)
{
	unsigned version = hdr[12] >> 4, command = hdr[12] & 0x0F;
	size_t rest = get16(hdr + 14);

	if (memcmp(hdr, signature, sizeof signature) != 0) {
		*error_r = "no PROXY v2 signature";
		return -1;
	}
	if (version != PROXY_V2_VERSION) {
		*error_r = "not PROXY protocol version 2";
		return -1;
	}
	if (command != PROXY_V2_CMD_LOCAL && command != PROXY_V2_CMD_PROXY) {
		*error_r = "unknown PROXY v2 command";
		return -1;
	}
	if (rest > POP3_PROXY_V2_MAX_LEN) {
		*error_r = "PROXY v2 header longer than "
			"POP3_PROXY_V2_MAX_LEN octets";
		return -1;
	}
	*rest_r = rest;
	return 0;
}

/* The TLVs must exactly fill [p, end): each one's head and value inside
 * the header.  Their contents (ALPN, authority, SSL details, CRC32C,
 * unique id, NOOP padding) are not needed by a POP3 server. */
static int
skip_tlvs(const unsigned char *p, const unsigned char *end,
	  const char **error_r)
{
	while (p < end) {
		size_t left = (size_t)(end - p), vlen;

		if (left < TLV_HEAD_LEN) {
			*error_r = "truncated TLV in the PROXY v2 header";
			return -1;
		}
		vlen = get16(p + 1);
		if (vlen > left - TLV_HEAD_LEN) {
			*error_r = "TLV runs past the end of the PROXY v2 header";
			return -1;
		}
		p += TLV_HEAD_LEN + vlen;
	}
	return 0;
}

int
proxy_v2_parse(const unsigned char *buf, size_t len,
	       struct proxy_v2_info *info, const char **error_r)
{
	const unsigned char *body = buf + PROXY_V2_FIXED_LEN;
	const unsigned char *end;
	unsigned family, transport;
	size_t rest, need;

	memset(info, 0, sizeof *info);
	if (len < PROXY_V2_FIXED_LEN) {
		*error_r = "truncated PROXY v2 header";
		return -1;
	}
	if (proxy_v2_check_fixed(buf, &rest, error_r) < 0)
		return -1;
	if (len != PROXY_V2_FIXED_LEN + rest) {
		*error_r = len < PROXY_V2_FIXED_LEN + rest ?
			"truncated PROXY v2 header" :
			"PROXY v2 header shorter than the data given";
		return -1;
	}
	end = body + rest;

	/* section 2.2: LOCAL -- the proxy speaks for itself (a health
	 * check); the receiver "must use the real connection endpoints and
	 * discard the protocol block including the family" */
	if ((buf[12] & 0x0F) == PROXY_V2_CMD_LOCAL) {
		info->local = true;
		return 0;
	}

	family = buf[13] >> 4;
	transport = buf[13] & 0x0F;
	switch (family) {
	case FAM_UNSPEC:
		/* "the receiver must ... use the real connection endpoints"
		 * -- only UNSPEC/UNSPEC is defined */
		if (transport != TRANS_UNSPEC) {
			*error_r = "PROXY v2 UNSPEC family with a transport";
			return -1;
		}
		info->local = true;
		return skip_tlvs(body, end, error_r);
	case FAM_INET:
		need = ADDR_LEN_INET;
		break;
	case FAM_INET6:
		need = ADDR_LEN_INET6;
		break;
	case FAM_UNIX:
		need = ADDR_LEN_UNIX;
		break;
	default:
		*error_r = "unknown PROXY v2 address family";
		return -1;
	}
	/* POP3 runs over a stream; a datagram client cannot be one */
	if (transport != TRANS_STREAM) {
		*error_r = "PROXY v2 transport is not STREAM";
		return -1;
	}
	if (rest < need) {
		*error_r = "PROXY v2 address block shorter than its family";
		return -1;
	}
	if (skip_tlvs(body + need, end, error_r) < 0)
		return -1;

	if (family == FAM_UNIX) {
		/* a path names no client a block or log can use: keep the
		 * proxy's own address, as for LOCAL */
		info->local = true;
	} else if (family == FAM_INET) {
		struct sockaddr_in *src = (struct sockaddr_in *)&info->src;
		struct sockaddr_in *dst = (struct sockaddr_in *)&info->dst;

		src->sin_family = dst->sin_family = AF_INET;
		memcpy(&src->sin_addr, body, 4);
		memcpy(&dst->sin_addr, body + 4, 4);
		memcpy(&src->sin_port, body + 8, 2);    /* both in network */
		memcpy(&dst->sin_port, body + 10, 2);   /* byte order */
		info->src_len = info->dst_len = sizeof *src;
	} else {
		struct sockaddr_in6 *src = (struct sockaddr_in6 *)&info->src;
		struct sockaddr_in6 *dst = (struct sockaddr_in6 *)&info->dst;

		src->sin6_family = dst->sin6_family = AF_INET6;
		memcpy(&src->sin6_addr, body, 16);
		memcpy(&dst->sin6_addr, body + 16, 16);
		memcpy(&src->sin6_port, body + 32, 2);
		memcpy(&dst->sin6_port, body + 34, 2);
		info->src_len = info->dst_len = sizeof *src;
	}
	return 0;
}

/* ---- reading ---- */

static long long
ms_since(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - start->tv_sec) * 1000LL +
		(now.tv_nsec - start->tv_nsec) / 1000000;
}

/* Read exactly want octets into buf (got already there), waiting up to
 * the deadline.  check, if not NULL, is applied to the prefix read so far
 * after every read, so a wrong signature fails at once instead of after
 * the timeout.  0, or -1 with *error_r. */
static int
read_exact(int fd, unsigned char *buf, size_t want, const struct timespec *start,
	   int timeout_ms, const volatile sig_atomic_t *stop,
	   int (*check)(const unsigned char *, size_t, const char **),
	   const char **error_r)
{
	size_t got = 0;

	while (got < want) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int wait_ms = -1;
		ssize_t n;

		if (stop != NULL && *stop) {
			*error_r = "stopped while waiting for the PROXY v2 header";
			return -1;
		}
		if (timeout_ms >= 0) {
			long long left = timeout_ms - ms_since(start);

			if (left <= 0) {
				*error_r = "no complete PROXY v2 header within "
					"pop3_conn_timeout";
				return -1;
			}
			wait_ms = left > 86400000 ? 86400000 : (int)left;
		}
		if (poll(&pfd, 1, wait_ms) < 0) {
			if (errno == EINTR)
				continue;
			*error_r = strerror(errno);
			return -1;
		}
		if (pfd.revents == 0)
			continue;       /* the loop re-checks the deadline */
		/* never more than the header still owes: what follows is
		 * the client's and must stay in the socket */
		n = read(fd, buf + got, want - got);
		if (n > 0) {
			got += (size_t)n;
			if (check != NULL && check(buf, got, error_r) < 0)
				return -1;
			continue;
		}
		if (n == 0 || errno == ECONNRESET) {
			*error_r = got == 0 && check != NULL ?
				"connection closed before a PROXY v2 header" :
				"connection closed within the PROXY v2 header";
			return -1;
		}
		if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
			continue;
		*error_r = strerror(errno);
		return -1;
	}
	return 0;
}

static int
check_signature_prefix(const unsigned char *buf, size_t got,
		       const char **error_r)
{
	size_t n = got < sizeof signature ? got : sizeof signature;

	if (memcmp(buf, signature, n) != 0) {
		*error_r = "no PROXY v2 signature";
		return -1;
	}
	return 0;
}

int
proxy_v2_read(int fd, int timeout_ms, const volatile sig_atomic_t *stop,
	      struct proxy_v2_info *info, const char **error_r)
{
	unsigned char buf[PROXY_V2_FIXED_LEN + POP3_PROXY_V2_MAX_LEN];
	struct timespec start;
	size_t rest;

	clock_gettime(CLOCK_MONOTONIC, &start);
	if (read_exact(fd, buf, PROXY_V2_FIXED_LEN, &start, timeout_ms, stop,
		       check_signature_prefix, error_r) < 0)
		return -1;
	/* the length is checked before anything more is read */
	if (proxy_v2_check_fixed(buf, &rest, error_r) < 0)
		return -1;
	if (rest > 0 && read_exact(fd, buf + PROXY_V2_FIXED_LEN, rest, &start,
				   timeout_ms, stop, NULL, error_r) < 0)
		return -1;
	return proxy_v2_parse(buf, PROXY_V2_FIXED_LEN + rest, info, error_r);
}
