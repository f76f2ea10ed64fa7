#!/usr/bin/env python3
"""curl fetches byte-exact mail over TLS: pop3s:// on the implicit-TLS
port and pop3:// with --ssl-reqd (STLS on the plain port), trusting the
test CA (--cacert) and checking the name pop3.test.  A curl that does
not trust the CA is refused by its own check, so the certificate really
is the one verified."""

from interop import (FORMATS, check_messages, crlf, require_program,
                     run_client)
from pop3test import TempDir, check, check_eq, run, wire_size
from tlstest import Pki, interop_server, wait_listening


def curl(srv, pki, fmt, url, extra=(), ok=(0,)):
    user, password = srv.account(fmt)
    argv = ["curl", "--silent", "--show-error", "--max-time", "30",
            "--cacert", pki.ca, "--user", "%s:%s" % (user, password),
            "--resolve", "pop3.test:%d:127.0.0.1" % srv.port,
            "--resolve", "pop3.test:%d:127.0.0.1" % srv.tls_port] + \
        list(extra) + [url]
    return run_client(argv, timeout=40, ok=ok)


def main():
    tmp = TempDir()
    pki = Pki(tmp)
    with interop_server(tmp, pki) as srv:
        wait_listening(srv.daemon, srv.tls_port)
        msgs = srv.messages
        for fmt in FORMATS:
            pop3s = "pop3s://pop3.test:%d/" % srv.tls_port
            stls = "pop3://pop3.test:%d/" % srv.port

            listing = curl(srv, pki, fmt, pop3s).stdout
            check_eq(listing, b"".join(b"%d %d\r\n" % (i + 1, wire_size(m))
                                       for i, m in enumerate(msgs)),
                     fmt + ": LIST over pop3s://")
            got = [curl(srv, pki, fmt, pop3s + str(i + 1)).stdout
                   for i in range(len(msgs))]
            check_messages(got, [crlf(m) for m in msgs],
                           fmt + ": RETR over pop3s://")

            r = curl(srv, pki, fmt, stls + "1",
                     extra=["--ssl-reqd", "--verbose"])
            check(b"> STLS" in r.stderr, fmt + ": curl sent STLS:\n" +
                  r.stderr.decode(errors="replace"))
            check_messages([r.stdout], [crlf(msgs[0])],
                           fmt + ": RETR 1 after STLS")
            got = [curl(srv, pki, fmt, stls + str(i + 1),
                        extra=["--ssl-reqd"]).stdout
                   for i in range(len(msgs))]
            check_messages(got, [crlf(m) for m in msgs],
                           fmt + ": RETR after STLS")

        # without the CA, curl's verification fails (status 60)
        r = run_client(["curl", "--silent", "--max-time", "30",
                        "--user", "%s:%s" % srv.account("mbox"),
                        "pop3s://127.0.0.1:%d/" % srv.tls_port], ok=(60,))
        check_eq(r.stdout, b"", "nothing fetched from an untrusted server")


require_program("curl")
run(main)
