#!/usr/bin/env python3
"""pop3_haproxy_trusted: only the listed proxies may send a PROXY v2
header.  A client that reaches the port directly and sends a header of
its own, claiming any address, is closed without a greeting before a
byte is read, and the log names its real address; the default trusts
127.0.0.1 and ::1.  In inetd mode with -H the socket's peer is checked
the same way (pipes are local, trusted)."""
import socket
import subprocess

from pop3test import *
from daemontest import *


def main():
    st = Setup(TempDir(), msgs=[b"Subject: x\n\nbody\n"],
               extra={"pop3_accept_haproxy": "2"})
    d = Pop3Daemon(st).start()
    # the default: 127.0.0.1 is a trusted proxy
    c = d.connect(read_greeting=False)
    c.send(proxy_v2("203.0.113.5", 40000, "127.0.0.1", d.port))
    c.read_greeting()
    check(c.greeting.startswith(b"+OK"), "trusted proxy: %r" % c.greeting)
    c.cmd("QUIT")
    # 127.0.0.2 is not
    c = d.connect(read_greeting=False, source="127.0.0.2")
    c.send(proxy_v2("203.0.113.66", 40000, "127.0.0.1", d.port))
    c.expect_eof()
    wait_log(st.log, r"\[client 127\.0\.0\.2 port \d+\] refused: not in "
             r"pop3_haproxy_trusted")
    check("203.0.113.66" not in read_log(st.log),
          "the claimed address is never used")
    d.stop()

    st.rewrite(pop3_haproxy_trusted="127.0.0.2/32 2001:db8::/32")
    d = Pop3Daemon(st).start()
    c = d.connect(read_greeting=False)
    c.send(proxy_v2("203.0.113.5", 40000, "127.0.0.1", d.port))
    c.expect_eof()
    c = d.connect(read_greeting=False, source="127.0.0.2")
    c.send(proxy_v2("203.0.113.5", 40000, "127.0.0.1", d.port))
    c.read_greeting()
    check(c.greeting.startswith(b"+OK"), "a listed proxy is believed")
    c.cmd("QUIT")
    d.stop()
    wait_log(st.log, r"\[client 203\.0\.113\.5 port 40000\] session end")

    # inetd -H on a TCP socket from an untrusted peer
    ls = socket.socket()
    ls.bind(("127.0.0.1", 0))
    ls.listen(1)
    cl = socket.create_connection(ls.getsockname())
    srv, _ = ls.accept()
    ls.close()
    p = subprocess.Popen([POP3D, "-i", "-H", "-c", st.conf], stdin=srv,
                         stdout=srv, stderr=subprocess.DEVNULL)
    srv.close()
    cl.sendall(proxy_v2("203.0.113.5", 40000, "127.0.0.1", 110))
    cl.settimeout(10)
    try:
        got = cl.recv(512)
    except ConnectionResetError:
        got = b""           # closed with the header unread: a reset
    check_eq(got, b"", "inetd -H: closed without greeting")
    cl.close()
    check_eq(p.wait(10), 1, "inetd -H: exit status")

    # inetd -H on pipes: local, trusted
    p = Pop3Pipe(st.conf, args=("-i", "-H"), read_greeting=False)
    p.send(proxy_v2("203.0.113.9", 40001, "127.0.0.1", 110))
    p.read_greeting()
    check(p.greeting.startswith(b"+OK"), "inetd -H on pipes: greeted")
    p.cmd("QUIT")


run(main)
