"""Impersonation: AUTHUSER!MAILBOX (Gromox) with USER/PASS and APOP, and
the SASL authorization identity (PLAIN, SCRAM), allowed only to
impersonation_users: the listed user gives its own password and the
mailbox user's maildrop opens.  An unlisted user, or a mailbox user that
does not exist, fails exactly like a wrong password.  The log names
both users."""
import re

from pop3test import *
from authtest import *

AUTH_FAILED = b"-ERR [AUTH] invalid user name or password\r\n"
MSG = b"Subject: for bob\n\nbody\n"


def opened_bob(reply, what):
    check_eq(reply, b"+OK bob has 1 message (%d octets)\r\n"
             % wire_size(MSG), what)


def main():
    tmp = TempDir()
    st = Setup(tmp, msgs=[], user="admin", password="admin-pw", apop=True,
               extra={"impersonation_users": "admin",
                      "pop3_auth_times": "100"})
    st.add_user("bob", "bob-pw")
    st.add_user("eve", "eve-pw")
    make_mbox(os.path.join(st.maildir_root, "bob"), [MSG])

    c = Pop3Pipe(st.conf)
    c.cmd("USER admin!bob")
    opened_bob(c.cmd("PASS admin-pw"), "USER admin!bob")
    c.send("RETR 1\r\n")
    check(c.read_multi().endswith(b"body\r\n.\r\n"), "bob's message")
    c.cmd("QUIT")

    # APOP: the digest is made with admin's secret
    c = Pop3Pipe(st.conf)
    opened_bob(c.cmd("APOP admin!bob " + apop_digest(c.greeting, "admin-pw")),
               "APOP admin!bob")
    c.cmd("QUIT")

    # SASL: the authorization identity names the mailbox
    c = Pop3Pipe(st.conf)
    opened_bob(auth_plain(c, "admin", "admin-pw", authzid="bob"),
               "PLAIN authzid=bob")
    c.cmd("QUIT")
    for mech in ("SCRAM-SHA-1", "SCRAM-SHA-256"):
        c = Pop3Pipe(st.conf)
        opened_bob(auth_scram(c, mech, "admin", "admin-pw", authzid="bob")[0],
                   mech + " a=bob")
        c.cmd("QUIT")
    c = Pop3Pipe(st.conf)
    opened_bob(auth_plain(c, "admin!bob", "admin-pw"), "PLAIN admin!bob")
    c.cmd("QUIT")

    # eve is not listed: her own password is right, and still no
    c = Pop3Pipe(st.conf)
    c.cmd("USER eve!bob")
    check_eq(c.cmd("PASS eve-pw"), AUTH_FAILED, "eve!bob")
    check_eq(auth_plain(c, "eve", "eve-pw", authzid="bob"), AUTH_FAILED,
             "eve as bob through PLAIN")
    # a listed user with a wrong password, or a mailbox that does not
    # exist: the same answer
    c.cmd("USER admin!bob")
    check_eq(c.cmd("PASS bob-pw"), AUTH_FAILED, "admin!bob, bob's password")
    c.cmd("USER admin!nobody-here")
    check_eq(c.cmd("PASS admin-pw"), AUTH_FAILED, "a missing mailbox user")
    check_eq(auth_plain(c, "admin!bob", "admin-pw", authzid="eve"),
             AUTH_FAILED, "both '!' and an authzid")
    # and eve logs in as herself as usual; admin!admin is admin
    c.cmd("USER eve")
    check(c.cmd("PASS eve-pw").startswith(b"+OK eve has"), "eve as eve")
    c.cmd("QUIT")
    c = Pop3Pipe(st.conf)
    c.cmd("USER admin!admin")
    check(c.cmd("PASS admin-pw").startswith(b"+OK admin has"), "admin!admin")
    c.cmd("QUIT")

    log = open(st.log).read()
    check(re.search(r'login by USER/PASS: mailbox user "bob", '
                    r'authenticated as "admin" \(impersonation\)', log),
          "the log names both users")
    check(re.search(r'USER/PASS failed for "eve" as "bob": not listed in '
                    r'impersonation_users', log), "the refusal is logged")
    check("admin-pw" not in log, "no password logged")


run(main)
