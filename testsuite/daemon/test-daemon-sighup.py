"""SIGHUP re-reads the configuration for new connections: a good file
takes effect (host_id in the greeting, enable_capa_implementation in
CAPA) while a session already running keeps what it started with; a
broken file is logged with FILE:LINE and the old configuration kept;
a log file moved away (logrotate) is reopened."""
import os
import signal
import time

from pop3test import *
from daemontest import *


def greeting_becomes(d, prefix, timeout=10):
    deadline = time.monotonic() + timeout
    while True:
        c = d.connect()
        c.cmd("QUIT")
        c.close()
        if c.greeting.startswith(prefix):
            return
        check(time.monotonic() < deadline, "greeting stays %r" % c.greeting)
        time.sleep(0.05)


def capa(c):
    c.send("CAPA\r\n")
    return c.read_multi()


def main():
    st = Setup(TempDir(), msgs=[b"Subject: x\n\nbody\n"],
               extra={"host_id": "before.test"})
    d = Pop3Daemon(st).start()
    old = d.connect()
    check(old.greeting.startswith(b"+OK before.test "), "first greeting")
    check(b"IMPLEMENTATION" not in capa(old), "no IMPLEMENTATION by default")

    st.rewrite(host_id="after.test", enable_capa_implementation="yes")
    d.proc.send_signal(signal.SIGHUP)
    wait_log(st.log, r"SIGHUP: configuration re-read")
    greeting_becomes(d, b"+OK after.test POP3 server ready")
    new = d.connect()
    check(b"\r\nIMPLEMENTATION " in capa(new), "IMPLEMENTATION after reload")
    # the session started before the reload keeps its configuration
    check(b"IMPLEMENTATION" not in capa(old), "old session unchanged")
    old.cmd("QUIT")
    new.cmd("QUIT")

    # a broken file: logged with FILE:LINE, old configuration kept
    with open(st.conf, "a") as f:
        f.write("no_such_directive = 1\n")
    nlines = len(open(st.conf).read().splitlines())
    d.proc.send_signal(signal.SIGHUP)
    kept = wait_log(st.log, r"SIGHUP: configuration kept: ")
    check("%s:%d:" % (st.conf, nlines) in kept[0], "FILE:LINE in %r" % kept[0])
    c = d.connect()
    check(c.greeting.startswith(b"+OK after.test "), "old configuration kept")
    c.login(st.user, st.password)
    c.cmd("QUIT")

    # logrotate: the file is moved, SIGHUP opens a new one
    st.rewrite(host_id="third.test", enable_capa_implementation="no")
    os.rename(st.log, st.log + ".1")
    d.proc.send_signal(signal.SIGHUP)
    wait_log(st.log, r"SIGHUP: configuration re-read")
    greeting_becomes(d, b"+OK third.test ")
    wait_log(st.log, r"session end:")
    check_eq(d.stop(), 0, "exit status")


run(main)
