#!/usr/bin/env python3
"""Inetd mode: `pop3d -i -s` is implicit TLS on stdin/stdout -- over a
socket, and over two pipes (the transport reads and writes the two
descriptors, it does not need one socket); `pop3d -i` offers STLS.  A
client that speaks plaintext to -s gets no POP3 reply at all, and -s
without a certificate is one line and exit 1."""

import os
import select
import socket
import ssl
import subprocess

from pop3test import (DEFAULT_TIMEOUT, POP3D, Setup, TempDir, TestFailure,
                      _Conn, check, check_eq, run, wire_form, wire_size)
import pop3test
from tlstest import Pki, TlsSocket, client_context, tls_settings

MSG = b"Subject: inetd\n\n.dotted\nbody\n"


class PipeTls(_Conn):
    """TLS client over a pop3d child's stdin/stdout pipes (ssl.MemoryBIO)."""

    def __init__(self, proc, ctx, server_hostname):
        super().__init__()
        self.proc = proc
        self.inc, self.out = ssl.MemoryBIO(), ssl.MemoryBIO()
        self.tls = ctx.wrap_bio(self.inc, self.out,
                                server_hostname=server_hostname)
        while True:
            try:
                self.tls.do_handshake()
                break
            except ssl.SSLWantReadError:
                self._pump(DEFAULT_TIMEOUT)
        self._flush()

    def _flush(self):
        data = self.out.read()
        if data:
            self.proc.stdin.write(data)
            self.proc.stdin.flush()

    def _pump(self, timeout):
        self._flush()
        fd = self.proc.stdout.fileno()
        r, _, _ = select.select([fd], [], [], timeout)
        if not r:
            raise TestFailure("pop3d sent nothing in %gs" % timeout)
        data = os.read(fd, 65536)
        if data:
            self.inc.write(data)
        else:
            self.inc.write_eof()

    def _recv_some(self, timeout):
        while True:
            try:
                return self.tls.read(65536)
            except ssl.SSLWantReadError:
                self._pump(timeout)
            except (ssl.SSLZeroReturnError, ssl.SSLEOFError):
                return b""

    def _send_all(self, data):
        self.tls.write(data)
        self._flush()


def session(c, st):
    check(c.greeting.startswith(b"+OK pop3.test POP3 server ready"),
          "greeting: %r" % c.greeting)
    c.login(st.user, st.password)
    c.send("RETR 1\r\n")
    c.expect(b"+OK %d octets\r\n" % wire_size(MSG) + wire_form(MSG) +
             b".\r\n")
    check_eq(c.cmd("QUIT")[:3], b"+OK", "QUIT")
    c.expect_eof()


def pop3d_on_socket(st, args):
    ours, theirs = socket.socketpair()
    proc = subprocess.Popen([POP3D] + args + ["-c", st.conf], stdin=theirs,
                            stdout=theirs, stderr=subprocess.PIPE)
    theirs.close()
    pop3test._cleanups.append(proc.kill)
    return ours, proc


def main():
    tmp = TempDir()
    pki = Pki(tmp)
    ctx = client_context(pki)
    st = Setup(tmp, msgs=[MSG], extra=tls_settings(pki))

    sock, proc = pop3d_on_socket(st, ["-i", "-s"])
    c = TlsSocket.over(sock)
    c.start_tls(ctx, "pop3.test")
    c.read_greeting()
    session(c, st)
    check_eq(proc.wait(DEFAULT_TIMEOUT), 0, "-i -s exit status")

    proc = subprocess.Popen([POP3D, "-i", "-s", "-c", st.conf],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    pop3test._cleanups.append(proc.kill)
    c = PipeTls(proc, ctx, "pop3.test")
    c.read_greeting()
    session(c, st)
    check_eq(proc.wait(DEFAULT_TIMEOUT), 0, "-i -s over pipes: exit status")

    sock, proc = pop3d_on_socket(st, ["-i"])
    c = TlsSocket.over(sock)
    c.read_greeting()
    c.stls(ctx, "pop3.test")
    c.greeting = b"+OK pop3.test POP3 server ready (no new greeting)"
    session(c, st)
    check_eq(proc.wait(DEFAULT_TIMEOUT), 0, "-i with STLS: exit status")

    # plaintext to -s: the handshake fails, no POP3 line comes back
    sock, proc = pop3d_on_socket(st, ["-i", "-s"])
    sock.sendall(b"CAPA\r\nUSER alice\r\n")
    sock.settimeout(DEFAULT_TIMEOUT)
    got = b""
    while True:
        try:
            data = sock.recv(4096)
        except ConnectionResetError:
            break
        if not data:
            break
        got += data
    check(b"+OK" not in got and b"-ERR" not in got,
          "no POP3 reply outside TLS: %r" % got)
    proc.wait(DEFAULT_TIMEOUT)

    # -s needs a certificate
    st.rewrite(pop3_certificate_path=None, pop3_private_key_path=None)
    r = subprocess.run([POP3D, "-i", "-s", "-c", st.conf],
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=DEFAULT_TIMEOUT)
    check_eq((r.returncode, r.stdout), (1, b""), "-s without certificate")
    check_eq(r.stderr.decode().count("\n"), 1, "one line: %r" % r.stderr)
    check(b"-s (implicit TLS) needs a certificate" in r.stderr,
          "says why: %r" % r.stderr)


run(main)
