"""The systemd units of contrib/systemd, as built: @sbindir@ replaced by
an absolute path, the inetd-style pair (pop3d.socket with Accept=yes,
pop3d@.service running pop3d -i on the socket, standard error to the
journal) and the standalone pair (pop3d-daemon.service running
pop3d -d --foreground, pop3d-daemon.socket without Accept=yes), and
`systemd-analyze verify` accepting all four, with ExecStart= pointed at
the pop3d of this build (no warning either)."""
import shutil
import subprocess

import pop3test
from pop3test import *

UNITS = ("pop3d.socket", "pop3d@.service", "pop3d-daemon.service",
         "pop3d-daemon.socket")


def settings(text):
    out = {}
    for line in text.splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            k, v = line.split("=", 1)
            out.setdefault(k.strip(), []).append(v.strip())
    return out


def main():
    built = os.path.join(pop3test.top_builddir, "contrib", "systemd")
    text = {}
    for u in UNITS:
        with open(os.path.join(built, u)) as f:
            text[u] = f.read()
        check("@" not in text[u].replace("pop3d@.service", ""),
              "%s: nothing left to substitute" % u)
    s = {u: settings(t) for u, t in text.items()}
    check_eq(s["pop3d.socket"].get("Accept"), ["yes"], "pop3d.socket Accept")
    svc = s["pop3d@.service"]
    check_eq(svc.get("StandardInput"), ["socket"], "StandardInput")
    check_eq(svc.get("StandardError"), ["journal"], "StandardError")
    exe, _, args = svc["ExecStart"][0].partition(" ")
    check(exe.startswith("/") and exe.endswith("/pop3d"),
          "absolute ExecStart %r" % exe)
    check_eq(args, "-i", "pop3d@.service runs pop3d -i")
    dexe, _, dargs = s["pop3d-daemon.service"]["ExecStart"][0].partition(" ")
    check_eq(dexe, exe, "same pop3d in both services")
    check_eq(dargs, "-d --foreground", "pop3d-daemon.service arguments")
    check(s["pop3d-daemon.socket"].get("Accept", ["no"]) == ["no"],
          "pop3d-daemon.socket passes its listening socket")
    check_eq(s["pop3d-daemon.socket"].get("FileDescriptorName"), ["pop3"],
             "pop3d-daemon.socket names its socket")

    analyze = shutil.which("systemd-analyze") or "/usr/bin/systemd-analyze"
    check(os.path.exists(analyze), "systemd-analyze is installed "
          "(Debian package systemd, scripts/install-deps.sh)")
    # pop3d is not installed yet: point the copies at this build's
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
