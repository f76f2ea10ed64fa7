"""STAT and LIST (RFC 1939 section 5): counts and CRLF octet sizes that
match what RETR sends, deleted messages left out; for mbox, Maildir, MH."""
from pop3test import *

MSGS = [
    b"From: a@example.org\nSubject: one\n\nshort\n",
    b"Subject: crlf\r\n\r\nline one\r\nline two\r\n",
    b"Subject: no final newline\n\nlast line",
    b"",
]


def main():
    sizes = [wire_size(m) for m in MSGS]
    for fmt in FORMATS:
        st = Setup(TempDir(), fmt=fmt, msgs=MSGS)
        c = Pop3Pipe(st.conf)
        c.login(st.user, st.password)
        check_eq(c.cmd("STAT"), b"+OK 4 %d\r\n" % sum(sizes),
                 fmt + " STAT")
        c.send("LIST\r\n")
        c.expect(b"+OK 4 messages (%d octets)\r\n" % sum(sizes) +
                 b"".join(b"%d %d\r\n" % (i + 1, s)
                          for i, s in enumerate(sizes)) + b".\r\n")
        for i, s in enumerate(sizes):
            check_eq(c.cmd("LIST %d" % (i + 1)),
                     b"+OK %d %d\r\n" % (i + 1, s), fmt + " LIST n")
            # the announced size is exactly what RETR sends
            c.send("RETR %d\r\n" % (i + 1))
            head = c.read_line()
            check_eq(head, b"+OK %d octets\r\n" % s, fmt + " RETR size")
            body = c.read_multi()
            unstuffed = body[:-3].replace(b"\r\n..", b"\r\n.")
            if unstuffed.startswith(b".."):
                unstuffed = unstuffed[1:]
            check_eq(len(unstuffed), s, fmt + " octets sent by RETR")
        check_eq(c.cmd("LIST 0"), b"-ERR no such message\r\n", "LIST 0")
        check_eq(c.cmd("LIST 5"), b"-ERR no such message\r\n", "LIST 5")
        check_eq(c.cmd("DELE 2"), b"+OK message 2 deleted\r\n", "DELE 2")
        left = sum(sizes) - sizes[1]
        check_eq(c.cmd("STAT"), b"+OK 3 %d\r\n" % left, fmt + " STAT after DELE")
        c.send("LIST\r\n")
        c.expect(b"+OK 3 messages (%d octets)\r\n" % left +
                 b"".join(b"%d %d\r\n" % (i + 1, s)
                          for i, s in enumerate(sizes) if i != 1) + b".\r\n")
        check_eq(c.cmd("LIST 2"), b"-ERR message 2 is deleted\r\n",
                 "LIST of a deleted message")
        check_eq(c.cmd("list 1"), b"+OK 1 %d\r\n" % sizes[0], "lower case")
        c.cmd("RSET")
        c.close()                       # no QUIT: nothing changes
        check_eq(c.wait(), 0, "exit status")
        check_eq(len(st.messages()), 4, fmt + " messages kept")

        # an empty maildrop
        st2 = Setup(TempDir(), fmt=fmt, msgs=[])
        c = Pop3Pipe(st2.conf)
        check_eq(c.login(st2.user, st2.password),
                 b"+OK alice has 0 messages (0 octets)\r\n", "empty login")
        check_eq(c.cmd("STAT"), b"+OK 0 0\r\n", fmt + " empty STAT")
        c.send("LIST\r\n")
        c.expect(b"+OK 0 messages (0 octets)\r\n.\r\n")
        check_eq(c.cmd("LIST 1"), b"-ERR no such message\r\n", "LIST 1 empty")
        check_eq(c.cmd("QUIT"),
                 b"+OK pop3.test POP3 server signing off (maildrop empty)\r\n",
                 "QUIT empty")


run(main)
