"""At most context_num sessions at once in -d mode (or N with -dN): the
one too many gets exactly "-ERR [SYS/TEMP] HOST too many connections" and is
closed, the refusal is logged with its client address, and a slot frees
as soon as a session ends."""
import time

from pop3test import *
from daemontest import *

TOO_MANY = b"-ERR [SYS/TEMP] pop3.test too many connections\r\n"


def greeted_when_free(d, timeout=10):
    deadline = time.monotonic() + timeout
    while True:
        c = d.connect(read_greeting=False)
        line = c.read_line()
        if line != TOO_MANY:
            c.greeting = line
            return c
        c.close()
        check(time.monotonic() < deadline, "no slot became free")
        time.sleep(0.05)


def main():
    st = Setup(TempDir(), msgs=[b"Subject: x\n\nbody\n"],
               extra={"context_num": "3"})
    d = Pop3Daemon(st).start()
    held = [d.connect() for _ in range(3)]
    for c in held:
        check(c.greeting.startswith(b"+OK pop3.test "), "greeting %r"
              % c.greeting)
    wait_children(d.proc.pid, 3)

    extra = d.connect(read_greeting=False)
    extra_port = extra.sock.getsockname()[1]
    extra.expect(TOO_MANY)
    extra.expect_eof()
    wait_log(st.log, r"notice: \[client 127\.0\.0\.1 port %d\] refused: 3 "
             r"sessions running" % extra_port)
    check_eq(len(children_of(d.proc.pid)), 3, "no child for the refused")

    # the held sessions are unharmed, and one ending frees its slot
    held[0].cmd("QUIT")
    held[0].expect_eof()
    c = greeted_when_free(d)
    check(c.greeting.startswith(b"+OK "), "slot reused")
    held[1].login(st.user, st.password)
    check(held[1].cmd("STAT").startswith(b"+OK 1 "), "STAT in a held session")
    check_eq(d.stop(), 0, "exit status")

    # -dN overrides context_num
    d = Pop3Daemon(st, args=["-d1"]).start()
    one = d.connect()
    extra = d.connect(read_greeting=False)
    extra.expect(TOO_MANY)
    extra.expect_eof()
    one.cmd("QUIT")
    check_eq(d.stop(), 0, "exit status with -d1")

    # --daemon=N is the long form
    d = Pop3Daemon(st, args=["--daemon=2"]).start()
    a, b = d.connect(), d.connect()
    extra = d.connect(read_greeting=False)
    extra.expect(TOO_MANY)
    check_eq(d.stop(), 0, "exit status with --daemon=2")


run(main)
