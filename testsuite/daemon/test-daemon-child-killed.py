"""A session process that dies in the middle (SIGKILL, SIGSEGV) never
stops the listener: the next client is served, the death is logged with
the client's address, and no message is lost or half-deleted."""
import signal

from pop3test import *
from daemontest import *

MSGS = [b"Subject: %d\n\nbody %d\n" % (i, i) for i in range(5)]


def main():
    for fmt in FORMATS:
        st = Setup(TempDir(), fmt=fmt, msgs=MSGS)
        d = Pop3Daemon(st).start()
        for sig in (signal.SIGKILL, signal.SIGSEGV):
            c = d.connect()
            port = c.sock.getsockname()[1]
            c.login(st.user, st.password)
            for n in (1, 3, 5):
                check(c.cmd("DELE %d" % n).startswith(b"+OK"), "DELE")
            c.send("RETR 2\r\n")
            c.read_multi()
            kid = wait_children(d.proc.pid, 1)[0]
            os.kill(kid, sig)
            c.expect_eof()
            wait_log(st.log, r"\[client 127\.0\.0\.1 port %d\] session %d "
                     r"killed by signal %d" % (port, kid, sig))
            check_eq(st.messages(), MSGS, "%s: no message lost after %s"
                     % (fmt, sig.name))
            # the listener goes on
            c = d.connect()
            c.login(st.user, st.password)
            check_eq(c.cmd("STAT"), b"+OK 5 %d\r\n"
                     % sum(wire_size(m) for m in MSGS), "STAT after a crash")
            c.cmd("QUIT")
            c.expect_eof()
        check_eq(d.stop(), 0, "exit status")


run(main)
