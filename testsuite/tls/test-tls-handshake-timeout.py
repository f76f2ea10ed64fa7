#!/usr/bin/env python3
"""A client that connects to the implicit-TLS port, or sends STLS, and
then never completes the handshake is closed after pop3_conn_timeout
(at most 30 s): it cannot hold a session slot.  The log says why."""

import time

from pop3test import Pop3Socket, Setup, TempDir, check, check_eq, run
from tlstest import Pki, read_log, start_tls_daemon, tls_settings


def closed_after(c):
    start = time.monotonic()
    c.expect_eof(timeout=15)
    return time.monotonic() - start


def main():
    tmp = TempDir()
    pki = Pki(tmp)
    st = Setup(tmp, extra=tls_settings(pki, pop3_conn_timeout="2s"))
    d = start_tls_daemon(st)

    c = Pop3Socket("127.0.0.1", d.tls_port, read_greeting=False)
    took = closed_after(c)
    check(1.5 <= took <= 6, "silent TLS client closed after %.1f s" % took)

    c = Pop3Socket("127.0.0.1", d.port)
    check_eq(c.cmd("STLS"), b"+OK Begin TLS negotiation\r\n", "STLS")
    # half a ClientHello: a TLS record header announcing more bytes
    c.send(b"\x16\x03\x01\x02\x00\x01")
    took = closed_after(c)
    check(1.5 <= took <= 6, "stalled handshake closed after %.1f s" % took)
    check_eq(d.stop(), 0, "exit status after SIGTERM")
    check(read_log(st.log).count("TLS handshake failed: handshake timed out")
          == 2, "both logged:\n" + read_log(st.log)[-2000:])


run(main)
