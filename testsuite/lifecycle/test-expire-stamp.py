"""expire = 5 (no delete_expired), on mbox, Maildir and MH: at QUIT each
message sent by RETR gets X-Expire-Timestamp: <the time of QUIT>; one
read only with TOP does not; one already stamped keeps its first stamp
(and only one); nothing is deleted.  The UIDLs stay the same, the next
session's sizes count the new header, and a session that ends without
QUIT stamps nothing."""
from lifecycle import (FORMATS, Setup, TempDir, check, check_eq, login,
                       message, now, quit, retr, run, stamps, stat, subjects,
                       top, uidl_map, wire_size)


def check_format(fmt):
    msgs = [message("retrieved"), message("previewed with TOP"),
            message("retrieved, stamped before", 1600000000),
            message("untouched"), message("retrieved twice")]
    st = Setup(TempDir(), fmt=fmt, msgs=msgs, extra={"expire": "5"})

    # a dropped connection stamps nothing
    conn, _ = login(st)
    retr(conn, 1)
    conn.close_input()
    conn.wait()
    check_eq(st.messages(), msgs, fmt + ": after a dropped session")

    conn, _ = login(st)
    uidls = uidl_map(conn)
    check_eq(retr(conn, 1).count(b"X-Expire-Timestamp"), 0,
             fmt + ": no stamp while the session lasts")
    top(conn, 2, 1)
    retr(conn, 3)
    retr(conn, 5)
    retr(conn, 5)
    before = now()
    quit(conn)
    after = now()

    left = st.messages()
    check_eq(subjects(left), subjects(msgs), fmt + ": nothing deleted")
    for i in (0, 4):
        s = stamps(left[i])
        check(len(s) == 1 and before <= s[0] <= after,
              "%s: message %d stamped at QUIT: %r" % (fmt, i + 1, s))
    check_eq(left[1], msgs[1], fmt + ": TOP does not stamp")
    check_eq(stamps(left[2]), [1600000000], fmt + ": the first stamp stays")
    check_eq(left[2], msgs[2], fmt + ": a stamped message is not rewritten")
    check_eq(left[3], msgs[3], fmt + ": untouched message")

    conn, _ = login(st)
    check_eq(uidl_map(conn), uidls, fmt + ": UIDLs after stamping")
    check_eq(stat(conn), (len(left), sum(wire_size(m) for m in left)),
             fmt + ": STAT counts the new headers")
    retr(conn, 1)
    quit(conn)
    check_eq(st.messages(), left, fmt + ": a second RETR keeps the stamp")


def main():
    for fmt in FORMATS:
        check_format(fmt)


run(main)
