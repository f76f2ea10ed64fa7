#!/usr/bin/env python3
"""A man in the middle must not get commands into a TLS session
(the CVE-2011-0411 class).  In clear, in one packet, he sends
USER nobody, PASS x, STLS, DELE 1, QUIT, and lets the victim's client
do the TLS handshake and log in.  What followed STLS in clear is
discarded, and what followed the failed PASS went with that attempt:
after the victim's +OK, nothing runs but what the victim sends, and no
mail is deleted."""
from pop3test import *
from tlstest import Pki, TlsSocket, client_context, tls_settings

MSGS = [b"Subject: one\n\nfirst\n", b"Subject: two\n\nsecond\n"]


def main():
    tmp = TempDir()
    pki = Pki(tmp)
    st = Setup(tmp, msgs=MSGS, extra=tls_settings(pki))
    d = Pop3Daemon(st).start()

    c = TlsSocket("127.0.0.1", d.port, implicit=False)
    c.send("USER nobody\r\nPASS x\r\nSTLS\r\nDELE 1\r\nQUIT\r\n")
    check_eq(c.read_line(), b"+OK send PASS\r\n", "USER")
    r = c.read_line()
    check(r.startswith(b"-ERR [AUTH]"), "PASS x fails: %r" % r)
    r = c.read_line()
    check(r.startswith(b"+OK"), "STLS: %r" % r)

    # the victim's client, in TLS from here
    c.start_tls(client_context(pki), "pop3.test")
    check_eq(c.cmd("USER alice"), b"+OK send PASS\r\n", "USER in TLS")
    r = c.cmd("PASS " + st.password)
    check(r.startswith(b"+OK alice has 2 messages"), "login: %r" % r)
    check_eq(c.cmd("NOOP"), b"+OK\r\n",
             "the next reply is the victim's own (no injected DELE)")
    r = c.cmd("STAT")
    check(r.startswith(b"+OK 2 "), "nothing deleted: %r" % r)
    check(c.cmd("QUIT").startswith(b"+OK"), "QUIT")
    c.expect_eof()
    d.stop()
    check_eq(st.messages(), MSGS, "both messages kept")


run(main)
