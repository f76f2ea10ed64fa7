"""telemetry_dir: a session that logs in again after a login the
transaction process refused ([IN-USE] here: another session holds the
mailbox) gets a second transcript file, PID.1, made afresh like the
first: no file is ever opened again by name, not even one of ours.  The
first, PID, ends with the refused login; PID.1 holds the whole session,
from the connection on."""
import os

from pop3test import *
from daemontest import *

IN_USE = b"-ERR [IN-USE] mailbox in use by another session\r\n"


def main():
    tmp = TempDir()
    tdir = tmp.join("telemetry")
    userdir = os.path.join(tdir, "alice")
    os.makedirs(userdir)
    st = Setup(tmp, msgs=[b"Subject: a\n\nbody\n"],
               extra={"telemetry_dir": tdir})

    holder = Pop3Pipe(st.conf)
    holder.login(st.user, st.password)

    c = Pop3Pipe(st.conf)
    c.cmd("USER alice")
    check_eq(c.cmd("PASS " + st.password), IN_USE, "refused while held")
    holder.cmd("QUIT")
    check_eq(holder.wait(), 0, "holder's exit status")
    c.login(st.user, st.password)
    check(c.cmd("STAT").startswith(b"+OK 1 "), "STAT")
    c.cmd("QUIT")
    check_eq(c.wait(), 0, "exit status")

    pid = str(c.proc.pid)
    check_eq(sorted(os.listdir(userdir)),
             sorted([str(holder.proc.pid), pid, pid + ".1"]),
             "one transcript per login")
    with open(os.path.join(userdir, pid)) as f:
        first = f.read()
    with open(os.path.join(userdir, pid + ".1")) as f:
        second = f.read()
    check("C: STAT" not in first, "the first ends with its login:\n" + first)
    for rec in ("*: connection from", "S: -ERR [IN-USE]", "C: STAT",
                "C: QUIT"):
        check(rec in second, "%r in the second:\n%s" % (rec, second))
    check("telemetry: %s exists (an earlier login of this session?); "
          "trying the next name" % os.path.join(userdir, pid)
          in read_log(st.log), "logged:\n" + read_log(st.log)[-3000:])


run(main)
