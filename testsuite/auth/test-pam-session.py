"""System accounts through PAM (pam_wrapper's pam_matrix; no account is
changed): USER/PASS and AUTH PLAIN/LOGIN check the password with the
auth and account stacks, PAM_RHOST is the client's address, the session
stack runs at login and again at the end (pam_exec records each step);
the transaction process runs as the account (uid, gid, initgroups), %h is
the account's home, and a mailbox that is a symlink or not the user's is
refused.  uid 0 is refused.  As root (CI) with real uids; otherwise the
session runs as the starting user and the uid checks are skipped."""
import grp
import pwd
import re
import time

from pop3test import *
from authtest import *

ROOT = os.geteuid() == 0
AUTH_FAILED = b"-ERR [AUTH] invalid user name or password\r\n"
MSG = b"Subject: to a system account\n\nhello\n"


def mailbox_for(root, name, owner):
    """<root><home of name>/mbox with MSG, owned by owner (uid, gid)."""
    pw = pwd.getpwnam(name)
    path = root + pw.pw_dir + "/mbox"
    os.makedirs(os.path.dirname(path), exist_ok=True)
    make_mbox(path, [MSG])
    if ROOT:
        os.chown(os.path.dirname(path), *owner)
        os.chown(path, *owner)
    return path


def main():
    tmp = TempDir()
    os.chmod(tmp.path, 0o755)
    games = pwd.getpwnam("games")
    lp = pwd.getpwnam("lp")
    homes = tmp.join("homes")
    pam = PamEnv(tmp, [("games", "games-pw"), ("lp", "lp-pw"),
                       ("root", "root-pw")])
    st = Setup(tmp, msgs=[], extra={
        "auth": "pam",
        "pam_service": pam.service,
        "mailbox": "mbox:%s%%h/mbox" % homes,
        "pop3_auth_times": "100"})
    me = (os.geteuid(), os.getegid())
    games_ids = (games.pw_uid, games.pw_gid) if ROOT else me
    mailbox_for(homes, "games", games_ids)
    # lp's mailbox belongs to games (or, unprivileged, is a symlink)
    lp_box = mailbox_for(homes, "lp", games_ids)
    if not ROOT:
        os.rename(lp_box, lp_box + ".real")
        os.symlink(lp_box + ".real", lp_box)

    os.environ.update(pam.env)      # pop3d -d inherits the PAM wrapper
    with Pop3Daemon(st) as d:
        c = d.connect()
        c.cmd("USER games")
        check_eq(c.cmd("PASS wrong"), AUTH_FAILED, "wrong password")
        check_eq(c.cmd("USER nosuch"), b"+OK send PASS\r\n", "USER")
        check_eq(c.cmd("PASS games-pw"), AUTH_FAILED, "unknown account")
        c.cmd("USER games")
        check_eq(c.cmd("PASS games-pw"),
                 b"+OK games has 1 message (%d octets)\r\n" % wire_size(MSG),
                 "games logs in, mailbox at %h")
        if ROOT:
            # the session stack runs, so the monitor stays for its end,
            # with the transaction process alone under it: on a plain
            # connection the network process has handed the client's
            # socket over and gone
            monitor = children(d.proc.pid)[0]
            kids = wait_for(lambda: len(children(monitor)) == 1 and
                            proc_ids(children(monitor)[0])[0][0] ==
                            games.pw_uid and children(monitor),
                            what="the transaction process alone")
            groups = sorted({games.pw_gid} |
                            {g.gr_gid for g in grp.getgrall()
                             if "games" in g.gr_mem})
            found = [p for p in kids if proc_ids(p)[0][0] == games.pw_uid]
            check(found, "a process runs as games")
            uid, gid, gs = proc_ids(found[0])
            # real, effective, saved and fs ids; the saved gid is
            # mail_privileged_group's (default mail), kept for lock files
            # beside a mailbox in a spool, never effective or supplementary
            mail = grp.getgrnam("mail").gr_gid
            check_eq((uid, gid, sorted(gs)),
                     ([games.pw_uid] * 4,
                      [games.pw_gid, games.pw_gid, mail, games.pw_gid],
                      groups),
                     "the transaction process is games")
        c.send("RETR 1\r\n")
        check(c.read_multi().endswith(b"hello\r\n.\r\n"), "RETR")
        c.cmd("QUIT")
        c.expect_eof()

        # SASL PLAIN and LOGIN for a system account
        c = d.connect()
        check(auth_plain(c, "games", "games-pw").startswith(b"+OK games"),
              "AUTH PLAIN for games")
        c.cmd("QUIT")
        c = d.connect()
        check(auth_login(c, "games", "games-pw").startswith(b"+OK games"),
              "AUTH LOGIN for games")
        c.cmd("QUIT")
        # SCRAM needs keys only popauth keeps: not for system accounts
        c = d.connect()
        c.send("CAPA\r\n")
        check(b"\r\nSASL PLAIN LOGIN\r\n" in c.read_multi(),
              "PLAIN and LOGIN only")

        # lp's mailbox is not lp's (owned by games, or a symlink)
        c.cmd("USER lp")
        check_eq(c.cmd("PASS lp-pw"), b"-ERR [SYS/PERM] cannot open "
                 b"mailbox\r\n", "a mailbox that is not the user's")
        c.cmd("QUIT")
        if ROOT:
            c = d.connect()
            c.cmd("USER root")
            check_eq(c.cmd("PASS root-pw"), b"-ERR [AUTH] this account may "
                     b"not log in over POP3\r\n", "uid 0 refused")
            c.cmd("QUIT")

    log = open(st.log).read()
    check(re.search(r'mailbox mbox:%s/mbox refused: it (belongs to uid %d|is '
                    r'a symbolic link)' % (re.escape(homes + lp.pw_dir),
                                           games_ids[0]), log),
          "the refusal is logged")
    steps = pam.steps()
    logins = [s for s in steps if s[0] == "open_session"]
    check_eq(len(logins), 4 if ROOT else 4,
             "open_session once per login (games x3, lp): %r" % steps)
    check(["auth", "games", "127.0.0.1"] in steps,
          "pam_authenticate saw PAM_RHOST: %r" % steps)
    check(["open_session", "games", "127.0.0.1"] in steps,
          "the session opened: %r" % steps)
    check_eq(steps.count(["close_session", "games", "127.0.0.1"]), 3,
             "and closed after each of games' sessions: %r" % steps)


run(main)
