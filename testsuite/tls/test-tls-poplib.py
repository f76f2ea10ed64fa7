#!/usr/bin/env python3
"""Python's poplib over TLS: POP3_SSL on the implicit-TLS port and
POP3.stls() on the plain port, verifying the certificate against the
test CA and the name pop3.test; STAT, LIST, UIDL and RETR of every
fixture message (up to 600 KB, many TLS records each way) come out
byte-exact, and DELE + QUIT inside TLS commits."""

import poplib
import ssl

from interop import FORMATS, canonical, check_messages
from pop3test import TempDir, check, check_eq, run, wire_size
from tlstest import Pki, client_context, interop_server, wait_listening

poplib._MAXLINE = 1 << 20       # the fixture has a 70000-octet line


class Pop3sNamed(poplib.POP3_SSL):
    """POP3_SSL to 127.0.0.1 that checks the name pop3.test."""

    def __init__(self, port, ctx):
        self._name = "pop3.test"
        super().__init__("127.0.0.1", port, context=ctx, timeout=20)

    def _create_socket(self, timeout):
        sock = poplib.POP3._create_socket(self, timeout)
        return self.context.wrap_socket(sock, server_hostname=self._name)


def fetch_all(p, srv, fmt, what):
    msgs = srv.messages
    check_eq(p.stat(), (len(msgs), sum(wire_size(m) for m in msgs)),
             what + ": STAT")
    got = []
    for i in range(len(msgs)):
        resp, lines, octets = p.retr(i + 1)
        got.append(b"".join(line + b"\n" for line in lines))
    check_messages(got, [canonical(m) for m in msgs], what + ": RETR")


def main():
    tmp = TempDir()
    pki = Pki(tmp)
    ctx = client_context(pki)
    with interop_server(tmp, pki) as srv:
        wait_listening(srv.daemon, srv.tls_port)
        for fmt in FORMATS:
            user, password = srv.account(fmt)

            p = Pop3sNamed(srv.tls_port, ctx)
            check(p.getwelcome().startswith(b"+OK interop.test"),
                  "greeting inside TLS")
            check(p.sock.version() in ("TLSv1.3", "TLSv1.2"),
                  "TLS version %r" % p.sock.version())
            caps = p.capa()
            check("STLS" not in caps, "no STLS once TLS is on: %r" % caps)
            p.user(user)
            p.pass_(password)
            fetch_all(p, srv, fmt, fmt + " POP3_SSL")
            p.quit()

            p = poplib.POP3("127.0.0.1", srv.port, timeout=20)
            check("STLS" in p.capa(), "STLS offered on the plain port")
            check_eq(p.stls(context=ctx)[:3], b"+OK", "STLS reply")
            check(isinstance(p.sock, ssl.SSLSocket), "poplib switched")
            p.user(user)
            p.pass_(password)
            fetch_all(p, srv, fmt, fmt + " stls()")
            p.dele(1)
            check_eq(p.quit()[:3], b"+OK", "QUIT inside TLS")
            check_messages(srv.stored(fmt),
                           [canonical(m) for m in srv.messages[1:]],
                           fmt + ": DELE 1 committed")

        # poplib's stls() checks the name: a context for another name
        # fails the handshake
        p = poplib.POP3("127.0.0.1", srv.port, timeout=20)
        try:
            p.host = "other.test"
            p.stls(context=ctx)
            raise AssertionError("the name other.test was accepted")
        except ssl.SSLCertVerificationError:
            pass


run(main)
