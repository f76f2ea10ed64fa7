"""DELE, RSET and QUIT (RFC 1939 sections 5, 6): DELE only marks; RSET
unmarks; messages go away at QUIT and only then; a dropped connection
or a killed session deletes nothing; for mbox, Maildir and MH."""
import signal

from pop3test import *

MSGS = [b"Subject: %d\n\nbody %d\n" % (i, i) for i in range(1, 5)]


def login(st):
    c = Pop3Pipe(st.conf)
    c.login(st.user, st.password)
    return c


def main():
    total = sum(wire_size(m) for m in MSGS)
    for fmt in FORMATS:
        st = Setup(TempDir(), fmt=fmt, msgs=MSGS)

        c = login(st)
        check_eq(c.cmd("DELE 1"), b"+OK message 1 deleted\r\n", "DELE 1")
        check_eq(c.cmd("DELE 1"), b"-ERR message 1 is deleted\r\n",
                 "DELE twice")
        check_eq(c.cmd("RETR 1"), b"-ERR message 1 is deleted\r\n",
                 "RETR of a deleted message")
        check_eq(c.cmd("DELE 0"), b"-ERR no such message\r\n", "DELE 0")
        check_eq(c.cmd("DELE 5"), b"-ERR no such message\r\n", "DELE 5")
        check_eq(c.cmd("DELE"), b"-ERR wrong number of arguments\r\n",
                 "DELE without a number")
        check_eq(c.cmd("NOOP"), b"+OK\r\n", "NOOP")
        check_eq(c.cmd("RSET"), b"+OK maildrop has 4 messages (%d octets)\r\n"
                 % total, "RSET")
        check_eq(c.cmd("STAT"), b"+OK 4 %d\r\n" % total, "STAT after RSET")
        check_eq(c.cmd("DELE 1"), b"+OK message 1 deleted\r\n",
                 "DELE after RSET")
        check_eq(c.cmd("DELE 3"), b"+OK message 3 deleted\r\n", "DELE 3")
        # dropped connection: nothing removed
        c.close()
        check_eq(c.wait(), 0, "exit status after a drop")
        check_eq(st.messages(), MSGS, fmt + " after a dropped connection")

        # killed in mid-session: nothing removed
        c = login(st)
        c.cmd("DELE 2")
        c.proc.send_signal(signal.SIGTERM)
        c.wait()
        check_eq(st.messages(), MSGS, fmt + " after SIGTERM")

        # QUIT: exactly the marked ones go
        c = login(st)
        c.cmd("DELE 1")
        c.cmd("DELE 3")
        check_eq(c.cmd("QUIT"),
                 b"+OK pop3.test POP3 server signing off (2 messages left)\r\n",
                 "QUIT")
        c.expect_eof()
        check_eq(c.wait(), 0, "exit status after QUIT")
        check_eq(st.messages(), [MSGS[1], MSGS[3]], fmt + " after QUIT")

        # the next session sees the two left, numbered afresh
        c = login(st)
        check_eq(c.cmd("STAT"), b"+OK 2 %d\r\n"
                 % (wire_size(MSGS[1]) + wire_size(MSGS[3])), "next STAT")
        c.send("RETR 2\r\n")
        c.expect(b"+OK %d octets\r\n" % wire_size(MSGS[3]) +
                 wire_form(MSGS[3]) + b".\r\n")
        c.cmd("DELE 1")
        c.cmd("DELE 2")
        check_eq(c.cmd("QUIT"),
                 b"+OK pop3.test POP3 server signing off (maildrop empty)\r\n",
                 "QUIT emptying the maildrop")
        check_eq(st.messages(), [], fmt + " empty at the end")


run(main)
