#!/usr/bin/env python3
"""deny_from / allow_from, checked before anything is read: a client in
deny_from, or outside a non-empty allow_from, gets exactly
"-ERR [SYS/PERM] pop3.test access denied" and is closed, in -d mode, in
inetd mode on a TCP socket, and with PROXY v2 on the header's address.
Refusals are logged with the client's address (for fail2ban)."""
import socket
import subprocess

from pop3test import *
from daemontest import *

DENIED = b"-ERR [SYS/PERM] pop3.test access denied\r\n"


def refused(c):
    c.expect(DENIED)
    c.expect_eof()


def inetd(st, source):
    """pop3d -i on an accepted TCP socket from source: its first line."""
    ls = socket.socket()
    ls.bind(("127.0.0.1", 0))
    ls.listen(1)
    cl = socket.socket()
    cl.bind((source, 0))
    cl.connect(ls.getsockname())
    srv, _ = ls.accept()
    ls.close()
    p = subprocess.Popen([POP3D, "-i", "-c", st.conf], stdin=srv, stdout=srv,
                         stderr=subprocess.DEVNULL)
    srv.close()
    cl.settimeout(10)
    data = b""
    while not data.endswith(b"\r\n"):
        chunk = cl.recv(512)
        if not chunk:
            break
        data += chunk
    cl.close()
    p.wait(10)
    return data


def main():
    st = Setup(TempDir(), msgs=[b"Subject: x\n\nbody\n"],
               extra={"deny_from": "127.0.0.2 192.0.2.0/24"})
    d = Pop3Daemon(st).start()
    refused(d.connect(read_greeting=False, source="127.0.0.2"))
    wait_log(st.log, r"\[client 127\.0\.0\.2 port \d+\] refused: access "
             r"denied \(deny_from, allow_from\)")
    c = d.connect(source="127.0.0.3")
    c.login(st.user, st.password)
    c.cmd("QUIT")
    d.stop()
    check_eq(inetd(st, "127.0.0.2"), DENIED, "inetd: denied")
    check(inetd(st, "127.0.0.3").startswith(b"+OK"), "inetd: greeted")

    st.rewrite(deny_from=None, allow_from="127.0.0.3 ::1")
    d = Pop3Daemon(st).start()
    refused(d.connect(read_greeting=False))     # from 127.0.0.1
    c = d.connect(source="127.0.0.3")
    check(c.greeting.startswith(b"+OK"), "in allow_from: greeted")
    c.cmd("QUIT")
    d.stop()

    # PROXY v2: the header's address, checked by the session's monitor
    st.rewrite(allow_from=None, deny_from="198.51.100.0/24",
               pop3_accept_haproxy="2")
    d = Pop3Daemon(st).start()
    c = d.connect(read_greeting=False)
    c.send(proxy_v2("198.51.100.7", 40000, "127.0.0.1", d.port))
    refused(c)
    wait_log(st.log, r"\[client 198\.51\.100\.7 port 40000\] refused: access "
             r"denied")
    c = d.connect(read_greeting=False)
    c.send(proxy_v2("203.0.113.7", 40000, "127.0.0.1", d.port))
    c.read_greeting()
    check(c.greeting.startswith(b"+OK"), "another proxied address: greeted")
    c.cmd("QUIT")
    d.stop()


run(main)
