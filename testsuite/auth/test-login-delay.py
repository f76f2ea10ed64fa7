"""LOGIN-DELAY (RFC 2449 section 6.5, login_delay): advertised in CAPA as
"LOGIN-DELAY n"; a login too soon after the last one gets
-ERR [LOGIN-DELAY] after a correct password (a wrong one still gets
[AUTH]), saying the interval and what is left of it; the time is recorded at login, not at QUIT; refused attempts
do not restart the interval; it follows the mailbox user through an
impersonation; and it holds across connections and processes (the stat
file, made mode 0600 in a directory made mode 0700)."""
import re
import stat
import time

from pop3test import *
from authtest import *

DELAY = 3


def login(conf, user, password):
    c = Pop3Pipe(conf)
    c.cmd("USER " + user)
    return c, c.cmd("PASS " + password)


def main():
    tmp = TempDir()
    statdir = tmp.join("var", "pop3d")
    os.makedirs(tmp.join("var"))
    st = Setup(tmp, msgs=[], extra={
        "login_delay": "%ds" % DELAY,
        "stat_file": os.path.join(statdir, "login.db"),
        "impersonation_users": "admin"})
    st.add_user("admin", "admin-pw")

    c = Pop3Pipe(st.conf)
    c.send("CAPA\r\n")
    check(b"\r\nLOGIN-DELAY %d\r\n" % DELAY in c.read_multi(),
          "CAPA: LOGIN-DELAY n")
    c.cmd("QUIT")

    # first login at t0, held open past the delay, QUIT after it
    t0 = time.monotonic()
    first, r = login(st.conf, "alice", "secret")
    check(r.startswith(b"+OK alice"), "first login")
    check_eq(stat.S_IMODE(os.stat(statdir).st_mode), 0o700,
             "stat directory mode")
    check_eq(stat.S_IMODE(os.stat(st.settings["stat_file"]).st_mode), 0o600,
             "stat file mode")

    # too soon: refused after the right password only
    c, r = login(st.conf, "alice", "wrong")
    check_eq(r, b"-ERR [AUTH] invalid user name or password\r\n",
             "a wrong password is still [AUTH]")
    c.cmd("QUIT")
    c, r = login(st.conf, "alice", "secret")
    # RFC 2449 section 8.1.2: the interval, and what is left of it
    m = re.match(rb"-ERR \[LOGIN-DELAY\] logins are allowed every %d "
                 rb"seconds; try again in (\d+) seconds\r\n$" % DELAY, r)
    check(m is not None and 1 <= int(m.group(1)) <= DELAY,
          "too soon, with the interval and the wait: %r" % r)
    check_eq(c.cmd("STAT"), b"-ERR command not valid in this state\r\n",
             "still in AUTHORIZATION")
    c.cmd("QUIT")
    # impersonation: the delay is the mailbox user's
    c, r = login(st.conf, "admin!alice", "admin-pw")
    check(r.startswith(b"-ERR [LOGIN-DELAY] "), "admin!alice too soon")
    c.cmd("QUIT")
    # another user is not delayed
    c, r = login(st.conf, "admin", "admin-pw")
    check(r.startswith(b"+OK admin"), "admin is not alice")
    c.cmd("QUIT")

    # refusals keep coming up to just before t0 + DELAY ...
    while time.monotonic() - t0 < DELAY - 0.7:
        c, r = login(st.conf, "alice", "secret")
        check(r.startswith(b"-ERR [LOGIN-DELAY]"), "refused again")
        c.cmd("QUIT")
        time.sleep(0.2)
    time.sleep(max(0, DELAY + 0.3 - (time.monotonic() - t0)))
    first.cmd("QUIT")
    first.wait()
    # ... and do not move the next allowed login; nor did holding the
    # first session open past the delay (recorded at login, not QUIT)
    c, r = login(st.conf, "alice", "secret")
    check(r.startswith(b"+OK alice"), "allowed DELAY after the first "
          "login, whatever happened meanwhile: %r" % r)
    c.cmd("QUIT")
    c, r = login(st.conf, "alice", "secret")
    check(r.startswith(b"-ERR [LOGIN-DELAY]"), "and that login counts")
    c.cmd("QUIT")


run(main)
