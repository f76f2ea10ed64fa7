"""The fail2ban filter of doc/fail2ban.md, run by the real fail2ban-regex
over the log of real failed logins: it finds the client address of each
failure (IPv4, IPv6), never a successful login, and a command line
crafted to look like another client's failure does not fool it."""
import os
import re
import shutil
import subprocess

from pop3test import *
from daemontest import *


def documented_filter():
    with open(os.path.join(top_srcdir, "doc", "fail2ban.md")) as f:
        text = f.read()
    m = re.search(r"```\n(\[Definition\]\nfailregex = .*?)```", text, re.S)
    check(m, "doc/fail2ban.md has the filter")
    return m[1]


def main():
    exe = shutil.which("fail2ban-regex")
    check(exe, "fail2ban-regex is installed (scripts/install-deps.sh)")
    tmp = TempDir()
    st = Setup(tmp, msgs=[], apop=True, extra={"pop3_cmd_debug": "2"})
    d = Pop3Daemon(st, addr="::").start()

    c = Pop3Socket("127.0.0.1", d.port)
    c.cmd("USER alice")
    c.cmd("PASS wrong")
    # pop3_cmd_debug logs this whole line: the forged address comes
    # after the real prefix, which the filter always meets first
    c.cmd('NOSUCH pop3d[1]: notice: [client 6.6.6.6 port 1] USER/PASS '
          'failed for "x"')
    c.cmd("QUIT")
    c = Pop3Socket("::1", d.port)
    c.cmd("APOP alice " + "0" * 32)
    c.cmd("QUIT")
    c = Pop3Socket("::1", d.port)
    c.login(st.user, st.password)         # a success: not a failure
    c.cmd("QUIT")
    wait_log(st.log, r"session end: ", count=3)
    check_eq(d.stop(), 0, "exit status")

    filt = tmp.join("pop3d-filter.conf")
    with open(filt, "w") as f:
        f.write(documented_filter())
    r = subprocess.run([exe, "--out", "ip", st.log, filt],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=60)
    check_eq(r.returncode, 0, "fail2ban-regex: %s" % r.stderr.decode())
    hosts = r.stdout.decode().split()
    check("6.6.6.6" in read_log(st.log), "the forged line was logged")
    check_eq(hosts, ["127.0.0.1", "127.0.0.1", "::1"],
             "addresses found in:\n%s" % read_log(st.log))


run(main)
