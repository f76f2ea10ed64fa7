"""Pipelining (RFC 2449 section 6.6): many commands in one write are
answered in order, byte for byte as if sent one at a time."""
from pop3test import *

MSGS = [b"Subject: 1\n\n.one\n", b"Subject: 2\n\ntwo\nlines\n",
        b"Subject: 3\n\nthree\n"]


def main():
    sizes = [wire_size(m) for m in MSGS]
    total = sum(sizes)
    for fmt in FORMATS:
        st = Setup(TempDir(), fmt=fmt, msgs=MSGS)
        c = Pop3Pipe(st.conf)
        # everything, from USER to QUIT, in one write
        c.send(b"USER alice\r\nPASS secret\r\nSTAT\r\nLIST\r\nRETR 1\r\n"
               b"FOO\r\nUIDL 1\r\nTOP 2 1\r\nDELE 1\r\nRETR 1\r\nSTAT\r\n"
               b"RSET\r\nNOOP\r\nDELE 3\r\nQUIT\r\nSTAT\r\n")
        c.expect(b"+OK send PASS\r\n")
        c.expect(b"+OK alice has 3 messages (%d octets)\r\n" % total)
        c.expect(b"+OK 3 %d\r\n" % total)
        c.expect(b"+OK 3 messages (%d octets)\r\n" % total +
                 b"".join(b"%d %d\r\n" % (i + 1, s)
                          for i, s in enumerate(sizes)) + b".\r\n")
        c.expect(b"+OK %d octets\r\n" % sizes[0] + wire_form(MSGS[0]) +
                 b".\r\n")
        c.expect(b"-ERR unknown command\r\n")
        uidl = c.read_line()
        check(uidl.startswith(b"+OK 1 "), "UIDL 1: %r" % uidl)
        c.expect(b"+OK top of message 2 follows\r\n" + top_form(MSGS[1], 1) +
                 b".\r\n")
        c.expect(b"+OK message 1 deleted\r\n")
        c.expect(b"-ERR message 1 is deleted\r\n")
        c.expect(b"+OK 2 %d\r\n" % (total - sizes[0]))
        c.expect(b"+OK maildrop has 3 messages (%d octets)\r\n" % total)
        c.expect(b"+OK\r\n")
        c.expect(b"+OK message 3 deleted\r\n")
        # commands after QUIT are ignored
        c.expect(b"+OK pop3.test POP3 server signing off "
                 b"(2 messages left)\r\n")
        c.expect_eof()
        check_eq(c.wait(), 0, "exit status")
        check_eq(st.messages(), MSGS[:2], fmt + " after the pipelined QUIT")

        # a large pipelined burst: more replies than the output buffer
        st = Setup(TempDir(), fmt=fmt, msgs=MSGS)
        c = Pop3Pipe(st.conf)
        c.login(st.user, st.password)
        n = 2000
        c.send(b"RETR 2\r\nNOOP\r\n" * n)
        one = (b"+OK %d octets\r\n" % sizes[1] + wire_form(MSGS[1]) +
               b".\r\n+OK\r\n")
        c.expect(one * n, timeout=30)
        c.cmd("QUIT")


run(main)
