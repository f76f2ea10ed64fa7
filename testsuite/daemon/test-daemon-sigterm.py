"""SIGTERM and SIGINT stop pop3d -d cleanly: exit status 0, no session
process left, every session ends without committing (a DELE is not
applied) and logs its summary with end=shutdown; a session that ignores
SIGTERM (stopped with SIGSTOP) is killed after the grace period."""
import signal
import time

from pop3test import *
from daemontest import *

MSGS = [b"Subject: a\n\nbody a\n", b"Subject: b\n\nbody b\n"]


def main():
    st = Setup(TempDir(), msgs=MSGS)
    for sig in (signal.SIGTERM, signal.SIGINT):
        d = Pop3Daemon(st).start()
        a = d.connect()
        a.login(st.user, st.password)
        check(a.cmd("DELE 1").startswith(b"+OK"), "DELE 1")
        b = d.connect()             # still in AUTHORIZATION
        wait_children(d.proc.pid, 2)
        kids = descendants_of(d.proc.pid)
        t0 = time.monotonic()
        check_eq(d.stop(sig), 0, "exit status after %s" % sig.name)
        check(time.monotonic() - t0 < 4, "stopped promptly")
        a.expect_eof()
        b.expect_eof()
        for pid in kids:
            check(not alive(pid), "session %d gone after %s" % (pid, sig.name))
        check_eq(st.messages(), MSGS, "nothing deleted after %s" % sig.name)
        ends = wait_log(st.log, r"session end: .* end=shutdown$", count=2)
        check(any("user=alice" in l for l in ends), "alice's summary")
        open(st.log, "w").close()

    # a session that cannot react is killed after the grace period
    d = Pop3Daemon(st).start()
    a = d.connect()
    a.login(st.user, st.password)
    kid = wait_children(d.proc.pid, 1)[0]
    family = descendants_of(d.proc.pid)
    os.kill(kid, signal.SIGSTOP)
    t0 = time.monotonic()
    check_eq(d.stop(timeout=20), 0, "exit status with a stuck session")
    check(time.monotonic() - t0 >= 4, "the grace period was given")
    check(not alive(kid), "stuck session killed")
    deadline = time.monotonic() + 10
    while any(alive(p) for p in family):
        check(time.monotonic() < deadline, "processes of the killed session "
              "left: %r" % [p for p in family if alive(p)])
        time.sleep(0.05)
    wait_log(st.log, r"sessions still running after \d+ ms; killing them")
    wait_log(st.log, r"\[client 127\.0\.0\.1 port \d+\] session %d killed "
             r"by signal 9" % kid)
    check_eq(st.messages(), MSGS, "a killed session deleted nothing")


run(main)
