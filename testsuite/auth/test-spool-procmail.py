#!/usr/bin/env python3
"""A Debian host: a system account (PAM) whose mbox is /var/mail/USER
(USER:mail 0660 in the root:mail 2775 spool), delivered by procmail
(setgid mail, dotlock) as an MTA runs it.

Without help the session, running as the user, cannot make its lock
beside the mailbox: with mail_privileged_group empty the login fails
with [SYS/PERM].  With the default (mail) the session keeps that group
as its saved gid only -- neither effective nor supplementary while it
serves -- and takes it just to make and remove its lock, dotlock and
journal.  While procmail delivers 40 messages, sessions log in, read,
delete and commit: at the end every message delivered was either
deleted by a committed QUIT or is still there, once, intact."""
import grp
import re
import stat
import sys
import threading
import time

from pop3test import *
from authtest import *
from spooltest import *

N = 40


def msg(i):
    return (b"From: mta@example.org\nSubject: message %d\n"
            b"Message-ID: <%d@spool.test>\n\nbody of message %d\n" % (i, i, i))


def ident(m):
    found = re.search(rb"Message-ID: <(\d+)@spool.test>", m)
    check(found, "a message without our Message-ID: %r" % m[:80])
    i = int(found.group(1))
    check(b"body of message %d\n" % i in m and b"Subject: message %d\n" % i
          in m, "message %d is not intact: %r" % (i, m))
    return i


def transaction_gids(pop3d_pid, uid):
    """Gid and Groups lines of the session's process running as uid."""
    todo = [pop3d_pid]
    while todo:
        pid = todo.pop()
        todo += children(pid)
        try:
            status = open("/proc/%d/status" % pid).read()
        except OSError:
            continue
        uids = re.search(r"^Uid:\s+(\d+)", status, re.M)
        if uids and int(uids.group(1)) == uid:
            gids = [int(x) for x in re.search(r"^Gid:\s+(.*)$", status,
                                              re.M).group(1).split()]
            groups = [int(x) for x in re.search(r"^Groups:\s*(.*)$", status,
                                                re.M).group(1).split()]
            return gids, groups
    return None


def session(st, pam, user, deleted):
    """Log in, read every message, DELE the even ones, QUIT.  Returns the
    numbers committed as deleted."""
    c = Pop3Pipe(st.conf, env=pam.env)
    check_eq(c.cmd("USER " + user.name), b"+OK send PASS\r\n", "USER")
    r = c.cmd("PASS secret")
    check(r.startswith(b"+OK"), "login: %r" % r)
    count = int(c.cmd("STAT").split()[1])
    marked = []
    for n in range(1, count + 1):
        check(c.cmd("RETR %d" % n).startswith(b"+OK"), "RETR %d" % n)
        body = c.read_multi()[:-3].replace(b"\r\n", b"\n")
        i = ident(body)
        check(i not in deleted, "message %d came back after its QUIT" % i)
        if i % 2 == 0:
            check(c.cmd("DELE %d" % n).startswith(b"+OK"), "DELE")
            marked.append(i)
    r = c.cmd("QUIT")
    c.wait()
    if r.startswith(b"+OK"):
        return marked
    # a refused commit changes nothing (another writer was seen)
    check(r.startswith(b"-ERR [SYS/TEMP]"), "QUIT: %r" % r)
    return []


def main():
    why = spool_ready()
    if why:
        print("SKIP:", why)
        sys.exit(77)
    tmp = TempDir()
    os.chmod(tmp.path, 0o755)
    user = SpoolUser()
    pam = PamEnv(tmp, [(user.name, "secret")])
    st = Setup(tmp, msgs=[], extra={
        "auth": "pam", "pam_service": pam.service,
        "mailbox": "mbox:/var/mail/%u", "pop3_auth_times": "100",
        "mail_privileged_group": ""})
    user.deliver(msg(0))

    # without the spool group: the lock cannot be made
    c = Pop3Pipe(st.conf, env=pam.env)
    c.cmd("USER " + user.name)
    check_eq(c.cmd("PASS secret"), b"-ERR [SYS/PERM] cannot open mailbox\r\n",
             "mail_privileged_group empty")
    c.cmd("QUIT")
    c.wait()
    check("cannot open session lock /var/mail/." in open(st.log).read(),
          "the log says why")

    st.rewrite(mail_privileged_group=None)      # the default, mail
    # the group is the saved gid only
    c = Pop3Pipe(st.conf, env=pam.env)
    c.cmd("USER " + user.name)
    check(c.cmd("PASS secret").startswith(b"+OK"), "login with the default")
    ids = None
    for _ in range(100):
        ids = transaction_gids(c.proc.pid, user.uid)
        if ids:
            break
        time.sleep(0.02)
    check(ids is not None, "the transaction process")
    (rgid, egid, sgid, fsgid), groups = ids
    mail = grp.getgrnam("mail").gr_gid
    check_eq((rgid, egid, fsgid), (user.gid,) * 3, "real/effective/fs gid")
    check_eq(sgid, mail, "saved gid: mail")
    check(mail not in groups, "mail is not a supplementary group: %r" % groups)
    c.cmd("QUIT")
    c.wait()

    # procmail delivers while sessions commit
    def deliverer():
        for i in range(1, N + 1):
            user.deliver(msg(i))
            time.sleep(0.01 * (i % 4))
    t = threading.Thread(target=deliverer)
    t.start()
    deleted = set()
    while t.is_alive():
        deleted.update(session(st, pam, user, deleted))
    t.join()
    deleted.update(session(st, pam, user, deleted))

    left = [ident(m) for m in mbox_messages(user.mbox)]
    check_eq(len(left), len(set(left)), "no message twice")
    check_eq(sorted(set(left) | deleted), list(range(N + 1)),
             "every delivered message deleted by a commit or still there")
    check(not set(left) & deleted, "nothing deleted is still there")
    check(all(i % 2 for i in left), "every even message was deleted: %r"
          % left)
    st_mbox = os.stat(user.mbox)
    check_eq((st_mbox.st_uid, st_mbox.st_gid, stat.S_IMODE(st_mbox.st_mode)),
             (user.uid, mail, 0o660), "the mbox keeps its owner and mode")
    leftovers = [f for f in user.files() if f not in
                 (user.name, ".%s.pop3d-lock" % user.name)]
    check_eq(leftovers, [], "no dotlock or journal left in the spool")


run(main, timeout=300)
