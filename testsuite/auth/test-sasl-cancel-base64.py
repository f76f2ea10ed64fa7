"""AUTH's error paths (RFC 5034 section 4): "*" cancels an exchange at
any step with -ERR, a response or initial response that is not base64
gets -ERR (an overlong response line: test-sasl-response-too-long.py);
none of them ends the session, which then logs in normally.  A SCRAM
exchange the client leaves half-way costs nothing (no failure counted:
the password was never tried)."""
from pop3test import *
from authtest import *

CANCELLED = b"-ERR authentication cancelled\r\n"


def main():
    st = Setup(TempDir(), msgs=[b"Subject: x\n\nbody\n"],
               extra={"pop3_auth_times": "1"})
    c = Pop3Pipe(st.conf)

    check_eq(c.cmd("AUTH PLAIN"), b"+ \r\n", "PLAIN asks")
    check_eq(c.cmd("*"), CANCELLED, "cancelled at the first step")

    check_eq(c.cmd("AUTH LOGIN"), b"+ " + b64("User Name").encode() + b"\r\n",
             "LOGIN asks for the name")
    check_eq(c.cmd(b64("alice")), b"+ " + b64("Password").encode() + b"\r\n",
             "LOGIN asks for the password")
    check_eq(c.cmd("*"), CANCELLED, "cancelled at the second step")

    # SCRAM: cancelled after the server-first message
    sc = Scram("SCRAM-SHA-256", "alice", "secret")
    r = c.cmd("AUTH SCRAM-SHA-256 " + b64(sc.first()))
    check(r.startswith(b"+ "), "server-first: %r" % r)
    check_eq(c.cmd("*"), CANCELLED, "SCRAM cancelled")

    # not base64
    check_eq(c.cmd("AUTH PLAIN @@@"),
             b"-ERR invalid base64 in the initial response\r\n",
             "bad initial response")
    check_eq(c.cmd("AUTH PLAIN"), b"+ \r\n", "PLAIN asks again")
    check_eq(c.cmd("a=b=c"), b"-ERR invalid base64 in the response\r\n",
             "bad response")
    check_eq(c.cmd("AUTH PLAIN"), b"+ \r\n", "and again")
    check_eq(c.cmd("AGFsaWNlAHNlY3JldA"),
             b"-ERR invalid base64 in the response\r\n",
             "base64 without its padding")

    # none of that was a failed login (pop3_auth_times = 1 would block)
    check_eq(auth_plain(c, "alice", "secret"),
             b"+OK alice has 1 message (20 octets)\r\n",
             "the session logs in after all that")
    c.cmd("QUIT")
    check_eq(c.wait(), 0, "exit status")
    check("secret" not in open(st.log).read(), "no password logged")


run(main)
