"""UIDL stays unique when a "-N" the tie-breaker would make is another
message's own UIDL: X-UIDL headers abc, abc, abc-2, abc-3 are listed as
abc, abc~2, abc-2, abc-3 (doc/uidl.md, "Unique in the mailbox"), the
same in the next session, and unchanged when more mail is delivered at
the end; for mbox, Maildir and MH."""
import os
import re

from pop3test import *

MSGS = [
    b"X-UIDL: abc\nSubject: one\n\nfirst\n",
    b"X-UIDL: abc\nSubject: two\n\nsecond, the same X-UIDL\n",
    b"X-UIDL: abc-2\nSubject: three\n\nthird\n",
    b"X-UIDL: abc-3\nSubject: four\n\nfourth\n",
]
WANT = {1: b"abc", 2: b"abc~2", 3: b"abc-2", 4: b"abc-3"}

# delivered later: a third copy of abc (its "-3" is taken: "~3"), and a
# header that carries on the "-N" series of the others
LATER = [
    b"X-UIDL: abc\nSubject: five\n\nthird copy\n",
    b"X-UIDL: abc-4\nSubject: six\n\nsixth\n",
]
WANT_LATER = {**WANT, 5: b"abc~3", 6: b"abc-4"}


def deliver(st, msgs, first):
    """Add msgs at the end of the mailbox as a delivery agent would,
    named and dated like pop3test's make_* (message numbers from first)."""
    for i, msg in enumerate(msgs, first):
        if st.fmt == "mbox":
            with open(st.mailbox_path, "ab") as f:
                f.write(b"From sender%d@example.org Mon Jan  1 00:00:%02d "
                        b"2024\n" % (i, i % 60) + msg + b"\n")
        elif st.fmt == "maildir":
            name = "%d.M%06dP%d.pop3test" % (1700000000 + i, i, os.getpid())
            with open(os.path.join(st.mailbox_path, "new", name), "wb") as f:
                f.write(msg)
        else:
            with open(os.path.join(st.mailbox_path, str(i + 1)), "wb") as f:
                f.write(msg)


def session_uidls(st):
    c = Pop3Pipe(st.conf)
    c.login(st.user, st.password)
    c.send("UIDL\r\n")
    lines = c.read_multi().split(b"\r\n")
    check_eq(lines[0], b"+OK unique-id listing follows", "UIDL first line")
    check_eq(lines[-2:], [b".", b""], "UIDL end")
    out = {}
    for line in lines[1:-2]:
        m = re.fullmatch(rb"(\d+) ([\x21-\x7e]{1,70})", line)
        check(m, "UIDL line %r" % line)
        out[int(m.group(1))] = m.group(2)
    for n, uid in out.items():
        check_eq(c.cmd("UIDL %d" % n), b"+OK %d %s\r\n" % (n, uid),
                 "UIDL %d" % n)
    c.cmd("QUIT")
    return out


def main():
    for fmt in FORMATS:
        st = Setup(TempDir(), fmt=fmt, msgs=MSGS)
        first = session_uidls(st)
        check_eq(first, WANT, fmt + ": abc, abc, abc-2, abc-3")
        check_eq(session_uidls(st), first, fmt + ": the next session")
        deliver(st, LATER, len(MSGS))
        later = session_uidls(st)
        check_eq(later, WANT_LATER, fmt + ": after two more deliveries")
        check_eq(len(set(later.values())), len(later), fmt + ": unique")


run(main)
