"""Socket activation with unusable descriptors: when LISTEN_PID names
pop3d and a passed descriptor is not a listening stream socket (a file,
a UDP socket, a TCP socket that does not listen) or LISTEN_FDS is not a
number, pop3d -d prints one line saying why, binds nothing and exits 1.
LISTEN_* meant for another process (LISTEN_PID not pop3d's) are
ignored: pop3d listens on its own port as usual."""
import re
import socket
import subprocess

import pop3test
from pop3test import *
from daemontest import *

# the shell's $$ is pop3d's pid after exec, as systemd sets it
SHELL = 'LISTEN_PID=$$ LISTEN_FDS="$LFDS" exec "$0" -d --foreground -c "$1"'


def start_with_fd3(st, fd, nfds="1"):
    def dup_to_3():
        if fd is not None:
            os.dup2(fd, 3)
    env = dict(os.environ, LFDS=nfds)
    return subprocess.run(["sh", "-c", SHELL, POP3D, st.conf], env=env,
                          preexec_fn=dup_to_3,
                          pass_fds=(3,) if fd is not None else (),
                          stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=DEFAULT_TIMEOUT)


def expect_refused(st, fd, why, nfds="1"):
    r = start_with_fd3(st, fd, nfds)
    check_eq(r.returncode, 1, "exit status (%s)" % why)
    check(r.stderr.count(b"\n") == 1 and why.encode() in r.stderr,
          "one line saying %r: %r" % (why, r.stderr))
    check(int(st.settings["pop3_listen_port"]) not in
          pop3test._listening_ports(), "nothing bound")


def main():
    tmp = TempDir()
    st = Setup(tmp, msgs=[b"Subject: a\n\nbody\n"],
               extra={"pop3_listen_addr": "127.0.0.1",
                      "pop3_listen_port": str(free_port())})

    with open(tmp.join("file"), "w") as f:
        expect_refused(st, f.fileno(), "descriptor 3 is not a socket")
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
        u.bind(("127.0.0.1", 0))
        expect_refused(st, u.fileno(), "descriptor 3 is not a stream")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as t:
        t.bind(("127.0.0.1", 0))
        expect_refused(st, t.fileno(),
                       "descriptor 3 is not a listening socket")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as t:
        t.bind(("127.0.0.1", 0))
        t.listen()
        expect_refused(st, t.fileno(), "LISTEN_FDS=x is not a number",
                       nfds="x")
        expect_refused(st, t.fileno(), "17 sockets passed (LISTEN_FDS), "
                       "at most 16", nfds="17")

    # for another process: ignored
    os.environ.update(LISTEN_PID="1", LISTEN_FDS="1")
    try:
        d = Pop3Daemon(st).start()
    finally:
        del os.environ["LISTEN_PID"], os.environ["LISTEN_FDS"]
    c = d.connect()
    check(c.greeting.startswith(b"+OK "), "served on its own port")
    c.cmd("QUIT")
    check(not re.search("from systemd", read_log(st.log)),
          "no socket taken from systemd")
    check_eq(d.stop(), 0, "exit status")


run(main)
