"""telemetry_dir: a FIFO planted at telemetry_dir/USER/PID (a user allowed
to write that directory can make one) is neither opened nor waited on:
the login is answered at once, the session runs its course, and the
transcript goes to a new file, PID.1.  Opening the FIFO for writing would
hold the transaction process, and with it the monitor and the client's
PASS, until someone read the FIFO.

PID is the session's, the pid of the process inetd starts: the wrapper
of planted_pipe makes the FIFO for its own pid, then execs pop3d -i."""
import os
import re
import stat
import time

from pop3test import *
from daemontest import *


def main():
    tmp = TempDir()
    tdir = tmp.join("telemetry")
    userdir = os.path.join(tdir, "alice")
    os.makedirs(userdir)
    st = Setup(tmp, msgs=[b"Subject: a\n\nbody\n"],
               extra={"telemetry_dir": tdir})

    c = planted_pipe(st.conf, os.path.join(userdir, "{pid}"), "fifo")
    fifo = os.path.join(userdir, str(c.proc.pid))
    check_eq(c.cmd("USER alice"), b"+OK send PASS\r\n", "USER")
    t0 = time.monotonic()
    reply = c.cmd("PASS " + st.password, timeout=5)
    check(reply.startswith(b"+OK alice has 1"), "PASS: %r" % reply)
    check(time.monotonic() - t0 < 5, "login answered promptly")
    check(c.cmd("STAT").startswith(b"+OK 1 "), "STAT")
    c.cmd("QUIT")
    check_eq(c.wait(5), 0, "exit status")

    check(stat.S_ISFIFO(os.lstat(fifo).st_mode), "the FIFO stays a FIFO")
    fresh = fifo + ".1"
    check(os.path.isfile(fresh), "transcript in %s; have %r"
          % (fresh, sorted(os.listdir(userdir))))
    with open(fresh) as f:
        text = f.read()
    check("C: STAT" in text and "C: QUIT" in text,
          "the whole session in the transcript:\n" + text)
    check(re.search(r"telemetry: %s exists and is not a transcript of ours "
                    r"\(a FIFO\); not written" % re.escape(fifo),
                    read_log(st.log)), "logged:\n" + read_log(st.log)[-3000:])


run(main, timeout=60)
