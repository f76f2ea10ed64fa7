"""One connection gets at most 10 login attempts (the monitor counts
them, whatever the network process says): the 11th, by any method, is
answered "-ERR [AUTH] too many login attempts" and the connection ends.
A wrong password costs its failure delay each time, so a connection
cannot try faster than two passwords a second either."""
import time

from pop3test import *
from authtest import *


def main():
    st = Setup(TempDir(), msgs=[], extra={"pop3_auth_times": "1000"})
    c = Pop3Pipe(st.conf)
    t0 = time.monotonic()
    for i in range(5):
        c.cmd("USER alice")
        check_eq(c.cmd("PASS wrong-%d" % i),
                 b"-ERR [AUTH] invalid user name or password\r\n",
                 "attempt %d" % (i + 1))
    for i in range(5):
        check_eq(auth_plain(c, "alice", "wrong-%d" % i),
                 b"-ERR [AUTH] invalid user name or password\r\n",
                 "attempt %d" % (i + 6))
    check(time.monotonic() - t0 >= 10 * 0.5 - 0.05,
          "ten failures took ten failure delays")
    c.cmd("USER alice")
    check_eq(c.cmd("PASS secret"),
             b"-ERR [AUTH] too many login attempts\r\n",
             "the 11th attempt, with the right password")
    c.expect_eof()
    check_eq(c.wait(), 0, "exit status")


run(main)
