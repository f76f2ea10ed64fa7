"""Blocks are counted exactly when many sessions fail at once: failures
from 59 concurrent connections (one address, 59 names) leave the address
one short of its block (5 x pop3_auth_times = 60), one more blocks it.
A lost update (two sessions writing the stat file at the same moment)
would leave the count short and the address unblocked: with the stat
file's lock taken out, this fails most runs."""
import threading

from pop3test import *

FAILED = b"-ERR [AUTH] invalid user name or password\r\n"
BLOCKED = b"-ERR [AUTH] too many failed logins; try again later\r\n"


def login(d, user, password, out, i):
    try:
        c = d.connect()
        c.cmd("USER " + user)
        out[i] = c.cmd("PASS " + password)
        c.close()
    except Exception as e:          # reported by the main thread
        out[i] = repr(e).encode()


def main():
    tmp = TempDir()
    st = Setup(tmp, msgs=[], extra={"pop3_auth_times": "12",
                                    "block_interval_auths": "1 minute",
                                    "context_num": "100",
                                    # 59 clients from one address at once,
                                    # none logged in
                                    "prelogin_per_addr": "0"})
    with Pop3Daemon(st) as d:
        n = 59
        out = [None] * n
        threads = [threading.Thread(target=login, args=(d, "u%d" % i, "x",
                                                         out, i))
                   for i in range(n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        check_eq(out, [FAILED] * n, "59 concurrent failures")
        # 59 < 60: not blocked; a success does not reset the address
        c = d.connect()
        check(c.login("alice", "secret").startswith(b"+OK"),
              "59 failures: not blocked yet")
        c.cmd("QUIT")
        out = [None]
        login(d, "u-last", "x", out, 0)
        check_eq(out[0], FAILED, "the 60th failure")
        out = [None]
        login(d, "alice", "secret", out, 0)
        check_eq(out[0], BLOCKED, "60 failures over any names: blocked")


run(main)
