"""pop3_conn_timeout: an idle client is told and disconnected, and an
idle session commits nothing (RFC 1939 section 3, autologout)."""
import time

from pop3test import *

MSGS = [b"Subject: a\n\nbody\n", b"Subject: b\n\nbody\n"]


def main():
    st = Setup(TempDir(), msgs=MSGS, extra={"pop3_conn_timeout": "1"})

    c = Pop3Pipe(st.conf)
    t0 = time.monotonic()
    c.expect(b"-ERR disconnected for inactivity\r\n", timeout=10)
    check(time.monotonic() - t0 >= 0.9, "not before the timeout")
    c.expect_eof()
    check_eq(c.wait(), 0, "exit status")

    c = Pop3Pipe(st.conf)
    c.login(st.user, st.password)
    c.cmd("DELE 1")
    # a half line does not count as activity forever
    c.send(b"NO")
    c.expect(b"-ERR disconnected for inactivity\r\n", timeout=10)
    c.expect_eof()
    c.wait()
    check_eq(st.messages(), MSGS, "nothing deleted by a timed-out session")


run(main)
