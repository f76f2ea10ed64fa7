"""musieve -- shared helpers of the mu-sieve end-to-end tests.

Builds on pop3test (testsuite/lib): mailboxes of the three formats are
made with make_mailbox and read back with mailbox_messages; UIDLs and
sizes are read, and session locks held, by the mailbox-probe helper, which
uses libmu's mailbox API directly (what pop3d serves mail with), so the
checks do not rely on mu-sieve's own output.
"""
import os
import subprocess
import time

from pop3test import (FORMATS, TempDir, check, check_eq, make_mailbox,
                      mailbox_messages, run, write_config)  # noqa: F401

BUILD = os.environ["top_builddir"]
SRC = os.environ["top_srcdir"]
MU_SIEVE = os.path.join(BUILD, "sieve", "mu-sieve")
PROBE = os.path.join(BUILD, "testsuite", "sieve", "mailbox-probe")
EXPIRE_SV = os.path.join(SRC, "sieve-scripts", "expire.sv")

DAY = 86400


def message(subject, stamp=None, extra=b"", body=b"body line\n"):
    """A small message; stamp: X-Expire-Timestamp value (int or bytes)."""
    head = b"From: sender@example.org\nTo: alice@example.org\n"
    head += b"Subject: " + subject.encode() + b"\n"
    if stamp is not None:
        if isinstance(stamp, int):
            stamp = str(stamp).encode()
        head += b"X-Expire-Timestamp: " + stamp + b"\n"
    return head + extra + b"\n" + body


def mailbox_path(tmp, fmt, name="mbox"):
    return tmp.join("%s-%s" % (name, fmt))


def config(tmp, **settings):
    """A config file for mu-sieve -c (lock_timeout short by default)."""
    settings.setdefault("lock_timeout", "2")
    return write_config(tmp.join("pop3d-%d.conf" % len(os.listdir(tmp.path))),
                        settings)


def mu_sieve(*args, timeout=60):
    """Run mu-sieve; returns (status, stdout, stderr) as text."""
    p = subprocess.run([MU_SIEVE] + [str(a) for a in args],
                       stdin=subprocess.DEVNULL, capture_output=True,
                       timeout=timeout)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def probe_list(url):
    """[(uidl, size)] of the mailbox, through libmu."""
    p = subprocess.run([PROBE, "list", url], capture_output=True, timeout=30)
    check(p.returncode == 0, "mailbox-probe list %s: %s" % (url, p.stderr))
    return [tuple(line.split()) for line in p.stdout.decode().splitlines()]


class Holder:
    """Holds the session lock of a mailbox as a POP3 session does."""

    def __init__(self, url):
        self.p = subprocess.Popen([PROBE, "hold", url], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE)
        line = self.p.stdout.readline()
        check(line == b"held\n", "mailbox-probe hold %s: %r" % (url, line))

    def release(self):
        self.p.stdin.close()
        check_eq(self.p.wait(10), 0, "holder exit status")


def is_session_lock(name):
    # mbox: .NAME.pop3d-lock beside the file; Maildir: pop3d.lock; MH:
    # .pop3d.lock -- empty files the drivers leave in place
    return "pop3d-lock" in name or name in ("pop3d.lock", ".pop3d.lock")


def snapshot(root):
    """{relative path: bytes} of every file under root (or root itself and
    its dot files beside it), without the session lock files."""
    out = {}
    if os.path.isfile(root):
        d, base = os.path.split(root)
        for name in os.listdir(d):
            if name == base or (name.startswith("." + base) and
                                not is_session_lock(name)):
                with open(os.path.join(d, name), "rb") as f:
                    out[name] = f.read()
        return out
    for d, _, files in os.walk(root):
        for name in files:
            if is_session_lock(name):
                continue
            path = os.path.join(d, name)
            with open(path, "rb") as f:
                out[os.path.relpath(path, root)] = f.read()
    return out


def wait_until(cond, timeout=10):
    end = time.time() + timeout
    while time.time() < end:
        if cond():
            return True
        time.sleep(0.05)
    return cond()
