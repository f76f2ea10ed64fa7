"""Blocks (pop3_auth_times, block_interval_auths) across connections:
3 failures for one account from one address block that pair -- then even
the right password gets -ERR [AUTH], after the failure delay, and the
refusals do not extend the block; another account from the same address
still works; a success resets the pair; 5 x 3 failures over any accounts
block the address as a whole, and successes do not reset that; `a!b`
counts against both a and b, so varying one part gets around nothing;
names are counted without regard to case; the block ends
block_interval_auths after the last counted failure."""
import re
import time

from pop3test import *
from authtest import *

FAILED = b"-ERR [AUTH] invalid user name or password\r\n"
BLOCKED = b"-ERR [AUTH] too many failed logins; try again later\r\n"
INTERVAL = 3


def login(d, user, password):
    c = d.connect()
    c.cmd("USER " + user)
    t0 = time.monotonic()
    r = c.cmd("PASS " + password)
    took = time.monotonic() - t0
    if r.startswith(b"+OK"):
        c.cmd("QUIT")
    c.close()
    return r, took


def fail_n(d, user, n):
    for i in range(n):
        check_eq(login(d, user, "wrong-%d" % i)[0], FAILED,
                 "failure %d for %s" % (i + 1, user))


def main():
    tmp = TempDir()
    st = Setup(tmp, msgs=[], extra={
        "pop3_auth_times": "3",
        "block_interval_auths": "%ds" % INTERVAL,
        "impersonation_users": "alice"})
    for u in ("bob", "carol", "dave", "erin"):
        st.add_user(u, u + "-pw")
    with Pop3Daemon(st) as d:
        # 3 failures over 3 connections block alice from here
        fail_n(d, "alice", 3)
        r, took = login(d, "alice", "secret")
        check_eq(r, BLOCKED, "alice blocked, right password and all")
        check(took >= 0.45, "a blocked login waits the failure delay "
              "(%.3f s)" % took)
        # case does not make another account of it
        check_eq(login(d, "ALICE", "secret")[0], BLOCKED, "ALICE blocked")
        # nor does impersonation, in either direction
        check_eq(login(d, "alice!bob", "secret")[0], BLOCKED,
                 "alice!bob blocked through alice")
        check_eq(login(d, "bob!alice", "bob-pw")[0], BLOCKED,
                 "bob!alice blocked through alice")
        # bob is not blocked
        check(login(d, "bob", "bob-pw")[0].startswith(b"+OK bob"),
              "bob from the same address")

        # a success resets the pair: 2 failures, a login, 2 failures
        fail_n(d, "carol", 2)
        check(login(d, "carol", "carol-pw")[0].startswith(b"+OK"),
              "carol after 2 failures")
        fail_n(d, "carol", 2)
        check(login(d, "carol", "carol-pw")[0].startswith(b"+OK"),
              "carol's count was reset")

        # alice!X failures count against alice whatever X is
        time.sleep(INTERVAL + 0.2)
        check(login(d, "alice", "secret")[0].startswith(b"+OK alice"),
              "alice after the interval")
        for x in ("bob", "carol", "dave"):
            before = time.monotonic()
            check_eq(login(d, "alice!" + x, "wrong")[0], FAILED,
                     "alice!%s, wrong password" % x)
            after = time.monotonic()
        check_eq(login(d, "alice!erin", "secret")[0], BLOCKED,
                 "three different mailboxes still count against alice")

        # refused attempts do not extend the block: it ends INTERVAL
        # after the last counted failure (made between before and after)
        # even when tried all along; an attempt is judged as it starts
        while time.monotonic() - before < INTERVAL - 0.3:
            check_eq(login(d, "alice", "secret")[0], BLOCKED,
                     "still blocked")
        time.sleep(max(0, INTERVAL + 0.2 - (time.monotonic() - after)))
        check(login(d, "alice", "secret")[0].startswith(b"+OK alice"),
              "the block ended on time")

        # the address as a whole: 15 failures over any names
        time.sleep(INTERVAL + 0.2)
        for i in range(15):
            check_eq(login(d, "nobody%d" % i, "x")[0], FAILED,
                     "failure %d over many names" % (i + 1))
        check_eq(login(d, "dave", "dave-pw")[0], BLOCKED,
                 "the address is blocked for everybody")

    log = open(st.log).read()
    check(re.search(r"\[client 127\.0\.0\.1 port \d+\] USER/PASS refused "
                    r"for \"alice\": user alice from 127\.0\.0\.1 blocked",
                    log), "the refusal is logged with the address")


run(main, timeout=120)
