"""RETR (RFC 1939 section 5): CRLF line ends whatever the file has,
dot-stuffing of lines that start with '.', a missing final newline
completed, empty messages; for mbox, Maildir and MH."""
from pop3test import *

MSGS = [
    # dot lines of every kind, including one that reads as the terminator
    b"Subject: dots\n\n.\n..\n.leading\nmiddle . dot\n. \n...\nend\n",
    # CRLF file
    b"Subject: crlf\r\nX: y\r\n\r\nbody 1\r\nbody 2\r\n",
    # mixed line ends, a bare CR inside a line
    b"Subject: mixed\n\nlf\ncrlf\r\ncr\rinside\n",
    # no final newline, last line a dot
    b"Subject: no eol\n\nlast\n.",
    # no final newline at all
    b"Subject: only header",
    # empty message
    b"",
    # a body line that looks like an mbox separator
    b"Subject: from\n\nFrom here on\n>From quoted\n",
    # 8-bit bytes
    b"Subject: 8bit\n\n\xe9t\xe9 \xff\n",
    # a long line (longer than any line buffer of the reader)
    b"Subject: long\n\n" + b"x" * 200000 + b"\n.end\n",
]


def main():
    for fmt in FORMATS:
        st = Setup(TempDir(), fmt=fmt, msgs=MSGS)
        c = Pop3Pipe(st.conf)
        c.login(st.user, st.password)
        for i, m in enumerate(MSGS):
            c.send("RETR %d\r\n" % (i + 1))
            c.expect(b"+OK %d octets\r\n" % wire_size(m) + wire_form(m) +
                     b".\r\n")
        # twice in a row gives the same bytes (RETR'd is not deleted)
        c.send("RETR 1\r\n")
        c.expect(b"+OK %d octets\r\n" % wire_size(MSGS[0]) +
                 wire_form(MSGS[0]) + b".\r\n")
        check_eq(c.cmd("RETR 10"), b"-ERR no such message\r\n", "RETR 10")
        check_eq(c.cmd("RETR"), b"-ERR wrong number of arguments\r\n",
                 "RETR without a number")
        c.cmd("QUIT")
        check_eq(c.wait(), 0, "exit status")
        # retrieving changes no message
        check_eq(st.messages(), MSGS if fmt != "mbox" else
                 [m if m.endswith(b"\n") or not m else m + b"\n"
                  for m in MSGS], fmt + " mailbox after RETR and QUIT")


run(main)
