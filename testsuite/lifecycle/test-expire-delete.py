"""expire = 5 with delete_expired, on mbox, Maildir and MH with planted
X-Expire-Timestamp headers: at QUIT exactly the messages stamped at least
5 days before go (GNU Mailutils' rule: now >= stamp + 5 days); fresh,
unstamped and unreadable stamps stay, and so does a message retrieved in
this session (stamped now).  The UIDLs of the rest do not change.  STAT
at login still counts them all, and a session without QUIT deletes
nothing.  With delete_expired = no the same mailbox loses nothing."""
import os

from lifecycle import (DAY, FORMATS, Setup, TempDir, check, check_eq, login,
                       message, now, quit, retr, run, stamps, stat, subjects,
                       uidl_map)


def fixture(t):
    """(message, expired?) pairs."""
    return [
        (message("stamped 6 days ago", t - 6 * DAY), True),
        (message("never retrieved"), False),
        (message("stamped an hour ago", t - 3600), False),
        (message("stamped exactly 5 days ago", t - 5 * DAY), True),
        (message("4 days 23 hours", t - 5 * DAY + 3600), False),
        (message("stamped a year ago", t - 365 * DAY), True),
        (message("unreadable stamp", b"yesterday"), False),
        (message("stamped in the future", t + DAY), False),
        (message("retrieved now"), False),
        (message("last, 60 days", t - 60 * DAY,
                 body=b"From here\n.\n>From there\n"), True),
    ]


def check_format(fmt):
    pairs = fixture(now())
    msgs = [m for m, _ in pairs]
    kept = [m for m, expired in pairs if not expired]
    st = Setup(TempDir(), fmt=fmt, msgs=msgs,
               extra={"expire": "5", "delete_expired": "yes"})

    conn, _ = login(st)
    check_eq(stat(conn)[0], len(msgs), fmt + ": STAT before QUIT")
    conn.close_input()
    conn.wait()
    check_eq(st.messages(), msgs, fmt + ": a dropped session deletes nothing")

    conn, _ = login(st)
    uidls = uidl_map(conn)
    retr(conn, 9)
    quit(conn)

    left = st.messages()
    check_eq(subjects(left), subjects(kept), fmt + ": messages left")
    retrieved = left[subjects(kept).index("retrieved now")]
    check_eq(len(stamps(retrieved)), 1, fmt + ": the retrieved one is stamped")
    for m in left:
        if m is not retrieved:
            check(m in kept, fmt + ": a kept message changed")
    conn, _ = login(st)
    check_eq(sorted(uidl_map(conn).values()),
             sorted(uidls[i + 1] for i, (_, e) in enumerate(pairs) if not e),
             fmt + ": UIDLs of the messages left")
    quit(conn)


def check_no_delete(fmt):
    pairs = fixture(now())
    msgs = [m for m, _ in pairs]
    st = Setup(TempDir(), fmt=fmt, msgs=msgs,
               extra={"expire": "5", "delete_expired": "no"})
    conn, _ = login(st)
    quit(conn)
    check_eq(st.messages(), msgs, fmt + ": delete_expired = no")


def check_maildir_named_sizes():
    """Dovecot names a Maildir file with ,S=<size>,W=<CRLF size>; pop3d
    then takes the size from the name and does not read the file at
    open.  Its stamp is read at QUIT instead."""
    t = now()
    tmp = TempDir()
    st = Setup(tmp, fmt="maildir", msgs=[],
               extra={"expire": "5", "delete_expired": "yes"})
    cur = os.path.join(st.mailbox_path, "cur")
    msgs = [message("dovecot, old", t - 9 * DAY),
            message("dovecot, fresh", t - DAY),
            message("dovecot, never retrieved")]
    for i, m in enumerate(msgs):
        wsize = len(m.replace(b"\n", b"\r\n"))
        name = "%d.M%dP1.host,S=%d,W=%d:2,S" % (1700000000 + i, i, len(m),
                                                 wsize)
        with open(os.path.join(cur, name), "wb") as f:
            f.write(m)
    conn, _ = login(st)
    check_eq(stat(conn)[0], 3, "maildir W=: STAT")
    quit(conn)
    check_eq(subjects(st.messages()), ["dovecot, fresh",
                                       "dovecot, never retrieved"],
             "maildir W=: messages left")


def main():
    for fmt in FORMATS:
        check_format(fmt)
        check_no_delete(fmt)
    check_maildir_named_sizes()


run(main)
