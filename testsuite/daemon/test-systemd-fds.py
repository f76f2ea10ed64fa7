"""systemd socket activation of the standalone daemon: the real
systemd-socket-activate listens on two ports, named pop3 and pop3s
(LISTEN_FDNAMES), and starts pop3d -d --foreground on the first
connection.  pop3d serves the passed sockets (plain POP3 and implicit
TLS, fetched with poplib) and binds neither pop3_listen_port nor
pop3_listen_tls_port; context_num still holds; after SIGHUP the passed sockets still serve; SIGTERM exits
0."""
import poplib
import shutil
import signal
import subprocess
import time

import pop3test
from pop3test import *
from daemontest import *
from tlstest import Pki, tls_settings, client_context

MSGS = [b"Subject: one\n\n.dotted line\nbody one\n",
        b"Subject: two\n\nbody two\n"]


def fetch(p, st):
    p.user(st.user)
    p.pass_(st.password)
    check_eq(p.stat()[0], len(MSGS), "STAT count")
    for i, msg in enumerate(MSGS, 1):
        _, lines, _ = p.retr(i)
        got = b"".join(l + b"\r\n" for l in lines)
        check_eq(got, msg.replace(b"\n", b"\r\n"), "message %d" % i)


def main():
    exe = shutil.which("systemd-socket-activate") or \
        "/usr/bin/systemd-socket-activate"
    check(os.path.exists(exe), "systemd-socket-activate is installed "
          "(Debian package systemd, scripts/install-deps.sh)")
    tmp = TempDir()
    pki = Pki(tmp)
    own_port, own_tls_port = free_port(), free_port()
    st = Setup(tmp, msgs=MSGS, extra=tls_settings(
        pki, pop3_listen_addr="127.0.0.1",
        pop3_listen_port=str(own_port),
        pop3_listen_tls_port=str(own_tls_port), context_num="1"))
    port, tls_port = free_port(), free_port()
    err = open(tmp.join("activate.err"), "wb")
    proc = subprocess.Popen(
        [exe, "-l", "127.0.0.1:%d" % port, "-l", "127.0.0.1:%d" % tls_port,
         "--fdname=pop3:pop3s", POP3D, "-d", "--foreground", "-c", st.conf],
        stdin=subprocess.DEVNULL, stdout=err, stderr=err,
        start_new_session=True)
    err.close()
    pop3test._cleanups.append(lambda: proc.poll() is None and proc.kill())
    wait_activator_port(port, proc)
    wait_activator_port(tls_port, proc)

    # the first connection makes systemd-socket-activate exec pop3d,
    # which takes it from the passed socket
    p = poplib.POP3("127.0.0.1", port, timeout=DEFAULT_TIMEOUT)
    check(p.getwelcome().startswith(b"+OK"), "greeting %r" % p.getwelcome())
    pid = proc.pid                      # exec: pop3d has the same pid
    wait_log(st.log, r"pop3d\[%d\]: notice: listening on 127\.0\.0\.1 port "
             r"%d from systemd \(fd 3, name pop3\)" % (pid, port))
    wait_log(st.log, r"pop3d\[%d\]: notice: listening on 127\.0\.0\.1 port "
             r"%d \(implicit TLS\) from systemd \(fd 4, name pop3s\)"
             % (pid, tls_port))
    listening = pop3test._listening_ports()
    check(own_port not in listening, "pop3_listen_port %d not bound"
          % own_port)
    check(own_tls_port not in listening, "pop3_listen_tls_port %d not bound"
          % own_tls_port)
    check(listening_pid(port) == pid, "pop3d holds the passed socket")

    fetch(p, st)
    wait_children(pid, 1)
    # context_num = 1: a second client is turned away while it runs
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    check_eq(wrap_socket(s).read_line(),
             b"-ERR [SYS/TEMP] pop3.test too many connections\r\n", "context_num")
    p.quit()
    wait_children(pid, 0)

    # implicit TLS on the socket named pop3s
    t = poplib.POP3_SSL("127.0.0.1", tls_port, timeout=DEFAULT_TIMEOUT,
                        context=client_context(pki))
    check(t.getwelcome().startswith(b"+OK"), "TLS greeting")
    fetch(t, st)
    t.quit()
    wait_children(pid, 0)

    # SIGHUP re-reads the file and keeps the passed sockets
    os.kill(pid, signal.SIGHUP)
    wait_log(st.log, r"configuration re-read")
    p = poplib.POP3("127.0.0.1", port, timeout=DEFAULT_TIMEOUT)
    fetch(p, st)
    p.quit()
    check(own_port not in pop3test._listening_ports(),
          "still not bound after SIGHUP")
    check_eq(st.messages(), MSGS, "nothing deleted")

    proc.send_signal(signal.SIGTERM)
    check_eq(proc.wait(DEFAULT_TIMEOUT), 0, "exit status after SIGTERM")


run(main)
