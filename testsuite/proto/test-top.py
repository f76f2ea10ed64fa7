"""TOP msg n (RFC 1939 section 7): the header, the blank line, then n
body lines, dot-stuffed; for mbox, Maildir and MH."""
import os

from pop3test import *

MSGS = [
    b"Subject: top\nFrom: a@b\n\nl1\n.l2\nl3\n",
    b"Subject: no body\nX: y\n",
    b"Subject: crlf\r\n\r\nb1\r\nb2\r\n",
    b"",
    b"Subject: empty body\n\n",
]


def main():
    for fmt in FORMATS:
        st = Setup(TempDir(), fmt=fmt, msgs=MSGS)
        c = Pop3Pipe(st.conf)
        c.login(st.user, st.password)
        for i, m in enumerate(MSGS):
            for n in (0, 1, 2, 3, 100):
                c.send("TOP %d %d\r\n" % (i + 1, n))
                c.expect(b"+OK top of message %d follows\r\n" % (i + 1) +
                         top_form(m, n) + b".\r\n")
        # what the test helper claims, spelled out once
        c.send("TOP 1 1\r\n")
        c.expect(b"+OK top of message 1 follows\r\n"
                 b"Subject: top\r\nFrom: a@b\r\n\r\nl1\r\n.\r\n")
        c.send("TOP 1 2\r\n")
        c.expect(b"+OK top of message 1 follows\r\n"
                 b"Subject: top\r\nFrom: a@b\r\n\r\nl1\r\n..l2\r\n.\r\n")
        c.send("top 1 99999999999999999999\r\n")
        c.expect(b"-ERR invalid number of lines\r\n")
        for bad in ("TOP 1 -1", "TOP 1 +1", "TOP 1 x", "TOP 1 1x"):
            check_eq(c.cmd(bad), b"-ERR invalid number of lines\r\n", bad)
        check_eq(c.cmd("TOP 1"), b"-ERR wrong number of arguments\r\n",
                 "TOP without n")
        check_eq(c.cmd("TOP 9 1"), b"-ERR no such message\r\n", "TOP 9")
        c.cmd("DELE 1")
        check_eq(c.cmd("TOP 1 0"), b"-ERR message 1 is deleted\r\n",
                 "TOP of a deleted message")
        c.cmd("RSET")
        c.cmd("QUIT")
        # TOP is not RETR: in Maildir nothing moves to cur/ as seen
        if fmt == "maildir":
            check_eq(sorted(os.listdir(os.path.join(st.mailbox_path, "cur"))),
                     [], "TOP leaves Maildir messages unseen")


run(main)
