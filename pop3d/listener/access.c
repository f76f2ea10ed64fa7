/* The client ACL and the trusted proxies (access.h). */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "libmu/cidr.h"
#include "libmu/log.h"
#include "pop3d/listener/access.h"
#include "pop3d/common/limits.h"

static bool
is_ip(const struct sockaddr *sa)
{
	return sa->sa_family == AF_INET || sa->sa_family == AF_INET6;
}

/* Whether the address is in the list WORDS.  The configuration reader
 * refused bad words already; one that still fails to parse (never
 * expected) counts as no match, and is logged. */
static bool
in_list(char *const *words, const struct sockaddr *sa, socklen_t len,
	const char *text)
{
	struct mu_cidr *list;
	size_t n;
	const char *error;
	bool hit;

	if (words == NULL || words[0] == NULL)
		return false;
	if (mu_cidr_list_parse(words, &list, &n, &error) < 0) {
		mu_log(MU_LOG_ERR, "address list: %s", error);
		return false;
	}
	hit = sa != NULL ? mu_cidr_list_match_sockaddr(list, n, sa, len) :
		mu_cidr_list_match_text(list, n, text);
	free(list);
	return hit;
}

static bool
allowed(const struct mu_config *cfg, const struct sockaddr *sa,
	socklen_t len, const char *text)
{
	if (in_list(cfg->deny_from, sa, len, text))
		return false;
	if (cfg->allow_from == NULL || cfg->allow_from[0] == NULL)
		return true;
	return in_list(cfg->allow_from, sa, len, text);
}

bool
access_client_allowed(const struct mu_config *cfg, const struct sockaddr *sa,
		      socklen_t len)
{
	if (!is_ip(sa))
		return true;
	return allowed(cfg, sa, len, NULL);
}

bool
access_client_allowed_text(const struct mu_config *cfg, const char *addr)
{
	unsigned char buf[sizeof(struct in6_addr)];

	if (inet_pton(AF_INET, addr, buf) != 1 &&
	    inet_pton(AF_INET6, addr, buf) != 1)
		return true;
	return allowed(cfg, NULL, 0, addr);
}

bool
access_proxy_trusted(const struct mu_config *cfg, const struct sockaddr *sa,
		     socklen_t len)
{
	if (!is_ip(sa))
		return true;
	return in_list(cfg->haproxy_trusted, sa, len, NULL);
}

void
access_refuse(int fd, bool implicit_tls, const char *text)
{
	char line[POP3_REPLY_MAX];
	int len;

	if (implicit_tls)
		return;
	len = snprintf(line, sizeof line, "-ERR %.480s\r\n", text);
	if (len <= 0)
		return;
	if (send(fd, line, (size_t)len, MSG_DONTWAIT | MSG_NOSIGNAL) < 0 &&
	    errno == ENOTSOCK)
		(void)!write(fd, line, (size_t)len);
}

int
access_peer(int fd, struct sockaddr_storage *ss, socklen_t *len_r)
{
	*len_r = sizeof *ss;
	memset(ss, 0, sizeof *ss);
	if (getpeername(fd, (struct sockaddr *)ss, len_r) < 0) {
		/* a pipe, a terminal: no peer to check */
		if (errno == ENOTSOCK || errno == ENOTCONN)
			return 0;
		return -1;
	}
	return is_ip((struct sockaddr *)ss) ? 1 : 0;
}
