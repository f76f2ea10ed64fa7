/* libFuzzer: the PROXY protocol v2 header (pop3d/net/proxy.c).  The input is
 * what a client or a proxy sends first on the connection.  Checked, besides
 * the sanitizers: proxy_v2_read() takes exactly the header it announces
 * from a descriptor and no octet more, and agrees with proxy_v2_parse() on
 * those octets; an accepted client address is a whole IPv4 or IPv6 one. */
#include "config.h"

#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "pop3d/net/proxy.h"
#include "testsuite/fuzz/fuzz.h"

static void
check_info(const struct proxy_v2_info *info)
{
	if (info->local)
		return;
	if (info->src.ss_family == AF_INET &&
	    info->src_len == sizeof(struct sockaddr_in) &&
	    info->dst.ss_family == AF_INET &&
	    info->dst_len == sizeof(struct sockaddr_in))
		return;
	if (info->src.ss_family == AF_INET6 &&
	    info->src_len == sizeof(struct sockaddr_in6) &&
	    info->dst.ss_family == AF_INET6 &&
	    info->dst_len == sizeof(struct sockaddr_in6))
		return;
	abort();                /* a client address of no known shape */
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	struct proxy_v2_info parsed, read_info;
	const char *error = NULL;
	int rc_parse, rc_read;
	off_t used;

	if (fd < 0 && (fd = memfd_create("fuzz-proxy", 0)) < 0)
		abort();
	rc_parse = proxy_v2_parse(data, size, &parsed, &error);
	if (rc_parse == 0)
		check_info(&parsed);
	else if (error == NULL)
		abort();

	/* the same octets through the reader; a memfd is at its end of
	 * file after them, as a closed connection would be */
	if (ftruncate(fd, 0) < 0 || pwrite(fd, data, size, 0) != (ssize_t)size ||
	    lseek(fd, 0, SEEK_SET) != 0)
		abort();
	error = NULL;
	rc_read = proxy_v2_read(fd, -1, NULL, &read_info, &error);
	used = lseek(fd, 0, SEEK_CUR);
	if (rc_read < 0) {
		if (error == NULL)
			abort();
		/* whatever the reader refused the parser refuses too */
		if (rc_parse == 0)
			abort();
		return 0;
	}
	check_info(&read_info);
	/* exactly the announced header, nothing of what follows */
	if (used < PROXY_V2_FIXED_LEN || (size_t)used > size ||
	    (size_t)used != PROXY_V2_FIXED_LEN + ((size_t)data[14] << 8 | data[15]))
		abort();
	/* the parser sees the same header the same way */
	if (proxy_v2_parse(data, (size_t)used, &parsed, &error) != 0 ||
	    memcmp(&parsed, &read_info, sizeof parsed) != 0)
		abort();
	/* and, given more than the header, refuses */
	if (rc_parse == 0 && (size_t)used != size)
		abort();
	return 0;
}
