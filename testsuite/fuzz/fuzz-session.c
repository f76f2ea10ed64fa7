/* libFuzzer: what a POP3 client sends -- pop3d's line reader
 * (session_read_response, the reader of every command line), the command
 * table and argument splitting (cmd_dispatch) and every command handler,
 * in AUTHORIZATION and in TRANSACTION over a small mbox.
 *
 * It runs in one process, without pop3d's forks: the client's octets come
 * from a memfd, replies go to /dev/null, and the monitor (which decides
 * logins, doc/privsep.md) is played by the harness through the real
 * socket protocol: every request is refused (after up to three SASL
 * challenges), so no login succeeds here; TRANSACTION is entered by
 * opening the mailbox as a login would.  The loop below is session.c's
 * command loop as far as the public interface shows it.
 *
 * The first input octet sets the scene (bit 0: TRANSACTION; bits 1-2:
 * SASL challenges before the refusal; bit 3: the refusal ends the
 * session; bit 4: pop3_force_tls; bit 5: no APOP; bits 6-7: expire
 * unset, 0 or 30 days), the rest is the client's. */
#include "config.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "libmu/log.h"
#include "libmu/mailbox.h"
#include "libmu/util.h"
#include "pop3d/common/cmd.h"
#include "pop3d/common/ipc.h"
#include "pop3d/common/reply.h"
#include "pop3d/common/session.h"
#include "pop3d/common/shared.h"
#include "pop3d/common/telemetry.h"
#include "pop3d/mail/mail_session.h"
#include "pop3d/mail/trans_commands.h"
#include "pop3d/net/auth_commands.h"
#include "pop3d/net/net_session.h"
#include "testsuite/fuzz/fuzz.h"

/* Dot-stuffing, >From unquoting, CRLF, a long line, no final LF. */
static const char fixture[] =
	"From alice@example.org Thu Nov 14 09:05:01 2024\n"
	"From: alice@example.org\n"
	"Subject: one\n"
	"\n"
	".a line with a dot\n"
	">From the start\n"
	".\n"
	"\n"
	"From bob@example.org Thu Nov 14 09:06:01 2024\n"
	"Subject: two\r\n"
	"X-UIDL: fixed-uidl-2\r\n"
	"\r\n"
	"CRLF body\r\n"
	"\n"
	"From carol@example.org Thu Nov 14 09:07:01 2024\n"
	"Subject: three\n"
	"\n"
	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n"
	"no final line end";

static struct mu_config cfg;
static int in_fd = -1, out_fd = -1, monitor[2] = { -1, -1 };
static char dir[64], path[96], url[112];

static void
cleanup(void)
{
	char lock[128];

	snprintf(lock, sizeof lock, "%s/.mbox.pop3d-lock", dir);
	unlink(lock);
	unlink(path);
	rmdir(dir);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *tmp = getenv("TMPDIR"), *error;

	if (tmp == NULL || *tmp == '\0' || strlen(tmp) > 40)
		tmp = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
	snprintf(dir, sizeof dir, "%s/fuzz-session-XXXXXX", tmp);
	if (mkdtemp(dir) == NULL)
		abort();
	snprintf(path, sizeof path, "%s/mbox", dir);
	snprintf(url, sizeof url, "mbox:%s", path);
	atexit(cleanup);
	/* the session lock of the cleanup's list: pop3d's */
	mu_mailbox_set_file_tag(POP3D_MAILBOX_FILE_TAG);

	mu_config_init(&cfg);
	free(cfg.host_id);
	cfg.host_id = mu_xstrdup("fuzz.example");
	cfg.conn_timeout = 1;
	/* every log line formatted, none kept */
	if (mu_log_open("fuzz-session", "/dev/null", MU_LOG_DEBUG, 1,
			&error) < 0)
		abort();
	in_fd = memfd_create("fuzz-session-in", 0);
	out_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (in_fd < 0 || out_fd < 0 || ipc_socketpair(monitor, &error) < 0)
		abort();
	return 0;
}

/* The monitor's verdicts for the next request, queued before it is
 * made: challenges, then a refusal. */
static void
queue_verdicts(unsigned challenges, bool close)
{
	const char *error, *cont[1] = { "Y2hhbGxlbmdl" };
	const char *fail[2] = { "[AUTH] invalid user name or password",
				close ? "1" : "0" };

	for (unsigned i = 0; i < challenges; i++)
		if (ipc_send_strs(monitor[1], IPC_CONTINUE, 1, cont,
				  &error) < 0)
			abort();
	if (ipc_send_strs(monitor[1], IPC_FAIL, 2, fail, &error) < 0)
		abort();
}

/* Whatever either side did not read, so each command starts clean. */
static void
drain(int fd)
{
	char buf[256];

	while (recv(fd, buf, sizeof buf, MSG_DONTWAIT) >= 0)
		;
}

static void
open_mailbox(struct mail_session *m)
{
	enum mu_mailbox_error code;
	const char *error;
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || mu_write_all(fd, fixture, sizeof fixture - 1) < 0 ||
	    close(fd) < 0)
		abort();
	if (mu_mailbox_open(&m->mbox, url, MU_OPEN_WRITE |
			    MU_OPEN_SESSION_LOCK, 1, &code, &error) < 0) {
		fprintf(stderr, "fuzz-session: %s\n", error);
		abort();
	}
	m->mailbox_url = mu_xstrdup(url);
	m->user.name = mu_xstrdup("fuzz");
	m->logged_in = true;
	m->core.state = STATE_TRANSACTION;
}

static const char mechanisms[] =
	"PLAIN LOGIN CRAM-MD5 SCRAM-SHA-256 SCRAM-SHA-256-PLUS";

/* The network process's session, in AUTHORIZATION, its monitor the
 * harness. */
static struct net_session *
net_new(unsigned scene)
{
	struct net_session *n = mu_xcalloc(1, sizeof *n);

	n->core.state = STATE_AUTHORIZATION;
	n->core.commands = &authorization_commands;
	n->monitor_fd = monitor[0];
	n->data_fd = -1;
	if (!(scene & 0x20))
		snprintf(n->apop_timestamp, sizeof n->apop_timestamp,
			 "<1.2.3@fuzz.example>");
	snprintf(n->sasl_mechanisms, sizeof n->sasl_mechanisms, "%s",
		 mechanisms);
	return n;
}

/* The transaction process's session, in TRANSACTION over the fixture. */
static struct mail_session *
mail_new(void)
{
	struct mail_session *m = mu_xcalloc(1, sizeof *m);

	m->core.commands = &transaction_commands;
	snprintf(m->sasl_mechanisms, sizeof m->sasl_mechanisms, "%s",
		 mechanisms);
	open_mailbox(m);
	return m;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct net_session *n = NULL;
	struct mail_session *m = NULL;
	struct session *s;
	unsigned scene;

	if (size == 0)
		return 0;
	scene = data[0];
	data++;
	size--;
	if (ftruncate(in_fd, 0) < 0 ||
	    pwrite(in_fd, data, size, 0) != (ssize_t)size ||
	    lseek(in_fd, 0, SEEK_SET) != 0)
		abort();
	cfg.force_tls = scene & 0x10;
	cfg.expire = (scene >> 6) == 1 ? 0 : (scene >> 6) == 2 ? 30 : -1;

	if (scene & 1) {
		m = mail_new();
		s = &m->core;
	} else {
		n = net_new(scene);
		s = &n->core;
	}
	s->cfg = &cfg;
	s->in_fd = in_fd;
	s->out_fd = out_fd;
	snprintf(s->client, sizeof s->client, "192.0.2.1");
	s->client_port = 110;
	snprintf(s->host_id, sizeof s->host_id, "%s", cfg.host_id);
	conn_init(&s->conn, in_fd, out_fd);
	session_set_log_prefix(s, m != NULL ? m->user.name : NULL);

	for (;;) {
		const char *why;
		int r = session_read_response(s, s->line, sizeof s->line, &why);

		if (r < 0)
			break;
		if (r == 0) {
			reply_error(s, ERR_LINE_TOO_LONG);
		} else {
			enum cmd_result result;

			queue_verdicts(scene >> 1 & 3, scene & 8);
			result = cmd_dispatch(s, s->line);
			drain(monitor[0]);
			drain(monitor[1]);
			if (result != CMD_OK)
				break;
		}
		if (s->closing || s->out_failed ||
		    s->bad_commands >= POP3_MAX_BAD_COMMANDS)
			break;
	}
	(void)reply_flush(s);

	/* what the roles' ends and session_free do */
	if (m != NULL) {
		mu_mailbox_close(m->mbox);
		auth_user_free(&m->user);
		free(m->mailbox_url);
	}
	if (n != NULL) {
		net_forget_pending_user(n);
		free(n->user);
	}
	telemetry_free(s->telemetry);
	mu_log_set_prefix(NULL);
	free(m != NULL ? (void *)m : (void *)n);
	return 0;
}
