#!/usr/bin/env python3
"""TLS session resumption with tickets works across pop3d -d children:
every child inherits the one ticket key the daemon made at start, so a
client reconnecting with the session of its last connection resumes it
(Python ssl: session_reused) although another process serves it -- with
TLS 1.3 and TLS 1.2, on the implicit-TLS port and after STLS, and still
after SIGHUP re-read the configuration."""

import re
import signal
import ssl

from pop3test import Setup, TempDir, check, check_eq, run
from tlstest import (Pki, TlsSocket, client_context, start_tls_daemon,
                     tls_settings, wait_log)


def pid_of(greeting):
    """The server process, from the APOP timestamp <pid.time.rnd@host>."""
    m = re.search(rb"<(\d+)\.", greeting)
    check(m is not None, "no timestamp in %r" % greeting)
    return int(m.group(1))


def session(d, ctx, implicit, prev=None):
    if implicit:
        c = TlsSocket("127.0.0.1", d.tls_port, ctx, "pop3.test",
                      session=prev)
        pid = pid_of(c.greeting)
    else:
        c = TlsSocket("127.0.0.1", d.port, implicit=False)
        pid = pid_of(c.greeting)
        c.stls(ctx, "pop3.test", session=prev)
    check_eq(c.cmd("QUIT"), b"+OK pop3.test POP3 server signing off\r\n",
             "QUIT")
    # TLS 1.3 tickets arrive after the handshake; QUIT's reply came
    # after them, so the session now holds one
    reused, sess = c.session_reused(), c.session
    c.close()
    return reused, sess, pid


def main():
    tmp = TempDir()
    pki = Pki(tmp)
    st = Setup(tmp, apop=True, extra=tls_settings(pki))
    d = start_tls_daemon(st)
    for version in (ssl.TLSVersion.TLSv1_3, ssl.TLSVersion.TLSv1_2):
        ctx = client_context(pki, maximum=version, minimum=version)
        for implicit in (True, False):
            what = "%s %s" % (version.name,
                              "implicit TLS" if implicit else "STLS")
            reused, sess, pid1 = session(d, ctx, implicit)
            check(not reused, what + ": first connection is a full "
                  "handshake")
            check(sess is not None and sess.has_ticket,
                  what + ": the server issued a ticket")
            reused, sess2, pid2 = session(d, ctx, implicit, sess)
            check(pid1 != pid2, what + ": two children served")
            check(reused, what + ": the second connection resumed")
            # a ticket from a later connection resumes too
            reused, _, _ = session(d, ctx, implicit, sess2)
            check(reused, what + ": resumed again")

    ctx = client_context(pki)
    _, sess, _ = session(d, ctx, True)
    d.proc.send_signal(signal.SIGHUP)
    wait_log(st.log, "SIGHUP: configuration re-read")
    reused, _, _ = session(d, ctx, True, sess)
    check(reused, "a ticket from before SIGHUP resumes after it")
    check_eq(d.stop(), 0, "exit status after SIGTERM")
    with open(st.log, errors="replace") as f:
        log = f.read()
    check(", resumed" in log, "the log says when a session resumed")


run(main)
