/* The framing of the messages between a session's processes
 * (pop3d/common/ipc.h): what one side sends the other reads back exactly,
 * and every malformed datagram a network process taken over could send
 * is refused whole. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "pop3d/common/ipc.h"
#include "testsuite/lib/check.h"

static struct ipc_msg msg;

/* Send raw octets as one datagram and read it back through ipc_recv. */
static int
raw(int fds[2], const void *data, size_t len, const char **error_r)
{
	if (send(fds[0], data, len, 0) != (ssize_t)len) {
		perror("send");
		exit(1);
	}
	return ipc_recv(fds[1], &msg, 1000, NULL, error_r);
}

int
main(void)
{
	int fds[2];
	const char *error = NULL;
	int rc;

	if (ipc_socketpair(fds, &error) < 0) {
		printf("socketpair: %s\n", error);
		return 1;
	}

	/* a round trip: a string, an empty field, an absent one, binary */
	struct ipc_field f[4] = {
		{ "alice", 5 }, { "", 0 }, { NULL, 0 }, { "a\0b", 3 },
	};
	CHECK(ipc_send(fds[0], IPC_PASS, 4, f, &error) == 0, "send: %s", error);
	rc = ipc_recv(fds[1], &msg, 1000, NULL, &error);
	CHECK(rc == 1, "recv %d: %s", rc, error);
	CHECK(msg.type == IPC_PASS && msg.nfields == 4, "type and count");
	CHECK(ipc_field_str(&msg, 0, 255) != NULL &&
	      strcmp(ipc_field_str(&msg, 0, 255), "alice") == 0, "field 0");
	CHECK(ipc_field_str(&msg, 0, 4) == NULL, "longer than max: refused");
	CHECK(ipc_field_str(&msg, 1, 10) != NULL &&
	      ipc_field_str(&msg, 1, 10)[0] == '\0', "empty field");
	CHECK(ipc_field_absent(&msg, 2) && ipc_field_str(&msg, 2, 10) == NULL,
	      "absent field");
	CHECK(!ipc_field_absent(&msg, 3) && msg.field[3].len == 3 &&
	      memcmp(msg.field[3].data, "a\0b", 3) == 0, "binary field");
	CHECK(ipc_field_str(&msg, 3, 10) == NULL, "a NUL is no string");
	CHECK(ipc_field_absent(&msg, 7), "beyond the count: absent");
	ipc_msg_wipe(&msg);
	CHECK(msg.arena[0] == '\0' && msg.arena[1] == '\0', "wiped");

	/* too many fields, too long a field: not even sent */
	struct ipc_field five[5] = { { "", 0 } };
	CHECK(ipc_send(fds[0], IPC_PASS, 5, five, &error) < 0, "5 fields sent");
	char *big = calloc(1, IPC_FIELD_MAX + 1);
	struct ipc_field huge = { big, IPC_FIELD_MAX + 1 };
	CHECK(ipc_send(fds[0], IPC_PASS, 1, &huge, &error) < 0, "huge sent");

	/* malformed datagrams, each refused */
	static const struct {
		const char *what;
		const char *data;
		size_t len;
	} bad[] = {
		{ "one octet", "\x06", 1 },
		{ "type 0", "\x00\x00", 2 },
		{ "unknown type", "\xc8\x00", 2 },
		{ "five fields", "\x06\x05", 2 },
		{ "truncated length", "\x06\x01\x00\x00", 4 },
		{ "field past the end", "\x06\x01\x00\x00\x00\x09" "abc", 9 },
		{ "trailing octets", "\x06\x01\x00\x00\x00\x01" "ab", 8 },
		{ "field too long", "\x06\x01\x00\x01\x00\x00", 6 },
		{ "count says more", "\x06\x02\x00\x00\x00\x01" "a", 7 },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		error = NULL;
		rc = raw(fds, bad[i].data, bad[i].len, &error);
		CHECK(rc == -1, "%s: accepted (%d)", bad[i].what, rc);
	}
	/* a datagram longer than any message */
	size_t over = IPC_MSG_MAX + 100;
	char *huge_raw = calloc(1, over);
	huge_raw[0] = IPC_PASS;
	huge_raw[1] = 1;
	rc = raw(fds, huge_raw, over, &error);
	CHECK(rc == -1, "an oversized datagram accepted (%d)", rc);

	/* a good one still goes through after all that */
	const char *strs[2] = { "bob", "pw" };
	CHECK(ipc_send_strs(fds[0], IPC_APOP, 2, strs, &error) == 0, "send");
	rc = ipc_recv(fds[1], &msg, 1000, NULL, &error);
	CHECK(rc == 1 && msg.type == IPC_APOP &&
	      strcmp(ipc_field_str(&msg, 1, 10), "pw") == 0, "after the bad");

	/* nothing comes: a timeout; the peer closes: 0 */
	rc = ipc_recv(fds[1], &msg, 50, NULL, &error);
	CHECK(rc == -1, "timeout (%d)", rc);
	close(fds[0]);
	rc = ipc_recv(fds[1], &msg, 1000, NULL, &error);
	CHECK(rc == 0, "end of file (%d)", rc);

	free(big);
	free(huge_raw);
	return check_summary();
}
