#!/usr/bin/env python3
"""A session killed in the middle of an mbox commit (SIGKILL after every
durable step of QUIT's commit in turn, through libmu's test kill hook) is
repaired at once by its monitor, not at the next login: within a second
of the client seeing the connection drop, the mbox holds either every
message or every message but the deleted ones -- never a rewritten head
with a stretch of old bytes after it -- and no journal is left.  Other
programs reading /var/mail see a damaged mailbox for no longer than
that."""
import os
import time

from pop3test import *
from daemontest import *

MSGS = [b"Subject: message %d\n\n%s\n" % (i, b"line of body %d\n" % i * (20 * i))
        for i in range(1, 6)]
AFTER = [m for i, m in enumerate(MSGS, 1) if i not in (1, 3)]


def journal_files(d):
    return [f for f in os.listdir(d) if "journal" in f]


def main():
    tmp = TempDir()
    st = Setup(tmp, fmt="mbox", msgs=MSGS)
    maildir = os.path.dirname(st.mailbox_path)
    killed = 0
    for n in range(1, 60):
        make_mbox(st.mailbox_path, MSGS)
        os.environ["MU_TEST_KILL_AFTER_WRITES"] = str(n)
        d = Pop3Daemon(st).start()
        del os.environ["MU_TEST_KILL_AFTER_WRITES"]
        c = d.connect()
        c.login(st.user, st.password)
        c.cmd("DELE 1")
        c.cmd("DELE 3")
        c.send("QUIT\r\n")
        try:
            reply = c.read_line()
        except TestFailure:
            reply = b""             # killed before it could answer
        dropped = time.monotonic()
        if reply.startswith(b"+OK"):
            d.stop()
            check_eq(st.messages(), AFTER, "committed without a kill")
            break
        killed += 1
        # within a second, a whole mailbox and no journal
        while True:
            now = st.messages() if not journal_files(maildir) else None
            if now in (MSGS, AFTER):
                break
            check(time.monotonic() - dropped < 1.0, "kill point %d: after "
                  "1 s the mailbox is %r, journal %r" % (
                      n, now, journal_files(maildir)))
            time.sleep(0.02)
        wait_log(st.log, r"mailbox checked after the session was killed")
        d.stop()
        open(st.log, "w").close()
    print("killed at %d points" % killed)
    check(killed >= 3, "the commit was killed at %d points" % killed)


run(main, timeout=300)
