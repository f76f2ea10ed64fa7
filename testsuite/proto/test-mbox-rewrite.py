"""An MUA rewrites the mbox during a POP3 session: mutt, run by the user
while their mail client is connected, marks the last message read by
adding "Status: RO" to its header, in place (same inode, every From_ line
where it was, the file 11 bytes longer).  pop3d must neither serve the
changed message (RETR and TOP answer -ERR) nor take the moved bytes for
new mail: QUIT after DELE 2 answers -ERR [SYS/TEMP] and leaves the file
exactly as mutt wrote it, and the next session finds message 1 with its
size and UIDL."""
import re

from pop3test import *

MSG1 = (b"From: bob@example.org\nTo: alice@example.org\n"
        b"Subject: the first message\nDate: Mon, 1 Jan 2024 10:00:00 +0000\n"
        b"\nHello Alice,\n\nthis is the first message.\n")
MSG2 = (b"From: carol@example.org\nSubject: the second message\n\n"
        b"second body\n")
STATUS = b"Status: RO\n"


def listing(c, command):
    c.send(command + "\r\n")
    lines = c.read_multi().split(b"\r\n")
    check_eq(lines[0][:3], b"+OK", command + " reply")
    return dict(line.split(b" ", 1) for line in lines[1:-2])


def main():
    st = Setup(TempDir(), msgs=[MSG1, MSG2])
    with open(st.mailbox_path, "rb") as f:
        before = f.read()
    # mutt's rewrite: the header of the last message ends one line later
    at = before.index(b"\n\n", before.index(b"Subject: the second")) + 1
    rewritten = before[:at] + STATUS + before[at:]

    c = Pop3Pipe(st.conf)
    c.login(st.user, st.password)
    sizes, uidls = listing(c, "LIST"), listing(c, "UIDL")
    check_eq(sizes[b"1"], b"%d" % wire_size(MSG1), "LIST 1")

    with open(st.mailbox_path, "r+b") as f:       # in place: same inode
        f.seek(at)
        f.write(rewritten[at:])

    check_eq(c.cmd("RETR 2"), b"-ERR [SYS/TEMP] cannot read message 2\r\n",
             "RETR of the rewritten message")
    check_eq(c.cmd("TOP 2 0"), b"-ERR [SYS/TEMP] cannot read message 2\r\n",
             "TOP of the rewritten message")
    c.send("RETR 1\r\n")
    c.expect(b"+OK %d octets\r\n" % wire_size(MSG1) + wire_form(MSG1) +
             b".\r\n")
    check_eq(c.cmd("DELE 2"), b"+OK message 2 deleted\r\n", "DELE 2")
    check_eq(c.cmd("QUIT"), b"-ERR [SYS/TEMP] some deleted messages not "
             b"removed\r\n", "QUIT after the rewrite")
    c.expect_eof()
    c.wait()
    with open(st.mailbox_path, "rb") as f:
        check_eq(f.read(), rewritten, "the mbox after QUIT")
    with open(st.log, "rb") as f:
        log = f.read()
    check(re.search(rb"commit of mailbox .* failed: .* changed", log),
          "the log says why QUIT failed: %r" % log[-600:])

    # the next session: both messages, message 1 as before
    c = Pop3Pipe(st.conf)
    c.login(st.user, st.password)
    sizes2, uidls2 = listing(c, "LIST"), listing(c, "UIDL")
    check_eq(sorted(sizes2), [b"1", b"2"], "messages in the next session")
    check_eq(sizes2[b"1"], sizes[b"1"], "size of message 1")
    check_eq(uidls2[b"1"], uidls[b"1"], "UIDL of message 1")
    check_eq(sizes2[b"2"], b"%d" % (wire_size(MSG2) + len(STATUS) + 1),
             "size of message 2 with mutt's header")
    c.cmd("QUIT")


run(main)
