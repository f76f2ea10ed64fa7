"""expire = 0 (RFC 2449 section 6.7: EXPIRE 0), on mbox, Maildir and MH:
nothing retrieved is left on the server.  At QUIT every message sent by
RETR in the session goes, and so does every message stamped by an
earlier session, however recently; messages only listed or read with TOP
stay, unstamped, and so do messages never retrieved.  delete_expired is
implied.  Without QUIT nothing goes."""
from lifecycle import (FORMATS, Setup, TempDir, capa, check, check_eq, login,
                       message, now, quit, retr, run, stamps, subjects, top,
                       uidl_map)


def check_format(fmt):
    t = now()
    msgs = [message("retrieved"), message("previewed with TOP"),
            message("stamped a minute ago", t - 60), message("never touched"),
            message("retrieved, then RSET")]
    st = Setup(TempDir(), fmt=fmt, msgs=msgs,
               extra={"expire": "0", "delete_expired": "no"})

    conn, _ = login(st)
    check("EXPIRE 0" in capa(conn), fmt + ": CAPA says EXPIRE 0")
    retr(conn, 1)
    conn.close_input()
    conn.wait()
    check_eq(st.messages(), msgs, fmt + ": a dropped session deletes nothing")

    conn, _ = login(st)
    uidls = uidl_map(conn)
    retr(conn, 1)
    top(conn, 2, 3)
    retr(conn, 5)
    check_eq(conn.cmd("RSET")[:3], b"+OK", fmt + ": RSET")
    quit(conn)

    left = st.messages()
    check_eq(subjects(left), ["previewed with TOP", "never touched"],
             fmt + ": messages left")
    check_eq([stamps(m) for m in left], [[], []], fmt + ": nothing stamped")
    check_eq(left, [msgs[1], msgs[3]], fmt + ": the rest unchanged")
    conn, _ = login(st)
    check_eq(sorted(uidl_map(conn).values()), sorted([uidls[2], uidls[4]]),
             fmt + ": UIDLs of the messages left")
    quit(conn)


def main():
    for fmt in FORMATS:
        check_format(fmt)


run(main)
