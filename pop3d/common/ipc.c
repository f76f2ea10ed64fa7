/* Session messages between the processes of a session (ipc.h). */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>

#include "pop3d/common/ipc.h"

#define ABSENT 0xffffffffu

static const char *const type_names[] = {
	[IPC_HELLO] = "HELLO", [IPC_OK] = "OK", [IPC_CONTINUE] = "CONTINUE",
	[IPC_FAIL] = "FAIL", [IPC_CLIENT] = "CLIENT", [IPC_PASS] = "PASS",
	[IPC_APOP] = "APOP", [IPC_SASL_START] = "SASL_START",
	[IPC_SASL_STEP] = "SASL_STEP", [IPC_SASL_CANCEL] = "SASL_CANCEL",
	[IPC_HANDOVER] = "HANDOVER", [IPC_TLS] = "TLS",
	[IPC_OPENED] = "OPENED", [IPC_ADOPT] = "ADOPT",
};

const char *
ipc_type_name(enum ipc_type type)
{
	if (type >= 1 && type <= IPC_TYPE_MAX)
		return type_names[type];
	return "unknown";
}

int
ipc_socketpair(int fds[2], const char **error_r)
{
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) < 0) {
		*error_r = strerror(errno);
		return -1;
	}
	return 0;
}

static void
put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static uint32_t
get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		(uint32_t)p[2] << 8 | (uint32_t)p[3];
}

int
ipc_send(int fd, enum ipc_type type, unsigned nfields,
	 const struct ipc_field *fields, const char **error_r)
{
	return ipc_send_fds(fd, type, nfields, fields, NULL, 0, error_r);
}

int
ipc_send_fds(int fd, enum ipc_type type, unsigned nfields,
	     const struct ipc_field *fields, const int *fds, unsigned nfds,
	     const char **error_r)
{
	unsigned char head[2], lens[IPC_MAX_FIELDS][4];
	struct iovec iov[1 + 2 * IPC_MAX_FIELDS];
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(IPC_MAX_FDS * sizeof(int))];
	} control;
	struct msghdr mh;
	int niov = 0;

	if (nfds > IPC_MAX_FDS) {
		*error_r = "too many descriptors";
		return -1;
	}
	if (nfields > IPC_MAX_FIELDS) {
		*error_r = "too many fields";
		return -1;
	}
	head[0] = (unsigned char)type;
	head[1] = (unsigned char)nfields;
	iov[niov++] = (struct iovec){ head, 2 };
	for (unsigned i = 0; i < nfields; i++) {
		if (fields[i].data != NULL && fields[i].len > IPC_FIELD_MAX) {
			*error_r = "field too long";
			return -1;
		}
		put32(lens[i], fields[i].data == NULL ? ABSENT
		      : (uint32_t)fields[i].len);
		iov[niov++] = (struct iovec){ lens[i], 4 };
		if (fields[i].data != NULL && fields[i].len > 0)
			iov[niov++] = (struct iovec){ (void *)fields[i].data,
						      fields[i].len };
	}
	memset(&mh, 0, sizeof mh);
	mh.msg_iov = iov;
	mh.msg_iovlen = (size_t)niov;
	if (nfds > 0) {
		struct cmsghdr *cm;

		memset(&control, 0, sizeof control);
		mh.msg_control = control.buf;
		mh.msg_controllen = CMSG_SPACE(nfds * sizeof(int));
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(nfds * sizeof(int));
		memcpy(CMSG_DATA(cm), fds, nfds * sizeof(int));
	}
	for (;;) {
		/* MSG_NOSIGNAL: a vanished peer is EPIPE, not SIGPIPE */
		if (sendmsg(fd, &mh, MSG_NOSIGNAL) >= 0)
			return 0;
		if (errno != EINTR)
			break;
	}
	*error_r = strerror(errno);
	return -1;
}

int
ipc_send_strs(int fd, enum ipc_type type, unsigned nfields,
	      const char *const *strs, const char **error_r)
{
	struct ipc_field f[IPC_MAX_FIELDS];

	if (nfields > IPC_MAX_FIELDS) {
		*error_r = "too many fields";
		return -1;
	}
	for (unsigned i = 0; i < nfields; i++) {
		f[i].data = strs[i];
		f[i].len = strs[i] != NULL ? strlen(strs[i]) : 0;
	}
	return ipc_send(fd, type, nfields, f, error_r);
}

/* Check the framing of raw[0..len) and copy the fields into msg. */
static int
decode(const unsigned char *raw, size_t len, struct ipc_msg *msg,
       const char **error_r)
{
	size_t off = 2, used = 0;

	if (len < 2) {
		*error_r = "short message";
		return -1;
	}
	if (raw[0] < 1 || raw[0] > IPC_TYPE_MAX) {
		*error_r = "unknown message type";
		return -1;
	}
	if (raw[1] > IPC_MAX_FIELDS) {
		*error_r = "too many fields";
		return -1;
	}
	msg->type = (enum ipc_type)raw[0];
	msg->nfields = raw[1];
	msg->used = 0;
	for (unsigned i = 0; i < msg->nfields; i++) {
		uint32_t n;

		if (len - off < 4) {
			*error_r = "truncated field length";
			return -1;
		}
		n = get32(raw + off);
		off += 4;
		if (n == ABSENT) {
			msg->field[i] = (struct ipc_field){ NULL, 0 };
			continue;
		}
		if (n > IPC_FIELD_MAX || n > len - off) {
			*error_r = "field longer than the message";
			return -1;
		}
		memcpy(msg->arena + used, raw + off, n);
		msg->arena[used + n] = '\0';
		msg->field[i] = (struct ipc_field){ msg->arena + used, n };
		used += n + 1;
		msg->used = used;
		off += n;
	}
	if (off != len) {
		*error_r = "trailing octets after the last field";
		return -1;
	}
	return 0;
}

int
ipc_recv(int fd, struct ipc_msg *msg, int timeout_ms,
	 const volatile sig_atomic_t *stop, const char **error_r)
{
	return ipc_recv_fds(fd, msg, NULL, 0, NULL, timeout_ms, stop,
			    error_r);
}

/* The descriptors a message carried: up to max into fds (*nfds_r), the
 * rest closed -- nobody may leave us holding what we did not ask for. */
static void
take_fds(struct msghdr *mh, int *fds, unsigned max, unsigned *nfds_r)
{
	unsigned n = 0;

	for (struct cmsghdr *cm = CMSG_FIRSTHDR(mh); cm != NULL;
	     cm = CMSG_NXTHDR(mh, cm)) {
		size_t count;
		int *data;

		if (cm->cmsg_level != SOL_SOCKET ||
		    cm->cmsg_type != SCM_RIGHTS)
			continue;
		count = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		data = (int *)(void *)CMSG_DATA(cm);
		for (size_t i = 0; i < count; i++) {
			int one;

			memcpy(&one, data + i, sizeof one);
			if (fds != NULL && n < max)
				fds[n++] = one;
			else
				close(one);
		}
	}
	if (nfds_r != NULL)
		*nfds_r = n;
}

int
ipc_recv_fds(int fd, struct ipc_msg *msg, int *fds, unsigned max_fds,
	     unsigned *nfds_r, int timeout_ms,
	     const volatile sig_atomic_t *stop, const char **error_r)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(IPC_MAX_FDS * sizeof(int))];
	} control;
	/* one octet more than the largest message, to see a longer one */
	static unsigned char raw[IPC_MSG_MAX + 1];
	struct timespec start, now;
	ssize_t n;
	int rc;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int wait_ms = timeout_ms;

		if (stop != NULL && *stop) {
			*error_r = "stopped by a signal";
			return -1;
		}
		if (timeout_ms >= 0) {
			long long spent;

			clock_gettime(CLOCK_MONOTONIC, &now);
			spent = (now.tv_sec - start.tv_sec) * 1000LL +
				(now.tv_nsec - start.tv_nsec) / 1000000;
			if (spent >= timeout_ms) {
				*error_r = "no answer in time";
				return -1;
			}
			wait_ms = (int)(timeout_ms - spent);
		}
		rc = poll(&pfd, 1, wait_ms);
		if (rc < 0 && errno != EINTR) {
			*error_r = strerror(errno);
			return -1;
		}
		if (rc > 0)
			break;
	}
	for (;;) {
		struct iovec iov = { raw, sizeof raw };
		struct msghdr mh;

		memset(&mh, 0, sizeof mh);
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		mh.msg_control = control.buf;
		mh.msg_controllen = sizeof control.buf;
		if (nfds_r != NULL)
			*nfds_r = 0;
		n = recvmsg(fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
		if (n >= 0)
			take_fds(&mh, fds, max_fds, nfds_r);
		if (n >= 0 && (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC))) {
			explicit_bzero(raw, sizeof raw);
			*error_r = "message too long";
			return -1;
		}
		if (n >= 0)
			break;
		if (errno == EINTR)
			continue;
		if (errno == ECONNRESET)
			return 0;
		*error_r = strerror(errno);
		return -1;
	}
	if (n == 0)
		return 0;       /* SOCK_SEQPACKET: end of file */
	if ((size_t)n > IPC_MSG_MAX) {
		explicit_bzero(raw, sizeof raw);
		*error_r = "message too long";
		return -1;
	}
	rc = decode(raw, (size_t)n, msg, error_r);
	explicit_bzero(raw, (size_t)n);
	return rc < 0 ? -1 : 1;
}

const char *
ipc_field_str(const struct ipc_msg *msg, unsigned i, size_t max)
{
	const struct ipc_field *f;

	if (i >= msg->nfields)
		return NULL;
	f = &msg->field[i];
	if (f->data == NULL || f->len > max || strlen(f->data) != f->len)
		return NULL;
	return f->data;
}

bool
ipc_field_absent(const struct ipc_msg *msg, unsigned i)
{
	return i >= msg->nfields || msg->field[i].data == NULL;
}

void
ipc_msg_wipe(struct ipc_msg *msg)
{
	/* what was written, not the whole arena: pages never touched stay
	 * untouched (shared with the parent, or not there at all) */
	explicit_bzero(msg->arena, msg->used < sizeof msg->arena ? msg->used :
		       sizeof msg->arena);
	msg->used = 0;
	msg->nfields = 0;
}
