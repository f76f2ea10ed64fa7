#!/usr/bin/env python3
"""Certificates are re-read on SIGHUP: a renewed certificate written over
the old files is served to new connections without a restart.  A broken
one (a key that does not match) at SIGHUP leaves the certificate loaded
before in use, and the log says which file is wrong and why."""

import shutil
import signal

from pop3test import Setup, TempDir, check, check_eq, run
from tlstest import (Pki, TlsSocket, client_context, read_log,
                     start_tls_daemon, tls_settings, wait_log)


def served_cn(d, pki):
    ctx = client_context(pki)
    ctx.check_hostname = False          # the name changes on purpose
    c = TlsSocket("127.0.0.1", d.tls_port, ctx, None)
    cn = c.peer_cn()
    check(c.greeting.startswith(b"+OK "), "greeting after the handshake")
    c.cmd("QUIT")
    c.close()
    return cn


def main():
    tmp = TempDir()
    pki = Pki(tmp)
    live_cert, live_key = tmp.join("live-cert.pem"), tmp.join("live-key.pem")
    shutil.copy(pki.cert, live_cert)
    shutil.copy(pki.key, live_key)
    st = Setup(tmp, extra=tls_settings(pki, pop3_certificate_path=live_cert,
                                       pop3_private_key_path=live_key))
    d = start_tls_daemon(st)
    check_eq(served_cn(d, pki), "pop3.test", "the certificate at start")

    # renewal: new files at the same paths, then SIGHUP
    shutil.copy(pki.other_cert, live_cert)
    shutil.copy(pki.other_key, live_key)
    check_eq(served_cn(d, pki), "pop3.test", "nothing changes before SIGHUP")
    d.proc.send_signal(signal.SIGHUP)
    wait_log(st.log, "SIGHUP: configuration re-read")
    check_eq(served_cn(d, pki), "other.test", "the renewed certificate")

    # a key that does not belong to the certificate: the old pair stays
    shutil.copy(pki.key, live_key)
    d.proc.send_signal(signal.SIGHUP)
    log = wait_log(st.log, "SIGHUP: configuration re-read", count=2)
    check("SIGHUP: pop3_private_key_path: %s: The certificate and the given "
          "key do not match" % live_key in log and
          "the TLS settings loaded before stay in use" in log,
          "the log names the file and the reason:\n" + log[-2000:])
    check_eq(served_cn(d, pki), "other.test", "the old certificate stays")

    # a missing file: the same
    shutil.move(live_cert, live_cert + ".gone")
    d.proc.send_signal(signal.SIGHUP)
    log = wait_log(st.log, "SIGHUP: configuration re-read", count=3)
    check("%s: No such file or directory" % live_cert in log,
          "a missing certificate is logged:\n" + log[-2000:])
    check_eq(served_cn(d, pki), "other.test", "the old certificate stays")
    check_eq(d.stop(), 0, "exit status after SIGTERM")
    check("stay in use" in read_log(st.log), "logged")


run(main)
