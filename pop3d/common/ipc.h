/* The messages between the processes of one session (doc/privsep.md):
 * one message per datagram of an AF_UNIX SOCK_SEQPACKET socket, a type
 * octet and length-prefixed fields.  The receiver distrusts every octet:
 * sizes are bounded before anything is copied, a datagram that does not
 * tile exactly is refused, and a field read as a string must hold no NUL.
 *
 * Wire form: type (1 octet), field count (1 octet), then per field a
 * 32-bit big-endian length and that many octets.  The length 0xffffffff
 * marks an absent field (a SASL initial response not given, which differs
 * from an empty one). */
#ifndef POP3D_IPC_H
#define POP3D_IPC_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pop3d/common/limits.h"

enum ipc_type {
	/* monitor -> network */
	IPC_HELLO = 1,          /* APOP timestamp, SASL mechanisms */
	IPC_OK,                 /* logged in: the user's name, and "direct"
				 * when the transaction process has the
				 * client's socket (else: relay) */
	IPC_CONTINUE,           /* SASL challenge (base64) */
	IPC_FAIL,               /* reply text, close flag ("1"/"0") */
	/* network -> monitor */
	IPC_CLIENT,             /* address and port a PROXY v2 header gave */
	IPC_PASS,               /* user, password */
	IPC_APOP,               /* user, digest */
	IPC_SASL_START,         /* mechanism, initial response (or absent),
				 * channel binding type, data (or absent) */
	IPC_SASL_STEP,          /* response (base64) */
	IPC_SASL_CANCEL,
	IPC_HANDOVER,           /* what a transaction process would need:
				 * telemetry records, input read ahead */
	IPC_TLS,                /* STLS: the stream is TLS from now on */
	/* transaction -> monitor */
	IPC_OPENED,             /* the maildrop is open */
	/* monitor -> listener (adopt.h), with the client's socket and the
	 * transaction process's status socket */
	IPC_ADOPT,              /* the user, transcript, input, output */
	IPC_TYPE_MAX = IPC_ADOPT,
};

/* The sizes a receiver accepts, IPC_MAX_FIELDS, IPC_FIELD_MAX and
 * IPC_MSG_MAX, are in pop3d/common/limits.h. */

struct ipc_field {
	const char *data;       /* NULL: absent */
	size_t len;
};

struct ipc_msg {
	enum ipc_type type;
	unsigned nfields;
	struct ipc_field field[IPC_MAX_FIELDS];
	/* each field's octets, NUL-terminated, for the string getters */
	char arena[IPC_MSG_MAX + IPC_MAX_FIELDS];
	size_t used;            /* octets of arena written */
};

/* A SOCK_SEQPACKET socketpair, close-on-exec.  0 or -1 with *error_r. */
int ipc_socketpair(int fds[2], const char **error_r);

/* Send one message.  Fields beyond IPC_FIELD_MAX are refused (-1).
 * 0, or -1 with *error_r (the peer is gone: EPIPE). */
int ipc_send(int fd, enum ipc_type type, unsigned nfields,
	     const struct ipc_field *fields, const char **error_r);

/* The same, with descriptors (SCM_RIGHTS), at most IPC_MAX_FDS. */
int ipc_send_fds(int fd, enum ipc_type type, unsigned nfields,
		 const struct ipc_field *fields, const int *fds, unsigned nfds,
		 const char **error_r);

/* Convenience: fields given as NUL-terminated strings (NULL: absent). */
int ipc_send_strs(int fd, enum ipc_type type, unsigned nfields,
		  const char *const *strs, const char **error_r);

/* Wait at most timeout_ms (-1: no limit) for one message and check its
 * framing.  1 a message, 0 the peer closed, -1 error or timeout (*error_r;
 * a signal interrupting the wait is an error only when *stop is set).
 * The arena may hold a password: call ipc_msg_wipe() when done. */
int ipc_recv(int fd, struct ipc_msg *msg, int timeout_ms,
	     const volatile sig_atomic_t *stop, const char **error_r);

/* The same, keeping up to max_fds descriptors the message carried in fds
 * (*nfds_r of them, close-on-exec; more are closed).  On a framing error
 * the caller still owns, and must close, what *nfds_r counts. */
int ipc_recv_fds(int fd, struct ipc_msg *msg, int *fds, unsigned max_fds,
		 unsigned *nfds_r, int timeout_ms,
		 const volatile sig_atomic_t *stop, const char **error_r);

/* Field i as a string of at most max octets without NUL: the string, or
 * NULL (absent, too long, or holding a NUL). */
const char *ipc_field_str(const struct ipc_msg *msg, unsigned i, size_t max);
bool ipc_field_absent(const struct ipc_msg *msg, unsigned i);

void ipc_msg_wipe(struct ipc_msg *msg);

const char *ipc_type_name(enum ipc_type type);

#endif
