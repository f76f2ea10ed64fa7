"""The session lock (RFC 2449 [IN-USE]): while one session holds a
maildrop, a second login gets -ERR [IN-USE] at once and stays in
AUTHORIZATION; after QUIT the maildrop is free again; for mbox,
Maildir and MH."""
import time

from pop3test import *

IN_USE = b"-ERR [IN-USE] mailbox in use by another session\r\n"


def main():
    for fmt in FORMATS:
        st = Setup(TempDir(), fmt=fmt, msgs=[b"Subject: a\n\nbody\n"],
                   extra={"lock_timeout": "10s"})
        first = Pop3Pipe(st.conf)
        first.login(st.user, st.password)

        second = Pop3Pipe(st.conf)
        check_eq(second.cmd("USER alice"), b"+OK send PASS\r\n", "USER")
        t0 = time.monotonic()
        check_eq(second.cmd("PASS secret"), IN_USE, fmt + " second login")
        # at once: the session lock is not waited for like lock_timeout
        check(time.monotonic() - t0 < 5, "IN-USE without waiting")
        check_eq(second.cmd("STAT"),
                 b"-ERR command not valid in this state\r\n",
                 "still in AUTHORIZATION")
        check_eq(second.cmd("QUIT"),
                 b"+OK pop3.test POP3 server signing off\r\n", "QUIT")

        check_eq(first.cmd("STAT"), b"+OK 1 %d\r\n"
                 % wire_size(b"Subject: a\n\nbody\n"), "first still works")
        first.cmd("QUIT")
        first.wait()

        third = Pop3Pipe(st.conf)
        check(third.login(st.user, st.password).startswith(b"+OK alice has 1"),
              fmt + " free again after QUIT")
        # a dropped session frees the lock too
        third.close()
        third.wait()
        fourth = Pop3Pipe(st.conf)
        fourth.login(st.user, st.password)
        fourth.cmd("QUIT")


run(main)
