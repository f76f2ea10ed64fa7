"""A client that asks for a large message and then never reads: the
server's writes block, and after pop3_conn_timeout without the client
taking the rest the session is closed (end=stalled).  The session
process never buffers the message: its memory stays bounded whatever
the message size, and nothing is committed."""
import socket
import time

from pop3test import *
from daemontest import *

BIG_MIB = 24
TIMEOUT = 2


def big_message():
    line = b"x" * 76 + b"\n"
    return (b"Subject: big\n\n" + line * (BIG_MIB * 1024 * 1024 // len(line)))


def main():
    msgs = [big_message(), b"Subject: small\n\nbody\n"]
    st = Setup(TempDir(), msgs=msgs,
               extra={"pop3_conn_timeout": "%ds" % TIMEOUT})
    d = Pop3Daemon(st).start()

    c = d.connect()
    c.login(st.user, st.password)
    c.cmd("DELE 2")
    wait_children(d.proc.pid, 1)
    family = descendants_of(d.proc.pid)

    def rss_total():
        return sum(rss_kib(p) for p in family if alive(p))
    rss_before = rss_total()
    # a small receive window, so the server is blocked early
    c.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16384)
    c.send("RETR 1\r\n")
    t0 = time.monotonic()
    peak = 0
    while (any(alive(p) for p in family) and
           time.monotonic() - t0 < TIMEOUT + 8):
        try:
            peak = max(peak, rss_total())
        except (OSError, TestFailure):
            pass                # a process ended between two reads
        time.sleep(0.05)
    took = time.monotonic() - t0
    check(not any(alive(p) for p in family),
          "stalled session still running after %.1fs" % took)
    check(took >= TIMEOUT - 0.2, "closed only after the timeout (%.2fs)"
          % took)
    check(peak - rss_before < 4096,
          "memory grew by %d KiB for a %d MiB message" %
          (peak - rss_before, BIG_MIB))
    wait_log(st.log, r"\[client 127\.0\.0\.1 port \d+ user alice\] client "
             r"stopped reading for %d s; closing" % TIMEOUT)
    end = wait_log(st.log, r"session end: ")[0]
    check(end.endswith(" end=stalled"), "summary: %r" % end)

    # what the client got is a prefix of the message, never the end
    c.sock.settimeout(0.5)
    c.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    got = bytearray(c.buf)
    try:
        while len(got) < (1 << 20):
            data = c.sock.recv(1 << 16)
            if not data:
                break
            got += data
    except (ConnectionResetError, socket.timeout):
        pass
    want = b"+OK %d octets\r\n" % wire_size(msgs[0]) + wire_form(msgs[0])
    check(len(got) > 0, "the reply had begun")
    check(want.startswith(bytes(got)), "what arrived is a prefix")
    check_eq(len(st.messages()), 2, "DELE not committed")
    check_eq(d.stop(), 0, "exit status")


run(main)
