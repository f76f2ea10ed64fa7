"""undelete = no: a message that carries a deletion mark when the session
starts is not numbered at all (RFC 1939 section 5: the messages are
numbered 1..STAT without gaps, so a client that fetches 1..STAT gets
every message).  Maildir 8001:2,S, 8002:2,ST, 8003:2,S (and the same with
a "Status: d" header in mbox and MH) give STAT 2, LIST 1 and 2, RETR 2 =
the third mail; the marked one stays out of every command, and the QUIT
that commits removes it as before."""
import os

from lifecycle import (FORMATS, Setup, TempDir, check, check_eq, login,
                       make_mailbox, message, quit, retr, run, stat, subjects,
                       top, uidl_map, wire_size)
from pop3test import wire_form


def make(fmt, path):
    msgs = [message("first"), message("marked", extra=b"Status: ROd\n"),
            message("third")]
    if fmt != "maildir":
        make_mailbox(fmt, path, msgs)
        return msgs
    for d in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(path, d), exist_ok=True)
    for name, msg in zip(("8001:2,S", "8002:2,ST", "8003:2,S"), msgs):
        with open(os.path.join(path, "cur", name), "wb") as f:
            # the header is text in a Maildir: the T flag is the mark
            f.write(msg.replace(b"Status: ROd\n", b""))
    return [m.replace(b"Status: ROd\n", b"") for m in msgs]


def check_format(fmt):
    st = Setup(TempDir(), fmt=fmt)
    msgs = make(fmt, st.mailbox_path)
    shown = [msgs[0], msgs[2]]
    sizes = [wire_size(m) for m in shown]

    conn, reply = login(st)
    check(b" 2 messages" in reply, fmt + ": PASS reply: %r" % reply)
    check_eq(stat(conn), (2, sum(sizes)), fmt + ": STAT")
    conn.send("LIST\r\n")
    conn.expect(b"+OK 2 messages (%d octets)\r\n1 %d\r\n2 %d\r\n.\r\n"
                % (sum(sizes), sizes[0], sizes[1]))
    check_eq(sorted(uidl_map(conn)), [1, 2], fmt + ": UIDL numbers")
    # a client that fetches 1..STAT gets every message
    for n in (1, 2):
        check_eq(retr(conn, n), wire_form(shown[n - 1]) + b".\r\n",
                 "%s: RETR %d" % (fmt, n))
    check(top(conn, 2, 0).startswith(b"From: "), fmt + ": TOP 2")
    for cmd in ("RETR 3", "TOP 3 0", "DELE 3", "LIST 3", "UIDL 3"):
        check_eq(conn.cmd(cmd), b"-ERR no such message\r\n",
                 "%s: %s" % (fmt, cmd))
    check_eq(conn.cmd("DELE 2")[:3], b"+OK", fmt + ": DELE 2")
    check_eq(conn.cmd("RSET")[:3], b"+OK", fmt + ": RSET")
    check_eq(stat(conn)[0], 2, fmt + ": STAT after RSET")
    check_eq(conn.cmd("DELE 2")[:3], b"+OK", fmt + ": DELE 2 again")
    quit(conn)
    # DELE 2 removed the third mail; the QUIT removed the marked one
    check_eq(subjects(st.messages()), ["first"], fmt + ": left after QUIT")


def main():
    for fmt in FORMATS:
        check_format(fmt)


run(main)
