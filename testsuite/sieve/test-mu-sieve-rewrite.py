"""mu-sieve commits its deletions through the same mbox code as pop3d,
with the same checks: if another program rewrites the mbox while
mu-sieve runs (mutt adding "Status: RO" to the last message, in place),
the rewritten message is not read and the commit is refused; mu-sieve
exits 2 and the mbox is left exactly as the other program wrote it.

The rewrite has to happen after mu-sieve has scanned the mbox: the test
holds the fcntl lock of the fileinto target, so mu-sieve stops there
(its dotlock on the target shows it has arrived) until the rewrite is
done."""
import fcntl
import os
import subprocess

from musieve import (MU_SIEVE, TempDir, check, check_eq, config,
                     mailbox_messages, make_mailbox, message, run, wait_until)

SCRIPT = """require "fileinto";
if header :contains "Subject" "archive" {
    fileinto "%s";
}
"""


def main():
    tmp = TempDir()
    archive, last = message("archive me"), message("the last one")
    src_path, dest_path = tmp.join("src"), tmp.join("dest")
    src = make_mailbox("mbox", src_path, [archive, last])
    dest = make_mailbox("mbox", dest_path, [message("already there")])
    script = tmp.join("archive.sv")
    with open(script, "w") as f:
        f.write(SCRIPT % dest)
    with open(src_path, "rb") as f:
        before = f.read()
    at = before.index(b"\n\n", before.index(b"Subject: the last one")) + 1
    rewritten = before[:at] + b"Status: RO\n" + before[at:]

    target = open(dest_path, "r+b")
    fcntl.lockf(target, fcntl.LOCK_EX)
    p = subprocess.Popen([MU_SIEVE, "-c", config(tmp, lock_timeout="30"),
                          "-f", src, script], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    check(wait_until(lambda: os.path.exists(dest_path + ".lock"), 30),
          "mu-sieve did not reach the fileinto target")
    with open(src_path, "r+b") as f:              # in place: same inode
        f.seek(at)
        f.write(rewritten[at:])
    fcntl.lockf(target, fcntl.LOCK_UN)
    target.close()
    out, err = p.communicate(timeout=60)

    check_eq(p.returncode, 2, "mu-sieve status (stderr %r)" % err)
    check(b"cannot commit" in err and b"changed" in err,
          "mu-sieve says the commit was refused: %r" % err)
    with open(src_path, "rb") as f:
        check_eq(f.read(), rewritten, "the source mbox")
    # the copy was made before the refused deletion: a duplicate at
    # worst, never a loss
    check_eq(mailbox_messages("mbox", dest_path)[1:], [archive],
             "the fileinto target")


run(main)
