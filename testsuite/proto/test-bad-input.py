"""Bad input (RFC 2449 section 4, pop3d(8) LIMITS): an overlong line gets
one -ERR and is never split; 64 KiB without a line end closes; a NUL
byte voids a line; unknown commands and wrong states get -ERR; numbers
are strict; 20 bad commands in a row close the session."""
from pop3test import *

MSGS = [b"Subject: a\n\nbody\n", b"Subject: b\n\nbody\n"]
TOO_LONG = b"-ERR line too long\r\n"


def main():
    st = Setup(TempDir(), msgs=MSGS)

    c = Pop3Pipe(st.conf)
    # 255 octets before CRLF is a line; 256 is too long
    check_eq(c.cmd("USER " + "u" * 250), b"+OK send PASS\r\n", "255 octets")
    check_eq(c.cmd("USER " + "u" * 251), TOO_LONG, "256 octets")
    # the tail of an overlong line is never taken for a command
    c.send(b"X" * 256 + b"QUIT\r\n")
    c.expect(TOO_LONG)
    c.send(b"NOOP " + b" " * 300 + b"\r\n")
    c.expect(TOO_LONG)
    # sent in pieces: still one reply
    c.send(b"Y" * 200)
    c.send(b"Y" * 200)
    c.send(b"QUIT\r\n")
    c.expect(TOO_LONG)
    # long but under 64 KiB: discarded, the session goes on
    c.send(b"Z" * 60000 + b"\r\n")
    c.expect(TOO_LONG)
    # NUL byte
    c.send(b"CA\x00PA\r\n")
    c.expect(b"-ERR NUL byte in command line\r\n")
    c.send(b"QUIT\x00\r\n")
    c.expect(b"-ERR NUL byte in command line\r\n")
    # unknown commands and wrong state
    check_eq(c.cmd("FOO"), b"-ERR unknown command\r\n", "unknown")
    check_eq(c.cmd(""), b"-ERR unknown command\r\n", "empty line")
    check_eq(c.cmd("QUITX"), b"-ERR unknown command\r\n", "QUITX")
    check_eq(c.cmd("STAT"), b"-ERR command not valid in this state\r\n",
             "STAT before login")
    check_eq(c.cmd("RETR 1"), b"-ERR command not valid in this state\r\n",
             "RETR before login")
    # bare LF ends a line too
    c.send(b"CAPA\n")
    check_eq(c.read_multi()[:4], b"+OK ", "CAPA with bare LF")
    c.login(st.user, st.password)
    check_eq(c.cmd("USER x"), b"-ERR command not valid in this state\r\n",
             "USER after login")
    # strict numbers (popa3d): no wrap-around, sign, junk or space
    for arg, reply in (("4294967297", b"-ERR no such message\r\n"),
                       ("4294967296", b"-ERR no such message\r\n"),
                       ("18446744073709551617", b"-ERR no such message\r\n"),
                       ("99999999999999999999999", b"-ERR no such message\r\n"),
                       ("0", b"-ERR no such message\r\n"),
                       ("+1", b"-ERR invalid message number\r\n"),
                       ("-1", b"-ERR invalid message number\r\n"),
                       ("1x", b"-ERR invalid message number\r\n"),
                       ("0x1", b"-ERR invalid message number\r\n"),
                       ("1.0", b"-ERR invalid message number\r\n")):
        for verb in ("LIST", "RETR", "DELE", "UIDL"):
            check_eq(c.cmd("%s %s" % (verb, arg)), reply, verb + " " + arg)
        check_eq(c.cmd("NOOP"), b"+OK\r\n", "NOOP ends a run of errors")
    check_eq(c.cmd("LIST 1 2"), b"-ERR wrong number of arguments\r\n",
             "LIST with two numbers")
    check_eq(c.cmd("STAT 1"), b"-ERR wrong number of arguments\r\n",
             "STAT with an argument")
    check_eq(c.cmd("LIST  1 "), b"+OK 1 %d\r\n" % wire_size(MSGS[0]),
             "extra spaces are tolerated")
    check_eq(c.cmd("STAT"), b"+OK 2 %d\r\n" % sum(map(wire_size, MSGS)),
             "nothing was deleted by the bad commands")
    c.cmd("QUIT")
    check_eq(c.wait(), 0, "exit status")

    # 19 bad commands are forgiven by a good one; 20 in a row close
    c = Pop3Pipe(st.conf)
    c.send(b"FOO\r\n" * 19)
    c.expect(b"-ERR unknown command\r\n" * 19)
    check_eq(c.cmd("CAPA")[:3], b"+OK", "a good command")
    c.read_multi()
    c.send(b"FOO\r\n" * 19 + b"STAT\r\n")
    c.expect(b"-ERR unknown command\r\n" * 19 +
             b"-ERR command not valid in this state\r\n" +
             b"-ERR too many errors\r\n")
    c.expect_eof()
    check_eq(c.wait(), 0, "exit status after too many errors")

    # 64 KiB without a line end: closed, with one -ERR
    c = Pop3Pipe(st.conf)
    c.send(b"A" * 65536)
    c.expect(TOO_LONG)
    c.expect_eof()
    check_eq(c.wait(), 0, "exit status after a flood")

    # the same in TRANSACTION state: nothing is committed
    c = Pop3Pipe(st.conf)
    c.login(st.user, st.password)
    c.cmd("DELE 1")
    c.send(b"B" * 65536)
    c.expect(TOO_LONG)
    c.expect_eof()
    c.wait()
    check_eq(st.messages(), MSGS, "flooded session deleted nothing")


run(main)
