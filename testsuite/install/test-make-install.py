"""`make install DESTDIR=...` from this build tree installs exactly the
expected files: the programs (pop3d and popauth in $(sbindir), mu-sieve
in $(bindir)), the manual pages in their sections (popauth(8), not 1:
GNU Mailutils has a popauth(1)), the example configuration (never a
live pop3d.conf), the systemd units (naming $(sbindir)/pop3d), the
README and every doc/*.md, the PAM, fail2ban and logrotate examples,
every sieve-scripts/*.sv, pop3_code.txt, and the state directories; `make uninstall`
takes every file away again.  Two more configurations of the same
sources: --prefix=/opt/pop3d puts the units under the prefix, and
--with-pam-dir installs DIR/pop3, but never over a file already there,
and uninstall removes it only while it is ours."""
import glob
import os
import stat
import subprocess

from pop3test import *

UNITS = ("pop3d.socket", "pop3d@.service", "pop3d-tls.socket",
         "pop3d-tls@.service", "pop3d-daemon.service",
         "pop3d-daemon.socket", "pop3d-daemon-tls.socket")
VARS = ("prefix", "bindir", "sbindir", "sysconfdir", "localstatedir",
        "docdir", "mandir", "pkgdatadir", "systemdsystemunitdir", "pamdir")


def make_env():
    """A make of its own: not the jobserver of the make running us."""
    env = dict(os.environ)
    for k in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES"):
        env.pop(k, None)
    return env


def make(builddir, *args, **kw):
    r = subprocess.run(["make", "-s", "-C", builddir] + list(args),
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       env=make_env(), timeout=kw.get("timeout", 300))
    check_eq(r.returncode, 0, "make %s in %s; output:\n%s"
             % (" ".join(args), builddir, r.stdout.decode(errors="replace")))


def make_vars(builddir):
    rules = "".join("print-%s:\n\t@echo %s=$(%s)\n" % (v, v, v)
                    for v in VARS)
    r = subprocess.run(["make", "-s", "-f", "Makefile", "-f", "-"] +
                       ["print-" + v for v in VARS], cwd=builddir,
                       input=rules.encode(), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, env=make_env(), timeout=60)
    check_eq(r.returncode, 0, "make print-*: %s" % r.stderr.decode())
    return dict(line.split("=", 1)
                for line in r.stdout.decode().splitlines())


def files_under(root):
    out = set()
    for d, _, names in os.walk(root):
        for n in names:
            out.add(os.path.relpath(os.path.join(d, n), root))
    return out


def rel(path):
    return path.lstrip("/")


def read(path):
    with open(path, "rb") as f:
        return f.read()


def configure(tmp, name, *options):
    """configure in a build tree of its own; returns its directory."""
    b = tmp.join(name)
    os.makedirs(b)
    r = subprocess.run([os.path.join(top_srcdir, "configure"), "-q"] +
                       list(options), cwd=b, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, env=make_env(), timeout=300)
    check_eq(r.returncode, 0, "configure %s:\n%s"
             % (" ".join(options), r.stdout.decode(errors="replace")))
    return b


def main():
    tmp = TempDir()
    v = make_vars(top_builddir)
    dest = tmp.join("dest")
    make(top_builddir, "install", "DESTDIR=" + dest)

    want = {
        rel(v["sbindir"]) + "/pop3d", rel(v["sbindir"]) + "/popauth",
        rel(v["bindir"]) + "/mu-sieve",
        rel(v["mandir"]) + "/man8/pop3d.8",
        rel(v["mandir"]) + "/man8/popauth.8",
        rel(v["mandir"]) + "/man5/pop3d.conf.5",
        rel(v["mandir"]) + "/man1/mu-sieve.1",
        rel(v["sysconfdir"]) + "/pop3d.conf.example",
        rel(v["docdir"]) + "/README.md",
    }
    docs = glob.glob(os.path.join(top_srcdir, "doc", "*.md"))
    check(len(docs) >= 5, "doc/*.md found in %s" % top_srcdir)
    want |= {rel(v["docdir"]) + "/" + os.path.basename(d) for d in docs}
    examples = {
        "pam.d/pop3": "contrib/pam.d/pop3",
        "fail2ban/filter.d/pop3d.conf":
            "contrib/fail2ban/filter.d/pop3d.conf",
        "fail2ban/jail.d/pop3d.conf": "contrib/fail2ban/jail.d/pop3d.conf",
        "logrotate.d/pop3d": "contrib/logrotate.d/pop3d",
    }
    want |= {rel(v["docdir"]) + "/examples/" + e for e in examples}
    scripts = glob.glob(os.path.join(top_srcdir, "sieve-scripts", "*.sv"))
    check(len(scripts) >= 3, "sieve-scripts/*.sv found")
    want |= {rel(v["pkgdatadir"]) + "/sieve-scripts/" +
             os.path.basename(s) for s in scripts}
    # the default response texts, where data_file_path looks first
    want.add(rel(v["pkgdatadir"]) + "/pop3_code.txt")
    if v["systemdsystemunitdir"]:
        want |= {rel(v["systemdsystemunitdir"]) + "/" + u for u in UNITS}
    if v["pamdir"]:
        want.add(rel(v["pamdir"]) + "/pop3")
    got = files_under(dest)
    check_eq(sorted(got - want), [], "installed, not expected")
    check_eq(sorted(want - got), [], "expected, not installed")

    for p in ("sbindir/pop3d", "sbindir/popauth", "bindir/mu-sieve"):
        d, name = p.split("/")
        mode = os.stat(os.path.join(dest, rel(v[d]), name)).st_mode
        check(mode & stat.S_IXOTH, "%s is executable" % p)
    for e, src in examples.items():
        check_eq(read(os.path.join(dest, rel(v["docdir"]), "examples", e)),
                 read(os.path.join(top_srcdir, src)), "examples/" + e)
    check_eq(read(os.path.join(dest, rel(v["sysconfdir"]),
                               "pop3d.conf.example")),
             read(os.path.join(top_builddir, "contrib",
                               "pop3d.conf.example")),
             "the example configuration is the one built")
    state = os.path.join(dest, rel(v["localstatedir"]), "lib", "pop3d")
    check(os.path.isdir(state), "the stat_file directory")
    check_eq(oct(os.stat(state).st_mode & 0o777), oct(0o700),
             "its mode")
    check(os.path.isdir(os.path.join(dest, rel(v["sysconfdir"]), "pop3d")),
          "the popauth_db directory")
    if v["systemdsystemunitdir"]:
        unit = read(os.path.join(dest, rel(v["systemdsystemunitdir"]),
                                 "pop3d-daemon.service")).decode()
        check("\nExecStart=%s/pop3d -d --foreground\n" % v["sbindir"]
              in unit, "the unit runs $(sbindir)/pop3d")

    make(top_builddir, "uninstall", "DESTDIR=" + dest)
    check_eq(sorted(files_under(dest)), [], "left after make uninstall")

    # Another configuration, in a build tree of its own (not when the
    # sources are configured in place, as dpkg-buildpackage does:
    # configure refuses a second build tree then).  One configure run
    # only: it is the costly part of this test.
    if os.path.exists(os.path.join(top_srcdir, "config.status")):
        print("the sources are configured in place: --prefix and "
              "--with-pam-dir are not tried")
        return
    # --prefix=/opt/pop3d --with-pam-dir=/etc/pam.d
    b = configure(tmp, "opt", "--prefix=/opt/pop3d",
                  "--with-pam-dir=/etc/pam.d")
    v = make_vars(b)
    check_eq(v["systemdsystemunitdir"], "/opt/pop3d/lib/systemd/system",
             "the units' directory under the prefix")
    check_eq(v["pamdir"], "/etc/pam.d", "--with-pam-dir")
    d2 = tmp.join("d2")
    make(b, "install-systemdsystemunitDATA", "install-pam-file",
         "DESTDIR=" + d2)
    unit = read(os.path.join(d2, "opt/pop3d/lib/systemd/system",
                             "pop3d-tls@.service")).decode()
    check("\nExecStart=/opt/pop3d/sbin/pop3d -i -s\n" in unit,
          "the units name /opt/pop3d/sbin/pop3d")
    pam = os.path.join(d2, "etc/pam.d/pop3")
    check_eq(read(pam), read(os.path.join(top_srcdir, "contrib/pam.d/pop3")),
             "DIR/pop3 installed")
    # a pop3 service file that is not ours stays as it is
    d3 = tmp.join("d3")
    os.makedirs(os.path.join(d3, "etc/pam.d"))
    theirs = os.path.join(d3, "etc/pam.d/pop3")
    with open(theirs, "w") as f:
        f.write("auth required pam_deny.so\n")
    make(b, "install-pam-file", "DESTDIR=" + d3)
    make(b, "uninstall-pam-file", "DESTDIR=" + d3)
    check_eq(read(theirs), b"auth required pam_deny.so\n",
             "an existing DIR/pop3 is neither replaced nor removed")
    make(b, "uninstall-pam-file", "DESTDIR=" + d2)
    check(not os.path.exists(pam), "uninstall removes our DIR/pop3")


run(main, timeout=600)
