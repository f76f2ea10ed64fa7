"""PROXY protocol v2 in inetd mode (-H, and pop3_accept_haproxy = 2):
the header comes first on standard input; its source address is the
client of the log lines; bytes right behind it are POP3; a missing,
truncated or malformed header ends the session without a greeting."""
import re
import time

from pop3test import *
from daemontest import *

MSGS = [b"Subject: a\n\nbody\n"]


def refused(st, args, data, reason, close=True):
    open(st.log, "w").close()
    c = Pop3Pipe(st.conf, args=args, read_greeting=False)
    t0 = time.monotonic()
    if data:
        c.send(data)
    if close:
        c.close_input()
    c.expect_eof()
    check_eq(c.wait(), 0, "exit status")
    wait_log(st.log, r"\[client local\] PROXY v2 header refused: .*%s"
             % re.escape(reason))
    wait_log(st.log, r"\[client local\] session end: .*end=proxy-error$")
    return time.monotonic() - t0


def main():
    st = Setup(TempDir(), msgs=MSGS, extra={"pop3_conn_timeout": "2s"})

    for args in (["-H"], ["-i", "-H"]):
        open(st.log, "w").close()
        c = Pop3Pipe(st.conf, args=args, read_greeting=False)
        c.send(proxy_v2("2001:db8::7", 4242, "2001:db8::1", 110) +
               b"USER alice\r\nPASS " + st.password.encode() + b"\r\n")
        c.read_greeting()
        check(c.greeting.startswith(b"+OK pop3.test "), "greeting")
        check_eq(c.read_line(), b"+OK send PASS\r\n", "USER")
        check(c.read_line().startswith(b"+OK alice has 1 message"), "PASS")
        c.cmd("QUIT")
        c.expect_eof()
        check_eq(c.wait(), 0, "exit status")
        wait_log(st.log, r"\[client 2001:db8::7 port 4242 user alice\] "
                 r"session end: user=alice .* end=quit$")
        wait_log(st.log, r"\[client 2001:db8::7 port 4242\] connection "
                 r"through proxy local port 0")

    # the config directive does the same without -H
    st.rewrite(pop3_accept_haproxy="2")
    open(st.log, "w").close()
    c = Pop3Pipe(st.conf, read_greeting=False)
    c.send(proxy_v2("192.0.2.77", 999, "192.0.2.1", 110) + b"QUIT\r\n")
    c.read_greeting()
    c.expect(b"+OK pop3.test POP3 server signing off\r\n")
    c.expect_eof()
    wait_log(st.log, r"\[client 192\.0\.2\.77 port 999\] session end: ")
    # LOCAL: the connection's own name (a pipe: "local")
    c = Pop3Pipe(st.conf, read_greeting=False)
    c.send(proxy_v2_local() + b"QUIT\r\n")
    c.read_greeting()
    c.expect(b"+OK pop3.test POP3 server signing off\r\n")
    st.rewrite(pop3_accept_haproxy=None)

    header = proxy_v2("192.0.2.77", 999, "192.0.2.1", 110)
    refused(st, ["-H"], b"", "connection closed before a PROXY v2 header")
    refused(st, ["-H"], header[:15], "within the PROXY v2 header")
    refused(st, ["-H"], header[:-1], "within the PROXY v2 header")
    refused(st, ["-H"], b"CAPA\r\n", "no PROXY v2 signature", close=False)
    refused(st, ["-H"], header[:12] + b"\x21\x11\x10\x00",
            "longer than POP3_PROXY_V2_MAX_LEN", close=False)
    refused(st, ["-H"], header[:12] + b"\x11" + header[13:],
            "not PROXY protocol version 2", close=False)
    took = refused(st, ["-H"], b"", "within pop3_conn_timeout", close=False)
    check(took >= 1.8, "waited for the timeout (%.2fs)" % took)


run(main)
