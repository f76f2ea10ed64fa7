"""pop3_cmd_debug: 1 logs failed commands, 2 logs every command, each
with the first line of its reply and the client's address.  Secrets
never reach the log: the PASS argument and the APOP digest are masked,
and neither the password nor the digest appears anywhere in the log."""
import re

from pop3test import *
from daemontest import *

MSGS = [b"Subject: a\n\nbody\n"]
PASSWORD = "Tr0ub4dor&3 with spaces"


def session(d, st, digest_user):
    c = d.connect()
    digest = apop_digest(c.greeting, "wrong-secret")
    c.cmd("APOP %s %s" % (digest_user, digest))
    c.cmd("USER %s" % st.user)
    c.cmd("PASS not-the-password")
    c.cmd("USER %s" % st.user)
    c.cmd("pass " + PASSWORD)
    c.cmd("STAT")
    c.cmd("LIST 7")
    c.cmd("NOSUCH")
    c.cmd("QUIT")
    c.expect_eof()
    return digest


def main():
    st = Setup(TempDir(), msgs=MSGS, password=PASSWORD, apop=True,
               extra={"pop3_cmd_debug": "1", "pop3_log_file": "-"})
    # 1: failed commands only, on stderr in --foreground with "-"
    d = Pop3Daemon(st).start()
    digest = session(d, st, st.user)
    check_eq(d.stop(), 0, "exit status")
    err = d.stderr()
    cmds = re.findall(r'\[client 127\.0\.0\.1 port \d+[^\]]*\] command '
                      r'"([^"]*)": (.*)', err)
    check_eq([c for c, _ in cmds],
             ["APOP alice ***", "PASS ***", "LIST 7", "NOSUCH"],
             "failed commands logged (stderr:\n%s)" % err)
    check(cmds[0][1].startswith("-ERR [AUTH]"), "reply logged: %r" % cmds[0][1])
    check_eq(cmds[2][1], "-ERR no such message", "LIST 7 reply")
    for secret in (PASSWORD, "not-the-password", digest):
        check(secret not in err, "%r not logged" % secret)

    # 2: every command, to the log file
    st.rewrite(pop3_cmd_debug="2", pop3_log_file=st.log)
    d = Pop3Daemon(st).start()
    digest = session(d, st, st.user)
    check_eq(d.stop(), 0, "exit status")
    log = read_log(st.log)
    cmds = re.findall(r'user alice\] command "([^"]*)": (.*)|\] command '
                      r'"([^"]*)": (.*)', log)
    names = [a or c for a, _, c, _ in cmds]
    check_eq(names, ["APOP alice ***", "USER alice", "PASS ***", "USER alice",
                     "pass ***", "STAT", "LIST 7", "NOSUCH", "QUIT"],
             "every command logged:\n%s" % log)
    check(re.search(r'user alice\] command "STAT": \+OK 1 \d+$', log, re.M),
          "STAT logged after login with the user")
    for secret in (PASSWORD, "not-the-password", digest, "Tr0ub4dor"):
        check(secret not in log, "%r not logged" % secret)

    # 0: no command lines
    st.rewrite(pop3_cmd_debug="0")
    open(st.log, "w").close()
    d = Pop3Daemon(st).start()
    session(d, st, st.user)
    d.stop()
    check(not re.search(r'\] command "', read_log(st.log)),
          "no command lines with 0")


run(main)
