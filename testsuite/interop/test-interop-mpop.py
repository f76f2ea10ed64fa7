#!/usr/bin/env python3
"""mpop fetches byte-exact mail from mbox, Maildir and MH through pop3d -d
(with PIPELINING, which pop3d offers), keeps it on the server with
`keep on`, fetches only new mail on the next run (its UIDL list), and
deletes exactly what it fetched with `keep off`.

mpop is told to change nothing in the messages: `received_header off`
(else it adds a Received header).  TLS is off, so `auth user` is asked
for explicitly (mpop's automatic choice skips clear-text methods without
TLS, and does not count APOP among the secure ones); the last run logs
in with `auth apop`."""

import os

from interop import (FORMATS, MESSAGES, NEW_MESSAGE, Server, canonical,
                     check_messages, clear_dir, delivered, require_program,
                     run_client, write_mda, write_private)
from pop3test import TempDir, check, run


def mpop(tmp, srv, fmt, mda, options):
    user, password = srv.account(fmt)
    rc = write_private(tmp.join("mpoprc"), """\
defaults
timeout 20
tls off
received_header off
account test
host 127.0.0.1
port %d
user %s
passwordeval echo %s
delivery mda "%s"
uidls_file %s
%s
""" % (srv.port, user, password, mda, tmp.join("uidls-" + fmt),
       "\n".join(options)))
    r = run_client(["mpop", "--debug", "-C", rc, "test"],
                   env=dict(os.environ, HOME=tmp.path), timeout=90)
    return r.stdout


def check_format(tmp, srv, fmt, mda, outdir):
    want = [canonical(m) for m in MESSAGES]

    out = mpop(tmp, srv, fmt, mda, ["auth user", "keep on"])
    check(b"--> USER " in out, fmt + ": mpop logged in with USER/PASS")
    check_messages(delivered(outdir), want, fmt + ": first mpop run")
    check_messages(srv.stored(fmt), want, fmt + ": mailbox after keep on")

    clear_dir(outdir)
    srv.deliver(fmt, NEW_MESSAGE)
    mpop(tmp, srv, fmt, mda, ["auth user", "keep on"])
    check_messages(delivered(outdir), [canonical(NEW_MESSAGE)],
                   fmt + ": second run fetches only the new message")

    clear_dir(outdir)
    mpop(tmp, srv, fmt, mda, ["auth user", "keep on"])
    check_messages(delivered(outdir), [], fmt + ": third run finds no new mail")

    clear_dir(outdir)
    out = mpop(tmp, srv, fmt, mda, ["auth apop", "keep off", "only_new off"])
    check(b"--> APOP " in out, fmt + ": mpop logged in with APOP")
    check_messages(delivered(outdir), want + [canonical(NEW_MESSAGE)],
                   fmt + ": fetch and delete run")
    check_messages(srv.stored(fmt), [], fmt + ": mailbox after keep off")
    clear_dir(outdir)


def main():
    tmp = TempDir()
    mda, outdir = write_mda(tmp)
    with Server(tmp, apop=True) as srv:
        for fmt in FORMATS:
            check_format(tmp, srv, fmt, mda, outdir)


require_program("mpop")
run(main, timeout=300)
