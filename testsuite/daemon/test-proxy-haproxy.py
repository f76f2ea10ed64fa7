"""A real haproxy (send-proxy-v2) in front of pop3d -d with
pop3_accept_haproxy = 2: the client address in the log is haproxy's
client side (IPv4 from 127.0.0.2, and IPv6 from ::1), not haproxy's own
connection; haproxy's health checks (PROXY v2 LOCAL) are served as the
proxy's own connections; mail flows through unchanged."""
import os
import re
import shutil
import signal
import socket
import subprocess
import time

import pop3test
from pop3test import *
from daemontest import *

MSGS = [b"Subject: a\n\n.dotted\nbody\n", b"Subject: b\n\nbody b\n"]


def start_haproxy(tmp, front4, front6, back):
    exe = shutil.which("haproxy") or "/usr/sbin/haproxy"
    check(os.path.exists(exe), "haproxy is installed (scripts/install-deps.sh)")
    cfg = tmp.join("haproxy.cfg")
    with open(cfg, "w") as f:
        f.write("""global
    maxconn 100
defaults
    mode tcp
    timeout connect 5s
    timeout client 30s
    timeout server 30s
frontend pop3
    bind 127.0.0.1:%d
    bind [::1]:%d
    default_backend pop3d
backend pop3d
    server pop3d 127.0.0.1:%d send-proxy-v2 check check-send-proxy inter 300ms
""" % (front4, front6, back))
    err = open(tmp.join("haproxy.err"), "wb")
    proc = subprocess.Popen([exe, "-db", "-f", cfg], stdin=subprocess.DEVNULL,
                            stdout=err, stderr=err, start_new_session=True)
    err.close()

    def stop():
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    pop3test._cleanups.append(stop)
    deadline = time.monotonic() + 10
    while front4 not in pop3test._listening_ports():
        check(proc.poll() is None, "haproxy exited: %s"
              % open(tmp.join("haproxy.err")).read())
        check(time.monotonic() < deadline, "haproxy never listened")
        time.sleep(0.05)
    return stop


def fetch_all(family, src, port):
    s = socket.socket(family, socket.SOCK_STREAM)
    s.bind((src, 0))
    s.settimeout(10)
    s.connect(("127.0.0.1" if family == socket.AF_INET else "::1", port))
    c = wrap_socket(s)
    c.read_greeting()
    check(c.greeting.startswith(b"+OK pop3.test "), "greeting via haproxy")
    c.login("alice", "secret")
    for i, m in enumerate(MSGS, 1):
        c.send("RETR %d\r\n" % i)
        c.expect(b"+OK %d octets\r\n" % wire_size(m) + wire_form(m) + b".\r\n")
    c.cmd("QUIT")
    c.expect_eof()
    return s.getsockname()[1]


def main():
    tmp = TempDir()
    st = Setup(tmp, msgs=MSGS, extra={"pop3_accept_haproxy": "2"})
    d = Pop3Daemon(st).start()
    front4 = free_port()
    front6 = free_port("::1")
    stop = start_haproxy(tmp, front4, front6, d.port)

    port = fetch_all(socket.AF_INET, "127.0.0.2", front4)
    end = wait_log(st.log, r"\[client 127\.0\.0\.2 port %d user alice\] "
                   r"session end: " % port)[0]
    m = SUMMARY_RE.search(end)
    check(m and m["retrieved"] == "2" and m["end"] == "quit", "summary %r"
          % end)
    wait_log(st.log, r"\[client 127\.0\.0\.2 port %d\] connection through "
             r"proxy 127\.0\.0\.1 port \d+" % port)

    port = fetch_all(socket.AF_INET6, "::1", front6)
    wait_log(st.log, r"\[client ::1 port %d user alice\] session end: .*"
             r"end=quit$" % port)

    # health checks: LOCAL headers, the proxy's own connection
    wait_log(st.log, r"\[client 127\.0\.0\.1 port \d+\] PROXY v2 header "
             r"without a client address \(LOCAL\)")
    log = read_log(st.log)
    check("PROXY v2 header refused" not in log,
          "no header from haproxy refused:\n%s" % log[-3000:])
    stop()
    check_eq(d.stop(), 0, "exit status")
    check_eq(st.messages(), MSGS, "mail unchanged")


run(main)
