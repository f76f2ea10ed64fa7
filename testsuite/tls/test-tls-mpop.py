#!/usr/bin/env python3
"""mpop fetches byte-exact mail over TLS with its default choices: `tls on`
with `tls_starttls on` (STLS on the plain port) and `tls_starttls off`
(the implicit-TLS port), trusting only the test CA (`tls_trust_file`).
Under TLS mpop picks the login method by itself (without TLS it
refuses the clear-text ones).  A run that trusts another CA
fetches nothing."""

import os

from interop import (FORMATS, canonical, check_messages, clear_dir,
                     delivered, require_program, run_client, write_mda,
                     write_private)
from pop3test import TempDir, check, run
from tlstest import Pki, interop_server, wait_listening


def mpop(tmp, srv, fmt, mda, port, options, trust, ok=(0,)):
    user, password = srv.account(fmt)
    rc = write_private(tmp.join("mpoprc"), """\
defaults
timeout 20
tls on
tls_trust_file %s
received_header off
account test
host 127.0.0.1
tls_host_override pop3.test
port %d
user %s
passwordeval echo %s
delivery mda "%s"
uidls_file %s
keep on
only_new off
%s
""" % (trust, port, user, password, mda, tmp.join("uidls-" + fmt),
       "\n".join(options)))
    env = dict(os.environ, HOME=tmp.path)
    return run_client(["mpop", "--debug", "-C", rc, "test"], env=env,
                      timeout=90, ok=ok)


def main():
    tmp = TempDir()
    pki = Pki(tmp)
    mda, outdir = write_mda(tmp)
    with interop_server(tmp, pki) as srv:
        wait_listening(srv.daemon, srv.tls_port)
        want = [canonical(m) for m in srv.messages]
        for fmt in FORMATS:
            r = mpop(tmp, srv, fmt, mda, srv.port, ["tls_starttls on"],
                     pki.ca)
            check(b"--> STLS" in r.stdout, fmt + ": mpop sent STLS")
            check(any(b"--> %s " % m in r.stdout
                      for m in (b"USER", b"APOP", b"AUTH")),
                  fmt + ": mpop chose a login method inside TLS:\n"
                  + r.stdout.decode(errors="replace")[-3000:])
            check_messages(delivered(outdir), want, fmt + ": mpop with STLS")
            clear_dir(outdir)

            r = mpop(tmp, srv, fmt, mda, srv.tls_port,
                     ["tls_starttls off"], pki.ca)
            check(b"--> STLS" not in r.stdout, fmt + ": no STLS on POP3S")
            check_messages(delivered(outdir), want,
                           fmt + ": mpop with implicit TLS")
            clear_dir(outdir)

        # a trust file without our CA: the handshake check fails
        r = mpop(tmp, srv, "mbox", mda, srv.tls_port, ["tls_starttls off"],
                 pki.other_cert, ok=tuple(range(1, 256)))
        check(b"NOT trusted" in r.stderr, "mpop refused the certificate: %r"
              % r.stderr)
        check_messages(delivered(outdir), [], "nothing from an untrusted "
                       "server")


require_program("mpop")
run(main, timeout=300)
