"""AUTH with the GNU SASL command-line client (gsasl, raw mode) as the
other side, for PLAIN, LOGIN (with its initial response, as gsasl and
curl send it), CRAM-MD5, SCRAM-SHA-1 and SCRAM-SHA-256: each logs in
with the right password (gsasl checks the server's SCRAM signature:
"server trusted") and fails with a wrong one."""
from pop3test import *
from authtest import *

MSG = b"Subject: x\n\nbody\n"


def main():
    # many wrong passwords here: blocks are for test-blocks.py
    st = Setup(TempDir(), msgs=[MSG], apop=True,
               extra={"pop3_auth_times": "100"})
    for mech in ("PLAIN", "LOGIN", "CRAM-MD5", "SCRAM-SHA-1",
                 "SCRAM-SHA-256"):
        c = Pop3Pipe(st.conf)
        reply, transcript = gsasl_login(c, mech, "alice", "secret")
        check_eq(reply, b"+OK alice has 1 message (%d octets)\r\n"
                 % wire_size(MSG), mech + " with gsasl:\n" + transcript)
        if mech.startswith("SCRAM"):
            # RFC 5802: the client checks the server's signature too
            check("server trusted" in transcript,
                  mech + ": gsasl trusts the server:\n" + transcript)
        c.send("RETR 1\r\n")
        check_eq(c.read_multi(), b"+OK %d octets\r\n" % wire_size(MSG)
                 + wire_form(MSG) + b".\r\n", mech + ": RETR")
        c.cmd("QUIT")
        check_eq(c.wait(), 0, mech + ": exit status")

        c = Pop3Pipe(st.conf)
        reply, transcript = gsasl_login(c, mech, "alice", "not-it")
        check_eq(reply, b"-ERR [AUTH] invalid user name or password\r\n",
                 mech + " with a wrong password:\n" + transcript)
        c.cmd("QUIT")


run(main)
