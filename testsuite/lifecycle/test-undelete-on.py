"""undelete = yes, on mbox, Maildir and MH: the deletion marks other
programs left are cleared from the storage at login, before anything is
listed, and committed at once (so they stay cleared when the session
ends without QUIT).  mbox and MH: the mark letter becomes a space in
place, nothing else in the file moves; Maildir: the file loses its T
flag.  Every message is then served, with the UIDL it had."""
from lifecycle import (FORMATS, Setup, TempDir, check, check_eq, login,
                       make_marked_mailbox, maildir_names, probe_uidls, quit,
                       retr, run, stat, subjects, uidl_map)


def unmarked(msg):
    """What clearing does to a header: d in Status, D in X-Status, each
    become a space."""
    head, sep, body = msg.partition(b"\n\n")
    lines = []
    for line in head.split(b"\n"):
        if line.startswith(b"Status:"):
            line = b"Status:" + line[7:].replace(b"d", b" ")
        elif line.startswith(b"X-Status:"):
            line = b"X-Status:" + line[9:].replace(b"D", b" ")
        lines.append(line)
    return b"\n".join(lines) + sep + body


def check_format(fmt):
    st = Setup(TempDir(), fmt=fmt, extra={"undelete": "yes"})
    url, rows = make_marked_mailbox(fmt, st.mailbox_path)
    before = st.messages()
    uidls = probe_uidls(url)
    if fmt == "maildir":
        names = maildir_names(st.mailbox_path)
        check(sum("T" in n.split(":")[1] for n in names) >= 2,
              "maildir: the fixture has T flags")

    conn, reply = login(st)
    check(b" %d message" % len(rows) in reply,
          fmt + ": PASS reply counts every message: %r" % reply)
    # committed at login: visible while the session is still open
    if fmt == "maildir":
        want = [n.split(":")[0] + ":2," + n.split(":2,")[1].replace("T", "")
                for n in names]
        check_eq(maildir_names(st.mailbox_path), sorted(want),
                 "maildir: T flags dropped, other flags kept")
        check_eq(st.messages(), before, "maildir: contents unchanged")
    else:
        check_eq(st.messages(), [unmarked(m) for m in before],
                 fmt + ": marks cleared in place")
    check_eq(stat(conn)[0], len(rows), fmt + ": STAT")
    check_eq(uidl_map(conn), {i + 1: u for i, u in enumerate(uidls)},
             fmt + ": UIDLs unchanged")
    retr(conn, 2)
    conn.close_input()
    conn.wait()

    cleared = st.messages()
    check_eq(subjects(cleared), [s for s, _ in rows],
             fmt + ": every message kept")
    conn, _ = login(st)
    check_eq(stat(conn)[0], len(rows), fmt + ": STAT in the next session")
    quit(conn)
    check_eq(st.messages(), cleared, fmt + ": nothing more to clear")
    check_eq(probe_uidls(url), uidls, fmt + ": UIDLs after the sessions")


def main():
    for fmt in FORMATS:
        check_format(fmt)


run(main)
