"""The crontab line of doc/expiry-cron.md, run as written (paths moved to
a temporary /var/mail) over several users' mboxes: every mailbox loses
exactly its messages stamped more than 5 days ago, dot-lock files and
empty mailboxes are left alone, and a mailbox that fails does not stop
the loop."""
import os
import re
import subprocess
import time

from musieve import (DAY, EXPIRE_SV, MU_SIEVE, SRC, TempDir, check, check_eq,
                     config, mailbox_messages, make_mailbox, message, run)


def crontab_line():
    with open(os.path.join(SRC, "doc", "expiry-cron.md")) as f:
        for line in f:
            if line.startswith("15 3 * * * root for f in /var/mail/*"):
                return line.strip()
    raise AssertionError("no crontab line in doc/expiry-cron.md")


def main():
    tmp = TempDir()
    spool = tmp.join("var-mail")
    os.mkdir(spool)
    now = int(time.time())
    fresh = {u: message("fresh for " + u, now - DAY) for u in ("alice", "bob")}
    for u in ("alice", "bob"):
        make_mailbox("mbox", os.path.join(spool, u), [
            message("old", now - 8 * DAY), fresh[u],
            message("older", now - 80 * DAY)])
    # a delivery agent's dot-lock (of a mailbox not processed here: the
    # driver would clear a stale lock of alice or bob), an empty mailbox,
    # a broken one
    with open(os.path.join(spool, "zed.lock"), "wb") as f:
        f.write(b"12345\n")
    open(os.path.join(spool, "carol"), "wb").close()
    with open(os.path.join(spool, "dave"), "wb") as f:
        f.write(b"not an mbox\n")

    # "m h dom mon dow user command": keep the command, move its paths
    command = re.match(r"^(\S+\s+){6}(.*)$", crontab_line()).group(2)
    command = (command.replace("/var/mail", spool)
               .replace("/usr/local/bin/mu-sieve", MU_SIEVE + " -c " + config(tmp))
               .replace("/etc/pop3d/expire.sv", EXPIRE_SV))
    p = subprocess.run(["sh", "-c", command], capture_output=True, timeout=120)
    err = p.stderr.decode()
    check(err.count("\n") == 1 and "dave" in err, "stderr of the loop: " + err)

    for u in ("alice", "bob"):
        check_eq(mailbox_messages("mbox", os.path.join(spool, u)), [fresh[u]],
                 u + "'s mailbox")
    with open(os.path.join(spool, "zed.lock"), "rb") as f:
        check_eq(f.read(), b"12345\n", "the dot-lock file")
    check_eq(os.path.getsize(os.path.join(spool, "carol")), 0, "the empty mailbox")
    with open(os.path.join(spool, "dave"), "rb") as f:
        check_eq(f.read(), b"not an mbox\n", "the broken mailbox")
    check_eq(sorted(n for n in os.listdir(spool) if not n.startswith(".")),
             ["alice", "bob", "carol", "dave", "zed.lock"], "files in the spool")


run(main)
