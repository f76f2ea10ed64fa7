"""mu-sieve -n reports what it would do and changes nothing: every file
of the mailbox is byte-identical afterwards (mbox, Maildir, MH), no
fileinto target is created, and the report names each message's action
and UIDL, as -v does for a real run."""
import os
import time

from musieve import (DAY, FORMATS, TempDir, check, check_eq, config,
                     mailbox_path, make_mailbox, message, mu_sieve,
                     probe_list, run, snapshot)

SCRIPT = b"""require ["fileinto", "timestamp"];
if timestamp :before "X-Expire-Timestamp" "now - 5 days" {
    discard;
} elsif header :contains "Subject" "file me" {
    fileinto "mbox:%s";
}
"""


def check_format(tmp, fmt):
    now = int(time.time())
    path = mailbox_path(tmp, fmt)
    url = make_mailbox(fmt, path, [
        message("old", now - 9 * DAY),
        message("new", now - DAY),
        message("file me"),
        message("older", now - 90 * DAY),
    ])
    target = tmp.join("target-" + fmt)
    script = tmp.join("dry-%s.sv" % fmt)
    with open(script, "wb") as f:
        f.write(SCRIPT % target.encode())
    uidls = [u for u, _ in probe_list(url)]
    before = snapshot(path)

    status, out, err = mu_sieve("-c", config(tmp), "-n", "-f", url, script)
    check_eq((status, err), (0, ""), fmt + ": status and stderr")
    check_eq(out.splitlines(), [
        "mu-sieve: 1: discard (uidl %s)" % uidls[0],
        "mu-sieve: 2: implicit keep (uidl %s)" % uidls[1],
        "mu-sieve: 3: fileinto mbox:%s (uidl %s)" % (target, uidls[2]),
        "mu-sieve: 4: discard (uidl %s)" % uidls[3],
        "mu-sieve: %s: 4 messages, 3 would be removed; nothing was changed "
        "(dry run)" % url,
    ], fmt + ": the report")
    check_eq(snapshot(path), before, fmt + ": mailbox files after -n")
    check(not os.path.exists(target), fmt + ": fileinto target created by -n")

    # -v on a real run reports the same decisions, and acts on them
    status, out, err = mu_sieve("-c", config(tmp), "-v", "-f", url, script)
    check_eq((status, err), (0, ""), fmt + ": real run")
    check_eq(out.splitlines()[-1],
             "mu-sieve: %s: 4 messages, 3 removed" % url, fmt + ": summary")
    check(snapshot(path) != before, fmt + ": the real run changed the mailbox")
    check_eq([u for u, _ in probe_list(url)], [uidls[1]], fmt + ": left")


def main():
    tmp = TempDir()
    for fmt in FORMATS:
        check_format(tmp, fmt)


run(main)
