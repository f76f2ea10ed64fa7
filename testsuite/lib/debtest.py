"""debtest -- the Debian package tests of testsuite/install: building
pop3d_*.deb from a copy of the source tree, and installing it in a
throwaway overlay of / (import pop3test too).

They run only with POP3D_TEST_DEB=1, as .ci/run sets it, and as root.
Where a private mount namespace and overlayfs are at hand (root on most
machines), a test runs again in a mount namespace of its own, where /
becomes an overlay whose changes go to a tmpfs: what dpkg, adduser and
the test do there is gone when the test ends, however it ends.

API
---
PKG                              "pop3d"
require_deb_test(tools)          skip (exit 77) unless POP3D_TEST_DEB=1;
                                 fail unless root and every tool is on
                                 PATH
sh(argv, timeout=120, ok=True, input=b"", **kw) -> (status, output)
                                 run argv, stdout and stderr together;
                                 ok: fail the test unless status is 0
installed(pkg) -> bool           dpkg has pkg (installed or half so)
other_pop3_servers() -> [names]  installed packages providing pop3-server
user_exists(name) -> bool
copy_source(dst)                 the files of the source tree (git's
                                 list in a checkout), not build products

The sandbox
    SANDBOX                      the variable that carries the sandbox's
                                 directory into the test run again ("no":
                                 the test installs on the machine itself)
    sandbox_dir() -> str or None its value
    can_sandbox() -> bool        a private mount namespace and overlayfs
    run_sandboxed(net=False)     run this test again under unshare; exits
                                 with its status.  net: a network
                                 namespace of its own too, where ports
                                 110 and 995 are free
    enter_sandbox(top, net=False)
                                 in the test run again: make / the
                                 overlay (chroot into it), with a copy
                                 of /etc of its own, which the tests on
                                 the machine itself cannot change
                                 meanwhile; net: bring up the
                                 namespace's loopback
    clean_slate() -> [names]     in the overlay: purge the package and
                                 what a purge leaves of ours; returns the
                                 other POP3 servers, which dpkg replaces
"""
import os
import pwd
import shutil
import subprocess
import sys
import tempfile

from pop3test import check, check_eq, top_srcdir

PKG = "pop3d"
SANDBOX = "POP3D_TEST_DEB_SANDBOX"


def require_deb_test(tools):
    if os.environ.get("POP3D_TEST_DEB") != "1":
        print("SKIP: builds and installs the Debian package; run with "
              "POP3D_TEST_DEB=1 (.ci/run does)")
        sys.exit(77)
    check(os.getuid() == 0, "POP3D_TEST_DEB=1 needs root (dpkg -i)")
    for tool in tools:
        check(shutil.which(tool), "%s is installed (scripts/install-deps.sh)"
              % tool)


def sh(argv, timeout=120, ok=True, input=b"", **kw):
    r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       input=input, timeout=timeout, **kw)
    out = r.stdout.decode(errors="replace")
    if ok:
        check_eq(r.returncode, 0, "%s; output:\n%s" % (" ".join(argv),
                                                        out[-6000:]))
    return r.returncode, out


def installed(pkg):
    r = subprocess.run(["dpkg-query", "-W", "-f=${Status}", pkg],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    return r.returncode == 0 and r.stdout.decode().split()[-1:] != \
        ["not-installed"] and r.stdout.strip() != b""


def other_pop3_servers():
    r = subprocess.run(["dpkg-query", "-W",
                        "-f=${Package}\t${db:Status-Abbrev}\t${Provides}\n"],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    out = []
    for line in r.stdout.decode().splitlines():
        name, status, provides = (line.split("\t") + ["", ""])[:3]
        if status.startswith("ii") and "pop3-server" in provides and \
                name != PKG:
            out.append(name)
    return out


def user_exists(name):
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def copy_source(dst):
    """The files of the source tree, not its build products."""
    src = top_srcdir
    if os.path.isdir(os.path.join(src, ".git")) or \
            os.path.isfile(os.path.join(src, ".git")):
        r = subprocess.run(["git", "-C", src, "ls-files", "-z", "--cached",
                            "--others", "--exclude-standard"],
                           stdout=subprocess.PIPE, check=True)
        names = [n for n in r.stdout.decode().split("\0") if n]
    else:
        names = []
        for d, dirs, files in os.walk(src):
            dirs[:] = [x for x in dirs if not x.startswith(("_", "."))
                       and x != "autom4te.cache"]
            names += [os.path.relpath(os.path.join(d, f), src)
                      for f in files]
    for n in names:
        p = os.path.join(src, n)
        if not os.path.isfile(p) or n.startswith("debian/pop3d/"):
            continue
        os.makedirs(os.path.dirname(os.path.join(dst, n)), exist_ok=True)
        shutil.copy2(p, os.path.join(dst, n))


def sandbox_dir():
    return os.environ.get(SANDBOX)


def can_sandbox():
    """A private mount namespace and overlayfs: root can have both on
    most machines, not in every container."""
    try:
        with open("/proc/filesystems") as f:
            if "\toverlay\n" not in f.read():
                return False
        r = subprocess.run(["unshare", "--mount", "--propagation", "private",
                            "true"], stderr=subprocess.DEVNULL)
        return r.returncode == 0
    except OSError:
        return False


def run_sandboxed(net=False):
    """Run this test again in a mount namespace of its own, where it
    makes / an overlay whose changes go to a tmpfs (enter_sandbox): what
    dpkg does there is gone when the test ends, however it ends."""
    top = tempfile.mkdtemp(prefix="pop3d-deb-sandbox-")
    argv = ["unshare", "--mount", "--propagation", "private"]
    if net:
        argv.append("--net")
    try:
        r = subprocess.run(argv + [sys.executable,
                                   os.path.abspath(sys.argv[0])],
                           env=dict(os.environ, **{SANDBOX: top}))
    finally:
        os.rmdir(top)
    sys.exit(r.returncode)


def enter_sandbox(top, net=False):
    sh(["mount", "-t", "tmpfs", "-o", "mode=0755", "tmpfs", top])
    for d in ("upper", "work", "root"):
        os.mkdir(os.path.join(top, d))
    root = os.path.join(top, "root")
    sh(["mount", "-t", "overlay", "overlay", "-o",
        "lowerdir=/,upperdir=%s/upper,workdir=%s/work" % (top, top), root])
    for m in ("proc", "sys", "dev"):
        sh(["mount", "--rbind", "/" + m, os.path.join(root, m)])
    # /etc a copy of its own: the accounts that tests running on the
    # machine itself add meanwhile never show in the overlay, nor the
    # lock files of shadow's tools (passwd.lock, ...), which name a pid
    # this namespace sees too, and so would stop useradd here
    etc = os.path.join(top, "etc")
    copy_etc(etc)
    for n in os.listdir(etc):
        if n.endswith(".lock") and not n.startswith("."):
            os.unlink(os.path.join(etc, n))
    sh(["mount", "--bind", etc, os.path.join(root, "etc")])
    os.chroot(root)
    os.chdir("/")
    if net:
        sh(["ip", "link", "set", "lo", "up"])


def copy_etc(etc):
    """cp -a /etc ETC, on a machine where other tests add and remove
    accounts meanwhile: shadow's tools make and drop temporary files
    (shadow+, passwd-, *.lock) that vanish between cp's listing and its
    copy.  Such a file is not missed; any other failure is an error."""
    rc, out = sh(["cp", "-a", "/etc", etc], ok=False)
    if rc == 0:
        return
    lines = [l for l in out.splitlines() if l.strip()]
    vanished = [l for l in lines
                if l.startswith("cp: cannot stat") and
                l.endswith("No such file or directory")]
    check(lines and len(vanished) == len(lines),
          "cp -a /etc %s:\n%s" % (etc, out[-3000:]))


def clean_slate():
    if installed(PKG):
        sh(["dpkg", "--purge", PKG], timeout=300)
    for p in ("/etc/pop3d.conf", "/etc/pam.d/pop3", "/etc/pop3d",
              "/etc/logrotate.d/pop3d"):
        subprocess.run(["rm", "-rf", p])
    return other_pop3_servers()
