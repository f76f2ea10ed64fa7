"""telemetry_dir, Cyrus style: a user whose directory telemetry_dir/USER
exists gets the transcript of each session in telemetry_dir/USER/PID,
both directions, timestamped, secrets masked, including what was said
before login (kept in memory, bounded, until the user was known).  Users
without a directory (or with a symlink in its place) get nothing."""
import os
import re
import stat

from pop3test import *
from daemontest import *

MSGS = [b"Subject: a\n\nbody one\n", b"Subject: b\n\nbody two\n"]
RECORD = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3} ([CS*]): (.*)$")


def transcript(path):
    out = []
    with open(path) as f:
        for line in f.read().splitlines():
            m = RECORD.match(line)
            check(m, "record format: %r" % line)
            out.append((m[1], m[2]))
    return out


def main():
    tmp = TempDir()
    tdir = tmp.join("telemetry")
    os.makedirs(os.path.join(tdir, "alice"))
    os.makedirs(tmp.join("elsewhere"))
    os.symlink(tmp.join("elsewhere"), os.path.join(tdir, "carol"))
    st = Setup(tmp, msgs=MSGS, extra={"telemetry_dir": tdir})
    st.add_user("bob", "bobpw")
    st.add_user("carol", "carolpw")
    d = Pop3Daemon(st).start()

    c = d.connect()
    port = c.sock.getsockname()[1]
    c.send("CAPA\r\n")
    c.read_multi()
    c.cmd("USER alice")
    c.cmd("PASS wrong-one")
    c.login("alice", st.password)
    c.cmd("STAT")
    c.send("RETR 2\r\n")
    c.read_multi()
    c.cmd("QUIT")
    c.expect_eof()
    wait_log(st.log, r"session end: user=alice")
    # PID: a process of this session (with privilege separation, the
    # one that serves the logged-in user)
    pids = set(re.findall(r"pop3d\[(\d+)\]: \w+: \[client 127\.0\.0\.1 "
                          r"port %d[\] ]" % port, read_log(st.log)))
    files = os.listdir(os.path.join(tdir, "alice"))
    check(len(files) == 1 and files[0] in pids, "one transcript named "
          "after a process of the session: %r, pids %r" % (files, pids))
    pid = int(files[0])
    path = os.path.join(tdir, "alice", str(pid))
    check_eq(stat.S_IMODE(os.stat(path).st_mode), 0o600, "transcript mode")
    t = transcript(path)
    text = "\n".join("%s: %s" % r for r in t)
    check(t[0][0] == "*" and "connection from 127.0.0.1 port" in t[0][1],
          "first record notes the connection: %r" % (t[0],))
    check_eq(t[1][0], "S", "greeting is from the server")
    check(t[1][1].startswith("+OK pop3.test POP3 server ready"), "greeting")
    expected = [("C", "CAPA"), ("S", "+OK Capability list follows"),
                ("C", "USER alice"), ("S", "+OK send PASS"),
                ("C", "PASS ***"), ("C", "PASS ***"), ("C", "STAT"),
                ("S", "+OK 2 %d" % sum(wire_size(m) for m in MSGS)),
                ("C", "RETR 2"), ("S", "+OK %d octets" % wire_size(MSGS[1])),
                ("*", "message text, %d octets" % wire_size(MSGS[1])),
                ("S", "."), ("C", "QUIT"), ("*", "session end: quit")]
    pos = 0
    for rec in t:
        if pos < len(expected) and rec == expected[pos]:
            pos += 1
    check_eq(pos, len(expected), "records in order (stopped at %r):\n%s"
             % (expected[pos:pos + 1], text))
    for secret in (st.password, "wrong-one", "body two"):
        check(secret not in text, "%r not in the transcript" % secret)

    # no directory, or a symlink instead of one: no transcript
    for user, pw in (("bob", "bobpw"), ("carol", "carolpw")):
        c = d.connect()
        c.login(user, pw)
        c.cmd("QUIT")
        c.expect_eof()
        wait_log(st.log, r"session end: user=%s" % user)
    check_eq(sorted(os.listdir(tdir)), ["alice", "carol"], "nothing created")
    check_eq(os.listdir(tmp.join("elsewhere")), [], "symlink not followed")
    check_eq(os.listdir(os.path.join(tdir, "alice")), [str(pid)],
             "one transcript for alice")

    # before login only POP3_TELEMETRY_PRELOGIN_MAX octets are kept
    c = d.connect()
    for _ in range(150):
        c.send("CAPA\r\n")
        c.read_multi()
    c.login("alice", st.password)
    c.cmd("QUIT")
    c.expect_eof()
    wait_log(st.log, r"session end: user=alice", count=2)
    files = [f for f in os.listdir(os.path.join(tdir, "alice"))
             if f != str(pid)]
    check_eq(len(files), 1, "second transcript")
    path2 = os.path.join(tdir, "alice", files[0])
    t = transcript(path2)
    check(os.path.getsize(path2) < 20000, "pre-login part bounded: %d octets"
          % os.path.getsize(path2))
    check(any(r[0] == "*" and "records before login not kept" in r[1]
              for r in t), "the dropped records are noted")
    check(("C", "QUIT") in t, "after login everything is written")
    check_eq(d.stop(), 0, "exit status")


run(main)
