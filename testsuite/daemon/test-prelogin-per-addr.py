#!/usr/bin/env python3
"""prelogin_per_addr: at most N sessions from one client address that
have not logged in yet (-d mode).  One more gets
"-ERR [SYS/TEMP] pop3.test too many connections from your address" and is
closed; another address is not affected; a session that logs in frees
its place at once.  With PROXY v2 the address is the header's, counted
once the header is read."""
import time

from pop3test import *
from daemontest import *

FULL = b"-ERR [SYS/TEMP] pop3.test too many connections from your address\r\n"


def proxied(d, src):
    c = d.connect(read_greeting=False)
    c.send(proxy_v2(src, 40000, "127.0.0.1", d.port))
    return c


def main():
    st = Setup(TempDir(), msgs=[b"Subject: x\n\nbody\n"],
               extra={"prelogin_per_addr": "2"})
    d = Pop3Daemon(st).start()

    a = [d.connect(), d.connect()]
    wait_children(d.proc.pid, 2)
    c = d.connect(read_greeting=False)
    c.expect(FULL)
    c.expect_eof()
    wait_log(st.log, r"\[client 127\.0\.0\.1 port \d+\] refused: 2 sessions "
             r"from this address not logged in yet \(prelogin_per_addr\)")

    other = d.connect(source="127.0.0.2")
    check(other.greeting.startswith(b"+OK"), "another address is served")

    # a login frees its place (the monitor tells the listener)
    a[0].login(st.user, st.password)
    c = None
    for _ in range(50):
        c = d.connect(read_greeting=False)
        line = c.read_line()
        if line.startswith(b"+OK"):
            break
        c.close()
        time.sleep(0.05)
    check(line.startswith(b"+OK"), "greeted once a session logged in")
    a[0].cmd("QUIT")
    d.stop()

    # PROXY v2: the header's address counts
    st.rewrite(pop3_accept_haproxy="2")
    d = Pop3Daemon(st).start()
    held = [proxied(d, "198.51.100.7"), proxied(d, "198.51.100.7")]
    for h in held:
        h.read_greeting()
    c = proxied(d, "198.51.100.7")
    c.expect(FULL)
    c.expect_eof()
    wait_log(st.log, r"\[client 198\.51\.100\.7 port 40000\] refused: too "
             r"many sessions from this address")
    c = proxied(d, "198.51.100.8")
    c.read_greeting()
    check(c.greeting.startswith(b"+OK"), "another proxied address is served")
    d.stop()


run(main)
