"""fileinto copies a message into another mailbox (each format into each
format), appended as a delivery agent appends; the message then leaves its
own mailbox unless keep applies too (RFC 5228 section 2.10.2).  A fileinto
that fails keeps the message where it is and makes mu-sieve exit 2; the
rest of the run still happens."""
import os

from musieve import (FORMATS, TempDir, check, check_eq, config,
                     mailbox_messages, make_mailbox, message, mu_sieve,
                     probe_list, run)

SCRIPT = """require "fileinto";
if header :contains "Subject" "archive" {
    fileinto "%(dest)s";
} elsif header :contains "Subject" "copy" {
    fileinto "%(dest)s";
    keep;
} elsif header :contains "Subject" "junk" {
    discard;
}
"""


def check_pair(tmp, src_fmt, dest_fmt):
    name = "%s-to-%s" % (src_fmt, dest_fmt)
    archive = message("archive me", body=b"From the start\n>From quoted\n.\n")
    copy = message("copy me")
    plain = message("plain")
    existing = message("already there")
    src_path, dest_path = tmp.join("src-" + name), tmp.join("dest-" + name)
    src = make_mailbox(src_fmt, src_path, [archive, copy, plain])
    dest = make_mailbox(dest_fmt, dest_path, [existing])
    uidls = probe_list(src)
    script = tmp.join(name + ".sv")
    with open(script, "w") as f:
        f.write(SCRIPT % {"dest": dest})

    status, out, err = mu_sieve("-c", config(tmp), "-f", src, script)
    check_eq((status, out, err), (0, "", ""), name + ": mu-sieve")
    got = mailbox_messages(dest_fmt, dest_path)
    if dest_fmt == "maildir":
        # Maildir has no order beyond the delivery second in file names;
        # both copies were made within one second
        got = got[:1] + sorted(got[1:])
    check_eq(got, [existing, archive, copy], name + ": the target mailbox")
    check_eq(mailbox_messages(src_fmt, src_path), [copy, plain],
             name + ": the source mailbox")
    check_eq(probe_list(src), uidls[1:], name + ": UIDLs left in the source")


def check_new_target(tmp):
    """A target that does not exist yet is created, as delivery would."""
    for fmt in FORMATS:
        archive = message("archive me")
        src_path, dest_path = tmp.join("src-new-" + fmt), tmp.join("new-" + fmt)
        src = make_mailbox("mbox", src_path, [archive])
        dest = "%s:%s" % (fmt, dest_path)
        script = tmp.join("new.sv")
        with open(script, "w") as f:
            f.write(SCRIPT % {"dest": dest})
        check_eq(mu_sieve("-c", config(tmp), "-f", src, script), (0, "", ""),
                 fmt + ": fileinto a new mailbox")
        check_eq(mailbox_messages(fmt, dest_path), [archive], fmt + ": new target")
        check_eq(mailbox_messages("mbox", src_path), [], fmt + ": source")


def check_failure(tmp):
    for fmt in FORMATS:
        bad = "mbox:" + tmp.join("no-such-dir", "x")
        path = tmp.join("fail-" + fmt)
        archive, junk, plain = (message("archive me"), message("junk"),
                                message("plain"))
        src = make_mailbox(fmt, path, [archive, junk, plain])
        script = tmp.join("fail.sv")
        with open(script, "w") as f:
            f.write(SCRIPT % {"dest": bad})
        status, out, err = mu_sieve("-c", config(tmp), "-f", src, script)
        check_eq(status, 2, fmt + ": status after a failed fileinto")
        check(err.startswith("mu-sieve: 1: fileinto %s: " % bad) and
              err.endswith("; the message is kept\n") and err.count("\n") == 1,
              fmt + ": message: " + err)
        # kept where it was; the discard of message 2 still happened
        check_eq(mailbox_messages(fmt, path), [archive, plain],
                 fmt + ": source after a failed fileinto")
        check(not os.path.exists(tmp.join("no-such-dir")),
              fmt + ": failed target created")


def main():
    tmp = TempDir()
    for src_fmt in FORMATS:
        for dest_fmt in FORMATS:
            check_pair(tmp, src_fmt, dest_fmt)
    check_new_target(tmp)
    check_failure(tmp)


run(main)
