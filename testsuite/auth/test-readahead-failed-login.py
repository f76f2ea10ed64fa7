#!/usr/bin/env python3
"""Commands a client sends behind a login that fails belong to that
attempt only.  In one packet: USER alice, PASS wrong, DELE 1.  The DELE
is answered before login (-ERR, not logged in), and a later correct
login must not run it again: the next reply after the login's +OK is the
answer to the next command, and both messages survive QUIT."""
from pop3test import *

MSGS = [b"Subject: one\n\nfirst\n", b"Subject: two\n\nsecond\n"]


def main():
    st = Setup(TempDir(), msgs=MSGS)
    c = Pop3Pipe(st.conf)

    c.send("USER alice\r\nPASS wrong\r\nDELE 1\r\n")
    check_eq(c.read_line(), b"+OK send PASS\r\n", "USER")
    r = c.read_line()
    check(r.startswith(b"-ERR [AUTH]"), "wrong password: %r" % r)
    r = c.read_line()
    check(r.startswith(b"-ERR"), "DELE before login is refused: %r" % r)

    check_eq(c.cmd("USER alice"), b"+OK send PASS\r\n", "USER again")
    r = c.cmd("PASS " + st.password)
    check(r.startswith(b"+OK alice has 2 messages"), "login: %r" % r)
    # a DELE replayed after the login would answer here first
    check_eq(c.cmd("NOOP"), b"+OK\r\n", "the reply to NOOP comes next")
    r = c.cmd("STAT")
    check(r.startswith(b"+OK 2 "), "nothing deleted: %r" % r)
    check(c.cmd("QUIT").startswith(b"+OK"), "QUIT")
    check_eq(c.wait(), 0, "exit status")
    check_eq(st.messages(), MSGS, "both messages kept")


run(main)
