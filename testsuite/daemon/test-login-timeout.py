#!/usr/bin/env python3
"""login_timeout is a fixed deadline from connect to login that commands
do not extend.  With -d3, pop3_conn_timeout = 5 s and login_timeout =
3 s, three clients sending CAPA every second hold every slot; a fourth is
turned away (with the host_id); after 3 s each of the three gets
"-ERR [SYS/TEMP] pop3.test login time out" and is closed, and the slots
free.  A client that logged in in time is not touched by it, and the
deadline holds in the middle of a SASL exchange too, and in inetd mode."""
import time

from pop3test import *
from daemontest import *

LOGIN_TIMEOUT = b"-ERR [SYS/TEMP] pop3.test login time out\r\n"
TOO_MANY = b"-ERR [SYS/TEMP] pop3.test too many connections\r\n"


def capa(c):
    c.send("CAPA\r\n")
    return c.read_multi()


def main():
    st = Setup(TempDir(), msgs=[b"Subject: x\n\nbody\n"],
               extra={"pop3_conn_timeout": "5", "login_timeout": "3"})
    d = Pop3Daemon(st, args=["-d3"]).start()

    start = time.monotonic()
    held = [d.connect() for _ in range(3)]
    wait_children(d.proc.pid, 3)
    extra = d.connect(read_greeting=False)
    extra.expect(TOO_MANY)
    extra.expect_eof()

    # busy, never idle for pop3_conn_timeout, never logged in
    while time.monotonic() - start < 2.2:
        for c in held:
            capa(c)
        time.sleep(0.7)
    for c in held:
        c.send("CAPA\r\n")
        got = c.read_until(LOGIN_TIMEOUT)
        check(got.endswith(LOGIN_TIMEOUT), "login time out: %r" % got)
        c.expect_eof()
    spent = time.monotonic() - start
    check(2.5 < spent < 4.5, "closed at login_timeout (%.1f s)" % spent)
    wait_log(st.log, r"not logged in 3 s after connecting \(login_timeout\)",
             count=3)
    wait_log(st.log, r"session end: .*end=login-timeout", count=3)

    # the slots are free again; a login in time is not cut off later
    c = d.connect()
    c.login(st.user, st.password)
    time.sleep(3.5)
    check_eq(c.cmd("NOOP"), b"+OK\r\n", "logged in: login_timeout is over")
    check(c.cmd("QUIT").startswith(b"+OK"), "QUIT")

    # within a SASL exchange: the deadline is the connection's
    c = d.connect()
    start = time.monotonic()
    check_eq(c.cmd("AUTH PLAIN"), b"+ \r\n", "PLAIN asks")
    c.expect(LOGIN_TIMEOUT)
    c.expect_eof()
    spent = time.monotonic() - start
    check(2.5 < spent < 4.5, "closed during SASL (%.1f s)" % spent)
    d.stop()

    # inetd mode
    start = time.monotonic()
    p = Pop3Pipe(st.conf)
    for _ in range(3):
        capa(p)
        time.sleep(0.8)
    got = p.read_until(LOGIN_TIMEOUT)
    check(got.endswith(LOGIN_TIMEOUT), "inetd: %r" % got)
    check(2.5 < time.monotonic() - start < 4.5, "inetd: at the deadline")
    check_eq(p.wait(), 0, "inetd: exit status")


run(main)
