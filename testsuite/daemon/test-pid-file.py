#!/usr/bin/env python3
"""pid_file: pop3d -d writes the PID of the process to signal (after it
detached: the one that listens) to the file, and removes it when SIGTERM
stops it; with --foreground too.  A path that cannot be written stops
pop3d at start with one line on stderr and exit status 1."""
import os
import signal
import subprocess
import time

from pop3test import *
from daemontest import *


def wait_gone(path, timeout=10):
    deadline = time.monotonic() + timeout
    while os.path.exists(path):
        check(time.monotonic() < deadline, "%s still there" % path)
        time.sleep(0.05)


def main():
    tmp = TempDir()
    pidf = tmp.join("run", "pop3d.pid")
    os.makedirs(tmp.join("run"))
    st = Setup(tmp, msgs=[b"Subject: a\n\nbody\n"], extra={"pid_file": pidf})
    port = free_port()
    st.rewrite(pop3_listen_addr="127.0.0.1", pop3_listen_port=str(port))

    # detached: the file names the daemon, not the command that started it
    r = subprocess.run([POP3D, "-d", "-c", st.conf], stdin=subprocess.DEVNULL,
                       capture_output=True, timeout=DEFAULT_TIMEOUT)
    check_eq(r.returncode, 0, "started: %r" % r.stderr)
    deadline = time.monotonic() + 10
    while listening_pid(port) is None:
        check(time.monotonic() < deadline, "not listening")
        time.sleep(0.02)
    pid = listening_pid(port)
    with open(pidf) as f:
        check_eq(f.read(), "%d\n" % pid, "the pid file names the listener")
    c = Pop3Socket("127.0.0.1", port)
    c.login(st.user, st.password)
    c.cmd("QUIT")
    os.kill(pid, signal.SIGTERM)
    wait_gone(pidf)

    # --foreground
    d = Pop3Daemon(st).start()
    with open(pidf) as f:
        check_eq(f.read(), "%d\n" % d.proc.pid, "--foreground: its own pid")
    check_eq(d.stop(), 0, "SIGTERM: exit status")
    check(not os.path.exists(pidf), "removed at exit")

    # not writable: an error before anything runs
    st.rewrite(pid_file=tmp.join("missing", "pop3d.pid"))
    r = subprocess.run([POP3D, "-d", "--foreground", "-c", st.conf],
                       stdin=subprocess.DEVNULL, capture_output=True,
                       timeout=DEFAULT_TIMEOUT)
    check_eq(r.returncode, 1, "exit status")
    check(b"pid_file" in r.stderr and b"No such file" in r.stderr,
          "one clear line: %r" % r.stderr)

    # a symlink planted at the path is not followed
    victim = tmp.join("victim")
    open(victim, "w").write("keep\n")
    os.symlink(victim, tmp.join("run", "link.pid"))
    st.rewrite(pid_file=tmp.join("run", "link.pid"))
    r = subprocess.run([POP3D, "-d", "--foreground", "-c", st.conf],
                       stdin=subprocess.DEVNULL, capture_output=True,
                       timeout=DEFAULT_TIMEOUT)
    check_eq(r.returncode, 1, "a symlink is refused")
    check_eq(open(victim).read(), "keep\n", "the victim is untouched")


run(main)
