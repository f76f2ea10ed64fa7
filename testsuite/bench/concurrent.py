#!/usr/bin/env python3
"""Load check, not a timed test: N concurrent POP3 sessions through
`pop3d -d` (context_num above N), each with its own virtual user and
mailbox: greeting, USER/PASS, STAT, RETR of every message (checked byte
for byte), QUIT.  Reports errors (must be 0), wall time, sessions per
second and the peak number of session processes, and prints the log
lines of one session, greeting to summary.  Exit 0 when no session
failed.

Run by `make bench`, or by hand from a build tree:
    top_srcdir=SRC top_builddir=BUILD PYTHONPATH=SRC/testsuite/lib \\
        python3 SRC/testsuite/bench/concurrent.py [SESSIONS]
"""
import os
import re
import subprocess
import sys
import threading
import time

import pop3test
from pop3test import *
from daemontest import *

SESSIONS = int(sys.argv[1]) if len(sys.argv) > 1 else 200
MSGS_PER_USER = 5
# 200 logins at once queue for the CPU (each checks a deliberately slow
# password hash): a client here waits as long as a real one would
pop3test._Conn.timeout = 120


def messages(i):
    body = b"".join(b"line %d of message for user %d, some text to fill.\n"
                    % (n, i) for n in range(40 * (i % 7 + 1)))
    return [b"Subject: bench %d/%d\nFrom: bench@example.org\n\n" % (i, k)
            + (b".leading dot\n" if k == 0 else b"") + body
            for k in range(MSGS_PER_USER)]


def add_users(st, n):
    """popauth is slow on purpose (salted slow hashes): run a few at once."""
    procs = []
    for i in range(n):
        procs.append(subprocess.Popen(
            [POPAUTH, "-f", st.db, "-a", "u%03d" % i, "-p", "pw%03d" % i],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE))
        if len(procs) >= 8:
            for p in procs:
                check_eq(p.wait(), 0, "popauth")
            procs = []
    for p in procs:
        check_eq(p.wait(), 0, "popauth")


def one_session(d, i, start, errors, ports, phases):
    user = "u%03d" % i
    msgs = messages(i)
    try:
        start.wait()
        t0 = time.monotonic()
        c = d.connect()
        ports[i] = c.sock.getsockname()[1]
        check(c.greeting.startswith(b"+OK "), "greeting %r" % c.greeting)
        t1 = time.monotonic()
        c.login(user, "pw%03d" % i)
        t2 = time.monotonic()
        check_eq(c.cmd("STAT"), b"+OK %d %d\r\n"
                 % (len(msgs), sum(wire_size(m) for m in msgs)), "STAT")
        for k, m in enumerate(msgs, 1):
            c.send("RETR %d\r\n" % k)
            c.expect(b"+OK %d octets\r\n" % wire_size(m) + wire_form(m) +
                     b".\r\n")
        check(c.cmd("QUIT").startswith(b"+OK "), "QUIT")
        c.expect_eof()
        c.close()
        phases.append((t1 - t0, t2 - t1, time.monotonic() - t2))
    except Exception as e:            # counted, reported below
        errors.append("%s: %s" % (user, str(e).splitlines()[0]))


def main():
    tmp = TempDir()
    st = Setup(tmp, msgs=[], extra={
        "context_num": str(SESSIONS + 20),
        # every client comes from 127.0.0.1
        "prelogin_per_addr": "0",
        "pop3_log_level": "6",
        "pop3_conn_timeout": "60s",
        "lock_timeout": "30s",
    })
    t0 = time.monotonic()
    add_users(st, SESSIONS)
    for i in range(SESSIONS):
        make_mailbox("mbox", os.path.join(st.maildir_root, "u%03d" % i),
                     messages(i))
    print("fixture: %d users, %d messages each, %.1fs"
          % (SESSIONS, MSGS_PER_USER, time.monotonic() - t0))

    d = Pop3Daemon(st).start()
    peak = [0]
    stop = threading.Event()

    def watch():
        while not stop.is_set():
            peak[0] = max(peak[0], len(children_of(d.proc.pid)))
            time.sleep(0.01)
    watcher = threading.Thread(target=watch)
    watcher.start()

    start = threading.Barrier(SESSIONS + 1)
    errors, ports, phases = [], [None] * SESSIONS, []
    threads = [threading.Thread(target=one_session,
                                args=(d, i, start, errors, ports, phases))
               for i in range(SESSIONS)]
    for t in threads:
        t.start()
    start.wait()
    t0 = time.monotonic()
    for t in threads:
        t.join()
    wall = time.monotonic() - t0
    stop.set()
    watcher.join()
    wait_log(st.log, r"session end: ", count=SESSIONS - len(errors),
             timeout=30)
    status = d.stop()

    log = read_log(st.log)
    ends = [SUMMARY_RE.search(l) for l in log.splitlines()
            if "session end:" in l]
    quits = sum(1 for m in ends if m and m["end"] == "quit"
                and m["retrieved"] == str(MSGS_PER_USER))
    print("sessions: %d, errors: %d, summaries with end=quit and all "
          "messages retrieved: %d" % (SESSIONS, len(errors), quits))
    print("wall time: %.2fs, %.1f sessions/s, peak session processes: %d"
          % (wall, SESSIONS / wall, peak[0]))
    print("daemon exit status after SIGTERM: %s" % status)
    for k, name in enumerate(("connect to greeting", "USER/PASS",
                              "STAT, RETR all, QUIT")):
        v = sorted(p[k] for p in phases)
        if v:
            print("  %-22s median %.3fs  p95 %.3fs  max %.3fs"
                  % (name, v[len(v) // 2], v[int(len(v) * 0.95)], v[-1]))
    for e in errors[:10]:
        print("  error:", e)
    if ports[0] is not None:
        print("log of one session (listener and session process):")
        for line in log.splitlines():
            if re.search(r"\[client 127\.0\.0\.1 port %d[\] ]" % ports[0],
                         line):
                print("  " + line)
    check_eq(len(errors), 0, "failed sessions")
    check_eq(quits, SESSIONS, "every session ended with QUIT")
    check_eq(status, 0, "exit status")


run(main, timeout=600)
