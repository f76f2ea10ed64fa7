#!/usr/bin/env python3
"""The three crontab recipes of doc/expiry-cron.md, run as root as
written but for the paths (and a loop limited to this test's accounts):

1. /var/mail: a real account's mbox in the real root:mail 2775 spool,
   delivered by procmail (USER:mail 0660): the stamped messages older
   than 5 days go, the others stay, and the mbox keeps owner and mode;
   nothing but the session lock is left beside it;
2. home Maildirs: a real account with ~/Maildir;
3. popauth users: `popauth -l` over Maildirs under a /srv/mail-like
   directory owned by mail_user."""
import os
import pwd
import stat
import subprocess
import sys
import time

from musieve import (DAY, EXPIRE_SV, MU_SIEVE, SRC, TempDir, check, check_eq,
                     mailbox_messages, make_mailbox, message, run)
from pop3test import POPAUTH, add_popauth_user, write_config
from spooltest import SpoolUser, mbox_messages, spool_ready


def recipe(first_words):
    with open(os.path.join(SRC, "doc", "expiry-cron.md")) as f:
        for line in f:
            if line.startswith("15 3 * * * root " + first_words):
                return line.strip()[len("15 3 * * * root "):]
    raise AssertionError("no recipe starting %r" % first_words)


def sh(cmd, env=None):
    r = subprocess.run(["sh", "-c", cmd], capture_output=True, timeout=120,
                       env=env)
    check_eq((r.returncode, r.stderr), (0, b""), "recipe: %s" % cmd)


def subjects(msgs):
    return sorted(m.split(b"Subject: ")[1].split(b"\n")[0].decode()
                  for m in msgs)


def main():
    why = spool_ready()
    if why:
        print("SKIP:", why)
        sys.exit(77)
    tmp = TempDir()
    os.chmod(tmp.path, 0o755)
    conf = write_config(tmp.join("pop3d.conf"), {})
    now = int(time.time())
    mu = "%s -c %s" % (MU_SIEVE, conf)

    # 1. /var/mail, delivered by procmail
    u = SpoolUser()
    u.deliver(message("old", now - 9 * DAY))
    u.deliver(message("recent", now - DAY))
    u.deliver(message("never retrieved"))
    line = recipe("for f in /var/mail/*")
    line = line.replace("/var/mail/*", u.mbox)
    line = line.replace("/usr/local/bin/mu-sieve", mu)
    line = line.replace("/etc/pop3d/expire.sv", EXPIRE_SV)
    sh(line)
    check_eq(subjects(mbox_messages(u.mbox)), ["never retrieved", "recent"],
             "/var/mail: what is left")
    st = os.stat(u.mbox)
    check_eq((st.st_uid, stat.S_IMODE(st.st_mode)), (u.uid, 0o660),
             "/var/mail: owner and mode kept")
    check_eq(sorted(u.files()), sorted([u.name, ".%s.pop3d-lock" % u.name]),
             "/var/mail: only the mailbox and its session lock")
    lock = os.stat(os.path.join("/var/mail", ".%s.pop3d-lock" % u.name))
    check_eq(lock.st_uid, u.uid, "the lock belongs to the user")

    # 2. a home Maildir
    home_user = SpoolUser()
    home = tmp.join("home-" + home_user.name)
    os.mkdir(home)
    make_mailbox("maildir", os.path.join(home, "Maildir"),
                 [message("old", now - 9 * DAY), message("kept")])
    subprocess.run(["chown", "-R", "%d:%d" % (home_user.uid, home_user.gid),
                    home], check=True)
    subprocess.run(["usermod", "-d", home, home_user.name], check=True)
    line = recipe("getent passwd")
    line = line.replace("getent passwd", "getent passwd " + home_user.name)
    line = line.replace("/usr/local/bin/mu-sieve", mu)
    line = line.replace("/etc/pop3d/expire.sv", EXPIRE_SV)
    sh(line)
    check_eq(subjects(mailbox_messages("maildir", os.path.join(home,
                                                                 "Maildir"))),
             ["kept"], "home Maildir: what is left")

    # 3. popauth users' Maildirs, owned by mail_user
    srv = tmp.join("srv-mail")
    os.mkdir(srv)
    db = tmp.join("popauth.db")
    mail_user = pwd.getpwnam("mail")
    for name in ("carol", "dave"):
        add_popauth_user(db, name, "pw")
        make_mailbox("maildir", os.path.join(srv, name),
                     [message("old", now - 9 * DAY), message("kept")])
    subprocess.run(["chown", "-R", "mail:mail", srv], check=True)
    line = recipe("/usr/local/sbin/popauth -l")
    line = line.replace("/usr/local/sbin/popauth -l",
                        "%s -f %s -l" % (POPAUTH, db))
    line = line.replace("/srv/mail", srv)
    line = line.replace("/usr/local/bin/mu-sieve", mu)
    line = line.replace("/etc/pop3d/expire.sv", EXPIRE_SV)
    sh(line)
    for name in ("carol", "dave"):
        path = os.path.join(srv, name)
        check_eq(subjects(mailbox_messages("maildir", path)), ["kept"],
                 "popauth %s: what is left" % name)
        for dirpath, _, files in os.walk(path):
            for f in files + [""]:
                st = os.stat(os.path.join(dirpath, f))
                check_eq(st.st_uid, mail_user.pw_uid,
                         "%s belongs to mail_user" % os.path.join(dirpath, f))


run(main, timeout=240)
