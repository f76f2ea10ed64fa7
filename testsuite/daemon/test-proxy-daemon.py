"""PROXY protocol v2 in -d mode (pop3_accept_haproxy = 2): the header's
source address becomes the client address of every log line and of the
summary; the POP3 bytes sent right behind the header are not lost; a
LOCAL header keeps the connection's own address; a header that is
truncated, has a wrong signature or an oversized length, or never comes,
closes the connection without a greeting, and the log says why."""
import re
import socket
import time

from pop3test import *
from daemontest import *

MSGS = [b"Subject: a\n\nbody\n"]


def expect_closed_silently(s, what, within=5):
    s.settimeout(within)
    t0 = time.monotonic()
    data = b""
    try:
        while True:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
    except ConnectionResetError:
        pass
    except socket.timeout:
        raise TestFailure("%s: still open after %ds" % (what, within))
    check_eq(data, b"", "%s: nothing sent (no greeting)" % what)
    s.close()
    return time.monotonic() - t0


def main():
    st = Setup(TempDir(), msgs=MSGS,
               extra={"pop3_accept_haproxy": "2", "pop3_conn_timeout": "2s"})
    d = Pop3Daemon(st).start()

    # IPv4, with a command pipelined in the same segment as the header
    s = raw_connect(d)
    proxy_port = s.getsockname()[1]
    s.sendall(proxy_v2("203.0.113.7", 40123, "192.0.2.1", 110) +
              b"USER alice\r\n")
    c = wrap_socket(s)
    c.read_greeting()
    check(c.greeting.startswith(b"+OK pop3.test "), "greeting %r" % c.greeting)
    check_eq(c.read_line(), b"+OK send PASS\r\n", "USER behind the header")
    check(c.cmd("PASS " + st.password).startswith(b"+OK"), "PASS")
    c.cmd("QUIT")
    c.expect_eof()
    end = wait_log(st.log, r"\[client 203\.0\.113\.7 port 40123 user alice\] "
                   r"session end: ")
    check(end[0].endswith(" end=quit"), "summary %r" % end[0])
    wait_log(st.log, r"\[client 203\.0\.113\.7 port 40123\] connection "
             r"through proxy 127\.0\.0\.1 port %d" % proxy_port)
    log = read_log(st.log)
    pid = re.search(r"pop3d\[(\d+)\]: \w+: \[client 203\.0\.113\.7", log)[1]
    for line in session_lines(log, int(pid)):
        check("[client 203.0.113.7 port 40123" in line or
              "[client 127.0.0.1 port %d]" % proxy_port in line,
              "address on %r" % line)
    after = [l for l in session_lines(log, int(pid))
             if "connection through proxy" in l or "session start" in l]
    check(all("203.0.113.7" in l for l in after), "proxied address after "
          "the header: %r" % after)

    # IPv6, and an IPv4-mapped IPv6 source shown as IPv4
    for src, shown in (("2001:db8::42", "2001:db8::42"),
                       ("::ffff:198.51.100.4", "198.51.100.4")):
        s = raw_connect(d)
        s.sendall(proxy_v2(src, 1, "2001:db8::1", 110))
        s.settimeout(10)
        check(s.recv(100).startswith(b"+OK "), "greeting for %s" % src)
        s.sendall(b"QUIT\r\n")
        s.recv(100)
        s.close()
        wait_log(st.log, r"\[client %s port 1\] session end: user=- .* "
                 r"end=quit" % re.escape(shown))

    # LOCAL (a health check): the connection's own address
    s = raw_connect(d)
    port = s.getsockname()[1]
    s.sendall(proxy_v2_local() + b"QUIT\r\n")
    s.settimeout(10)
    got = b""
    while b"signing off" not in got:
        chunk = s.recv(200)
        check(chunk, "LOCAL session answered: %r" % got)
        got += chunk
    s.close()
    wait_log(st.log, r"\[client 127\.0\.0\.1 port %d\] session end: .*"
             r"end=quit" % port)

    # refused headers: no greeting, and the reason in the log
    bad = [
        ("truncated", proxy_v2("203.0.113.7", 1, "192.0.2.1", 110)[:20],
         "connection closed within the PROXY v2 header", True),
        ("wrong signature", b"USER alice\r\nPASS x\r\n",
         "no PROXY v2 signature", False),
        ("version 1 text", b"PROXY TCP4 203.0.113.7 192.0.2.1 1 110\r\n",
         "no PROXY v2 signature", False),
        ("oversized", proxy_v2("203.0.113.7", 1, "192.0.2.1", 110,
                               length=5000),
         "longer than POP3_PROXY_V2_MAX_LEN octets", False),
        ("bad TLV", proxy_v2("203.0.113.7", 1, "192.0.2.1", 110,
                             tlvs=b"\x04\x00\x09abc"),
         "TLV runs past the end", False),
        ("UDP", proxy_v2("203.0.113.7", 1, "192.0.2.1", 110, transport=2),
         "transport is not STREAM", False),
    ]
    for what, data, reason, shut in bad:
        s = raw_connect(d)
        port = s.getsockname()[1]
        s.sendall(data)
        if shut:
            s.shutdown(socket.SHUT_WR)
        took = expect_closed_silently(s, what)
        check(took < 1.5, "%s: refused at once, not at the timeout (%.2fs)"
              % (what, took))
        wait_log(st.log, r"\[client 127\.0\.0\.1 port %d\] PROXY v2 header "
                 r"refused: .*%s.*; closing without greeting"
                 % (port, re.escape(reason)))
        wait_log(st.log, r"\[client 127\.0\.0\.1 port %d\] session end: .*"
                 r"end=proxy-error" % port)

    # a header that never comes: closed after pop3_conn_timeout
    s = raw_connect(d)
    port = s.getsockname()[1]
    took = expect_closed_silently(s, "silent client", within=8)
    check(1.5 < took < 6, "closed after the timeout (%.2fs)" % took)
    wait_log(st.log, r"\[client 127\.0\.0\.1 port %d\] PROXY v2 header "
             r"refused: no complete PROXY v2 header within "
             r"pop3_conn_timeout" % port)
    check_eq(d.stop(), 0, "exit status")


run(main)
