/* libFuzzer: the framing of the messages between a session's processes
 * (pop3d/common/ipc.c).  The input is one datagram as a network process taken
 * over could send it to the privileged monitor.  Checked, besides the
 * sanitizers: an accepted message has a known type, at most
 * IPC_MAX_FIELDS fields, each NUL-terminated inside the message's arena;
 * the string getter refuses exactly the absent, too long and NUL-holding
 * fields; and sending the decoded message again gives back the input
 * octet for octet (the framing has one encoding per message, so a
 * checker and a user of a message cannot read it two ways). */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "pop3d/common/ipc.h"
#include "testsuite/fuzz/fuzz.h"

static int fds[2] = { -1, -1 };
static struct ipc_msg msg;
static unsigned char echo[IPC_MSG_MAX + 1];

static void
check_fields(void)
{
	const char *lo = msg.arena, *hi = msg.arena + sizeof msg.arena;

	if (msg.type < 1 || msg.type > IPC_TYPE_MAX ||
	    msg.nfields > IPC_MAX_FIELDS)
		abort();
	for (unsigned i = 0; i < msg.nfields; i++) {
		const struct ipc_field *f = &msg.field[i];
		const char *s = ipc_field_str(&msg, i, IPC_FIELD_MAX);

		if (f->data == NULL) {
			if (!ipc_field_absent(&msg, i) || s != NULL)
				abort();
			continue;
		}
		if (f->data < lo || f->len > IPC_FIELD_MAX ||
		    f->data + f->len >= hi || f->data[f->len] != '\0' ||
		    ipc_field_absent(&msg, i))
			abort();
		if ((s != NULL) != (memchr(f->data, '\0', f->len) == NULL))
			abort();
		if (f->len > 0 && ipc_field_str(&msg, i, f->len - 1) != NULL)
			abort();
	}
	/* fields past the count read as absent */
	if (!ipc_field_absent(&msg, msg.nfields) ||
	    ipc_field_str(&msg, msg.nfields, IPC_FIELD_MAX) != NULL)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *error = NULL;
	ssize_t n;
	int rc;

	if (fds[0] < 0) {
		int big = 4 * IPC_MSG_MAX;

		if (ipc_socketpair(fds, &error) < 0)
			abort();
		setsockopt(fds[0], SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
		setsockopt(fds[1], SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
	}
	/* an empty datagram reads as the peer's end of file; larger than
	 * any socket buffer cannot be sent at all */
	if (size == 0 || size > 2 * IPC_MSG_MAX)
		return 0;
	if (send(fds[0], data, size, 0) != (ssize_t)size)
		abort();
	rc = ipc_recv(fds[1], &msg, 1000, NULL, &error);
	if (rc < 0) {
		if (error == NULL)
			abort();
		ipc_msg_wipe(&msg);
		return 0;
	}
	if (rc != 1)
		abort();
	check_fields();

	if (ipc_send(fds[0], msg.type, msg.nfields, msg.field, &error) < 0)
		abort();
	n = recv(fds[1], echo, sizeof echo, 0);
	if (n != (ssize_t)size || memcmp(echo, data, size) != 0) {
		fprintf(stderr, "fuzz-ipc: re-encoded %zd octets differ from "
			"the %zu received\n", n, size);
		abort();
	}
	ipc_msg_wipe(&msg);
	return 0;
}
