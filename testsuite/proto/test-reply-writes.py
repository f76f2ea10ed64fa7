"""How replies reach the wire: each reply in one write(), replies to
pipelined commands coalesced, TCP_NODELAY on sockets, so that no reply
waits for a delayed ACK (GNU Mailutils loses ~44 ms a reply that way).
Checked with strace on pop3d -i, and by timing round trips over TCP."""
import os
import re
import shutil
import signal
import subprocess
import time

from pop3test import *

MSG = b"Subject: small\n\n.dot\nbody\n"


def writes_to_client(trace):
    with open(trace) as f:
        text = f.read()
    # with -f, a call that another process interrupts is split in two:
    # "PID write(1, ... <unfinished ...>" and "PID <... write resumed>)"
    # (pop3d is three processes: doc/privsep.md)
    unfinished = {}
    lines = []
    for line in text.splitlines():
        m = re.match(r"^(\d+)\s+(.*) <unfinished \.\.\.>$", line)
        if m:
            unfinished[m.group(1)] = m.group(2)
            continue
        m = re.match(r"^(\d+)\s+<\.\.\. \w+ resumed>(.*)$", line)
        if m and m.group(1) in unfinished:
            line = m.group(1) + "  " + unfinished.pop(m.group(1)) + m.group(2)
        lines.append(line)
    return [int(m.group(1)) for m in
            re.finditer(r"^\d+\s+write\(1, .*\)\s+=\s+(\d+)$",
                        "\n".join(lines), re.M)]


def main():
    strace = shutil.which("strace")
    check(strace is not None, "strace is needed (Debian package strace)")
    tmp = TempDir()
    st = Setup(tmp, msgs=[MSG, MSG])
    trace = tmp.join("trace")

    c = Pop3Pipe(st.conf, pop3d=strace,
                 args=("-f", "-e", "trace=write", "-o", trace, POP3D, "-i"))
    # a burst of commands: one write for all the replies
    c.send(b"USER alice\r\nPASS secret\r\nSTAT\r\nLIST\r\nUIDL\r\n"
           b"RETR 1\r\nNOOP\r\n")
    for _ in range(2):
        c.read_line()
    c.read_line()
    c.read_multi()
    c.read_multi()
    c.read_multi()
    c.expect(b"+OK\r\n")
    # one command at a time: one write each, a RETR's +OK, body and "."
    # included
    c.send(b"RETR 2\r\n")
    c.expect(b"+OK %d octets\r\n" % wire_size(MSG) + wire_form(MSG) +
             b".\r\n")
    c.send(b"NOOP\r\n")
    c.expect(b"+OK\r\n")
    c.send(b"QUIT\r\n")
    c.read_line()
    c.expect_eof()
    c.wait()
    sizes = writes_to_client(trace)
    retr = len(b"+OK %d octets\r\n" % wire_size(MSG) + wire_form(MSG) +
               b".\r\n")
    check_eq(len(sizes), 5, "writes: greeting, burst, RETR, NOOP, QUIT "
             "(sizes %r)" % sizes)
    check_eq(sizes[2:4], [retr, 5], "RETR and NOOP each in one write")

    # TCP: TCP_NODELAY set, and round trips are not paced by delayed ACKs
    d = Pop3Daemon(st, pop3d=strace,
                   args=["-f", "-e", "trace=setsockopt", "-o", trace, POP3D,
                         "-d"])
    d.start()
    c = d.connect()
    c.login(st.user, st.password)
    rounds = 100
    t0 = time.monotonic()
    for _ in range(rounds):
        c.send(b"RETR 1\r\n")
        c.read_multi()
        c.send(b"NOOP\r\n")
        c.expect(b"+OK\r\n")
    spent = time.monotonic() - t0
    c.cmd("QUIT")
    # SIGTERM to pop3d itself: strace would only detach on one
    with open("/proc/%d/task/%d/children" % (d.proc.pid, d.proc.pid)) as f:
        os.kill(int(f.read().split()[0]), signal.SIGTERM)
    check_eq(d.proc.wait(DEFAULT_TIMEOUT), 0, "pop3d -d under strace stops")
    with open(trace) as f:
        check(re.search(r"setsockopt\(\d+, SOL_TCP, TCP_NODELAY, \[1\], 4\) "
                        r"= 0", f.read()), "TCP_NODELAY set on the socket")
    # 200 replies; with a 40 ms stall per reply this would take 8 s
    check(spent < 2.0, "%d round trips took %.2f s" % (2 * rounds, spent))


run(main)
