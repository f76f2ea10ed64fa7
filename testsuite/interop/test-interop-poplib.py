#!/usr/bin/env python3
"""Python's poplib reads byte-exact mail from mbox, Maildir and MH through
pop3d -d: STAT, LIST, UIDL, RETR, TOP agree with the fixture; DELE + QUIT
removes exactly the marked messages, and the next session sees the rest
with the same UIDLs.  USER/PASS and APOP both log in."""

import poplib

from interop import (FORMATS, MESSAGES, Server, canonical, check_messages,
                     top_canonical)
from pop3test import TempDir, check, check_eq, run, wire_size

# poplib refuses lines over 2048 octets; RFC 1939 puts no limit on message
# lines and the fixture has a 70000-octet one.
poplib._MAXLINE = 1 << 20


def connect(srv, fmt, apop=False):
    user, password = srv.account(fmt)
    p = poplib.POP3("127.0.0.1", srv.port, timeout=20)
    check(b"interop.test" in p.getwelcome(), "greeting names host_id")
    if apop:
        check_eq(p.apop(user, password)[:3], b"+OK", "APOP reply")
    else:
        p.user(user)
        check_eq(p.pass_(password)[:3], b"+OK", "PASS reply")
    return p


def listing(lines):
    """{msgno: value} from 'n value' lines of LIST or UIDL."""
    out = {}
    for line in lines:
        n, value = line.split(b" ", 1)
        out[int(n)] = value
    return out


def retr(p, n):
    resp, lines, octets = p.retr(n)
    check_eq(resp[:3], b"+OK", "RETR %d reply" % n)
    return b"".join(line + b"\n" for line in lines), octets


def check_format(srv, fmt):
    msgs = MESSAGES
    want = [canonical(m) for m in msgs]
    sizes = [wire_size(m) for m in msgs]

    p = connect(srv, fmt)
    check_eq(p.stat(), (len(msgs), sum(sizes)), fmt + ": STAT")
    resp, lines, _ = p.list()
    check_eq(listing(lines), {i + 1: b"%d" % s for i, s in enumerate(sizes)},
             fmt + ": LIST")
    check_eq(p.list(3).split()[1:], [b"3", b"%d" % sizes[2]], fmt + ": LIST 3")
    resp, lines, _ = p.uidl()
    uids = listing(lines)
    check_eq(sorted(uids), list(range(1, len(msgs) + 1)), fmt + ": UIDL numbers")
    check_eq(len(set(uids.values())), len(msgs), fmt + ": UIDLs are unique")
    for uid in uids.values():
        check(1 <= len(uid) <= 70 and all(0x21 <= c <= 0x7e for c in uid),
              "%s: UIDL %r is 1-70 printable characters" % (fmt, uid))

    got = []
    for i in range(len(msgs)):
        text, octets = retr(p, i + 1)
        got.append(text)
        check_eq(octets, sizes[i], "%s: octets of RETR %d" % (fmt, i + 1))
    check_messages(got, want, fmt + ": RETR")

    for i, msg in enumerate(msgs):
        for n in (0, 2):
            resp, lines, _ = p.top(i + 1, n)
            check_messages([b"".join(line + b"\n" for line in lines)],
                           [top_canonical(msg, n)],
                           "%s: TOP %d %d" % (fmt, i + 1, n))

    # Delete the first, a middle and the last message.
    gone = [1, 5, len(msgs)]
    for n in gone:
        check_eq(p.dele(n)[:3], b"+OK", "%s: DELE %d" % (fmt, n))
    check_eq(p.quit()[:3], b"+OK", fmt + ": QUIT")

    kept = [i for i in range(1, len(msgs) + 1) if i not in gone]
    p = connect(srv, fmt, apop=True)
    check_eq(p.stat(), (len(kept), sum(sizes[i - 1] for i in kept)),
             fmt + ": STAT after DELE")
    resp, lines, _ = p.uidl()
    check_eq(list(listing(lines).values()), [uids[i] for i in kept],
             fmt + ": UIDLs of the kept messages")
    got = [retr(p, n)[0] for n in range(1, len(kept) + 1)]
    check_messages(got, [want[i - 1] for i in kept], fmt + ": RETR after DELE")
    check_eq(p.quit()[:3], b"+OK", fmt + ": second QUIT")

    check_messages(srv.stored(fmt), [want[i - 1] for i in kept],
                   fmt + ": messages left in the mailbox")


def main():
    tmp = TempDir()
    with Server(tmp) as srv:
        for fmt in FORMATS:
            check_format(srv, fmt)


run(main)
