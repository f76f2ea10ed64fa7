#!/usr/bin/env python3
"""Commands a client (or an attacker on the path) sends in clear after
STLS never run inside the TLS session (RFC 2595 section 4, the flaw of
CVE-2011-0411): "STLS\\r\\nCAPA\\r\\n" in one write gets the STLS +OK,
and the first reply inside TLS answers the first command sent inside
TLS.  Plaintext sent after the +OK but before the handshake breaks the
handshake instead of being answered."""

import time

from pop3test import Pop3Socket, Setup, TempDir, check, check_eq, run
from tlstest import (Pki, TlsSocket, client_context, start_tls_daemon,
                     tls_settings)


def main():
    tmp = TempDir()
    pki = Pki(tmp)
    ctx = client_context(pki)
    st = Setup(tmp, extra=tls_settings(pki))
    d = start_tls_daemon(st)

    for injected in (b"CAPA\r\n", b"USER alice\r\nPASS secret\r\nSTAT\r\n"):
        c = TlsSocket("127.0.0.1", d.port, implicit=False)
        c.send(b"STLS\r\n" + injected)      # one write, one segment
        check_eq(c.read_line(), b"+OK Begin TLS negotiation\r\n",
                 "STLS reply")
        time.sleep(0.2)
        check_eq(bytes(c.buf), b"", "nothing more in clear")
        c.start_tls(ctx, "pop3.test")
        # the first reply inside TLS must answer NOOP (-ERR: wrong state);
        # an injected CAPA would answer "+OK Capability list follows",
        # an injected USER/PASS/STAT "+OK"
        check_eq(c.cmd("NOOP"), b"-ERR command not valid in this state\r\n",
                 "first reply inside TLS (after %r)" % injected)
        check_eq(c.cmd("STAT"), b"-ERR command not valid in this state\r\n",
                 "not logged in by injected commands")
        c.cmd("QUIT")
        c.expect_eof()

    # plaintext after the +OK, before the ClientHello: it is no handshake
    c = Pop3Socket("127.0.0.1", d.port)
    check_eq(c.cmd("STLS"), b"+OK Begin TLS negotiation\r\n", "STLS reply")
    c.send(b"CAPA\r\n")
    deadline = time.monotonic() + 10
    got = b""
    while time.monotonic() < deadline:
        data = c._recv_some(deadline - time.monotonic())
        if not data:
            break
        got += data
    check(b"+OK" not in got and b"Capability" not in got,
          "plaintext after STLS is not answered: %r" % got)

    check_eq(d.stop(), 0, "exit status after SIGTERM")
    with open(st.log, errors="replace") as f:
        log = f.read()
    check("discarding 6 octets sent in clear before the TLS handshake" in log,
          "the discarded CAPA is logged:\n" + log[-3000:])


run(main)
