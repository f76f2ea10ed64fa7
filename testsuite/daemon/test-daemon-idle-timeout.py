"""pop3_conn_timeout over TCP: a client idle before or after login is
told "-ERR disconnected for inactivity" and closed after the timeout,
commits nothing, and the summary line says end=timeout."""
import time

from pop3test import *
from daemontest import *

MSGS = [b"Subject: a\n\nbody\n"]


def main():
    st = Setup(TempDir(), msgs=MSGS, extra={"pop3_conn_timeout": "1s"})
    d = Pop3Daemon(st).start()
    pre = d.connect()
    post = d.connect()
    post.login(st.user, st.password)
    post.cmd("DELE 1")
    t0 = time.monotonic()
    for c in (pre, post):
        c.expect(b"-ERR disconnected for inactivity\r\n", timeout=10)
        c.expect_eof()
    took = time.monotonic() - t0
    check(0.5 <= took < 5, "closed after about the timeout: %.2fs" % took)
    ends = wait_log(st.log, r"session end: .* end=timeout$", count=2)
    check(any("user=alice" in l for l in ends), "alice timed out")
    check_eq(st.messages(), MSGS, "nothing deleted")
    wait_children(d.proc.pid, 0)
    check_eq(d.stop(), 0, "exit status")


run(main)
