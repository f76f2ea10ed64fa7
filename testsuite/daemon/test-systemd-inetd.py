"""systemd socket activation, inetd style (a socket unit with Accept=yes
and pop3d@.service running pop3d -i): the real systemd-socket-activate
accepts each connection and starts one pop3d -i on it; Python's poplib
fetches the mail byte for byte over two connections, served by two
pop3d processes, and a DELE at QUIT removes exactly that message."""
import poplib
import re
import shutil
import subprocess
import time

import pop3test
from pop3test import *
from daemontest import *

MSGS = [b"Subject: one\n\n.dotted line\nbody one\n",
        b"Subject: two\n\nbody two\n\n"]


def activator():
    exe = shutil.which("systemd-socket-activate") or \
        "/usr/bin/systemd-socket-activate"
    check(os.path.exists(exe), "systemd-socket-activate is installed "
          "(Debian package systemd, scripts/install-deps.sh)")
    return exe


def fetch_all(port, st, dele=None):
    p = poplib.POP3("127.0.0.1", port, timeout=DEFAULT_TIMEOUT)
    check(p.getwelcome().startswith(b"+OK"), "greeting %r" % p.getwelcome())
    p.user(st.user)
    p.pass_(st.password)
    count, size = p.stat()
    check_eq(count, len(MSGS), "STAT count")
    check_eq(size, sum(wire_size(m) for m in MSGS), "STAT octets")
    for i, msg in enumerate(MSGS, 1):
        _, lines, octets = p.retr(i)
        # poplib drops the CRLFs and undoes the dot-stuffing
        got = b"".join(l + b"\r\n" for l in lines)
        check_eq(got, msg.replace(b"\n", b"\r\n"), "message %d" % i)
    if dele is not None:
        p.dele(dele)
    p.quit()


def main():
    exe = activator()
    tmp = TempDir()
    st = Setup(tmp, fmt="maildir", msgs=MSGS)
    port = free_port()
    err = open(tmp.join("activate.err"), "wb")
    proc = subprocess.Popen(
        [exe, "-l", "127.0.0.1:%d" % port, "--inetd", "-a",
         POP3D, "-i", "-c", st.conf],
        stdin=subprocess.DEVNULL, stdout=err, stderr=err,
        start_new_session=True)
    err.close()
    pop3test._cleanups.append(lambda: proc.poll() is None and proc.kill())
    wait_activator_port(port, proc)

    fetch_all(port, st)
    fetch_all(port, st, dele=1)
    ends = wait_log(st.log, SUMMARY_RE.pattern, count=2)
    pids = {int(re.search(r"pop3d\[(\d+)\]", l).group(1)) for l in ends}
    check_eq(len(pids), 2, "two pop3d processes (%r)" % ends)
    check(proc.pid not in pids, "pop3d is not the activator itself")
    check(SUMMARY_RE.search(ends[0]).group("retrieved") == "2" and
          SUMMARY_RE.search(ends[1]).group("deleted") == "1",
          "summaries: %r" % ends)
    check_eq(st.messages(), MSGS[1:], "only message 1 was deleted")

    proc.terminate()
    proc.wait(DEFAULT_TIMEOUT)


run(main)
