#!/usr/bin/env python3
"""pop3_force_tls = yes: before TLS, CAPA lists neither USER nor SASL (but
STLS), and USER, PASS, APOP and AUTH get -ERR [AUTH] at once -- before any
credential check, so without the failed-login delay; the APOP timestamp
may stay in the greeting.  After STLS, and on the implicit-TLS port, the
same account logs in.  Without a way to TLS the setting is refused."""

import base64
import time

from pop3test import (Pop3Socket, Setup, TempDir, apop_digest, check,
                      wire_size,
                      check_eq, run)
from tlstest import (Pki, TlsSocket, client_context, run_pop3d_t,
                     start_tls_daemon, tls_settings)

REFUSED = b"-ERR [AUTH] TLS is required first: use STLS\r\n"
MSG = b"Subject: forced\n\nbody\n"


def capa(c):
    c.send(b"CAPA\r\n")
    lines = c.read_multi().split(b"\r\n")
    check_eq(lines[0], b"+OK Capability list follows", "CAPA reply")
    return [line.split(b" ")[0] for line in lines[1:-2]]


def main():
    tmp = TempDir()
    pki = Pki(tmp)
    ctx = client_context(pki)
    st = Setup(tmp, msgs=[MSG], apop=True,
               extra=tls_settings(pki, pop3_force_tls="yes"))
    d = start_tls_daemon(st)

    c = Pop3Socket("127.0.0.1", d.port)
    check(b"<" in c.greeting, "the APOP timestamp may stay: %r" % c.greeting)
    caps = capa(c)
    check(b"USER" not in caps and b"SASL" not in caps,
          "CAPA before TLS lists neither USER nor SASL: %r" % caps)
    check(b"STLS" in caps, "CAPA before TLS offers STLS: %r" % caps)
    start = time.monotonic()
    check_eq(c.cmd("USER " + st.user), REFUSED, "USER before TLS")
    check_eq(c.cmd("PASS " + st.password), REFUSED, "PASS before TLS")
    check_eq(c.cmd("APOP %s %s" % (st.user, apop_digest(c.greeting,
                                                        st.password))),
             REFUSED, "APOP before TLS")
    plain = base64.b64encode(b"\0%s\0%s" % (st.user.encode(),
                                            st.password.encode())).decode()
    check_eq(c.cmd("AUTH PLAIN " + plain), REFUSED, "AUTH before TLS")
    spent = time.monotonic() - start
    check(spent < 0.5, "refused before any check, without the failed-"
          "login delay (%.3f s for four)" % spent)
    check_eq(c.cmd("STAT"), b"-ERR command not valid in this state\r\n",
             "still not logged in")

    c = TlsSocket("127.0.0.1", d.port, implicit=False)
    c.stls(ctx, "pop3.test")
    caps = capa(c)
    check(b"USER" in caps and b"SASL" in caps and b"STLS" not in caps,
          "CAPA inside TLS lists USER and SASL, not STLS: %r" % caps)
    c.login(st.user, st.password)
    check_eq(c.cmd("STAT"), b"+OK 1 %d\r\n" % wire_size(MSG), "STAT")
    c.cmd("QUIT")

    c = TlsSocket("127.0.0.1", d.tls_port, ctx, "pop3.test")
    check_eq(c.cmd("APOP %s %s" % (st.user, apop_digest(c.greeting,
                                                        st.password)))[:3],
             b"+OK", "APOP on the implicit-TLS port")
    c.cmd("QUIT")
    check_eq(d.stop(), 0, "exit status after SIGTERM")
    with open(st.log, errors="replace") as f:
        log = f.read()
    check("failed for" not in log,
          "no refusal reached a credential check:\n" + log[-3000:])

    # no TLS, no login at all: refused by pop3d -t and at start
    st.rewrite(pop3_support_tls="no")
    r = run_pop3d_t(st.conf)
    check_eq(r.returncode, 1, "pop3d -t status")
    check(b"pop3_force_tls: TLS is required but not available" in r.stderr,
          "pop3d -t says why: %r" % r.stderr)


run(main)
