"""The Debian package, end to end (slow: it runs only with
POP3D_TEST_DEB=1, as .ci/run sets it, and as root).

It installs and purges the package "pop3d" with dpkg.  Where a private
mount namespace and overlayfs are at hand (root on most machines), that
happens in an overlay of / whose changes go to a tmpfs
(testsuite/lib/debtest.py): nothing of it
outlives the test, however the test ends, and POP3 servers already
installed are replaced there, as the package's Conflicts and Replaces
say.  Elsewhere it happens on the machine itself, only when nothing
would be replaced (else the test is skipped), and every way out of the
test purges the package and removes the accounts it made;
POP3D_TEST_DEB_SANDBOX=no asks for this.

`dpkg-buildpackage -us -uc -b` on a copy of the source tree builds
pop3d_*.deb; lintian finds no error in it (its warnings are printed);
`apt-get install ./pop3d_*.deb` installs it: the programs in /usr/sbin and /usr/bin, the
conffiles /etc/pop3d.conf (every directive commented out but
running_identity, the package's own system user, which postinst made),
/etc/pam.d/pop3, /etc/logrotate.d/pop3d and the fail2ban filter, the
units in /lib/systemd/system (pop3d-daemon.service enabled, the sockets
not), popauth(8) in man8, /var/lib/pop3d mode 0700.  The installed
pop3d -t accepts /etc/pop3d.conf; systemd-analyze verify and logrotate
-d accept the installed units and logrotate file.  Then the installed
pop3d -d, under no_new_privs as NoNewPrivileges=yes runs it, on a free
port with the installed conffile plus a few lines, serves a virtual
user added with the installed popauth to its default database and a
system account checked by the installed /etc/pam.d/pop3 (pam_unix, as
root, needs no setgid helper), both fetched with curl; before login,
the network process runs as the package's user.  Finally `dpkg --purge`
removes everything the package and its maintainer scripts made."""
import glob
import os
import pwd
import shutil
import signal
import subprocess
import sys
import time

import pop3test
from pop3test import *
from daemontest import descendants_of
from debtest import (PKG, can_sandbox, clean_slate, copy_source,
                     enter_sandbox, installed, other_pop3_servers,
                     require_deb_test, run_sandboxed, sandbox_dir, sh,
                     user_exists)

SYSTEM_USER = "pop3dtest"       # a system account for the PAM login
MESSAGE = (b"From: a@example.org\r\nTo: b@example.org\r\n"
           b"Subject: from the package\r\n\r\nbody line\r\n")


def build(tmp):
    src = tmp.join("pop3d")
    copy_source(src)
    env = dict(os.environ)
    for k in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "POP3D_TEST_DEB"):
        env.pop(k, None)
    env["DEB_BUILD_OPTIONS"] = "nocheck noautodbgsym parallel=2"
    t = time.monotonic()
    # niced: the tests running meanwhile keep their pace
    sh(["nice", "-n", "10", "dpkg-buildpackage", "-us", "-uc", "-b",
        "-Pnocheck"], cwd=src, env=env, timeout=900)
    print("dpkg-buildpackage: %.0f s" % (time.monotonic() - t))
    debs = [d for d in glob.glob(tmp.join(PKG + "_*.deb"))]
    check_eq(len(debs), 1, "one package built: %r" % debs)
    return debs[0]


def lintian(deb):
    t = time.monotonic()
    rc, out = sh(["lintian", "--fail-on", "error", "-I", deb], ok=False,
                 timeout=600)
    print("lintian (%.0f s):\n%s" % (time.monotonic() - t, out))
    errors = [l for l in out.splitlines() if l.startswith("E:")]
    check_eq(errors, [], "lintian errors")
    check_eq(rc, 0, "lintian status")


def check_installed():
    _, listing = sh(["dpkg", "-L", PKG])
    files = set(listing.split())
    for f in ("/usr/sbin/pop3d", "/usr/sbin/popauth", "/usr/bin/mu-sieve",
              "/etc/pop3d.conf", "/etc/pam.d/pop3", "/etc/logrotate.d/pop3d",
              "/etc/fail2ban/filter.d/pop3d.conf", "/var/lib/pop3d",
              "/lib/systemd/system/pop3d-daemon.service",
              "/lib/systemd/system/pop3d-tls@.service",
              "/usr/share/man/man8/pop3d.8.gz",
              "/usr/share/man/man8/popauth.8.gz",
              "/usr/share/man/man5/pop3d.conf.5.gz",
              "/usr/share/man/man1/mu-sieve.1.gz",
              "/usr/share/doc/pop3d/examples/fail2ban/jail.d/pop3d.conf",
              "/usr/share/pop3d/sieve-scripts/expire.sv"):
        check(f in files, "the package has " + f)
    check(not any("/man1/popauth" in f for f in files), "no popauth(1)")
    _, conffiles = sh(["dpkg-query", "-W", "-f=${Conffiles}", PKG])
    for f in ("/etc/pop3d.conf", "/etc/pam.d/pop3", "/etc/logrotate.d/pop3d",
              "/etc/fail2ban/filter.d/pop3d.conf"):
        check(f + " " in conffiles, "%s is a conffile: %s" % (f, conffiles))
    _, fields = sh(["dpkg-query", "-W",
                    "-f=${Provides}|${Conflicts}|${Replaces}", PKG])
    check_eq(fields, "pop3-server|pop3-server|pop3-server",
             "Provides, Conflicts, Replaces")
    check_eq(oct(os.stat("/var/lib/pop3d").st_mode & 0o777), oct(0o700),
             "/var/lib/pop3d mode")
    u = pwd.getpwnam("pop3d")
    check(u.pw_uid < 1000 and u.pw_shell.endswith("nologin"),
          "the system user pop3d: %r" % (u,))
    wants = "/etc/systemd/system/multi-user.target.wants/pop3d-daemon.service"
    check(os.path.islink(wants), "pop3d-daemon.service enabled")
    check(not os.path.exists("/etc/systemd/system/sockets.target.wants/"
                             "pop3d.socket"), "pop3d.socket not enabled")
    if shutil.which("man"):
        _, where = sh(["man", "-w", "8", "popauth"])
        check_eq(where.strip(), "/usr/share/man/man8/popauth.8.gz",
                 "man 8 popauth")

    with open("/etc/pop3d.conf") as f:
        conf = f.read()
    live = [l for l in conf.splitlines() if l and not l.startswith("#")]
    check_eq(live, ["running_identity = pop3d"],
             "the uncommented lines of /etc/pop3d.conf")
    rc, out = sh(["/usr/sbin/pop3d", "-t"])
    for line in ("running_identity = pop3d", "pam_service = pop3",
                 "stat_file = /var/lib/pop3d/login.db",
                 "popauth_db = /etc/pop3d/popauth.db"):
        check(line in out.splitlines(), "pop3d -t says %r:\n%s"
              % (line, out))
    check("warning" not in out, "pop3d -t warns of nothing:\n" + out)

    units = sorted(glob.glob("/lib/systemd/system/pop3d*"))
    check_eq(len(units), 7, "the installed units: %r" % units)
    _, out = sh(["systemd-analyze", "verify", "--man=no"] + units)
    check_eq(out.strip(), "", "systemd-analyze verify of the installed "
             "units")
    sh(["logrotate", "-d", "/etc/logrotate.d/pop3d"])


def make_maildir(path, owner):
    for sub in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(path, sub))
    with open(os.path.join(path, "new", "1700000000.M1P1.test"), "wb") as f:
        f.write(MESSAGE)
    for d, _, files in os.walk(path):
        for n in [d] + [os.path.join(d, x) for x in files]:
            os.chown(n, owner.pw_uid, owner.pw_gid)


def listening(port, proc, timeout=20):
    deadline = time.monotonic() + timeout
    while port not in pop3test._listening_ports():
        if proc.poll() is not None:
            raise TestFailure("the installed pop3d -d exited with %d"
                              % proc.returncode)
        check(time.monotonic() < deadline, "pop3d never listened")
        time.sleep(0.05)


def curl(port, user, password):
    _, out = sh(["curl", "-sS", "--max-time", "20", "--login-options",
                 "AUTH=PLAIN", "pop3://127.0.0.1:%d/1" % port, "-u",
                 "%s:%s" % (user, password)], timeout=60)
    return out.replace("\r\n", "\n").encode()


def serve(tmp):
    os.chmod(tmp.path, 0o755)
    mail = pwd.getpwnam("mail")
    os.makedirs(tmp.join("mail"))
    make_maildir(tmp.join("mail", "debtest"), mail)
    sh(["/usr/sbin/popauth", "-a", "debtest", "-p", "virtualpw"])
    check(os.path.exists("/etc/pop3d/popauth.db"), "popauth's default "
          "database")
    # a system account, its password in /etc/shadow
    sh(["useradd", "--system", "--no-create-home", "--home-dir",
        tmp.join("home"), "--shell", "/usr/sbin/nologin", SYSTEM_USER])
    pop3test._cleanups.append(lambda: subprocess.run(
        ["userdel", SYSTEM_USER], stderr=subprocess.DEVNULL))
    sh(["chpasswd"], input=b"%s:systempw\n" % SYSTEM_USER.encode())
    make_maildir(tmp.join("mail", SYSTEM_USER), pwd.getpwnam(SYSTEM_USER))

    port = free_port()
    conf = tmp.join("pop3d.conf")
    log = tmp.join("pop3d.log")
    with open("/etc/pop3d.conf") as f:
        base = f.read()
    with open(conf, "w") as f:
        f.write(base + "\n".join([
            "", "# the test's own",
            "pop3_listen_addr = 127.0.0.1",
            "pop3_listen_port = %d" % port,
            "auth = popauth pam",
            "mailbox = maildir:%s/mail/%%u" % tmp.path,
            "mail_user = mail",
            "apop = no",
            "pop3_log_file = " + log,
            "pop3_log_level = 5", ""]))
    proc = subprocess.Popen(["setpriv", "--no-new-privs", "/usr/sbin/pop3d",
                             "-d", "--foreground", "-c", conf],
                            stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL,
                            stderr=open(tmp.join("stderr"), "wb"),
                            start_new_session=True)

    def kill():
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    pop3test._cleanups.append(kill)
    listening(port, proc)
    with open("/proc/%d/status" % proc.pid) as f:
        check("NoNewPrivs:\t1" in f.read(), "pop3d runs with no_new_privs")

    # before login, the network process is the package's user
    c = Pop3Socket("127.0.0.1", port)
    uid = pwd.getpwnam("pop3d").pw_uid
    deadline = time.monotonic() + 10
    while True:
        uids = set()
        for pid in descendants_of(proc.pid):
            try:
                with open("/proc/%d/status" % pid) as f:
                    for line in f:
                        if line.startswith("Uid:"):
                            uids.add(int(line.split()[1]))
            except OSError:
                pass
        if uid in uids or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    check(uid in uids, "a session process runs as pop3d (uids %r)" % uids)
    c.cmd("QUIT")

    check_eq(curl(port, "debtest", "virtualpw"), MESSAGE.replace(
        b"\r\n", b"\n"), "curl fetches the virtual user's message")
    check_eq(curl(port, SYSTEM_USER, "systempw"), MESSAGE.replace(
        b"\r\n", b"\n"), "curl fetches the system account's message "
        "(PAM through /etc/pam.d/pop3)")
    proc.send_signal(signal.SIGTERM)
    check_eq(proc.wait(20), 0, "the installed pop3d -d exit status")
    with open(log) as f:
        text = f.read()
    for user in ("debtest", SYSTEM_USER):
        check("session end: user=%s retrieved=1 " % user in text,
              "%s's session in the log:\n%s" % (user, text))


def check_purged():
    sh(["dpkg", "--purge", PKG], timeout=300)
    check(not installed(PKG), "purged")
    for p in ("/usr/sbin/pop3d", "/etc/pop3d.conf", "/etc/pam.d/pop3",
              "/etc/logrotate.d/pop3d", "/etc/fail2ban/filter.d/pop3d.conf",
              "/var/lib/pop3d", "/etc/pop3d",
              "/lib/systemd/system/pop3d-daemon.service",
              "/etc/systemd/system/multi-user.target.wants/"
              "pop3d-daemon.service"):
        check(not os.path.lexists(p), "%s is gone after the purge" % p)


def main():
    require_deb_test(("dpkg-buildpackage", "dh", "lintian", "fakeroot",
                      "logrotate", "curl", "setpriv", "useradd"))
    # POP3D_TEST_DEB_SANDBOX=no: install on this machine itself
    sandbox = sandbox_dir()
    if sandbox is None and can_sandbox():
        run_sandboxed()
    replaced = []
    if sandbox not in (None, "no"):
        enter_sandbox(sandbox)
        print("in an overlay of / (changes vanish at the end)")
        # a clean slate, in the overlay only; dpkg replaces the other
        # POP3 servers (Conflicts and Replaces: pop3-server)
        replaced = clean_slate()
    else:
        # installed for real: never replace what this machine has
        why = []
        if installed(PKG):
            why.append("the package %s is installed" % PKG)
        if other_pop3_servers():
            why.append("other POP3 servers are installed (%s)"
                       % " ".join(other_pop3_servers()))
        why += ["%s exists" % p for p in
                ("/etc/pop3d.conf", "/etc/pam.d/pop3",
                 "/etc/pop3d/popauth.db", "/etc/logrotate.d/pop3d")
                if os.path.exists(p)]
        if why:
            print("SKIP: no overlay sandbox here, and installing the "
                  "package would change this machine: " + "; ".join(why))
            sys.exit(77)
    check(not user_exists(SYSTEM_USER), "no account %s yet" % SYSTEM_USER)
    made_user = not user_exists("pop3d")

    tmp = TempDir()
    deb = build(tmp)
    lintian(deb)

    def purge():
        if installed(PKG):
            subprocess.run(["dpkg", "--purge", PKG], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
        if made_user and user_exists("pop3d"):
            subprocess.run(["deluser", "--system", "pop3d"],
                           stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
            subprocess.run(["delgroup", "--system", "pop3d"],
                           stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    # purged last, after the daemon is killed and the account removed
    pop3test._cleanups.append(purge)
    t = time.monotonic()
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    # apt-get, as an administrator would: it removes the POP3 servers
    # pop3d conflicts with (dpkg -i alone would refuse)
    sh(["apt-get", "install", "-y", "-q", "--no-install-recommends",
        deb], env=env, timeout=300)
    print("apt-get install: %.0f s" % (time.monotonic() - t))
    for other in replaced:
        check(not installed(other) or other not in other_pop3_servers(),
              "dpkg removed %s in favour of pop3d" % other)
    check_installed()
    serve(tmp)
    check_purged()


run(main, timeout=1200)
