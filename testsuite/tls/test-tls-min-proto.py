#!/usr/bin/env python3
"""tls_min_proto is a floor: under `tls_min_proto = tls1.3` a client that
speaks at most TLS 1.2 fails the handshake, on the implicit-TLS port and
after STLS, and gets no greeting or reply inside TLS; a TLS 1.3 client
gets in.  Under the default (tls1.2) the TLS 1.2 client gets in, with TLS
1.2."""

import ssl

from pop3test import Setup, TempDir, check, check_eq, run
from tlstest import (Pki, TlsSocket, client_context, start_tls_daemon,
                     tls_settings)


def refused(d, ctx, implicit):
    try:
        if implicit:
            TlsSocket("127.0.0.1", d.tls_port, ctx, "pop3.test")
        else:
            c = TlsSocket("127.0.0.1", d.port, implicit=False)
            c.stls(ctx, "pop3.test")
            c.read_line()
    except (ssl.SSLError, ConnectionResetError) as e:
        return str(e)
    return None


def main():
    tmp = TempDir()
    pki = Pki(tmp)
    tls12 = client_context(pki, maximum=ssl.TLSVersion.TLSv1_2)
    tls13 = client_context(pki, minimum=ssl.TLSVersion.TLSv1_3)

    st = Setup(tmp, extra=tls_settings(pki, tls_min_proto="tls1.3"))
    d = start_tls_daemon(st)
    for implicit in (True, False):
        what = "implicit TLS" if implicit else "STLS"
        why = refused(d, tls12, implicit)
        check(why is not None, what + ": a TLS 1.2 client got in under "
              "tls_min_proto = tls1.3")
        # GnuTLS answers handshake_failure (no TLS 1.3 suite in common)
        check("HANDSHAKE_FAILURE" in why.upper() or
              "VERSION" in why.upper(), what + ": refused by the server: "
              + why)
        c = (TlsSocket("127.0.0.1", d.tls_port, tls13, "pop3.test")
             if implicit else TlsSocket("127.0.0.1", d.port, implicit=False))
        if not implicit:
            c.stls(tls13, "pop3.test")
            check_eq(c.cmd("NOOP")[:4], b"-ERR", "NOOP answered inside TLS")
        else:
            check(c.greeting.startswith(b"+OK pop3.test"), "greeting")
        check_eq(c.tls_version(), "TLSv1.3", what + ": TLS 1.3 client")
        c.cmd("QUIT")
    check_eq(d.stop(), 0, "exit status after SIGTERM")
    with open(st.log, errors="replace") as f:
        log = f.read()
    check(log.count("TLS handshake failed: No supported cipher suites have "
                    "been found. (a client older than tls_min_proto = "
                    "tls1.3?)") == 2,
          "each refusal is logged, with the likely cause:\n" + log[-3000:])

    st.rewrite(tls_min_proto=None)      # the default: tls1.2
    d = start_tls_daemon(st)
    c = TlsSocket("127.0.0.1", d.tls_port, tls12, "pop3.test")
    check(c.greeting.startswith(b"+OK pop3.test"), "TLS 1.2 greeting")
    check_eq(c.tls_version(), "TLSv1.2", "TLS 1.2 under the default floor")
    c.login(st.user, st.password)
    c.cmd("QUIT")
    check_eq(d.stop(), 0, "exit status after SIGTERM")


run(main)
