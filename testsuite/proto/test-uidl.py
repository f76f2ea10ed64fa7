"""UIDL (RFC 1939 section 7): 1-70 printable characters, unique, the
same in every session, deleted messages left out, an X-UIDL header
honoured; for mbox, Maildir and MH."""
import re

from pop3test import *

MSGS = [
    b"Subject: a\n\nbody\n",
    b"Subject: a\n\nbody\n",            # identical twin: UIDLs still differ
    b"Subject: b\nX-UIDL: migrated-uid-42\n\nbody\n",
    b"",
]


def uidl_listing(c):
    c.send("UIDL\r\n")
    lines = c.read_multi().split(b"\r\n")
    check_eq(lines[0], b"+OK unique-id listing follows", "UIDL first line")
    check_eq(lines[-2:], [b".", b""], "UIDL end")
    out = {}
    for line in lines[1:-2]:
        m = re.fullmatch(rb"(\d+) ([\x21-\x7e]{1,70})", line)
        check(m, "UIDL line %r" % line)
        out[int(m.group(1))] = m.group(2)
    return out


def main():
    for fmt in FORMATS:
        st = Setup(TempDir(), fmt=fmt, msgs=MSGS)
        c = Pop3Pipe(st.conf)
        c.login(st.user, st.password)
        first = uidl_listing(c)
        check_eq(sorted(first), [1, 2, 3, 4], fmt + " numbers")
        check_eq(len(set(first.values())), 4, fmt + " UIDLs unique")
        # mail migrated from qpopper or Mailutils keeps its UIDLs; a
        # Maildir's UIDL is its file name's unique part (doc/uidl.md)
        if fmt != "maildir":
            check_eq(first[3], b"migrated-uid-42", fmt + " X-UIDL honoured")
        for n, uid in first.items():
            check_eq(c.cmd("UIDL %d" % n), b"+OK %d %s\r\n" % (n, uid),
                     fmt + " UIDL n")
        c.cmd("DELE 2")
        check_eq(c.cmd("UIDL 2"), b"-ERR message 2 is deleted\r\n",
                 "UIDL of a deleted message")
        second = uidl_listing(c)
        check_eq(second, {n: u for n, u in first.items() if n != 2},
                 fmt + " listing without the deleted message")
        check_eq(c.cmd("UIDL 5"), b"-ERR no such message\r\n", "UIDL 5")
        check_eq(c.cmd("UIDL x"), b"-ERR invalid message number\r\n", "UIDL x")
        c.cmd("RETR 1")
        c.read_multi()
        c.cmd("QUIT")
        # the next session: message 2 is gone, the others keep their UIDLs
        # (RETR and its seen flag change nothing)
        c = Pop3Pipe(st.conf)
        c.login(st.user, st.password)
        third = uidl_listing(c)
        check_eq(sorted(third.values()),
                 sorted(u for n, u in first.items() if n != 2),
                 fmt + " UIDLs across sessions")
        c.cmd("QUIT")


run(main)
