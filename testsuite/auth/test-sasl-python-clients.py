"""AUTH (RFC 5034) with every mechanism, the client side written here
from the RFCs (hashlib, hmac): PLAIN (RFC 4616) with and without an
initial response, LOGIN, CRAM-MD5 (RFC 2195), SCRAM-SHA-1 and
SCRAM-SHA-256 (RFC 5802, 7677) with the server's signature checked.
A wrong password fails each with the USER/PASS failure reply."""
from pop3test import *
from authtest import *

AUTH_FAILED = b"-ERR [AUTH] invalid user name or password\r\n"
MSG = b"Subject: x\n\nbody\n"


def logged_in(reply, what):
    check_eq(reply, b"+OK alice has 1 message (%d octets)\r\n"
             % wire_size(MSG), what)


def session(st):
    return Pop3Pipe(st.conf)


def main():
    # many wrong passwords here: blocks are for test-blocks.py
    st = Setup(TempDir(), msgs=[MSG], apop=True,
               extra={"pop3_auth_times": "100"})

    c = session(st)
    c.send("CAPA\r\n")
    check(b"\r\nSASL SCRAM-SHA-256 SCRAM-SHA-1 CRAM-MD5 PLAIN LOGIN\r\n"
          in c.read_multi(), "CAPA lists the mechanisms")
    # AUTH alone: the list, one a line (older clients ask like this)
    c.send("AUTH\r\n")
    check_eq(c.read_multi(), b"+OK methods supported:\r\nSCRAM-SHA-256\r\n"
             b"SCRAM-SHA-1\r\nCRAM-MD5\r\nPLAIN\r\nLOGIN\r\n.\r\n", "AUTH")
    check_eq(c.cmd("AUTH DIGEST-MD5"),
             b"-ERR unsupported authentication mechanism\r\n", "DIGEST-MD5")
    logged_in(auth_plain(c, "alice", "secret"), "PLAIN, initial response")
    c.send("STAT\r\n")
    check_eq(c.read_line(), b"+OK 1 %d\r\n" % wire_size(MSG), "STAT after")
    c.cmd("QUIT")

    runs = [
        ("PLAIN, no initial response",
         lambda c, pw: auth_plain(c, "alice", pw, initial=False)),
        ("PLAIN, authzid = authcid",
         lambda c, pw: auth_plain(c, "alice", pw, authzid="alice")),
        ("LOGIN", lambda c, pw: auth_login(c, "alice", pw)),
        ("CRAM-MD5", lambda c, pw: auth_cram_md5(c, "alice", pw)),
    ]
    for mech in ("SCRAM-SHA-1", "SCRAM-SHA-256"):
        runs.append((mech, lambda c, pw, mech=mech:
                     auth_scram(c, mech, "alice", pw)[0]))
        runs.append((mech + ", no initial response",
                     lambda c, pw, mech=mech:
                     auth_scram(c, mech, "alice", pw, initial=False)[0]))
    for what, login in runs:
        c = session(st)
        check_eq(login(c, "wrong"), AUTH_FAILED, what + ": wrong password")
        logged_in(login(c, "secret"), what)
        c.cmd("QUIT")
        check_eq(c.wait(), 0, what + ": exit status")

    # mechanism names are case-insensitive, like POP3 keywords
    c = session(st)
    r = c.cmd("auth plain " + b64("\0alice\0secret"))
    logged_in(r, "lower-case PLAIN")
    c.cmd("QUIT")

    log = open(st.log).read()
    check("secret" not in log, "no password in the log")
    check("login by AUTH SCRAM-SHA-256: user \"alice\"" in log,
          "the log names the mechanism")


run(main)
