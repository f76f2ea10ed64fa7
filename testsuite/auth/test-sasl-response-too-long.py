"""A SASL response line the server cannot take -- longer than the 8,000
octets a response may have, or with a NUL byte -- ends the exchange
with a reply that says what was wrong, not that the client cancelled
(it did not).  Neither counts as a failed login (no password was
tried: pop3_auth_times = 1 would block), and the session goes on."""
from pop3test import *
from authtest import *


def main():
    st = Setup(TempDir(), msgs=[b"Subject: x\n\nbody\n"],
               extra={"pop3_auth_times": "1"})
    c = Pop3Pipe(st.conf)

    check_eq(c.cmd("AUTH PLAIN"), b"+ \r\n", "PLAIN asks")
    check_eq(c.cmd("A" * 9000), b"-ERR [AUTH] response too long\r\n",
             "overlong response")

    # just within the limit: taken, and refused as what it is
    check_eq(c.cmd("AUTH PLAIN"), b"+ \r\n", "PLAIN asks again")
    check_eq(c.cmd("A" * 7999 + "="),
             b"-ERR [AUTH] invalid user name or password\r\n",
             "8,000 octets: a (bad) PLAIN message")

    check_eq(c.cmd("AUTH LOGIN"), b"+ " + b64("User Name").encode() + b"\r\n",
             "LOGIN asks for the name")
    check_eq(c.cmd(b"YWxp\0Y2U="),
             b"-ERR [AUTH] response with a NUL byte\r\n",
             "a NUL byte in the response")

    check_eq(auth_plain(c, "alice", "secret"),
             b"+OK alice has 1 message (20 octets)\r\n",
             "the session logs in after all that")
    c.cmd("QUIT")
    check_eq(c.wait(), 0, "exit status")


run(main)
