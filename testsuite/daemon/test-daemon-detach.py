"""pop3d -d without --foreground detaches: the command returns 0 once
the port listens, the daemon runs in its own session without a
controlling terminal, in "/", with standard input, output and error on
/dev/null; it serves clients, re-reads a relative -c path on SIGHUP,
and SIGTERM stops it (found through its listening port)."""
import os
import signal
import subprocess
import time

import pop3test
from pop3test import *
from daemontest import *


def stat_fields(pid):
    with open("/proc/%d/stat" % pid) as f:
        return f.read().rsplit(")", 1)[1].split()


def main():
    tmp = TempDir()
    st = Setup(tmp, msgs=[b"Subject: a\n\nbody\n"])
    port = free_port()
    st.rewrite(pop3_listen_addr="127.0.0.1", pop3_listen_port=str(port))
    r = subprocess.run([POP3D, "-d", "-c", "pop3d.conf"], cwd=tmp.path,
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=DEFAULT_TIMEOUT)
    check_eq((r.returncode, r.stdout, r.stderr), (0, b"", b""),
             "the starting command returns 0 at once, silently")
    pid = None
    deadline = time.monotonic() + 10
    while pid is None:
        pid = listening_pid(port)
        check(pid is not None or time.monotonic() < deadline,
              "no daemon listening on port %d" % port)
        time.sleep(0.02)

    def cleanup():
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    pop3test._cleanups.append(cleanup)

    fields = stat_fields(pid)
    # fields after the name: state ppid pgrp session tty_nr ...
    check(int(fields[3]) != os.getsid(0), "own session")
    check_eq(int(fields[4]), 0, "no controlling terminal")
    check(int(fields[3]) != pid, "not a session leader (second fork)")
    check_eq(os.readlink("/proc/%d/cwd" % pid), "/", "working directory")
    for fd in (0, 1, 2):
        check_eq(os.readlink("/proc/%d/fd/%d" % (pid, fd)), "/dev/null",
                 "descriptor %d" % fd)
    wait_log(st.log, r"pop3d\[%d\]: notice: listening on 127\.0\.0\.1 port %d"
             % (pid, port))

    c = Pop3Socket("127.0.0.1", port)
    c.login(st.user, st.password)
    check(c.cmd("STAT").startswith(b"+OK 1 "), "the detached daemon serves")
    c.cmd("QUIT")

    # SIGHUP after chdir("/"): the relative -c path still names the file
    st.rewrite(host_id="again.test")
    os.kill(pid, signal.SIGHUP)
    wait_log(st.log, r"pop3d\[%d\]: notice: SIGHUP: configuration re-read"
             % pid)
    c = Pop3Socket("127.0.0.1", port)
    check(c.greeting.startswith(b"+OK again.test "), "reloaded: %r"
          % c.greeting)
    c.cmd("QUIT")

    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 10
    while alive(pid):
        check(time.monotonic() < deadline, "daemon still running")
        time.sleep(0.02)
    wait_log(st.log, r"pop3d\[%d\]: notice: stopped$" % pid)
    check(listening_pid(port) is None, "port closed")


run(main)
