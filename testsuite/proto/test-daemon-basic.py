"""Standalone mode (pop3d -d --foreground): sessions over TCP, at most
context_num at once (one more gets -ERR [SYS/TEMP] too many
connections), dual-stack "::", SIGHUP re-reads the config, SIGTERM
stops with status 0 and a cut session deletes nothing."""
import socket
import time

from pop3test import *

MSGS = [b"Subject: a\n\n.dot\nbody\n", b"Subject: b\n\nbody\n"]
TOO_MANY = b"-ERR [SYS/TEMP] pop3.test too many connections\r\n"


def connect_when_free(d, host=None, timeout=10):
    """A session slot frees when the old child is reaped: retry a bit."""
    deadline = time.monotonic() + timeout
    while True:
        c = Pop3Socket(host or d.addr, d.port, read_greeting=False)
        line = c.read_line()
        if line != TOO_MANY:
            c.greeting = line
            return c
        c.close()
        check(time.monotonic() < deadline, "no session slot became free")
        time.sleep(0.05)


def main():
    st = Setup(TempDir(), msgs=MSGS, extra={"context_num": "2"})
    d = Pop3Daemon(st).start()
    a = d.connect()
    check(a.greeting.startswith(b"+OK pop3.test POP3 server ready"),
          "greeting over TCP: %r" % a.greeting)
    a.login(st.user, st.password)
    a.send("RETR 1\r\n")
    a.expect(b"+OK %d octets\r\n" % wire_size(MSGS[0]) + wire_form(MSGS[0]) +
             b".\r\n")
    b = d.connect()
    # context_num = 2: the third is refused
    c = Pop3Socket(d.addr, d.port, read_greeting=False)
    c.expect(TOO_MANY)
    c.expect_eof()
    b.cmd("QUIT")
    b.expect_eof()
    b.close()
    c = connect_when_free(d)
    check(c.greeting.startswith(b"+OK "), "a slot is free after QUIT")
    c.close()

    # SIGTERM with a session in TRANSACTION and a DELE: exit 0, no deletion
    a.cmd("DELE 1")
    check_eq(d.stop(), 0, "exit status after SIGTERM")
    a.expect_eof()
    check_eq(st.messages(), MSGS, "a cut session deleted nothing")

    # -dN overrides context_num; "::" serves IPv4 and IPv6
    d = Pop3Daemon(st, args=["-d1"], addr="::").start()
    a = Pop3Socket("127.0.0.1", d.port)
    check(a.greeting.startswith(b"+OK "), "IPv4 client on ::")
    c = Pop3Socket("::1", d.port, read_greeting=False)
    c.expect(TOO_MANY)
    a.cmd("QUIT")
    a.close()
    a = connect_when_free(d, host="::1")
    a.login(st.user, st.password)
    a.cmd("DELE 2")
    check_eq(a.cmd("QUIT"), b"+OK pop3.test POP3 server signing off "
             b"(1 message left)\r\n", "QUIT over IPv6")

    # SIGHUP: new sessions see the new host_id
    st.rewrite(host_id="renamed.test")
    d.proc.send_signal(signal.SIGHUP)
    deadline = time.monotonic() + 10
    while True:
        c = connect_when_free(d, host="::1")
        c.close()
        if c.greeting.startswith(b"+OK renamed.test "):
            break
        check(time.monotonic() < deadline, "SIGHUP did not reload: %r"
              % c.greeting)
        time.sleep(0.1)
    check_eq(d.stop(), 0, "exit status after SIGTERM")
    check_eq(st.messages(), MSGS[:1], "the QUIT session's deletion stays")

    # a port in use: one line, exit 1
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen(1)
    st.rewrite(pop3_listen_addr="127.0.0.1",
               pop3_listen_port=str(busy.getsockname()[1]))
    r = subprocess.run([POP3D, "-d", "--foreground", "-c", st.conf],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=DEFAULT_TIMEOUT)
    check_eq(r.returncode, 1, "exit status when the port is taken")
    check(b"cannot listen" in r.stderr, "says why: %r" % r.stderr)
    # logging to stderr too (pop3_log_file = -): still one line
    st.rewrite(pop3_log_file=None)
    r = subprocess.run([POP3D, "-d", "--foreground", "-c", st.conf],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=DEFAULT_TIMEOUT)
    check_eq(r.returncode, 1, "exit status when the port is taken (stderr log)")
    check(r.stderr.startswith(b"pop3d: cannot listen on 127.0.0.1 port ") and
          r.stderr.count(b"\n") == 1, "one line on stderr: %r" % r.stderr)
    busy.close()


run(main)
