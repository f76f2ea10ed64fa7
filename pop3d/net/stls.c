/* STLS -- RFC 2595 section 4. */
#include "config.h"

#include "libmu/log.h"
#include "pop3d/common/reply.h"
#include "pop3d/monitor/privsep.h"
#include "pop3d/net/auth_commands.h"
#include "pop3d/net/net_session.h"
#include "pop3d/net/tls.h"

enum cmd_result
cmd_stls(struct session *s, int argc, char **argv)
{
	struct net_session *n = net_session(s);

	/* "A -ERR response MAY result if a security layer is already
	 * active" -- and one TLS layer is all there is */
	if (session_tls_active(s)) {
		reply_err(s, "TLS is already active");
		return CMD_OK;
	}
	if (!tls_stls_offered(s)) {
		reply_err(s, "STLS is not offered");
		return CMD_OK;
	}
	reply_ok(s, "Begin TLS negotiation");
	/* the +OK goes out in clear, alone; the handshake follows its CRLF */
	if (reply_flush(s) < 0)
		return CMD_CLOSE;
	if (privsep_tls_begins(n) == PRIVSEP_END)
		return CMD_CLOSE;
	/* RFC 2595 section 4: what the client said before TLS is
	 * forgotten, a USER name included */
	net_forget_pending_user(n);
	if (tls_session_start(s) < 0)
		return CMD_CLOSE;       /* no way back to the clear stream */
	return CMD_OK;
}
