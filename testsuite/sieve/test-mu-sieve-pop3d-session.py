"""mu-sieve against a mailbox a real pop3d session holds (mbox, Maildir,
MH): it waits for the session up to lock_timeout and then fails cleanly
(exit 2, nothing changed, the session unharmed); when the session ends
while it waits, it does its work; the next session sees exactly the
messages left, with the UIDLs pop3d gave them before."""
import subprocess
import time

from pop3test import Pop3Pipe, Setup
from musieve import (DAY, EXPIRE_SV, FORMATS, MU_SIEVE, TempDir, check,
                     check_eq, message, mu_sieve, run, snapshot)


def uidl_listing(conn):
    check_eq(conn.cmd("UIDL")[:3], b"+OK", "UIDL")
    lines = conn.read_multi().split(b"\r\n")
    return [line.split(b" ", 1)[1] for line in lines if b" " in line]


def check_format(fmt):
    now = int(time.time())
    old, fresh, older = (message("old", now - 6 * DAY), message("fresh", now),
                         message("older", now - 60 * DAY))
    st = Setup(TempDir(), fmt=fmt, msgs=[old, fresh, older],
               extra={"lock_timeout": "2s"})
    before = snapshot(st.mailbox_path)

    session = Pop3Pipe(st.conf)
    session.login(st.user, st.password)
    uidls = uidl_listing(session)
    check_eq(len(uidls), 3, fmt + ": UIDLs")
    status, out, err = mu_sieve("-c", st.conf, "-f", st.url, EXPIRE_SV)
    check_eq(status, 2, fmt + ": status while pop3d holds the mailbox")
    check(err.startswith("mu-sieve: %s: in use by another session" % st.url),
          fmt + ": message: " + err)
    check_eq(snapshot(st.mailbox_path), before, fmt + ": mailbox unchanged")
    # the session did not notice
    check(session.cmd("STAT").startswith(b"+OK 3 "), fmt + ": session STAT")
    check_eq(uidl_listing(session), uidls, fmt + ": session UIDLs")

    # the session ends while mu-sieve waits: mu-sieve proceeds
    st.rewrite(lock_timeout="20s")
    p = subprocess.Popen([MU_SIEVE, "-c", st.conf, "-f", st.url, EXPIRE_SV],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(1.5)
    check(p.poll() is None, fmt + ": mu-sieve did not wait for the session")
    check(session.cmd("QUIT").startswith(b"+OK"), fmt + ": QUIT")
    session.wait()
    out, err = p.communicate(timeout=60)
    check_eq((p.returncode, out, err), (0, b"", b""), fmt + ": after QUIT")

    session = Pop3Pipe(st.conf)
    session.login(st.user, st.password)
    check_eq(uidl_listing(session), [uidls[1]], fmt + ": UIDL of what is left")
    check_eq(st.messages(), [fresh], fmt + ": the message left")
    session.cmd("QUIT")
    session.wait()


def main():
    for fmt in FORMATS:
        check_format(fmt)


run(main)
