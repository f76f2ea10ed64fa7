#!/usr/bin/env python3
"""fetchmail fetches byte-exact mail from mbox, Maildir and MH through
pop3d -d, keeps it on the server, fetches only new mail on the next run
(UIDL), and deletes exactly what it fetched when told not to keep.

fetchmail is told to change nothing in the messages:
  set invisible   no Received header of its own;
  no rewrite      leave the addresses in To/Cc/From alone;
  sslproto ""     fetchmail 6.4 sends STLS even when CAPA does not offer
                  it and gives up when the server says -ERR; this turns
                  that off (pop3d offers STLS only with pop3_support_tls).
The MDA writes each message to its own file.  fetchmail 6.4.37 corrupts
lines of 8190 octets or more (it inserts bytes where its 8 KiB line
buffer ends; curl, poplib and mpop read the same lines intact), so this
test cuts the fixture's long lines to 8000 octets."""

import os

from interop import (FORMATS, MESSAGES, NEW_MESSAGE, Server, canonical,
                     check_messages, clear_dir, delivered, require_program,
                     run_client, without_lines_over, write_mda, write_private)
from pop3test import TempDir, check, run

FIXTURE = without_lines_over(MESSAGES, 8000)


def fetchmail(tmp, srv, fmt, mda, options):
    user, password = srv.account(fmt)
    rc = write_private(tmp.join("fetchmailrc"), """\
set no bouncemail
set no syslog
set invisible
set idfile "%s"
poll 127.0.0.1 service %d protocol pop3 uidl timeout 20
  user "%s" password "%s"
  no rewrite sslproto "" %s
  mda "%s"
""" % (tmp.join("fetchids-" + fmt), srv.port, user, password, options, mda))
    env = dict(os.environ, HOME=tmp.path, FETCHMAILHOME=tmp.path)
    # A pidfile of our own: run as root, fetchmail otherwise locks
    # /var/run/fetchmail.pid and refuses to run beside another test's.
    # Status 0: mail was delivered; 1: there was no new mail.
    return run_client(["fetchmail", "-v", "--nodetach", "-f", rc,
                       "--pidfile", tmp.join("fetchmail.pid")],
                      env=env, timeout=90, ok=(0, 1))


def check_format(tmp, srv, fmt, mda, outdir):
    want = [canonical(m) for m in FIXTURE]

    fetchmail(tmp, srv, fmt, mda, "keep fetchall")
    check_messages(delivered(outdir), want, fmt + ": first fetchmail run")
    check_messages(srv.stored(fmt), want, fmt + ": mailbox after keep")

    clear_dir(outdir)
    srv.deliver(fmt, NEW_MESSAGE)
    fetchmail(tmp, srv, fmt, mda, "keep")
    check_messages(delivered(outdir), [canonical(NEW_MESSAGE)],
                   fmt + ": second run fetches only the new message")

    clear_dir(outdir)
    r = fetchmail(tmp, srv, fmt, mda, "keep")
    check(r.returncode == 1 and delivered(outdir) == [],
          fmt + ": third run finds no new mail (status %d, %d messages)"
          % (r.returncode, len(delivered(outdir))))

    clear_dir(outdir)
    fetchmail(tmp, srv, fmt, mda, "no keep fetchall")
    check_messages(delivered(outdir), want + [canonical(NEW_MESSAGE)],
                   fmt + ": fetch and delete run")
    check_messages(srv.stored(fmt), [], fmt + ": mailbox after the delete run")
    clear_dir(outdir)


def main():
    tmp = TempDir()
    mda, outdir = write_mda(tmp)
    with Server(tmp, messages=FIXTURE) as srv:
        for fmt in FORMATS:
            check_format(tmp, srv, fmt, mda, outdir)


require_program("fetchmail")
run(main, timeout=300)
