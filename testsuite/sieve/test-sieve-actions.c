/* Actions and the implicit keep (RFC 5228 sections 2.10.2, 2.10.3, 4):
 * discard and fileinto cancel the implicit keep, an explicit keep keeps
 * whatever else happens, repeated actions are done once. */
#include <config.h>

#include "sieve-check.h"

static const char msg[] = "Subject: x\n\nbody\n";

int
main(void)
{
	CHECK_DECISION("keep;", msg, "keep");
	CHECK_DECISION("discard;", msg, "discard");
	CHECK_DECISION("require \"fileinto\"; fileinto \"mbox:/a\";", msg,
		       "fileinto mbox:/a");
	/* keep wins over discard, in either order: the message stays */
	CHECK_DECISION("discard; keep;", msg, "discard, keep");
	CHECK_DECISION("keep; discard;", msg, "keep, discard");
	/* fileinto and keep: a copy goes, the message stays */
	CHECK_DECISION("require \"fileinto\"; fileinto \"mbox:/a\"; keep;", msg,
		       "fileinto mbox:/a, keep");
	/* fileinto and discard: the copy goes, the message leaves */
	CHECK_DECISION("require \"fileinto\"; fileinto \"mbox:/a\"; discard;", msg,
		       "fileinto mbox:/a, discard");
	/* duplicates are done once; different mailboxes each get a copy */
	CHECK_DECISION("keep; keep;", msg, "keep");
	CHECK_DECISION("discard; discard;", msg, "discard");
	CHECK_DECISION("require \"fileinto\"; fileinto \"mbox:/a\"; fileinto \"mbox:/b\";"
		       " fileinto \"mbox:/a\";", msg, "fileinto mbox:/a, fileinto mbox:/b");
	/* fileinto takes the URL forms of pop3d's mailbox directive */
	CHECK_DECISION("require \"fileinto\"; fileinto \"maildir:/srv/mail/spam\";"
		       " fileinto \"mh:/srv/mh\"; fileinto \"/srv/plain\";", msg,
		       "fileinto maildir:/srv/mail/spam, fileinto mh:/srv/mh, "
		       "fileinto /srv/plain");
	/* with no action at all, the implicit keep */
	CHECK_DECISION("if false { discard; }", msg, "implicit keep");
	return check_done();
}
