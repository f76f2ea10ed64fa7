#!/usr/bin/env python3
"""OpenSSL's s_client, a TLS stack other than pop3d's own, talks to
pop3d -d: `-starttls pop3` on the plain port and a direct connection to
the implicit-TLS port, verifying the chain and the name; it logs in and
gets the exact message bytes.  With `-tls1_2` the session is TLS 1.2."""

import subprocess

from pop3test import (Setup, TempDir, TestFailure, check, check_eq, run,
                      wire_form, wire_size)
from tlstest import Pki, start_tls_daemon, tls_settings
from interop import require_program

MSG = b"Subject: through OpenSSL\n\nfirst\n.second\n"


def s_client(args, commands, timeout=30):
    # -quiet implies -ign_eof: it waits for the server to close after QUIT
    argv = ["openssl", "s_client", "-quiet", "-verify_return_error",
            "-verify_hostname", "pop3.test"] + args
    try:
        r = subprocess.run(argv, input=commands, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        raise TestFailure("s_client hung: %r %r" % (e.stdout, e.stderr))
    check_eq(r.returncode, 0, "s_client exit status (stderr %r)"
             % r.stderr[-2000:])
    return r.stdout, r.stderr


def main():
    tmp = TempDir()
    pki = Pki(tmp)
    st = Setup(tmp, msgs=[MSG], extra=tls_settings(pki))
    d = start_tls_daemon(st)
    commands = ("USER %s\r\nPASS %s\r\nRETR 1\r\nQUIT\r\n"
                % (st.user, st.password)).encode()
    want = (b"+OK %d octets\r\n" % wire_size(MSG) + wire_form(MSG) +
            b".\r\n+OK pop3.test POP3 server signing off")

    for what, args in [
            ("STLS", ["-starttls", "pop3", "-connect",
                      "127.0.0.1:%d" % d.port]),
            ("implicit", ["-connect", "127.0.0.1:%d" % d.tls_port]),
            ("STLS, TLS 1.2", ["-tls1_2", "-starttls", "pop3", "-connect",
                               "127.0.0.1:%d" % d.port])]:
        out, err = s_client(["-CAfile", pki.ca, "-servername", "pop3.test"]
                            + args, commands)
        check(want in out, "%s: RETR and QUIT through s_client:\n%s\n%s"
              % (what, out.decode(errors="replace"),
                 err.decode(errors="replace")))
        check(b"verify return:1" in err, what + ": chain verified")
        if what == "implicit":
            check(out.startswith(b"+OK pop3.test POP3 server ready"),
                  "the greeting comes after the handshake: %r" % out[:80])

    # s_client's own record of the protocol
    out, err = s_client(["-CAfile", pki.ca, "-tls1_2", "-brief", "-connect",
                         "127.0.0.1:%d" % d.tls_port], b"QUIT\r\n")
    check(b"Protocol version: TLSv1.2" in err, "-tls1_2 gives TLS 1.2: %r"
          % err)
    check_eq(d.stop(), 0, "exit status after SIGTERM")


require_program("openssl")
run(main)
