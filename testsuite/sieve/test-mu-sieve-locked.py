"""mu-sieve locks a mailbox exactly as a POP3 session does.  While another
process holds the session lock (opened through libmu with
MU_OPEN_SESSION_LOCK, as pop3d opens a maildrop), mu-sieve waits up to
lock_timeout: if the holder lets go in time, mu-sieve does its work; if
not, it exits 2 with a clear message, having changed nothing.  mbox,
Maildir and MH alike."""
import subprocess
import time

from musieve import (DAY, EXPIRE_SV, FORMATS, MU_SIEVE, Holder, TempDir,
                     check, check_eq, config, mailbox_messages, mailbox_path,
                     make_mailbox, message, mu_sieve, run, snapshot)


def check_format(tmp, fmt):
    now = int(time.time())
    path = mailbox_path(tmp, fmt)
    old, new = message("old", now - 10 * DAY), message("new", now)
    url = make_mailbox(fmt, path, [old, new])
    before = snapshot(path)

    # held for longer than lock_timeout: exit 2, nothing changed
    holder = Holder(url)
    start = time.time()
    status, out, err = mu_sieve("-c", config(tmp, lock_timeout="2"), "-f", url,
                                EXPIRE_SV)
    waited = time.time() - start
    holder.release()
    check_eq(status, 2, fmt + ": status while held")
    check_eq(err, "mu-sieve: %s: in use by another session; gave up after 2 "
             "seconds (lock_timeout); nothing was changed\n" % url,
             fmt + ": message while held")
    check(1.5 <= waited < 15, fmt + ": waited %.1f s for a 2 s lock_timeout"
          % waited)
    check_eq(snapshot(path), before, fmt + ": mailbox after giving up")

    # released while mu-sieve waits: it goes on and expires
    holder = Holder(url)
    p = subprocess.Popen([MU_SIEVE, "-c", config(tmp, lock_timeout="20"),
                          "-f", url, EXPIRE_SV], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    time.sleep(1.5)
    check(p.poll() is None, fmt + ": mu-sieve did not wait for the lock")
    check_eq(snapshot(path), before, fmt + ": mailbox while waiting")
    holder.release()
    out, err = p.communicate(timeout=30)
    check_eq((p.returncode, out, err), (0, b"", b""),
             fmt + ": after the holder let go")
    check_eq(mailbox_messages(fmt, path), [new], fmt + ": messages left")

    # and mu-sieve let go of the lock when it ended: a session gets it
    Holder(url).release()


def main():
    tmp = TempDir()
    for fmt in FORMATS:
        check_format(tmp, fmt)


run(main)
