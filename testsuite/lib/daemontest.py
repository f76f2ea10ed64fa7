"""daemontest -- helpers for the standalone-mode tests of testsuite/daemon/.

Builds on pop3test (import both).

Logs
    read_log(path) -> str                 the whole log file ("" if none)
    wait_log(path, pattern, timeout=10, count=1) -> list of lines
        wait until `count` lines of the log match the regex `pattern`
        (re.search); fails the test on timeout, showing the log
    session_lines(log, pid) -> list       lines written by process pid
    SUMMARY_RE                            regex of the summary line; groups
                                          user, retrieved, octets, deleted,
                                          duration, end

Processes
    children_of(pid) -> list of pids      direct children (from /proc)
    descendants_of(pid) -> list of pids   children, their children, ...
                                          (a session may be several
                                          processes: privilege separation)
    wait_children(pid, n, timeout=10) -> list   until pid has n children
    rss_kib(pid) -> int                   VmRSS of pid in KiB
    alive(pid) -> bool
    listening_pid(port) -> pid or None    the process listening on a TCP
                                          port (from /proc/net/tcp*, fds)

Planting files at a session's name (inetd mode)
    planted_pipe(conf, name, kind, target="", args=("-i",), **kw)
        -> Pop3Pipe: `pop3d ARGS -c CONF`, started by a process that
        first plants at name ("{pid}" in it replaced by its own pid) a
        hard link to target ("hardlink"), a symlink to target
        ("symlink") or a FIFO ("fifo"), then execs pop3d: the pid, which
        names the session's files, is known before it starts
        (.proc.pid).  kw goes to Pop3Pipe (env, read_greeting).

Connections
    raw_connect(d) -> socket              a plain TCP socket to a Pop3Daemon
    wrap_socket(sock) -> connection       the pop3test connection interface
                                          (cmd, read_line, ...) over it

PROXY protocol v2 (haproxy's proxy-protocol.txt section 2.2)
    PROXY_SIG                             the 12-octet signature
    proxy_v2(src, sport, dst, dport, command=1, family=None,
             transport=1, tlvs=b"", length=None, version=2) -> bytes
        a header; family 1 (IPv4) or 2 (IPv6) from the address unless
        given; length overrides the length field (for bad headers)
    proxy_v2_local() -> bytes             a LOCAL header
"""

import os
import re
import socket
import struct
import sys
import time

from pop3test import TestFailure, Pop3Pipe, Pop3Socket, _Conn, _cleanups, \
    POP3D

SUMMARY_RE = re.compile(
    r"session end: user=(?P<user>\S+) retrieved=(?P<retrieved>\d+) "
    r"octets=(?P<octets>\d+) deleted=(?P<deleted>\d+) "
    r"duration=(?P<duration>\d+\.\d{3})s end=(?P<end>[a-z-]+)$")


def read_log(path):
    try:
        with open(path, "rb") as f:
            return f.read().decode(errors="replace")
    except FileNotFoundError:
        return ""


def wait_log(path, pattern, timeout=10, count=1):
    rx = re.compile(pattern)
    deadline = time.monotonic() + timeout
    while True:
        lines = [l for l in read_log(path).splitlines() if rx.search(l)]
        if len(lines) >= count:
            return lines
        if time.monotonic() > deadline:
            raise TestFailure("log never had %d line(s) matching %r; log:\n%s"
                              % (count, pattern, read_log(path)[-4000:]))
        time.sleep(0.05)


def session_lines(log, pid):
    tag = "pop3d[%d]:" % pid
    return [l for l in log.splitlines() if tag in l]


# ---------------------------------------------------------------- processes

def children_of(pid):
    out = []
    try:
        for tid in os.listdir("/proc/%d/task" % pid):
            with open("/proc/%d/task/%s/children" % (pid, tid)) as f:
                out += [int(p) for p in f.read().split()]
    except OSError:
        pass
    return out


def descendants_of(pid):
    out = []
    todo = children_of(pid)
    while todo:
        p = todo.pop()
        out.append(p)
        todo += children_of(p)
    return out


def wait_children(pid, n, timeout=10):
    deadline = time.monotonic() + timeout
    while True:
        kids = children_of(pid)
        if len(kids) == n:
            return kids
        if time.monotonic() > deadline:
            raise TestFailure("process %d has %d children, not %d"
                              % (pid, len(kids), n))
        time.sleep(0.02)


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise TestFailure("no VmRSS for %d" % pid)


def alive(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
        return state != "Z"
    except OSError:
        return False


def listening_pid(port):
    inodes = set()
    for fn in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(fn) as f:
                next(f)
                for line in f:
                    fields = line.split()
                    if (fields[3] == "0A" and
                            int(fields[1].rsplit(":", 1)[1], 16) == port):
                        inodes.add(fields[9])
        except OSError:
            pass
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            for fd in os.listdir("/proc/%s/fd" % p):
                link = os.readlink("/proc/%s/fd/%s" % (p, fd))
                if link.startswith("socket:[") and link[8:-1] in inodes:
                    return int(p)
        except OSError:
            continue
    return None


# ---------------------------------------------------------------- planting

# python3 -c PLANT KIND TARGET NAME POP3D ARGS...: the exec keeps the pid
_PLANT = r'''
import os, sys
kind, target, name = sys.argv[1:4]
name = name.replace("{pid}", str(os.getpid()))
if kind == "hardlink":
    os.link(target, name)
elif kind == "symlink":
    os.symlink(target, name)
elif kind == "fifo":
    os.mkfifo(name, 0o600)
else:
    sys.exit("planted_pipe: unknown kind " + kind)
os.execv(sys.argv[4], sys.argv[4:])
'''


def planted_pipe(conf, name, kind, target="", args=("-i",), **kwargs):
    return Pop3Pipe(conf, pop3d=sys.executable,
                    args=["-c", _PLANT, kind, target, name, POP3D]
                    + list(args), **kwargs)


# ---------------------------------------------------------------- connections

def raw_connect(d, timeout=10):
    s = socket.create_connection((d.addr, d.port), timeout=timeout)
    _cleanups.append(s.close)
    return s


def wrap_socket(sock):
    c = Pop3Socket.__new__(Pop3Socket)
    _Conn.__init__(c)
    c.sock = sock
    _cleanups.append(c.close)
    return c


# ---------------------------------------------------------------- PROXY v2

PROXY_SIG = b"\r\n\r\n\x00\r\nQUIT\n"


def proxy_v2(src, sport, dst, dport, command=1, family=None, transport=1,
             tlvs=b"", length=None, version=2):
    if family is None:
        family = 2 if ":" in src else 1
    if family == 1:
        addr = (socket.inet_pton(socket.AF_INET, src) +
                socket.inet_pton(socket.AF_INET, dst) +
                struct.pack("!HH", sport, dport))
    elif family == 2:
        addr = (socket.inet_pton(socket.AF_INET6, src) +
                socket.inet_pton(socket.AF_INET6, dst) +
                struct.pack("!HH", sport, dport))
    else:
        addr = b""
    body = addr + tlvs
    if length is None:
        length = len(body)
    return (PROXY_SIG + bytes([(version << 4) | command,
                               (family << 4) | transport])
            + struct.pack("!H", length) + body)


def proxy_v2_local():
    return PROXY_SIG + bytes([0x20, 0x00]) + struct.pack("!H", 0)


def wait_activator_port(port, proc):
    """Wait until a socket activator (systemd-socket-activate, proc)
    listens on port for the program it will start."""
    import pop3test
    deadline = time.monotonic() + pop3test.DEFAULT_TIMEOUT
    while port not in pop3test._listening_ports():
        if proc.poll() is not None:
            raise TestFailure("systemd-socket-activate exited with %s"
                              % proc.returncode)
        if time.monotonic() > deadline:
            raise TestFailure("port %d never listened" % port)
        time.sleep(0.02)
