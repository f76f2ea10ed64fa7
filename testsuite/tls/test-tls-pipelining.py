#!/usr/bin/env python3
"""PIPELINING inside TLS: 2000 commands in one TLS write (one record of
about 12 KB, more than the server reads at once) are all answered at
once -- the reader must use what GnuTLS has already decrypted instead of
waiting for the socket, where nothing more will come.  A 2 MB message
goes out intact through many TLS records."""

import time

from pop3test import Setup, TempDir, check, check_eq, run, wire_form, \
    wire_size
from tlstest import Pki, TlsSocket, client_context, start_tls_daemon, \
    tls_settings

BIG = b"Subject: big\n\n" + b"".join(b"line %07d %s\n" % (i, b"x" * 60)
                                      for i in range(30000))


def main():
    tmp = TempDir()
    pki = Pki(tmp)
    st = Setup(tmp, msgs=[BIG], extra=tls_settings(pki))
    d = start_tls_daemon(st)
    c = TlsSocket("127.0.0.1", d.tls_port, client_context(pki), "pop3.test")
    c.login(st.user, st.password)
    start = time.monotonic()
    c.send(b"NOOP\r\n" * 2000)
    c.expect(b"+OK\r\n" * 2000, timeout=5)
    check(time.monotonic() - start < 5, "answered without a stall")
    c.send(b"RETR 1\r\n")
    c.expect(b"+OK %d octets\r\n" % wire_size(BIG) + wire_form(BIG) +
             b".\r\n", timeout=30)
    check_eq(c.cmd("QUIT")[:3], b"+OK", "QUIT")
    check_eq(d.stop(), 0, "exit status after SIGTERM")


run(main)
