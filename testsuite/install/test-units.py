"""The systemd units of contrib/systemd, as built, beyond what
testsuite/daemon/test-systemd-units.py checks: the POP3S pair
(pop3d-tls.socket on port 995 with Accept=yes, pop3d-tls@.service
running pop3d -i -s) and pop3d-daemon-tls.socket (port 995, the socket
named pop3s, for pop3d-daemon.service); pop3d-daemon.service checking
the configuration with pop3d -t before it starts and before it reloads,
then reloading with SIGHUP; the same hardening in every service
(NoNewPrivileges, ProtectSystem=full, PrivateTmp, no ProtectHome: the
choices pop3d(8) explains); the inetd-style units and the daemon's
units conflicting both ways; and `systemd-analyze verify` silent on
all seven, pointed at the pop3d of this build."""
import re
import shutil
import subprocess

import pop3test
from pop3test import *

UNITS = ("pop3d.socket", "pop3d@.service", "pop3d-tls.socket",
         "pop3d-tls@.service", "pop3d-daemon.service",
         "pop3d-daemon.socket", "pop3d-daemon-tls.socket")
SERVICES = ("pop3d@.service", "pop3d-tls@.service", "pop3d-daemon.service")
INETD = ("pop3d.socket", "pop3d-tls.socket")
DAEMON = ("pop3d-daemon.service", "pop3d-daemon.socket",
          "pop3d-daemon-tls.socket")
HARDENING = {
    "NoNewPrivileges": "yes",
    "ProtectSystem": "full",
    "PrivateTmp": "yes",
    "PrivateDevices": "yes",
    "RestrictSUIDSGID": "yes",
}


def main():
    built = os.path.join(pop3test.top_builddir, "contrib", "systemd")
    text, s = {}, {}
    for u in UNITS:
        with open(os.path.join(built, u)) as f:
            text[u] = f.read()
        check(not re.search(r"@[A-Za-z_]+@", text[u]),
              "%s: nothing left to substitute" % u)
        s[u] = unit_settings(text[u])

    exe = s["pop3d-daemon.service"]["ExecStart"][0].split()[0]
    check(exe.startswith("/") and exe.endswith("/sbin/pop3d"),
          "ExecStart names $(sbindir)/pop3d: %r" % exe)

    # POP3S, inetd style
    tls = s["pop3d-tls.socket"]
    check_eq(tls.get("ListenStream"), ["995"], "pop3d-tls.socket port")
    check_eq(tls.get("Accept"), ["yes"], "pop3d-tls.socket Accept")
    svc = s["pop3d-tls@.service"]
    check_eq(svc.get("ExecStart"), [exe + " -i -s"],
             "pop3d-tls@.service runs pop3d -i -s")
    check_eq(svc.get("StandardInput"), ["socket"], "StandardInput")
    check_eq(svc.get("StandardOutput"), ["socket"], "StandardOutput")
    check_eq(svc.get("StandardError"), ["journal"], "StandardError")
    # POP3S, socket activation of the daemon
    dtls = s["pop3d-daemon-tls.socket"]
    check_eq(dtls.get("ListenStream"), ["995"], "daemon TLS socket port")
    check_eq(dtls.get("FileDescriptorName"), ["pop3s"],
             "the daemon takes implicit TLS on the socket named pop3s")
    check_eq(dtls.get("Service"), ["pop3d-daemon.service"],
             "pop3d-daemon-tls.socket starts pop3d-daemon.service")
    check(dtls.get("Accept", ["no"]) == ["no"], "passes its listening "
          "socket")

    # the daemon: checked before start and reload, SIGHUP to reload
    d = s["pop3d-daemon.service"]
    check_eq(d.get("Type"), ["exec"], "Type")
    check_eq(d.get("ExecStart"), [exe + " -d --foreground"], "ExecStart")
    check("PIDFile" not in d, "no PIDFile= (the daemon does not detach)")
    check_eq(d.get("ExecStartPre"),
             ["/bin/sh -c 'exec %s -t >/dev/null'" % exe],
             "ExecStartPre checks the configuration")
    check_eq(d.get("ExecReload"),
             ["/bin/sh -c 'exec %s -t >/dev/null'" % exe,
              "/bin/kill -HUP $MAINPID"],
             "ExecReload checks, then sends SIGHUP")

    for u in SERVICES:
        for k, v in HARDENING.items():
            check_eq(s[u].get(k), [v], "%s %s" % (u, k))
        check("ProtectHome" not in s[u], "%s: no ProtectHome= (sessions "
              "write Maildirs and ~/.popbull in homes)" % u)
        check("User" not in s[u], "%s runs as root (pop3d drops "
              "privileges itself)" % u)
    for i in INETD:
        conflicts = s[i].get("Conflicts", [""])[0].split()
        for dm in DAEMON:
            check(dm in conflicts, "%s conflicts with %s" % (i, dm))
            check(i in s[dm].get("Conflicts", [""])[0].split(),
                  "%s conflicts with %s" % (dm, i))

    analyze = shutil.which("systemd-analyze") or "/usr/bin/systemd-analyze"
    check(os.path.exists(analyze), "systemd-analyze is installed "
          "(Debian package systemd, scripts/install-deps.sh)")
    tmp = TempDir()
    paths = []
    for u in UNITS:
        paths.append(tmp.join(u))
        with open(paths[-1], "w") as f:
            f.write(text[u].replace(exe + " ", POP3D + " "))
    r = subprocess.run([analyze, "verify", "--man=no"] + paths,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=60)
    out = r.stdout.decode(errors="replace")
    check_eq(r.returncode, 0, "systemd-analyze verify status; output:\n%s"
             % out)
    check_eq(out.strip(), "", "systemd-analyze verify says nothing")


run(main)
