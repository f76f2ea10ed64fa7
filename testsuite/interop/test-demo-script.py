#!/usr/bin/env python3
"""The README's first Quick start command, scripts/demo.sh, against this
build (POP3D_DEMO_BUILD: no package installation, no build of its own),
in a directory and on a port of the test's: the server it starts answers
the very commands it prints -- curl listing and fetching (curl picks its
own login: SASL CRAM-MD5 here) and Python's poplib with USER/PASS -- and
serves the three demo messages whole; Ctrl-C (SIGINT) stops it."""
import os
import re
import shlex
import signal
import subprocess
import time

from interop import require_program
from pop3test import (TempDir, TestFailure, check, check_eq, free_port, run,
                      top_builddir, top_srcdir, _cleanups)


def wait_for_banner(proc, out_path, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = open(out_path, errors="replace").read()
        if "listening on 127.0.0.1 port" in text:
            return text
        if proc.poll() is not None:
            raise TestFailure("demo.sh exited with %d:\n%s"
                              % (proc.returncode, text))
        time.sleep(0.05)
    raise TestFailure("demo.sh never listened:\n%s"
                      % open(out_path, errors="replace").read())


def main():
    tmp = TempDir()
    port = free_port()
    out_path = tmp.join("demo.out")
    env = dict(os.environ, POP3D_DEMO_BUILD=top_builddir,
               POP3D_DEMO_DIR=tmp.join("demo"), POP3D_DEMO_PORT=str(port))
    with open(out_path, "wb") as out:
        proc = subprocess.Popen(
            ["bash", os.path.join(top_srcdir, "scripts", "demo.sh")],
            stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            env=env, start_new_session=True)
    _cleanups.append(lambda: proc.poll() is None and proc.kill())
    text = wait_for_banner(proc, out_path)

    commands = [line.strip() for line in text.splitlines()
                if line.startswith(("  curl ", "  python3 "))]
    check_eq(len(commands), 3, "demo.sh prints three commands:\n" + text)
    results = []
    for command in commands:
        r = subprocess.run(shlex.split(command), stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=30)
        check_eq(r.returncode, 0, "%s: exit status; stderr %r\nserver:\n%s"
                 % (command, r.stderr, open(out_path).read()[-3000:]))
        results.append(r.stdout)

    listing, message1, poplib_list = results
    sizes = [int(m.group(2)) for m in
             re.finditer(rb"^(\d+) (\d+)\r$", listing, re.M)]
    check_eq(len(sizes), 3, "curl lists three messages: %r" % listing)
    check_eq(len(message1), sizes[0], "curl fetches message 1 whole")
    check(b"Subject: Welcome to the pop3d demo\r\n" in message1,
          "message 1 is the welcome: %r" % message1[:200])
    check(b"'1 %d'" % sizes[0] in poplib_list and
          b"'3 %d'" % sizes[2] in poplib_list,
          "poplib lists the same sizes: %r" % poplib_list)

    os.kill(proc.pid, signal.SIGINT)     # Ctrl-C
    try:
        check_eq(proc.wait(timeout=15), 0, "exit status after Ctrl-C")
    except subprocess.TimeoutExpired:
        raise TestFailure("the demo server ignored SIGINT")


require_program("curl")
run(main)
