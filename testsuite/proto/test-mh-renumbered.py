"""An MH folder changed by MH tools in the middle of a POP3 session: rmm 3
(3 becomes ",3"), inc delivers a new mail as 3, sortm swaps 1 and 2 (of
the same size).  Each message of the session stays the message it was
when listed: RETR 1 sends the first mail (now file 2), RETR 3 is an -ERR
and the session goes on, DELE 3 + QUIT touches neither the new 3 nor
rmm's backup of the old one, and the log says what happened."""
import os

from pop3test import *

ONE = b"Subject: one\n\nfirst\n"
TWO = b"Subject: two\n\nsecnd\n"          # the size of ONE
THREE = b"Subject: three\n\nthird mail\n"
NEW = b"Subject: new\n\ndelivered by inc as 3\n"


def main():
    st = Setup(TempDir(), fmt="mh", msgs=[ONE, TWO, THREE])
    folder = st.mailbox_path
    c = Pop3Pipe(st.conf)
    c.login(st.user, st.password)
    check_eq(c.cmd("STAT"), b"+OK 3 %d\r\n" % sum(map(wire_size,
                                                      (ONE, TWO, THREE))),
             "STAT")

    def path(name):
        return os.path.join(folder, name)

    os.rename(path("3"), path(",3"))                    # rmm 3
    with open(path("3"), "wb") as f:                    # inc
        f.write(NEW)
    os.rename(path("1"), path(".sortm"))                # sortm
    os.rename(path("2"), path("1"))
    os.rename(path(".sortm"), path("2"))

    check_eq(c.cmd("RETR 1"), b"+OK %d octets\r\n" % wire_size(ONE), "RETR 1")
    check_eq(c.read_multi(), wire_form(ONE) + b".\r\n", "RETR 1 sends the "
             "first mail")
    check_eq(c.cmd("RETR 2"), b"+OK %d octets\r\n" % wire_size(TWO), "RETR 2")
    check_eq(c.read_multi(), wire_form(TWO) + b".\r\n", "RETR 2")
    check(c.cmd("RETR 3").startswith(b"-ERR "), "RETR 3 of a removed mail")
    check(c.cmd("TOP 3 0").startswith(b"-ERR "), "TOP 3 of a removed mail")
    check(c.cmd("NOOP").startswith(b"+OK"), "the session goes on")
    check_eq(c.cmd("DELE 3"), b"+OK message 3 deleted\r\n", "DELE 3")
    check(c.cmd("QUIT").startswith(b"+OK"), "QUIT")
    check_eq(c.wait(), 0, "exit status")

    def data(name):
        with open(path(name), "rb") as f:
            return f.read()
    check_eq(data("1"), TWO, "1 (the second mail, renumbered)")
    check_eq(data("2"), ONE, "2 (the first mail, renumbered)")
    check_eq(data("3"), NEW, "the new mail inc delivered as 3")
    check_eq(data(",3"), THREE, "rmm's backup of the old 3")
    check_eq(sorted(n for n in os.listdir(folder) if n.startswith(",")),
             [",3"], "backups")
    log = open(st.log, errors="replace").read()
    check("RETR 3: cannot read message: message 3 of %s is gone" % folder
          in log, "the log says why RETR 3 failed:\n" + log)


run(main)
