"""contrib/logrotate.d/pop3d: `logrotate -d` reads it without a
complaint, and a real rotation by logrotate, with the file's paths
pointed into a temporary directory, moves pop3d.log aside and has the
running daemon (pop3d -d, found through its pid file) reopen it: the
SIGHUP line and the next session are in the new file, the old lines in
pop3d.log.1."""
import os
import re
import shutil
import subprocess

from pop3test import *
from daemontest import *

CONF = os.path.join(top_srcdir, "contrib", "logrotate.d", "pop3d")


def logrotate(exe, args):
    r = subprocess.run([exe] + args, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=60)
    return r.returncode, r.stdout.decode(errors="replace")


def main():
    exe = shutil.which("logrotate") or "/usr/sbin/logrotate"
    check(os.path.exists(exe), "logrotate is installed "
          "(scripts/install-deps.sh)")
    tmp = TempDir()
    with open(CONF) as f:
        text = f.read()
    check("/var/log/pop3d.log {" in text, "the file rotates "
          "/var/log/pop3d.log")
    check("/run/pop3d.pid" in text, "the file signals through "
          "/run/pop3d.pid")

    # as it is installed: logrotate parses it (-d changes nothing)
    rc, out = logrotate(exe, ["-d", "-s", tmp.join("state-d"), CONF])
    check_eq(rc, 0, "logrotate -d status; output:\n%s" % out)
    check(not re.search(r"^error:", out, re.M), "logrotate -d: no "
          "error:\n%s" % out)

    # a real rotation, on a copy that names our log and pid file
    st = Setup(tmp, msgs=[b"Subject: x\n\nbody\n"],
               extra={"pop3_log_level": "5"})
    pidfile = tmp.join("pop3d.pid")
    conf = tmp.join("logrotate.conf")
    copy = text.replace("/var/log/pop3d.log", st.log) \
               .replace("/run/pop3d.pid", pidfile)
    if os.getuid() != 0:
        # logrotate can give the new file only the owner it runs as
        copy = copy.replace("create 0640 root adm", "create 0640")
    with open(conf, "w") as f:
        f.write(copy)
    d = Pop3Daemon(st).start()
    # what pid_file would hold: written here, so that this test needs no
    # more of pop3d than SIGHUP
    with open(pidfile, "w") as f:
        f.write("%d\n" % d.proc.pid)
    c = d.connect()
    c.login(st.user, st.password)
    c.cmd("QUIT")
    wait_log(st.log, r"session end: user=alice ")

    rc, out = logrotate(exe, ["-v", "-f", "-s", tmp.join("state"), conf])
    check_eq(rc, 0, "logrotate status; output:\n%s" % out)
    old = st.log + ".1"
    check(os.path.exists(old), "pop3d.log.1 (delaycompress: not yet "
          "compressed); output:\n%s" % out)
    check("session end: user=alice" in read_log(old),
          "the first session is in pop3d.log.1")
    if os.getuid() == 0:
        s = os.stat(st.log)
        check_eq(oct(s.st_mode & 0o777), oct(0o640), "the new file's mode")
    wait_log(st.log, r"SIGHUP: configuration re-read")
    c = d.connect()
    c.login(st.user, st.password)
    c.cmd("QUIT")
    wait_log(st.log, r"session end: user=alice ")
    check("SIGHUP" not in read_log(old), "nothing more went to the old "
          "file")
    check_eq(d.stop(), 0, "exit status")


run(main)
