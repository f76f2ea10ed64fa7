"""Only mechanisms that can succeed are offered (CAPA's SASL line, AUTH):
CRAM-MD5 only when popauth is a backend and some user there has the
reversible secret (popauth --apop); SCRAM only when popauth users have
SCRAM keys (popauth makes them for every password); PLAIN and LOGIN for
any backend; sasl_mechanisms narrows the list; a mechanism not offered
is refused, and so are the -PLUS variants without TLS."""
from pop3test import *
from authtest import *


def sasl_line(conf):
    c = Pop3Pipe(conf)
    c.send("CAPA\r\n")
    lines = c.read_multi().split(b"\r\n")
    c.cmd("QUIT")
    found = [l for l in lines if l.startswith(b"SASL")]
    return found[0].decode() if found else None


def main():
    tmp = TempDir()
    st = Setup(tmp, msgs=[])         # alice: no --apop
    check_eq(sasl_line(st.conf), "SASL SCRAM-SHA-256 SCRAM-SHA-1 PLAIN LOGIN",
             "without reversible secrets")
    c = Pop3Pipe(st.conf)
    check_eq(c.cmd("AUTH CRAM-MD5"),
             b"-ERR unsupported authentication mechanism\r\n",
             "CRAM-MD5 refused")
    check_eq(c.cmd("AUTH SCRAM-SHA-256-PLUS"),
             b"-ERR unsupported authentication mechanism\r\n",
             "-PLUS refused without TLS")
    c.cmd("QUIT")

    st.add_user("bob", "bob-pw", apop=True)
    check_eq(sasl_line(st.conf),
             "SASL SCRAM-SHA-256 SCRAM-SHA-1 CRAM-MD5 PLAIN LOGIN",
             "one user with a secret")
    # alice has no secret: CRAM-MD5 fails for her like a wrong password
    c = Pop3Pipe(st.conf)
    check_eq(auth_cram_md5(c, "alice", "secret"),
             b"-ERR [AUTH] invalid user name or password\r\n",
             "CRAM-MD5 for a user without a secret")
    check(auth_cram_md5(c, "bob", "bob-pw").startswith(b"+OK bob has"),
          "CRAM-MD5 for bob")
    c.cmd("QUIT")

    st.rewrite(sasl_mechanisms="PLAIN SCRAM-SHA-256 CRAM-MD5")
    check_eq(sasl_line(st.conf), "SASL SCRAM-SHA-256 CRAM-MD5 PLAIN",
             "narrowed by sasl_mechanisms")
    c = Pop3Pipe(st.conf)
    check_eq(c.cmd("AUTH LOGIN"),
             b"-ERR unsupported authentication mechanism\r\n",
             "LOGIN not in sasl_mechanisms")
    c.cmd("QUIT")

    # system accounts only: nothing needs popauth's secrets or keys
    st.rewrite(sasl_mechanisms=None, auth="pam")
    check_eq(sasl_line(st.conf), "SASL PLAIN LOGIN", "auth = pam")

    # popauth without any user yet
    empty = TempDir()
    st2 = Setup(empty, msgs=[])
    os.unlink(st2.db)
    check_eq(sasl_line(st2.conf), "SASL PLAIN LOGIN", "no popauth database")


run(main)
