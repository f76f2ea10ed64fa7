"""Negative greetings carry host_id (host_id): a session that
cannot start -- here because running_identity does not exist, which
matters only when pop3d runs as root -- gets one
"-ERR [SYS/TEMP] HOST_ID ..." line and the connection closes, in inetd
mode and from pop3d -d; on a POP3S connection (-s) nothing is sent in
the clear.  The reason is logged."""
import os
import sys

from pop3test import *
from tlstest import Pki, tls_settings

NEGATIVE = b"-ERR [SYS/TEMP] pop3.test POP3 service not available\r\n"


def main():
    if os.geteuid() != 0:
        print("not root: running_identity is not used, nothing to refuse")
        sys.exit(77)
    tmp = TempDir()
    st = Setup(tmp, msgs=[b"Subject: x\n\nbody\n"])
    st.rewrite(running_identity="no-such-user-pop3d-test")

    c = Pop3Pipe(st.conf, read_greeting=False)
    check_eq(c.read_line(), NEGATIVE, "negative greeting in inetd mode")
    c.expect_eof()
    check_eq(c.wait(), 1, "exit status")
    check("no-such-user-pop3d-test" in open(st.log).read(),
          "the reason is logged")

    with Pop3Daemon(st) as d:
        s = d.connect(read_greeting=False)
        check_eq(s.read_line(), NEGATIVE, "negative greeting from pop3d -d")
        s.expect_eof()
        s.close()
        # the listener goes on: the next client is answered the same way
        s = d.connect(read_greeting=False)
        check_eq(s.read_line(), NEGATIVE, "second client")
        s.expect_eof()

    # -s: the client expects a TLS handshake; plain text would be noise
    st.rewrite(**tls_settings(Pki(tmp)))
    c = Pop3Pipe(st.conf, args=("-i", "-s"), read_greeting=False)
    c.expect_eof()
    check_eq(c.wait(), 1, "exit status with -s")

    check_eq(st.messages(), [b"Subject: x\n\nbody\n"], "mailbox untouched")


run(main)
