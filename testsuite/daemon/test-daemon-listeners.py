"""The listening sockets of -d mode: pop3_listen_addr "::" takes IPv4
and IPv6 clients on one dual-stack socket, "::1" and "127.0.0.1" only
their own; pop3_listen_tls_port opens a second listener (served by TLS;
while TLS is not configured, its connections are closed and logged);
pop3_listen_port = 0 leaves only the TLS port; no port at all is an
error before anything starts."""
import re
import socket
import subprocess

import pop3test
from pop3test import *
from daemontest import *


def can_connect(host, port):
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.settimeout(5)
    try:
        s.connect((host, port))
        return True
    except OSError:
        return False
    finally:
        s.close()


def main():
    st = Setup(TempDir(), msgs=[b"Subject: a\n\nbody\n"])

    d = Pop3Daemon(st, addr="::").start()
    for host in ("127.0.0.1", "::1"):
        c = Pop3Socket(host, d.port)
        check(c.greeting.startswith(b"+OK "), "greeting over %s" % host)
        c.cmd("QUIT")
    shown = wait_log(st.log, r"\[client 127\.0\.0\.1 port \d+\] session end")
    check(shown, "a mapped IPv4 client is logged as IPv4")
    d.stop()

    d = Pop3Daemon(st, addr="::1").start()
    check(can_connect("::1", d.port), "::1 listens")
    check(not can_connect("127.0.0.1", d.port), "::1 is IPv6 only")
    d.stop()

    # a second, implicit-TLS listener next to the plain one
    tls_port = free_port()
    st.rewrite(pop3_listen_tls_port=str(tls_port))
    d = Pop3Daemon(st).start()
    check(tls_port in listening_ports(), "TLS port listens")
    wait_log(st.log, r"listening on 127\.0\.0\.1 port %d \(implicit TLS\)"
             % tls_port)
    s = socket.create_connection(("127.0.0.1", tls_port), timeout=5)
    port = s.getsockname()[1]
    check_eq(s.recv(100), b"", "closed without a plaintext word")
    wait_log(st.log, r"\[client 127\.0\.0\.1 port %d\] refused on the TLS "
             r"port %d: TLS is not configured" % (port, tls_port))
    c = d.connect()
    check(c.greeting.startswith(b"+OK "), "plain port still serves")
    c.cmd("QUIT")
    d.stop()

    # only the TLS port
    port = free_port()
    st.rewrite(pop3_listen_addr="127.0.0.1", pop3_listen_port="0")
    p = subprocess.Popen([POP3D, "-d", "--foreground", "-c", st.conf],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    pop3test._cleanups.append(lambda: p.poll() is None and p.kill())
    wait_log(st.log, r"pop3d\[%d\]: notice: listening on 127\.0\.0\.1 port "
             r"%d \(implicit TLS\)" % (p.pid, tls_port))
    log = read_log(st.log)
    check(not re.search(r"pop3d\[%d\]: notice: listening on \S+ port \d+, "
                        % p.pid, log), "no plain listener")
    p.terminate()
    check_eq(p.wait(10), 0, "exit status")

    # no port at all
    st.rewrite(pop3_listen_tls_port=None)
    r = subprocess.run([POP3D, "-d", "--foreground", "-c", st.conf],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=DEFAULT_TIMEOUT)
    check_eq(r.returncode, 1, "exit status without a port")
    check(r.stderr.count(b"\n") == 1 and b"no port to listen on" in r.stderr,
          "one line says why: %r" % r.stderr)


def listening_ports():
    return pop3test._listening_ports()


run(main)
