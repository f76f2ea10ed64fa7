#!/usr/bin/env python3
"""curl's pop3:// client reads byte-exact mail from mbox, Maildir and MH
through pop3d -d: the listing matches LIST sizes, every message comes out
as the fixture with CRLF line ends, UIDL and TOP work as custom commands,
and `curl -X DELE` removes exactly one message.

The server offers APOP (its default) and the users have an APOP secret:
curl is told to log in with APOP (left to itself it prefers SASL, which
testsuite/auth/test-sasl-curl.py covers).  test-interop-curl-user.py
covers USER/PASS."""

from interop import (FORMATS, MESSAGES, Server, canonical, check_messages,
                     crlf, require_program, run_client)
from pop3test import TempDir, check, check_eq, run, wire_size


def curl(srv, fmt, path="", extra=()):
    user, password = srv.account(fmt)
    argv = ["curl", "--silent", "--show-error", "--max-time", "30",
            "--login-options", "AUTH=+APOP",
            "--user", "%s:%s" % (user, password)] + list(extra) + \
           ["pop3://127.0.0.1:%d/%s" % (srv.port, path)]
    return run_client(argv, timeout=40).stdout


def check_format(srv, fmt):
    msgs = MESSAGES
    want = [crlf(m) for m in msgs]

    r = run_client(["curl", "--silent", "--show-error", "--max-time", "30",
                    "--verbose", "--login-options", "AUTH=+APOP",
                    "--user", "%s:%s" % srv.account(fmt),
                    "pop3://127.0.0.1:%d/1" % srv.port], timeout=40)
    check(b"> APOP " in r.stderr, fmt + ": curl used APOP:\n"
          + r.stderr.decode(errors="replace"))

    # No message number: curl sends LIST and prints the listing.
    listing = curl(srv, fmt)
    check_eq(listing, b"".join(b"%d %d\r\n" % (i + 1, wire_size(m))
                               for i, m in enumerate(msgs)),
             fmt + ": curl listing")

    # A message number: RETR, with the dot-stuffing undone by curl.
    got = [curl(srv, fmt, str(i + 1)) for i in range(len(msgs))]
    check_messages(got, want, fmt + ": curl RETR")

    uidl = curl(srv, fmt, extra=["--request", "UIDL"]).split(b"\r\n")
    check_eq(uidl[-1], b"", fmt + ": UIDL output ends in CRLF")
    uids = [line.split(b" ") for line in uidl[:-1]]
    check_eq([int(n) for n, _ in uids], list(range(1, len(msgs) + 1)),
             fmt + ": UIDL message numbers")
    check_eq(len(set(u for _, u in uids)), len(msgs), fmt + ": unique UIDLs")

    top = curl(srv, fmt, extra=["--request", "TOP 2 1"])
    head, _, body = crlf(msgs[1]).partition(b"\r\n\r\n")
    check_eq(top, head + b"\r\n\r\n" + body.split(b"\r\n")[0] + b"\r\n",
             fmt + ": TOP 2 1")

    # DELE needs --head (no body follows its +OK); curl then QUITs, which
    # commits the deletion.
    curl(srv, fmt, "2", extra=["--request", "DELE", "--head"])
    kept = msgs[:1] + msgs[2:]
    check_eq(curl(srv, fmt),
             b"".join(b"%d %d\r\n" % (i + 1, wire_size(m))
                      for i, m in enumerate(kept)),
             fmt + ": listing after DELE 2")
    check_eq(len(uidl) - 1, len(msgs), fmt + ": UIDL line count")
    after = curl(srv, fmt, extra=["--request", "UIDL"]).split(b"\r\n")[:-1]
    check_eq([line.split(b" ")[1] for line in after],
             [u for i, (_, u) in enumerate(uids) if i != 1],
             fmt + ": UIDLs after DELE 2")
    check_messages([curl(srv, fmt, "2")], [crlf(msgs[2])],
                   fmt + ": new message 2 is the old message 3")
    check_messages(srv.stored(fmt), [canonical(m) for m in kept],
                   fmt + ": messages left in the mailbox")


def main():
    tmp = TempDir()
    with Server(tmp, apop=True) as srv:
        for fmt in FORMATS:
            check_format(srv, fmt)


require_program("curl")
run(main)
