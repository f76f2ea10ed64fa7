#!/usr/bin/env python3
"""STLS (RFC 2595 section 4) is offered and works only where it should:
not with pop3_support_tls = no, nor without a certificate (pop3d then
warns); not with arguments, not inside TLS (-ERR, and CAPA stops listing
it), not after login.  A USER name given before STLS is forgotten."""

from pop3test import Pop3Pipe, Setup, TempDir, check, check_eq, run
from tlstest import (Pki, TlsSocket, client_context, run_pop3d_t,
                     start_tls_daemon, tls_settings)

WRONG_STATE = b"-ERR command not valid in this state\r\n"


def capa(c):
    c.send(b"CAPA\r\n")
    return c.read_multi().split(b"\r\n")[1:-2]


def main():
    tmp = TempDir()
    pki = Pki(tmp)
    ctx = client_context(pki)
    st = Setup(tmp, extra=tls_settings(pki))

    # TLS off: the certificate alone offers nothing
    st.rewrite(pop3_support_tls="no")
    c = Pop3Pipe(st.conf)
    check(b"STLS" not in capa(c), "no STLS with pop3_support_tls = no")
    check_eq(c.cmd("STLS"), b"-ERR STLS is not offered\r\n", "STLS refused")
    check_eq(c.cmd("CAPA")[:3], b"+OK", "the session goes on in clear")
    c.read_multi()
    c.close()

    # TLS on without a certificate: a warning, no STLS
    st.rewrite(pop3_support_tls="yes", pop3_certificate_path=None,
               pop3_private_key_path=None)
    r = run_pop3d_t(st.conf)
    check_eq(r.returncode, 0, "pop3d -t accepts it")
    check(b"warning: pop3_support_tls: yes, but pop3_certificate_path is "
          b"unset" in r.stderr, "pop3d -t warns: %r" % r.stderr)
    c = Pop3Pipe(st.conf)
    check(b"STLS" not in capa(c), "no STLS without a certificate")
    check_eq(c.cmd("STLS"), b"-ERR STLS is not offered\r\n", "STLS refused")
    c.close()

    st.rewrite(**tls_settings(pki))
    d = start_tls_daemon(st)
    c = TlsSocket("127.0.0.1", d.port, implicit=False)
    check(b"STLS" in capa(c), "STLS offered")
    check_eq(c.cmd("STLS now"), b"-ERR wrong number of arguments\r\n",
             "STLS takes no argument")
    check_eq(c.cmd("USER " + st.user), b"+OK send PASS\r\n", "USER")
    c.stls(ctx, "pop3.test")
    check(b"STLS" not in capa(c), "no STLS inside TLS")
    check_eq(c.cmd("STLS"), b"-ERR TLS is already active\r\n",
             "a second STLS")
    check_eq(c.cmd("PASS " + st.password), b"-ERR USER first\r\n",
             "the USER name from before TLS is forgotten")
    c.login(st.user, st.password)
    check_eq(c.cmd("STLS"), WRONG_STATE, "STLS after login")
    c.cmd("QUIT")

    c = TlsSocket("127.0.0.1", d.port, implicit=False)
    c.login(st.user, st.password)
    check(b"STLS" not in capa(c), "no STLS in TRANSACTION")
    check_eq(c.cmd("STLS"), WRONG_STATE, "STLS after a plaintext login")
    c.cmd("QUIT")

    c = TlsSocket("127.0.0.1", d.tls_port, ctx, "pop3.test")
    check(b"STLS" not in capa(c), "no STLS on the implicit-TLS port")
    check_eq(c.cmd("STLS"), b"-ERR TLS is already active\r\n",
             "STLS on the implicit-TLS port")
    c.cmd("QUIT")
    check_eq(d.stop(), 0, "exit status after SIGTERM")


run(main)
