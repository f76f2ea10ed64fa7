#!/usr/bin/env python3
"""curl logs in with USER/PASS when the server offers no APOP (apop = no,
so the greeting has no timestamp) and the users have no APOP secret, and
reads byte-exact mail from mbox, Maildir and MH through pop3d -d.

(curl always prefers SASL, then APOP when the greeting carries a
timestamp, and does not fall back to USER/PASS, so a user without an
APOP secret needs a server with apop = no, and no SASL mechanism curl
knows, to be reached by USER/PASS.)"""

from interop import (FORMATS, MESSAGES, Server, check_messages, crlf,
                     require_program, run_client)
from pop3test import TempDir, check, check_eq, run, wire_size


def curl(srv, fmt, path=""):
    user, password = srv.account(fmt)
    argv = ["curl", "--silent", "--show-error", "--max-time", "30",
            "--verbose", "--user", "%s:%s" % (user, password),
            "pop3://127.0.0.1:%d/%s" % (srv.port, path)]
    return run_client(argv, timeout=40)


def main():
    tmp = TempDir()
    # no SASL mechanism curl knows either (it prefers SASL over USER/PASS;
    # its build has no SCRAM): test-sasl-curl.py covers curl's SASL
    with Server(tmp, apop=False, extra={"apop": "no",
                                        "sasl_mechanisms": "SCRAM-SHA-256"}) \
            as srv:
        for fmt in FORMATS:
            r = curl(srv, fmt)
            check(b"> USER " in r.stderr and b"> APOP" not in r.stderr,
                  fmt + ": curl used USER/PASS:\n"
                  + r.stderr.decode(errors="replace"))
            check_eq(r.stdout,
                     b"".join(b"%d %d\r\n" % (i + 1, wire_size(m))
                              for i, m in enumerate(MESSAGES)),
                     fmt + ": curl listing")
            got = [curl(srv, fmt, str(i + 1)).stdout
                   for i in range(len(MESSAGES))]
            check_messages(got, [crlf(m) for m in MESSAGES],
                           fmt + ": curl RETR")


require_program("curl")
run(main)
