#!/usr/bin/env python3
"""Timing of failed logins: does the answer's time tell an
unknown user from a wrong password?  200 tries of each through pop3d -d
on loopback (popauth users, blocks off so that every try is checked),
interleaved, 8 connections at a time; each try times USER's reply and
PASS's round trip.  Prints the medians and spreads of both and their
difference; then the block behaviour: pop3_auth_times = 3 failures from
one address, what the next tries get (the right password included), and
when the block ends.  Exit 0 when the medians differ by less than 5 ms.

Run by `make bench`, or by hand from a build tree:
    top_srcdir=SRC top_builddir=BUILD PYTHONPATH=SRC/testsuite/lib \\
        python3 SRC/testsuite/bench/auth_timing.py [TRIES]
"""
import statistics
import sys
import threading
import time

from pop3test import *

TRIES = int(sys.argv[1]) if len(sys.argv) > 1 else 200
WORKERS = 8
FAILED = b"-ERR [AUTH] invalid user name or password\r\n"


def one_try(d, user):
    c = d.connect()
    c.cmd("USER " + user)
    t0 = time.perf_counter()
    r = c.cmd("PASS not-the-password")
    took = time.perf_counter() - t0
    c.close()
    if r != FAILED:
        raise TestFailure("unexpected reply %r" % r)
    return took


def timing():
    st = Setup(TempDir(), msgs=[], extra={"block_interval_auths": "0",
                                          "context_num": "64",
                                          # every client comes from
                                          # 127.0.0.1, and a closed try
                                          # may not have ended yet
                                          "prelogin_per_addr": "0"})
    jobs = []
    for i in range(TRIES):
        jobs.append(("unknown", "nobody-%d" % i))
        jobs.append(("wrong", "alice"))
    results = {"unknown": [], "wrong": []}
    lock = threading.Lock()

    def worker(d):
        while True:
            with lock:
                if not jobs:
                    return
                kind, user = jobs.pop(0)
            t = one_try(d, user)
            with lock:
                results[kind].append(t)

    t0 = time.monotonic()
    with Pop3Daemon(st) as d:
        threads = [threading.Thread(target=worker, args=(d,))
                   for _ in range(WORKERS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    wall = time.monotonic() - t0
    print("failed logins, PASS round trip over loopback, %d tries each "
          "(%d at a time, %.1f s):" % (TRIES, WORKERS, wall))
    med = {}
    for kind in ("unknown", "wrong"):
        v = sorted(results[kind])
        check_eq(len(v), TRIES, "tries of " + kind)
        med[kind] = statistics.median(v)
        print("  %-22s median %.2f ms  p10 %.2f  p90 %.2f  min %.2f  "
              "max %.2f  stdev %.2f" % (
                  {"unknown": "unknown user", "wrong": "wrong password"}[kind],
                  med[kind] * 1e3, v[len(v) // 10] * 1e3,
                  v[len(v) * 9 // 10] * 1e3, v[0] * 1e3, v[-1] * 1e3,
                  statistics.stdev(v) * 1e3))
    diff = (med["unknown"] - med["wrong"]) * 1e3
    print("  difference of the medians: %+.2f ms" % diff)
    return abs(diff) < 5


def blocks():
    interval = 5
    st = Setup(TempDir(), msgs=[], extra={"pop3_auth_times": "3",
                                          "block_interval_auths":
                                          "%ds" % interval})
    st.add_user("bob", "bob-pw")
    print("blocks (pop3_auth_times = 3, block_interval_auths = %d s, one "
          "client address):" % interval)
    with Pop3Daemon(st) as d:
        start = time.monotonic()

        def attempt(user, password):
            c = d.connect()
            c.cmd("USER " + user)
            t0 = time.perf_counter()
            r = c.cmd("PASS " + password)
            took = time.perf_counter() - t0
            if r.startswith(b"+OK"):
                c.cmd("QUIT")
            c.close()
            print("  t=%5.2f s  %-6s %-14s -> %s (%.0f ms)" % (
                time.monotonic() - start, user, password,
                r.decode().strip(), took * 1e3))
            return r

        for i in range(3):
            attempt("alice", "wrong-%d" % i)
        attempt("alice", "secret")
        attempt("ALICE", "secret")
        attempt("alice!bob", "secret")
        attempt("bob", "bob-pw")
        while time.monotonic() - start < interval + 1.8:
            time.sleep(0.9)
            attempt("alice", "secret")


def main():
    ok = timing()
    print()
    blocks()
    if not ok:
        raise TestFailure("the medians differ by 5 ms or more")


run(main, timeout=900)
