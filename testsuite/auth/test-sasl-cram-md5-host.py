"""The CRAM-MD5 challenge (RFC 2195 section 2) is a msg-id with random
digits, a timestamp and the server's fully qualified name: host_id, or
the system hostname when host_id is not set -- the name the greeting
shows, never "localhost".  Each exchange gets a fresh challenge, and a
digest computed over it logs in.  CRAM-MD5 is server-first: an initial
response, even an empty one, is refused (RFC 4422 section 5)."""
import re
import socket

from pop3test import *
from authtest import *

CHALLENGE = rb"<(\d+)\.(\d+)@([^<>@]+)>"


def challenge(c):
    r = c.cmd("AUTH CRAM-MD5")
    check(r.startswith(b"+ "), "CRAM-MD5 challenge: %r" % r)
    return unb64(r[2:].rstrip(b"\r\n"))


def main():
    st = Setup(TempDir(), msgs=[], apop=True)

    c = Pop3Pipe(st.conf)
    first = challenge(c)
    m = re.fullmatch(CHALLENGE, first)
    check(m, "challenge shaped like RFC 2195's: %r" % first)
    check_eq(m.group(3), b"pop3.test", "the host in the challenge")
    check_eq(c.cmd("*"), b"-ERR authentication cancelled\r\n", "cancelled")
    second = challenge(c)
    check(second != first, "a fresh challenge: %r twice" % first)
    check_eq(c.cmd("*"), b"-ERR authentication cancelled\r\n", "cancelled")
    check_eq(auth_cram_md5(c, "alice", "wrong"),
             b"-ERR [AUTH] invalid user name or password\r\n",
             "a digest with the wrong secret")
    for initial in ("=", b64("alice " + "0" * 32)):
        check_eq(c.cmd("AUTH CRAM-MD5 " + initial),
                 b"-ERR CRAM-MD5 takes no initial response\r\n",
                 "initial response %r" % initial)
    check_eq(auth_cram_md5(c, "alice", "secret"),
             b"+OK alice has 0 messages (0 octets)\r\n",
             "a digest over the challenge logs in")
    c.cmd("QUIT")

    # host_id unset: the system hostname, as in the greeting
    st.rewrite(host_id=None)
    c = Pop3Pipe(st.conf)
    host = socket.gethostname().encode()
    check(c.greeting.startswith(b"+OK " + host + b" "),
          "greeting names %r: %r" % (host, c.greeting))
    m = re.fullmatch(CHALLENGE, challenge(c))
    check(m, "challenge shaped like RFC 2195's")
    check_eq(m.group(3), host, "the system hostname in the challenge")
    c.cmd("*")
    c.cmd("QUIT")


run(main)
