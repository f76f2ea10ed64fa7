#!/usr/bin/env python3
"""A SASL response sent in the same packet as its AUTH command is part
of the exchange, never a command after the login: with AUTH PLAIN and
its response in one packet, the login's +OK is followed by nothing but
the answers to the client's own commands, and even with
pop3_cmd_debug = 2 (log every command) the log never holds the
response, which carries the password (continuation lines are logged
masked, as ***)."""
from pop3test import *
from authtest import b64

MSGS = [b"Subject: one\n\nfirst\n"]


def main():
    st = Setup(TempDir(), msgs=MSGS, extra={"pop3_cmd_debug": "2"})
    c = Pop3Pipe(st.conf)
    response = b64("\0alice\0" + st.password)

    c.send("AUTH PLAIN\r\n" + response + "\r\n")
    check_eq(c.read_line(), b"+ \r\n", "PLAIN asks for the response")
    r = c.read_line()
    check(r.startswith(b"+OK alice has 1 message"), "login: %r" % r)
    check_eq(c.cmd("NOOP"), b"+OK\r\n",
             "the response was not run again as a command")
    check(c.cmd("QUIT").startswith(b"+OK"), "QUIT")
    check_eq(c.wait(), 0, "exit status")

    log = open(st.log).read()
    check(response not in log, "the base64 response is not in the log")
    check(st.password not in log, "the password is not in the log")
    check("unknown command" not in log, "no unknown command logged:\n" + log)


run(main)
