"""Privilege separation, seen from /proc (doc/privsep.md): a session is a
monitor (the identity pop3d started with), a network process running as
running_identity from before the greeting -- nobody when the config does
not say, so a default install started as root never reads the network
as root -- and after login a transaction process running as the
mailbox's user (mail_user for virtual users), with its real, effective,
saved and filesystem ids and its groups all switched.  Another
running_identity is taken as given; an empty one means no switch (the
network process stays root, and each session logs a warning); one that
does not exist, or is root, ends the session with a negative greeting.
Run as root (as CI does) for the identities; as anyone else the process
structure is still checked."""
import grp
import pwd

from pop3test import *
from authtest import *

ROOT = os.geteuid() == 0


def ids_of(name):
    pw = pwd.getpwnam(name)
    return pw.pw_uid, pw.pw_gid


def check_ids(pid, uid, gid, groups, what):
    u, g, gs = proc_ids(pid)
    check_eq(u, [uid] * 4, what + ": Uid (real, effective, saved, fs)")
    check_eq(g, [gid] * 4, what + ": Gid (real, effective, saved, fs)")
    if groups is not None:
        check_eq(sorted(gs), sorted(groups), what + ": Groups")


def main():
    tmp = TempDir()
    os.chmod(tmp.path, 0o755)       # the transaction process must get in
    extra = {}
    if ROOT:
        # running_identity left to its default
        extra = {"mail_user": "mail"}
    st = Setup(tmp, msgs=[b"Subject: x\n\nbody\n"], extra=extra)
    check("running_identity" not in st.settings, "the default is used")
    me = os.geteuid(), os.getegid()
    net_ids = ids_of("nobody") if ROOT else me
    trans_ids = ids_of("mail") if ROOT else me
    if ROOT:
        os.chown(st.maildir_root, *trans_ids)
        os.chown(st.mailbox_path, *trans_ids)

    c = Pop3Pipe(st.conf)
    monitor = c.proc.pid
    kids = wait_for(lambda: children(monitor), what="the network process")
    check_eq(len(kids), 1, "one child before login")
    network = kids[0]
    check_eq(proc_ids(monitor)[0][0], me[0], "the monitor keeps its uid")
    check_ids(network, net_ids[0], net_ids[1],
              [net_ids[1]] if ROOT else None,
              "network process in AUTHORIZATION")

    c.login(st.user, st.password)
    kids = wait_for(lambda: len(children(monitor)) == 2 and
                    children(monitor), what="the transaction process")
    trans = [p for p in kids if p != network][0]
    check_ids(trans, trans_ids[0], trans_ids[1],
              [trans_ids[1]] if ROOT else None,
              "transaction process in TRANSACTION")
    check_ids(network, net_ids[0], net_ids[1], None,
              "network process in TRANSACTION")
    check_eq(c.cmd("STAT"), b"+OK 1 20\r\n", "STAT")
    c.cmd("QUIT")
    check_eq(c.wait(), 0, "exit status")
    for pid in (network, trans):
        check(not os.path.exists("/proc/%d/status" % pid) or
              "State:\tZ" in open("/proc/%d/status" % pid).read(),
              "process %d is gone" % pid)

    if not ROOT:
        print("not root: identities not checked")
        return

    # a session of a virtual user as root without mail_user: root, and
    # each session says so
    st.rewrite(mail_user=None)
    os.chown(st.mailbox_path, 0, 0)
    os.chown(st.maildir_root, 0, 0)
    c = Pop3Pipe(st.conf)
    c.login(st.user, st.password)
    kids = wait_for(lambda: len(children(c.proc.pid)) == 2 and
                    children(c.proc.pid), what="the transaction process")
    for pid in kids:
        if proc_ids(pid)[0][0] == 0:
            break
    else:
        raise TestFailure("no transaction process as root")
    c.cmd("QUIT")
    c.wait()
    check("mail_user is empty: sessions of virtual (popauth) users run as "
          "root" in open(st.log).read(), "the warning")

    # another running_identity, then none at all: the network process
    # runs as daemon, then stays root (and the session says so)
    for name, ids in (("daemon", ids_of("daemon")), ("", (0, 0))):
        st.rewrite(running_identity=name)
        c = Pop3Pipe(st.conf)
        kids = wait_for(lambda: children(c.proc.pid),
                        what="the network process")
        check_ids(kids[0], ids[0], ids[1], [ids[1]] if name else None,
                  "network process with running_identity = %r" % name)
        c.cmd("QUIT")
        c.wait()
    check("running_identity is empty: the process reading the network "
          "runs as root" in open(st.log).read(), "the warning")

    # running_identity that cannot be had: no session at all, only the
    # negative greeting (testsuite/proto/test-negative-greeting.py)
    for bad, why in (("no-such-user-here", "no such user"),
                     ("root", "is uid 0")):
        st.rewrite(running_identity=bad)
        c = Pop3Pipe(st.conf, read_greeting=False)
        c.expect_line_prefix(b"-ERR [SYS/TEMP] ")
        c.expect_eof()
        check(why in open(st.log).read(), "running_identity %s: logged"
              % bad)


run(main)
