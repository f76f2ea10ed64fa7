"""Started as root on a user's mailbox (the cron job over /var/mail),
mu-sieve works as the mailbox's owner: the session lock files it leaves
belong to the user, whose own pop3d sessions must be able to open them,
and the mailbox keeps its owner and mode.  (Needs root; skipped, status
77, otherwise.)"""
import os
import sys
import time

from musieve import (DAY, EXPIRE_SV, FORMATS, TempDir, check_eq, config,
                     is_session_lock, mailbox_messages, make_mailbox, message,
                     mu_sieve, run)

NOBODY = 65534


def owned_files(root):
    """{name: uid} of the session lock files in or beside root."""
    where = root if os.path.isdir(root) else os.path.dirname(root)
    return {n: os.stat(os.path.join(where, n)).st_uid
            for n in os.listdir(where) if is_session_lock(n)}


def main():
    tmp = TempDir()
    os.chmod(tmp.path, 0o755)
    mail = tmp.join("mail")
    os.mkdir(mail)
    os.chown(mail, NOBODY, NOBODY)
    now = int(time.time())
    for fmt in FORMATS:
        path = os.path.join(mail, fmt)
        keep = message("fresh", now)
        url = make_mailbox(fmt, path, [message("old", now - 9 * DAY), keep])
        for d, dirs, files in os.walk(path) if fmt != "mbox" else []:
            for n in dirs + files:
                os.chown(os.path.join(d, n), NOBODY, NOBODY)
        os.chown(path, NOBODY, NOBODY)
        os.chmod(path, 0o700 if fmt != "mbox" else 0o600)

        check_eq(mu_sieve("-c", config(tmp), "-f", url, EXPIRE_SV), (0, "", ""),
                 fmt + ": mu-sieve as root")
        check_eq(mailbox_messages(fmt, path), [keep], fmt + ": messages left")
        st = os.stat(path)
        check_eq((st.st_uid, st.st_mode & 0o777),
                 (NOBODY, 0o700 if fmt != "mbox" else 0o600), fmt + ": mailbox owner")
        locks = owned_files(path)
        check_eq(len(locks), 1, fmt + ": session lock files " + repr(locks))
        check_eq(set(locks.values()), {NOBODY}, fmt + ": session lock owner")


if os.geteuid() != 0:
    print("not root: the switch to the mailbox owner cannot be tried")
    sys.exit(77)
run(main)
