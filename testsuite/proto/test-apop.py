"""APOP (RFC 1939 section 7): the digest MD5(timestamp secret) computed
here with hashlib; only users added with popauth --apop can use it."""
import hashlib
import re

from pop3test import *

AUTH_FAILED = b"-ERR [AUTH] invalid user name or password\r\n"


def digest(greeting, secret):
    ts = re.search(rb"<[^>]*>", greeting).group(0)
    return hashlib.md5(ts + secret.encode()).hexdigest()


def main():
    tmp = TempDir()
    st = Setup(tmp, msgs=[b"Subject: a\n\nx\n"], apop=True)
    st.add_user("plain", "pw")          # no reversible secret

    c = Pop3Pipe(st.conf)
    check_eq(c.cmd("APOP alice " + digest(c.greeting, "secret")),
             b"+OK alice has 1 message (%d octets)\r\n"
             % wire_size(b"Subject: a\n\nx\n"), "APOP login")
    check_eq(c.cmd("APOP alice 0123"),
             b"-ERR command not valid in this state\r\n", "APOP after login")
    c.cmd("QUIT")

    # upper-case hex is the same digest
    c = Pop3Pipe(st.conf)
    check(c.cmd("apop alice " + digest(c.greeting, "secret").upper())
          .startswith(b"+OK alice has 1 message"), "upper-case digest")
    c.cmd("QUIT")

    c = Pop3Pipe(st.conf)
    check_eq(c.cmd("APOP alice " + digest(c.greeting, "wrong")),
             AUTH_FAILED, "wrong secret")
    check_eq(c.cmd("APOP nobody " + digest(c.greeting, "secret")),
             AUTH_FAILED, "unknown user")
    check_eq(c.cmd("APOP plain " + digest(c.greeting, "pw")),
             AUTH_FAILED, "user without an APOP secret")
    check_eq(c.cmd("APOP alice 12345"), b"-ERR malformed APOP digest\r\n",
             "short digest")
    check_eq(c.cmd("APOP alice " + "g" * 32), b"-ERR malformed APOP digest\r\n",
             "non-hex digest")
    check_eq(c.cmd("APOP alice"), b"-ERR wrong number of arguments\r\n",
             "APOP without digest")
    # a digest for another session's timestamp does not work here
    other = Pop3Pipe(st.conf)
    check_eq(c.cmd("APOP alice " + digest(other.greeting, "secret")),
             AUTH_FAILED, "replayed digest of another greeting")
    other.cmd("QUIT")
    # the plain user still logs in with USER/PASS
    c.login("plain", "pw")
    c.cmd("QUIT")

    st.rewrite(apop="no")
    c = Pop3Pipe(st.conf)
    check_eq(c.cmd("APOP alice " + "0" * 32), b"-ERR APOP is not offered\r\n",
             "APOP when not offered")
    c.cmd("QUIT")


run(main)
