/* PROXY protocol version 2 (haproxy's doc/proxy-protocol.txt, section
 * 2.2): the binary header a load balancer sends before the client's
 * bytes, naming the client's address.  pop3_accept_haproxy = 2 in -d
 * mode, -H in inetd mode. */
#ifndef POP3D_PROXY_H
#define POP3D_PROXY_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

/* The fixed part: 12-octet signature, version and command, family and
 * transport, 16-bit length of what follows. */
#define PROXY_V2_FIXED_LEN 16

struct proxy_v2_info {
	/* true: keep the connection's own addresses.  The LOCAL command (a
	 * health check from the proxy itself), and PROXY with an address
	 * family that names no IP client (UNSPEC, AF_UNIX stream). */
	bool local;
	/* the client (src) and the address it connected to (dst), when
	 * !local: AF_INET or AF_INET6, with ports */
	struct sockaddr_storage src, dst;
	socklen_t src_len, dst_len;
};

/* Check the fixed part (exactly PROXY_V2_FIXED_LEN octets): signature,
 * version 2, command LOCAL or PROXY, a length no larger than
 * POP3_PROXY_V2_MAX_LEN.  0 with *rest_r the octets that follow, or -1
 * with *error_r saying what is wrong. */
int proxy_v2_check_fixed(const unsigned char *hdr, size_t *rest_r,
			 const char **error_r);

/* Parse one whole header, buf[0..len) (the fixed part and exactly the
 * length it announces).  Strict: the address block must fit the family,
 * and the TLVs after it (type, 16-bit length, value) must tile the rest
 * exactly; their contents are skipped.  Families: TCP over IPv4 and
 * IPv6 give the client address; UNSPEC and UNIX stream are taken as
 * LOCAL; datagram transports and unknown families are refused.
 * 0 ok, -1 with *error_r. */
int proxy_v2_parse(const unsigned char *buf, size_t len,
		   struct proxy_v2_info *info, const char **error_r);

/* Read one header from fd (non-blocking or not) and parse it.  Reads are
 * sized exactly, so not one octet after the header is consumed: the POP3
 * (or TLS) bytes that follow stay in the socket.  A wrong signature is
 * refused as soon as its first wrong octet arrives.  timeout_ms bounds
 * the whole header (-1: no bound); *stop (if not NULL) set by a signal
 * handler ends the wait.  0 ok, -1 with *error_r (a missing, truncated,
 * malformed or late header). */
int proxy_v2_read(int fd, int timeout_ms, const volatile sig_atomic_t *stop,
		  struct proxy_v2_info *info, const char **error_r);

#endif
