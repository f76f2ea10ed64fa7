"""An empty client response -- "=" as the initial response (RFC 5034
section 4) or an empty line after a challenge -- ends the exchange at
once with -ERR [AUTH], whatever the mechanism: none of those offered has
an empty client message (RFC 4616 section 2: a PLAIN message holds at
least a user name and a password; RFC 2195: CRAM-MD5 answers "user
digest"; RFC 5802 section 7: SCRAM's messages have mandatory
attributes; LOGIN asks for a user name and a password).  Never "+ "
again for the same step.  No password was tried, so no failure is
counted (pop3_auth_times = 1 would block the address after five), and
the session logs in afterwards."""
from pop3test import *
from authtest import *

EMPTY = b"-ERR [AUTH] empty response: credentials expected\r\n"


def main():
    st = Setup(TempDir(), msgs=[b"Subject: x\n\nbody\n"], apop=True,
               extra={"pop3_auth_times": "1"})

    c = Pop3Pipe(st.conf)
    check_eq(c.cmd("AUTH PLAIN ="), EMPTY, "PLAIN, empty initial response")
    check_eq(c.cmd("AUTH PLAIN"), b"+ \r\n", "PLAIN asks")
    check_eq(c.cmd(""), EMPTY, "PLAIN, empty response line")

    # LOGIN: "=" is an empty user name, not a missing initial response
    check_eq(c.cmd("AUTH LOGIN ="), EMPTY, "LOGIN, empty initial response")
    check_eq(c.cmd("AUTH LOGIN"), b"+ " + b64("User Name").encode() + b"\r\n",
             "LOGIN asks for the user name")
    check_eq(c.cmd(""), EMPTY, "LOGIN, empty user name")
    check_eq(c.cmd("AUTH LOGIN"), b"+ " + b64("User Name").encode() + b"\r\n",
             "LOGIN asks for the user name again")
    check_eq(c.cmd(b64("alice")), b"+ " + b64("Password").encode() + b"\r\n",
             "LOGIN asks for the password")
    check_eq(c.cmd(""), EMPTY, "LOGIN, empty password")

    # CRAM-MD5 is server-first: the challenge, then an empty answer
    r = c.cmd("AUTH CRAM-MD5")
    check(r.startswith(b"+ ") and len(r) > 4, "CRAM-MD5 challenge: %r" % r)
    check_eq(c.cmd(""), EMPTY, "CRAM-MD5, empty response")
    check_eq(auth_plain(c, "alice", "secret"),
             b"+OK alice has 1 message (20 octets)\r\n",
             "logged in after six empty responses")
    c.cmd("QUIT")
    check_eq(c.wait(), 0, "exit status")

    # SCRAM, in a second connection (a connection has ten attempts)
    c = Pop3Pipe(st.conf)
    check_eq(c.cmd("AUTH SCRAM-SHA-256 ="), EMPTY,
             "SCRAM, empty initial response")
    check_eq(c.cmd("AUTH SCRAM-SHA-1"), b"+ \r\n", "SCRAM asks")
    check_eq(c.cmd(""), EMPTY, "SCRAM, empty client-first message")
    sc = Scram("SCRAM-SHA-256", "alice", "secret")
    r = c.cmd("AUTH SCRAM-SHA-256 " + b64(sc.first()))
    check(r.startswith(b"+ ") and len(r) > 4, "server-first: %r" % r)
    check_eq(c.cmd(""), EMPTY, "SCRAM, empty client-final message")
    reply, _ = auth_scram(c, "SCRAM-SHA-256", "alice", "secret")
    check_eq(reply, b"+OK alice has 1 message (20 octets)\r\n",
             "SCRAM login after all that")
    c.cmd("QUIT")
    check_eq(c.wait(), 0, "exit status")
    check("secret" not in open(st.log).read(), "no password logged")


run(main)
