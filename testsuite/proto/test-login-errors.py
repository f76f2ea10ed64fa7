"""What a correct password can still meet (RFC 2449, RFC 3206): a
maildrop locked by a delivery agent beyond lock_timeout is
-ERR [SYS/TEMP]; one that cannot be opened is -ERR [SYS/PERM]; a
template that cannot be expanded for the user is -ERR [SYS/PERM].  The
session stays in AUTHORIZATION and can try again."""
import os
import time

from pop3test import *

MSG = b"Subject: a\n\nbody\n"


def main():
    st = Setup(TempDir(), fmt="mbox", msgs=[MSG],
               extra={"lock_timeout": "1s"})

    # a delivery agent (this live process) holds the dotlock
    lock = st.mailbox_path + ".lock"
    with open(lock, "w") as f:
        f.write("%d\n" % os.getpid())
    c = Pop3Pipe(st.conf)
    c.cmd("USER alice")
    t0 = time.monotonic()
    check_eq(c.cmd("PASS secret"),
             b"-ERR [SYS/TEMP] mailbox locked, try again later\r\n",
             "locked by a delivery agent")
    check(time.monotonic() - t0 >= 0.9, "waited for lock_timeout")
    check_eq(c.cmd("STAT"), b"-ERR command not valid in this state\r\n",
             "still in AUTHORIZATION")
    # the agent is done: the same session logs in
    os.unlink(lock)
    c.cmd("USER alice")
    check_eq(c.cmd("PASS secret"),
             b"+OK alice has 1 message (%d octets)\r\n" % wire_size(MSG),
             "login after the lock went away")
    c.cmd("QUIT")

    # an mbox that is a directory cannot be opened
    st.add_user("dir", "pw", mailbox="mbox:" + st.tmp.join("a-directory"))
    os.mkdir(st.tmp.join("a-directory"))
    c = Pop3Pipe(st.conf)
    c.cmd("USER dir")
    check_eq(c.cmd("PASS pw"), b"-ERR [SYS/PERM] cannot open mailbox\r\n",
             "mbox that is a directory")
    c.login(st.user, st.password)
    c.cmd("QUIT")
    check_eq(c.wait(), 0, "exit status")
    with open(st.log) as f:
        log = f.read()
    check("a-directory" in log, "the log names the mailbox that failed")

    # a template that needs a home directory, which popauth users lack
    st.rewrite(mailbox="mbox:%h/mbox")
    c = Pop3Pipe(st.conf)
    c.cmd("USER alice")
    check_eq(c.cmd("PASS secret"),
             b"-ERR [SYS/PERM] cannot find your mailbox\r\n",
             "template with %h for a user without home")
    c.cmd("QUIT")


run(main)
