"""The greeting (RFC 1939 section 4): host_id, and the APOP timestamp
<PID.TIME.RANDOM@host_id> only when APOP is offered; QUIT in
AUTHORIZATION signs off without touching anything."""
import re

from pop3test import *


def main():
    tmp = TempDir()
    st = Setup(tmp, msgs=[b"Subject: x\n\nbody\n"])

    c = Pop3Pipe(st.conf)
    m = re.fullmatch(rb"\+OK pop3\.test POP3 server ready "
                     rb"<(\d+)\.(\d+)\.([0-9a-f]{16})@pop3\.test>\r\n",
                     c.greeting)
    check(m, "greeting with APOP timestamp: %r" % c.greeting)
    check_eq(int(m.group(1)), c.proc.pid, "PID in the timestamp")
    c.send("QUIT\r\n")
    c.expect("+OK pop3.test POP3 server signing off\r\n")
    c.expect_eof()
    check_eq(c.wait(), 0, "exit status after QUIT")

    # a second greeting never repeats the timestamp
    c2 = Pop3Pipe(st.conf)
    check(c2.greeting != c.greeting, "timestamps differ between sessions")
    c2.close()
    check_eq(c2.wait(), 0, "exit status after the client went away")

    # apop = no: no timestamp at all
    st.rewrite(apop="no")
    c3 = Pop3Pipe(st.conf)
    check_eq(c3.greeting, b"+OK pop3.test POP3 server ready\r\n",
             "greeting without APOP")
    c3.cmd("QUIT")
    c3.expect_eof()

    # QUIT in lower case, too
    c4 = Pop3Pipe(st.conf)
    check_eq(c4.cmd("quit"), b"+OK pop3.test POP3 server signing off\r\n",
             "lower-case quit")
    c4.expect_eof()
    check_eq(st.messages(), [b"Subject: x\n\nbody\n"], "mailbox untouched")


run(main)
