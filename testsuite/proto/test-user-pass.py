"""USER/PASS (RFC 1939 section 7) against popauth: a good login, and a
wrong password and an unknown user answered with the same bytes after
the same delay (RFC 3206 [AUTH])."""
import time

from pop3test import *

AUTH_FAILED = b"-ERR [AUTH] invalid user name or password\r\n"
MSG = b"Subject: x\n\nbody\n"


def timed_login(conf, user, password):
    c = Pop3Pipe(conf)
    check_eq(c.cmd("USER " + user), b"+OK send PASS\r\n", "USER reply")
    t0 = time.monotonic()
    reply = c.cmd("PASS " + password)
    return c, reply, time.monotonic() - t0


def main():
    tmp = TempDir()
    st = Setup(tmp, msgs=[MSG, MSG + b"more\n"])
    st.add_user("bob", "two  words ")

    c, reply, _ = timed_login(st.conf, "alice", "secret")
    check_eq(reply, b"+OK alice has 2 messages (%d octets)\r\n"
             % (wire_size(MSG) * 2 + 6), "login reply")
    # USER/PASS/APOP are AUTHORIZATION commands only
    check_eq(c.cmd("USER alice"),
             b"-ERR command not valid in this state\r\n", "USER after login")
    check_eq(c.cmd("PASS secret"),
             b"-ERR command not valid in this state\r\n", "PASS after login")
    c.cmd("QUIT")
    c.expect_eof()

    c, wrong_pw, t_wrong = timed_login(st.conf, "alice", "Secret")
    c2, no_user, t_nouser = timed_login(st.conf, "nobody", "secret")
    check_eq(wrong_pw, AUTH_FAILED, "wrong password")
    check_eq(no_user, AUTH_FAILED, "unknown user")
    check(t_wrong >= 0.45 and t_nouser >= 0.45,
          "failure delay: wrong password %.3fs, unknown user %.3fs"
          % (t_wrong, t_nouser))
    check(abs(t_wrong - t_nouser) < 0.4,
          "same delay: %.3fs vs %.3fs" % (t_wrong, t_nouser))
    # a failed PASS forgets the USER (RFC 1939: start again)
    check_eq(c.cmd("PASS secret"), b"-ERR USER first\r\n", "PASS after failure")
    check_eq(c.cmd("USER alice"), b"+OK send PASS\r\n", "USER again")
    check(c.cmd("PASS secret").startswith(b"+OK alice has 2 messages"),
          "second try succeeds")
    c.cmd("QUIT")
    c2.cmd("QUIT")

    c = Pop3Pipe(st.conf)
    check_eq(c.cmd("PASS secret"), b"-ERR USER first\r\n", "PASS without USER")
    check_eq(c.cmd("USER"), b"-ERR wrong number of arguments\r\n",
             "USER without a name")
    check_eq(c.cmd("USER a b"), b"-ERR wrong number of arguments\r\n",
             "USER with two names")
    check_eq(c.cmd("USER alice"), b"+OK send PASS\r\n", "USER")
    check_eq(c.cmd("PASS"), b"-ERR wrong number of arguments\r\n",
             "PASS without a password")
    # the password is the rest of the line, spaces and all
    check_eq(c.cmd("user bob"), b"+OK send PASS\r\n", "lower-case user")
    check_eq(c.cmd("pass two  words "),
             b"+OK bob has 0 messages (0 octets)\r\n",
             "password with spaces")
    c.cmd("QUIT")
    check_eq(c.wait(), 0, "exit status")


run(main)
