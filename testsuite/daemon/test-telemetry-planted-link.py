"""telemetry_dir: the transcript file is always a new one.  pop3d makes
it as root (before the transaction process gives root up) in
telemetry_dir/USER, which an administrator may have let USER write; so a
hard link or a symlink planted at telemetry_dir/USER/PID, pointing at a
file of root's, is never written through: the transcript goes to the
next free name, PID.1, and the log says why.

PID is the session's, the pid of the process inetd starts (the monitor
of doc/privsep.md): the wrapper of planted_pipe plants the link for its
own pid, then execs pop3d -i."""
import os
import re

from pop3test import *
from daemontest import *

VICTIM_TEXT = b"root's own file: not for transcripts\n"


def main():
    tmp = TempDir()
    tdir = tmp.join("telemetry")
    userdir = os.path.join(tdir, "alice")
    os.makedirs(userdir)
    victim = tmp.join("victim")
    with open(victim, "wb") as f:
        f.write(VICTIM_TEXT)
    os.chmod(victim, 0o600)
    st = Setup(tmp, msgs=[b"Subject: a\n\nbody\n"],
               extra={"telemetry_dir": tdir})

    for kind, what in (("hardlink", "a file with other links"),
                       ("symlink", "a symlink")):
        c = planted_pipe(st.conf, os.path.join(userdir, "{pid}"), kind,
                         victim)
        c.login(st.user, st.password)
        check(c.cmd("STAT").startswith(b"+OK 1 "), kind + ": STAT")
        c.cmd("QUIT")
        check_eq(c.wait(), 0, kind + ": exit status")

        with open(victim, "rb") as f:
            check_eq(f.read(), VICTIM_TEXT, kind + ": victim untouched")
        planted = os.path.join(userdir, str(c.proc.pid))
        if kind == "hardlink":
            check(os.path.samefile(planted, victim), "the link stays")
        else:
            check_eq(os.readlink(planted), victim, "the symlink stays")
        fresh = planted + ".1"
        check(os.path.isfile(fresh) and not os.path.islink(fresh),
              "%s: transcript in %s; have %r"
              % (kind, fresh, sorted(os.listdir(userdir))))
        s = os.lstat(fresh)
        check_eq((s.st_nlink, s.st_uid, s.st_mode & 0o777),
                 (1, os.geteuid(), 0o600), kind + ": a new file of ours")
        with open(fresh) as f:
            text = f.read()
        check("C: STAT" in text and "C: QUIT" in text,
              kind + ": the whole session in the transcript:\n" + text)
        check(re.search(r"telemetry: %s exists and is not a transcript of "
                        r"ours \(%s\); not written"
                        % (re.escape(planted), what), read_log(st.log)),
              kind + ": logged:\n" + read_log(st.log)[-3000:])


run(main)
