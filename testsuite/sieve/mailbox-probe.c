/* A helper for the mu-sieve tests, through libmu's mailbox API (the code
 * pop3d serves mail with), independent of mu-sieve:
 *
 *   mailbox-probe list URL   one line per message: "UIDL SIZE"; exit 2 if
 *                            the mailbox cannot be opened
 *   mailbox-probe hold URL   open it as a POP3 session does (write, session
 *                            lock), print "held", keep it until stdin
 *                            closes, then close without committing */
#include <config.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "mailbox.h"
#include "pop3d/common/shared.h"

int
main(int argc, char **argv)
{
	struct mu_mailbox *mb;
	enum mu_mailbox_error code;
	const char *error;
	bool hold;
	char buf[64];

	if (argc != 3 || (strcmp(argv[1], "list") && strcmp(argv[1], "hold"))) {
		fprintf(stderr, "usage: mailbox-probe list|hold URL\n");
		return 1;
	}
	hold = strcmp(argv[1], "hold") == 0;
	/* the session lock pop3d and mu-sieve take */
	mu_mailbox_set_file_tag(POP3D_MAILBOX_FILE_TAG);
	if (mu_mailbox_open(&mb, argv[2], hold ? MU_OPEN_WRITE | MU_OPEN_SESSION_LOCK :
			    MU_OPEN_READONLY, 5, &code, &error) < 0) {
		fprintf(stderr, "mailbox-probe: %s: %s (code %d)\n", argv[2], error, code);
		return 2;
	}
	if (hold) {
		printf("held\n");
		fflush(stdout);
		while (read(STDIN_FILENO, buf, sizeof buf) > 0)
			;
	} else {
		for (size_t i = 0; i < mu_mailbox_count(mb); i++) {
			const struct mu_message_info *info = mu_mailbox_info(mb, i);

			printf("%s %llu\n", info->uidl, (unsigned long long)info->size);
		}
	}
	mu_mailbox_close(mb);
	return 0;
}
