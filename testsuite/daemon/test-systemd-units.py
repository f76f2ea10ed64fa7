"""The systemd units of contrib/systemd, as built: @sbindir@ replaced by
an absolute path, the inetd-style pair (pop3d.socket with Accept=yes,
pop3d@.service running pop3d -i on the socket, standard error to the
journal) and the standalone pair (pop3d-daemon.service running
pop3d -d --foreground, pop3d-daemon.socket without Accept=yes).
`systemd-analyze verify` runs over these and the POP3S units in
testsuite/install/test-units.py."""

import pop3test
from pop3test import *

UNITS = ("pop3d.socket", "pop3d@.service", "pop3d-daemon.service",
         "pop3d-daemon.socket")


def main():
    built = os.path.join(pop3test.top_builddir, "contrib", "systemd")
    text = {}
    for u in UNITS:
        with open(os.path.join(built, u)) as f:
            text[u] = f.read()
        check("@" not in text[u].replace("pop3d@.service", ""),
              "%s: nothing left to substitute" % u)
    s = {u: unit_settings(t) for u, t in text.items()}
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


run(main)
