#!/usr/bin/env python3
"""gnutls-cli reads mail over TLS from pop3d -d: after STLS on the plain
port (--starttls-proto=pop3) and on the implicit-TLS port, trusting the
test CA and checking the server name; each time it logs in, gets the
exact message bytes and a clean QUIT.  --resume reconnects with the
ticket of the first connection, served by another child."""

import subprocess

from pop3test import (Setup, TempDir, TestFailure, check, check_eq, run,
                      wire_form, wire_size)
from tlstest import Pki, start_tls_daemon, tls_settings
from interop import require_program

MSG = b"Subject: over TLS\n\n.a dot line\nbody\n"


def gnutls_cli(args, commands, timeout=30):
    argv = ["gnutls-cli"] + args
    try:
        r = subprocess.run(argv, input=commands, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        raise TestFailure("gnutls-cli hung: %r %r" % (e.stdout, e.stderr))
    check_eq(r.returncode, 0, "gnutls-cli exit status (stderr %r)"
             % r.stderr[-2000:])
    return r.stdout


def check_session(out, what):
    check(b"The certificate is trusted" in out, what + ": certificate "
          "trusted:\n" + out.decode(errors="replace"))
    check(b"+OK 1 %d\r\n" % wire_size(MSG) in out, what + ": STAT:\n" +
          out.decode(errors="replace"))
    check(b"+OK %d octets\r\n" % wire_size(MSG) + wire_form(MSG) + b".\r\n"
          in out, what + ": RETR 1 bytes:\n" + out.decode(errors="replace"))
    check(b"+OK pop3.test POP3 server signing off" in out, what + ": QUIT")


def main():
    tmp = TempDir()
    pki = Pki(tmp)
    st = Setup(tmp, msgs=[MSG], extra=tls_settings(pki))
    d = start_tls_daemon(st)
    commands = ("USER %s\r\nPASS %s\r\nSTAT\r\nRETR 1\r\nQUIT\r\n"
                % (st.user, st.password)).encode()

    out = gnutls_cli(["--x509cafile", pki.ca, "--starttls-proto=pop3",
                      "-p", str(d.port), "localhost"], commands)
    check_session(out, "STLS")

    out = gnutls_cli(["--x509cafile", pki.ca, "-p", str(d.tls_port),
                      "localhost"], commands)
    check_session(out, "implicit TLS")
    check(b"TLS1.3" in out, "TLS 1.3 by default")

    out = gnutls_cli(["--x509cafile", pki.ca, "--resume", "-p",
                      str(d.tls_port), "localhost"], commands)
    check(b"This is a resumed session" in out, "--resume resumed:\n"
          + out.decode(errors="replace"))
    check_eq(d.stop(), 0, "exit status after SIGTERM")


require_program("gnutls-cli")
run(main)
