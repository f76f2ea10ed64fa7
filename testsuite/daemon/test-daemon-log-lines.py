"""The log of a standalone session: every line a session writes names
its client as "[client ADDR port N" (fail2ban reads that), a failed
login is one line with the address, and the session ends with one
summary line: user, messages and octets retrieved, messages deleted,
duration and how it ended."""
import re

from pop3test import *
from daemontest import *

MSGS = [b"Subject: one\n\nfirst\n", b"Subject: two\n\nsecond body\n",
        b"Subject: three\n\nthird\n"]


def main():
    st = Setup(TempDir(), msgs=MSGS, extra={"pop3_log_level": "6"})
    d = Pop3Daemon(st).start()

    bad = d.connect()
    check_eq(bad.cmd("USER mallory"), b"+OK send PASS\r\n", "USER")
    check(bad.cmd("PASS guess").startswith(b"-ERR [AUTH]"), "bad PASS")
    bad_port = bad.sock.getsockname()[1]
    bad.cmd("QUIT")
    bad.expect_eof()

    c = d.connect()
    port = c.sock.getsockname()[1]
    c.login(st.user, st.password)
    c.send("RETR 1\r\n")
    c.read_multi()
    c.send("RETR 2\r\n")
    c.read_multi()
    check(c.cmd("DELE 3").startswith(b"+OK"), "DELE 3")
    c.cmd("QUIT")
    c.expect_eof()

    lines = wait_log(st.log, r"\[client 127\.0\.0\.1 port %d user alice\] "
                     r"session end:" % port)
    m = SUMMARY_RE.search(lines[0])
    check(m, "summary line format: %r" % lines[0])
    check_eq((m["user"], m["retrieved"], m["deleted"], m["end"]),
             ("alice", "2", "1", "quit"), "summary fields")
    check_eq(int(m["octets"]), wire_size(MSGS[0]) + wire_size(MSGS[1]),
             "octets retrieved")

    # the failed login: one line with the address, usable by fail2ban
    failed = wait_log(st.log, r"USER/PASS failed")
    check(re.search(r"^\S+ pop3d\[\d+\]: notice: \[client 127\.0\.0\.1 "
                    r"port %d\] USER/PASS failed for \"mallory\"" % bad_port,
                    failed[0]), "failed login line: %r" % failed[0])
    summary = wait_log(st.log, r"port %d\] session end: user=- " % bad_port)
    check(summary[0].endswith(" end=quit"), "anonymous summary %r"
          % summary[0])

    # every line written by a session process carries the client address
    check_eq(d.stop(), 0, "exit status")
    log = read_log(st.log)
    own = re.findall(r"pop3d\[(\d+)\]", log)
    daemon_pid = str(d.proc.pid)
    # one or more processes per session (privilege separation)
    session_pids = set(own) - {daemon_pid}
    check(len(session_pids) >= 2, "session processes logged")
    for pid in session_pids:
        for line in session_lines(log, int(pid)):
            check(re.search(r"\]: \w+: \[client 127\.0\.0\.1 port \d+[\] ]",
                            line), "client address on %r" % line)
    # and the listener's own lines about a client do too
    for line in session_lines(log, d.proc.pid):
        if "session" in line and "started" in line:
            check(re.search(r"\[client 127\.0\.0\.1 port \d+\] session "
                            r"\d+ started", line), "listener line %r" % line)
    check("secret" not in log and "guess" not in log, "no password logged")


run(main)
