"""What a logged-in session costs in processes (doc/privsep.md), seen
from /proc under pop3d -d:

- plain connection, no PAM session to hold (a virtual user): after the
  login the session is one process, the transaction process, a child of
  the listener; the monitor and the network process have ended.  The
  client's commands pipelined behind PASS, and the reply to USER sent in
  the same packet, all arrive in order.  The session serves and commits,
  and the listener counts it once against context_num;
- a refused login (the mailbox in use) leaves the session in
  AUTHORIZATION with its monitor and network process, still counted
  against context_num, and a later login in it is adopted as above;
- STLS: the network process stays to speak TLS, relaying for the
  transaction process under the monitor (three processes)."""
import os
import time

from pop3test import *
from daemontest import descendants_of
from tlstest import Pki, client_context, tls_settings, TlsSocket

MSGS = [b"Subject: one\n\nfirst\n", b"Subject: two\n\nsecond\n"]


def session_tree(daemon_pid):
    """{pid: ppid} of the daemon's descendants."""
    out = {}
    for pid in descendants_of(daemon_pid):
        try:
            with open("/proc/%d/stat" % pid) as f:
                out[pid] = int(f.read().rsplit(")", 1)[1].split()[1])
        except FileNotFoundError:
            pass
    return out


def wait_tree(daemon_pid, want, what):
    deadline = time.monotonic() + 10
    while True:
        tree = session_tree(daemon_pid)
        if len(tree) == want:
            return tree
        if time.monotonic() > deadline:
            raise TestFailure("%s: %d processes %r, want %d"
                              % (what, len(tree), tree, want))
        time.sleep(0.05)


def main():
    tmp = TempDir()
    pki = Pki(tmp)
    st = Setup(tmp, msgs=MSGS, extra=tls_settings(pki, context_num="1"))
    with Pop3Daemon(st) as d:
        # USER's reply is held by the network process, the rest is the
        # transaction process's: one stream, in order
        c = d.connect()
        c.send(("USER %s\r\nPASS %s\r\nSTAT\r\nLIST\r\n"
                % (st.user, st.password)).encode())
        c.expect(b"+OK send PASS\r\n")
        c.expect_line_prefix(b"+OK")
        c.expect(b"+OK 2 %d\r\n" % sum(wire_size(m) for m in MSGS))
        check(c.read_multi().startswith(b"+OK"), "LIST")
        tree = wait_tree(d.proc.pid, 1, "logged in, plain")
        (pid, ppid), = tree.items()
        check_eq(ppid, d.proc.pid, "the transaction process is the "
                 "listener's child")
        # context_num = 1 counts it once: another client is refused
        other = d.connect(read_greeting=False)
        check(other.read_line().startswith(b"-ERR [SYS/TEMP]"),
              "context_num counts the adopted session")
        other.close()
        check_eq(c.cmd("DELE 1"), b"+OK message 1 deleted\r\n", "DELE")
        check_eq(c.cmd("QUIT")[:3], b"+OK", "QUIT")
        c.expect_eof()
        check_eq([m for m in st.messages()], MSGS[1:], "committed")

        # the mailbox is in use: refused, the session stays before
        # login with its two processes; then a login is adopted
        holder = d.connect()
        holder.login(st.user, st.password)
        wait_tree(d.proc.pid, 1, "the first session")
        st2 = d.connect(read_greeting=False)
        check(st2.read_line().startswith(b"-ERR [SYS/TEMP]"),
              "context_num again")
        st2.close()
        check_eq(holder.cmd("QUIT")[:3], b"+OK", "QUIT")
        holder.expect_eof()
        wait_tree(d.proc.pid, 0, "all gone")

    st.rewrite(context_num="2")
    with Pop3Daemon(st) as d:
        holder = d.connect()
        holder.login(st.user, st.password)
        wait_tree(d.proc.pid, 1, "the holder")
        c = d.connect()
        c.cmd("USER " + st.user)
        check(c.cmd("PASS " + st.password).startswith(b"-ERR [IN-USE]"),
              "in use")
        tree = wait_tree(d.proc.pid, 3, "the holder and a session in "
                         "AUTHORIZATION (monitor, network process)")
        # the refused session still counts: two of context_num = 2
        third = d.connect(read_greeting=False)
        check(third.read_line().startswith(b"-ERR [SYS/TEMP]"),
              "a session whose handover was refused still counts")
        third.close()
        check_eq(holder.cmd("QUIT")[:3], b"+OK", "QUIT")
        holder.expect_eof()
        c.cmd("USER " + st.user)
        check_eq(c.cmd("PASS " + st.password)[:3], b"+OK", "then in")
        wait_tree(d.proc.pid, 1, "adopted after a refusal")
        c.cmd("QUIT")
        c.expect_eof()

        # STLS: TLS stays with the network process
        t = TlsSocket("127.0.0.1", d.port, implicit=False)
        t.stls(client_context(pki), "pop3.test")
        t.login(st.user, st.password)
        tree = wait_tree(d.proc.pid, 3, "logged in over STLS")
        monitors = [p for p, pp in tree.items() if pp == d.proc.pid]
        check_eq(len(monitors), 1, "one monitor, under the listener")
        check_eq(sorted(pp for pp in tree.values()),
                 sorted([d.proc.pid, monitors[0], monitors[0]]),
                 "network and transaction processes under the monitor")
        check_eq(t.cmd("STAT")[:5], b"+OK 1", "STAT through the relay")
        check_eq(t.cmd("QUIT")[:3], b"+OK", "QUIT over TLS")


run(main)
