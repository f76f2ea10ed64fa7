/* STLS -- RFC 2595 section 4. */
#include "config.h"

#include "libmu/log.h"
#include "pop3d/common/cmd.h"
#include "pop3d/monitor/privsep.h"
#include "pop3d/common/reply.h"
#include "pop3d/net/tls.h"

int
cmd_stls(struct session *s, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	/* "A -ERR response MAY result if a security layer is already
	 * active" -- and one TLS layer is all there is */
	if (session_tls_active(s))
		return reply_err(s, "TLS is already active");
	if (!tls_stls_offered(s))
		return reply_err(s, "STLS is not offered");
	reply_ok(s, "Begin TLS negotiation");
	/* the +OK goes out in clear, alone; the handshake follows its CRLF */
	if (reply_flush(s) < 0)
		return -1;
	if (privsep_tls_begins(s) == PRIVSEP_END)
		return -1;
	/* RFC 2595 section 4: what the client said before TLS is
	 * forgotten, a USER name included */
	session_forget_pending_user(s);
	if (tls_session_start(s) < 0)
		return -1;      /* no way back to the clear stream */
	return 0;
}
