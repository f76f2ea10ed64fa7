#!/usr/bin/env python3
"""Two certificate/key pairs (pop3_certificate_path and
pop3_private_key_path, colon lists paired in order): the server name a
client sends (SNI) picks the certificate, on the implicit-TLS port and
after STLS; a client sending no name, or a name no certificate has, gets
the first pair."""

from pop3test import Setup, TempDir, check_eq, run
from tlstest import Pki, TlsSocket, client_context, start_tls_daemon, \
    tls_settings


def served_cn(d, pki, name, implicit):
    ctx = client_context(pki)
    if name is None or name == "unknown.test":
        # no name to check the certificate against
        ctx.check_hostname = False
    if implicit:
        c = TlsSocket("127.0.0.1", d.tls_port, ctx, name)
    else:
        c = TlsSocket("127.0.0.1", d.port, implicit=False)
        c.stls(ctx, name)
    cn = c.peer_cn()
    c.cmd("QUIT")
    c.close()
    return cn


def main():
    tmp = TempDir()
    pki = Pki(tmp)
    st = Setup(tmp, extra=tls_settings(
        pki,
        pop3_certificate_path="%s:%s" % (pki.cert, pki.other_cert),
        pop3_private_key_path="%s:%s" % (pki.key, pki.other_key)))
    d = start_tls_daemon(st)
    for implicit in (True, False):
        how = "implicit TLS" if implicit else "STLS"
        for name, want in [("other.test", "other.test"),
                           ("pop3.test", "pop3.test"),
                           ("localhost", "pop3.test"),
                           (None, "pop3.test"),
                           ("unknown.test", "pop3.test")]:
            check_eq(served_cn(d, pki, name, implicit), want,
                     "%s, server name %s" % (how, name))
    check_eq(d.stop(), 0, "exit status after SIGTERM")

    # the order decides which pair is the default
    st.rewrite(pop3_certificate_path="%s:%s" % (pki.other_cert, pki.cert),
               pop3_private_key_path="%s:%s" % (pki.other_key, pki.key))
    d = start_tls_daemon(st)
    check_eq(served_cn(d, pki, None, True), "other.test",
             "no server name: the first pair")
    check_eq(served_cn(d, pki, "pop3.test", True), "pop3.test",
             "pop3.test by name")
    check_eq(d.stop(), 0, "exit status after SIGTERM")


run(main)
