"""The fail2ban filter of contrib/fail2ban/filter.d/pop3d.conf, run by
the real fail2ban-regex (next to the system's common.conf, as it is
installed) over the log of real failures: it finds the client address
of every failed login (USER/PASS, APOP, AUTH PLAIN, an impersonation;
IPv4 and IPv6), of every login refused while blocked, and of every
connection refused by deny_from, directly or through a PROXY v2 header,
and nothing else: not a success, not "[client local]" (inetd on a
pipe), not a command line crafted to look like another client's
failure (pop3_cmd_debug logs it).  mode=aggressive adds the refusals of
prelogin_per_addr (from the listener and, with PROXY, from the monitor)
and the PROXY header of an untrusted host.  The same lines as syslog
and as the journal of pop3d-daemon.service show them give the same
addresses.  The jail of contrib/ (as doc/fail2ban.md shows it) passes
fail2ban-client -t with the filter."""
import base64
import os
import re
import shutil
import subprocess

from pop3test import *
from daemontest import *

FILTER = os.path.join(top_srcdir, "contrib", "fail2ban", "filter.d",
                      "pop3d.conf")
COMMON = "/etc/fail2ban/filter.d/common.conf"


def session(d, source, lines, log, ends):
    """One connection from source sending lines, then QUIT; waits for its
    summary line, so that the log keeps the order of the steps."""
    c = Pop3Socket(source, d.port, source=source)
    for line in lines:
        c.cmd(line)
    c.cmd("QUIT")
    c.close()
    ends[0] += 1
    wait_log(log, r"session end: ", count=ends[0])


def daemon_a(tmp):
    """Failures, blocks and deny_from on a dual-stack daemon."""
    st = Setup(tmp, msgs=[b"Subject: x\n\nbody\n"], apop=True, extra={
        "pop3_cmd_debug": "2",
        "pop3_auth_times": "2",
        "impersonation_users": "admin",
        "deny_from": "127.0.0.9",
        "prelogin_per_addr": "1",
    })
    st.add_user("admin", "adminpw")
    d = Pop3Daemon(st, addr="::").start()
    ends = [0]
    session(d, "127.0.0.1", [
        "USER alice", "PASS wrong",
        # logged whole by pop3_cmd_debug, after the real prefix
        'NOSUCH pop3d[1]: notice: [client 6.6.6.6 port 1] USER/PASS '
        'failed for "x"'], st.log, ends)
    session(d, "::1", ["APOP alice " + "0" * 32], st.log, ends)
    plain = base64.b64encode(b"\0alice\0wrong").decode()
    session(d, "127.0.0.2", ["AUTH PLAIN " + plain], st.log, ends)
    session(d, "127.0.0.3", ["USER admin!alice", "PASS wrong"], st.log,
            ends)
    # two failures block the pair: the third attempt is refused
    session(d, "127.0.0.4", ["USER bob", "PASS x", "USER bob", "PASS x",
                             "USER bob", "PASS x"], st.log, ends)
    c = Pop3Socket("127.0.0.9", d.port, read_greeting=False,
                   source="127.0.0.9")
    c.expect_line_prefix(b"-ERR [SYS/PERM]")
    wait_log(st.log, r"\[client 127\.0\.0\.9 port \d+\] refused: access")
    session(d, "127.0.0.5", ["USER alice", "PASS " + st.password],
            st.log, ends)
    # prelogin_per_addr = 1: a second connection from 127.0.0.7 while
    # the first has not logged in
    first = Pop3Socket("127.0.0.7", d.port, source="127.0.0.7")
    c = Pop3Socket("127.0.0.7", d.port, read_greeting=False,
                   source="127.0.0.7")
    c.expect_line_prefix(b"-ERR [SYS/TEMP]")
    wait_log(st.log, r"\[client 127\.0\.0\.7 port \d+\] refused: 1 sess")
    first.cmd("QUIT")
    ends[0] += 1
    wait_log(st.log, r"session end: ", count=ends[0])
    check_eq(d.stop(), 0, "daemon A exit status")

    # inetd on a pipe: "[client local]", no address to ban
    p = Pop3Pipe(st.conf)
    p.cmd("USER alice")
    p.cmd("PASS wrong")
    p.cmd("QUIT")
    p.wait()
    wait_log(st.log, r"\[client local\] USER/PASS failed for ")
    return st.log


def daemon_b(tmp):
    """PROXY v2: the header's address, refused by the monitor."""
    st = Setup(tmp, msgs=[], extra={
        "pop3_accept_haproxy": "2",
        "pop3_haproxy_trusted": "127.0.0.1",
        "deny_from": "198.51.100.0/24",
        "prelogin_per_addr": "1",
    })
    d = Pop3Daemon(st).start()
    c = d.connect(read_greeting=False)
    c.send(proxy_v2("198.51.100.7", 40000, "127.0.0.1", d.port))
    c.expect_line_prefix(b"-ERR [SYS/PERM]")
    wait_log(st.log, r"\[client 198\.51\.100\.7 port 40000\] refused: ")
    # a PROXY header from a host not in pop3_haproxy_trusted
    c = Pop3Socket("127.0.0.1", d.port, read_greeting=False,
                   source="127.0.0.6")
    c.send(proxy_v2("192.0.2.1", 40000, "127.0.0.1", d.port))
    c.expect_eof()
    wait_log(st.log, r"\[client 127\.0\.0\.6 port \d+\] refused: not in")
    # prelogin_per_addr counted on the header's address, by the monitor
    first = d.connect(read_greeting=False)
    first.send(proxy_v2("203.0.113.5", 40001, "127.0.0.1", d.port))
    first.read_greeting()
    c = d.connect(read_greeting=False)
    c.send(proxy_v2("203.0.113.5", 40002, "127.0.0.1", d.port))
    c.expect_line_prefix(b"-ERR [SYS/TEMP]")
    wait_log(st.log, r"\[client 203\.0\.113\.5 port 40002\] refused: too")
    first.cmd("QUIT")
    check_eq(d.stop(), 0, "daemon B exit status")
    return st.log


LINE_RE = re.compile(r"^(\S+) (pop3d\[(\d+)\]): (\w+): (.*)$")


def other_forms(lines):
    """The same lines as syslog writes them (no level, the date and host
    of syslog) and as fail2ban reads pop3d-daemon.service's standard
    error from the journal ("HOST pop3d[MAINPID]: " before the line as
    pop3d wrote it)."""
    syslog, journal = [], []
    for line in lines:
        m = LINE_RE.match(line)
        check(m, "a log line of the file form: %r" % line)
        syslog.append("May  1 12:00:00 mail %s: %s" % (m[2], m[5]))
        journal.append("May  1 12:00:00 mail pop3d[1]: %s: %s: %s"
                       % (m[2], m[4], m[5]))
    return syslog, journal


def addresses(exe, filterdir, log, mode, logtype):
    spec = os.path.join(filterdir, "pop3d.conf")
    options = []
    if mode != "normal":
        options.append("mode=" + mode)
    if logtype != "file":
        options.append("logtype=" + logtype)
    if options:
        spec += "[%s]" % ", ".join(options)
    r = subprocess.run([exe, "--out", "ip", log, spec],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=60)
    check_eq(r.returncode, 0, "fail2ban-regex %s: %s"
             % (mode, r.stderr.decode(errors="replace")))
    return sorted(r.stdout.decode().split())


def main():
    exe = shutil.which("fail2ban-regex")
    check(exe, "fail2ban-regex is installed (scripts/install-deps.sh)")
    check(os.path.exists(COMMON), COMMON + " (Debian package fail2ban)")
    tmp = TempDir()
    filterdir = tmp.join("filter.d")
    os.makedirs(filterdir)
    shutil.copy(FILTER, filterdir)
    shutil.copy(COMMON, filterdir)

    lines = read_log(daemon_a(TempDir())).splitlines() + \
        read_log(daemon_b(TempDir())).splitlines()
    check("6.6.6.6" in "\n".join(lines), "the forged line was logged")
    normal = sorted(["127.0.0.1", "::1", "127.0.0.2", "127.0.0.3",
                     "127.0.0.4", "127.0.0.4", "127.0.0.4", "127.0.0.9",
                     "198.51.100.7"])
    aggressive = sorted(normal + ["127.0.0.7", "127.0.0.6",
                                  "203.0.113.5"])
    syslog, journal = other_forms(lines)
    # the journal form as a file, and as the systemd backend reads it
    for form, text, logtype in (("file", lines, "file"),
                                ("syslog", syslog, "file"),
                                ("journal", journal, "file"),
                                ("journal", journal, "journal")):
        log = tmp.join("pop3d-%s.log" % form)
        with open(log, "w") as f:
            f.write("\n".join(text) + "\n")
        got = addresses(exe, filterdir, log, "normal", logtype)
        check_eq(got, normal, "%s form (logtype %s), mode normal: "
                 "addresses found in\n%s" % (form, logtype, "\n".join(text)))
        got = addresses(exe, filterdir, log, "aggressive", logtype)
        check_eq(got, aggressive, "%s form (logtype %s), mode aggressive"
                 % (form, logtype))

    check_jail(tmp)


def check_jail(tmp):
    """The jail of contrib/ is the one doc/fail2ban.md shows, and
    fail2ban-client accepts it with the filter, in a copy of the
    system's fail2ban configuration (without its own jails)."""
    with open(os.path.join(top_srcdir, "contrib", "fail2ban", "jail.d",
                           "pop3d.conf")) as f:
        jail = [l for l in f.read().splitlines()
                if l and not l.startswith("#")]
    with open(os.path.join(top_srcdir, "doc", "fail2ban.md")) as f:
        m = re.search(r"```\n(\[pop3d\]\n.*?)```", f.read(), re.S)
    check(m, "doc/fail2ban.md shows the jail")
    check_eq(m[1].splitlines(), jail, "the jail in doc/fail2ban.md")
    client = shutil.which("fail2ban-client")
    check(client, "fail2ban-client is installed")
    conf = tmp.join("fail2ban")
    shutil.copytree("/etc/fail2ban", conf)
    for n in os.listdir(os.path.join(conf, "jail.d")):
        os.unlink(os.path.join(conf, "jail.d", n))
    shutil.copy(FILTER, os.path.join(conf, "filter.d"))
    shutil.copy(os.path.join(top_srcdir, "contrib", "fail2ban", "jail.d",
                             "pop3d.conf"), os.path.join(conf, "jail.d"))
    r = subprocess.run([client, "-c", conf, "-t"], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=60)
    out = r.stdout.decode(errors="replace")
    check_eq(r.returncode, 0, "fail2ban-client -t: %s" % out)
    r = subprocess.run([client, "-c", conf, "-d"], stdout=subprocess.PIPE,
                       stderr=subprocess.DEVNULL, timeout=60)
    out = r.stdout.decode(errors="replace")
    check("['add', 'pop3d', 'systemd']" in out, "the jail pop3d, on the "
          "journal:\n" + out)


run(main)
