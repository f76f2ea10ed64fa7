"""spooltest -- a real system account with its mbox in the real mail
spool, as on a Debian host: /var/mail root:mail 2775, the mbox USER:mail
0660, delivered by procmail (setuid root, setgid mail) as an MTA runs it.

API
---
spool_ready() -> str or None
    why these tests cannot run here (not root, no procmail, /var/mail not
    a root:mail 2775 directory), or None
SpoolUser(prefix="p3t")
    useradd a throw-away account (no home, group users, no shell) and
    remove it at exit with everything of its in /var/mail.
    .name, .uid, .gid, .mbox ("/var/mail/NAME")
    .deliver(msg_bytes, sender="sender@example.org")  procmail -d NAME
    .files() -> names in /var/mail that belong to this user
mbox_messages(path) -> list of bytes (each message without its From_ line)
"""

import grp
import os
import pwd
import random
import shutil
import stat
import subprocess

import pop3test

SPOOL = "/var/mail"


def spool_ready():
    if os.geteuid() != 0:
        return "not root"
    if shutil.which("procmail") is None:
        return "procmail is not installed"
    try:
        st = os.stat(SPOOL)
        mail = grp.getgrnam("mail").gr_gid
    except (OSError, KeyError) as e:
        return "no mail spool: %s" % e
    if st.st_uid != 0 or st.st_gid != mail or stat.S_IMODE(st.st_mode) != 0o2775:
        return "%s is not root:mail 2775" % SPOOL
    return None


class SpoolUser:
    def __init__(self, prefix="p3t"):
        self.name = "%s%06d" % (prefix, random.randrange(10 ** 6))
        subprocess.run(["useradd", "-M", "-N", "-g", "users", "-s",
                        "/usr/sbin/nologin", self.name], check=True)
        pop3test._cleanups.append(self.remove)
        pw = pwd.getpwnam(self.name)
        self.uid, self.gid = pw.pw_uid, pw.pw_gid
        self.mbox = os.path.join(SPOOL, self.name)

    def deliver(self, msg, sender="sender@example.org"):
        r = subprocess.run(["procmail", "-f", sender, "-d", self.name],
                           input=msg, capture_output=True, timeout=30)
        pop3test.check(r.returncode == 0, "procmail: %d %r"
                       % (r.returncode, r.stderr))

    def files(self):
        return [f for f in os.listdir(SPOOL)
                if f == self.name or f.startswith(self.name + ".") or
                f.startswith("." + self.name + ".")]

    def remove(self):
        for f in self.files():
            try:
                os.unlink(os.path.join(SPOOL, f))
            except OSError:
                pass
        subprocess.run(["userdel", self.name], capture_output=True)


def mbox_messages(path):
    """The messages of an mbox written by procmail (no >From quoting
    needed for these tests), each without its From_ line."""
    with open(path, "rb") as f:
        data = f.read()
    out = []
    for part in data.split(b"\nFrom ")[0:]:
        if not part:
            continue
        body = part.split(b"\n", 1)[1] if b"\n" in part else b""
        out.append(body)
    if data and not data.startswith(b"From "):
        raise pop3test.TestFailure("mbox does not start with From_: %r"
                                   % data[:40])
    return out
