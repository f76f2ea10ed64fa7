#!/usr/bin/env python3
"""fetchmail (built with OpenSSL) fetches byte-exact mail over TLS:
STLS on the plain port (sslproto TLS1.2+ makes it mandatory) and
implicit TLS (`ssl`) on the TLS port, checking the certificate against
the test CA and the name pop3.test (sslcertck, sslcertfile,
sslcommonname).  Long lines are cut to 8000 octets, as in
testsuite/interop/test-interop-fetchmail.py (a fetchmail bug)."""

import os

from interop import (MESSAGES, canonical, check_messages, clear_dir,
                     delivered, require_program, run_client,
                     without_lines_over, write_mda, write_private)
from pop3test import TempDir, check, run
from tlstest import Pki, interop_server, wait_listening

FIXTURE = without_lines_over(MESSAGES, 8000)


def fetchmail(tmp, srv, pki, mda, port, tls_options):
    user, password = srv.account("maildir")
    rc = write_private(tmp.join("fetchmailrc"), """\
set no bouncemail
set no syslog
set invisible
poll 127.0.0.1 service %d protocol pop3 timeout 20
  user "%s" password "%s"
  no rewrite keep fetchall
  sslcertck sslcertfile "%s" sslcommonname "pop3.test" %s
  mda "%s"
""" % (port, user, password, pki.ca, tls_options, mda))
    env = dict(os.environ, HOME=tmp.path, FETCHMAILHOME=tmp.path)
    return run_client(["fetchmail", "-v", "--nodetach", "-f", rc,
                       "--pidfile", tmp.join("fetchmail.pid")],
                      env=env, timeout=90)


def main():
    tmp = TempDir()
    pki = Pki(tmp)
    mda, outdir = write_mda(tmp)
    with interop_server(tmp, pki, messages=FIXTURE) as srv:
        wait_listening(srv.daemon, srv.tls_port)
        want = [canonical(m) for m in FIXTURE]

        r = fetchmail(tmp, srv, pki, mda, srv.port, "sslproto 'TLS1.2+'")
        out = r.stdout + r.stderr
        check(b"POP3> STLS" in out, "fetchmail sent STLS:\n" +
              out.decode(errors="replace")[-3000:])
        check_messages(delivered(outdir), want, "fetchmail after STLS")
        clear_dir(outdir)

        r = fetchmail(tmp, srv, pki, mda, srv.tls_port, "ssl")
        out = r.stdout + r.stderr
        check(b"POP3> STLS" not in out, "no STLS on the TLS port")
        check_messages(delivered(outdir), want, "fetchmail with ssl")


require_program("fetchmail")
run(main, timeout=200)
