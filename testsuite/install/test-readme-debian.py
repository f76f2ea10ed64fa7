"""Every command of README.md's section "On a Debian host", run as the
administrator of a fresh Debian 12 host runs it, with the package it
builds (slow: it runs only with POP3D_TEST_DEB=1, as .ci/run sets it,
and as root).

The test reads the section from README.md, so that README and test
cannot drift apart: each line of its ```sh blocks, the line of its
plain block (the /etc/crontab line) and each `inline` command of its
paragraphs.  A command it does not know how to run fails it ("unknown
command in README's Debian section") before any runs; so does, at the
end, text in backticks that is none of: a command, a directive (NAME =
VALUE, or a directive's name), a path that exists once the steps ran
(a file of this repository when relative), a unit the package
installs, an account, a group, a package.

It runs in the overlay sandbox of testsuite/lib/debtest.py (skipped
where there is none: the steps change /etc), with a network namespace
of its own, where ports 110 and 995 are the README's, and an empty
/var/mail of its own, root:mail 2775, as on a fresh host.  Neither
systemd nor cron runs there.

How each command runs
- in an administrator's shell (sh -c, root's PATH, in a copy of the
  source tree: "in a clone of this repository"), unless said below;
- `apt-get install -y PACKAGES`: offline (the namespace has no
  network) it fails when it would upgrade something; then it is enough
  that dpkg -s finds every package installed.  Then dpkg-checkbuilddeps,
  with the environment and profiles of the README's dpkg-buildpackage
  line, must find every build dependency in a dpkg database cut down to
  what a fresh host has after the apt-get line: the packages of priority
  required and important, those the line names, and what they depend on;
- `dpkg-buildpackage ...` (niced); the .deb its comment names is there;
- `apt-get install -y ../pop3d_*.deb`; the package enables
  pop3d-daemon.service and starts it, which the test does as systemd
  would: the unit's ExecStartPre, then its ExecStart under
  no_new_privs (NoNewPrivileges=yes), its standard error the journal;
- `pop3d -t` exits 0 and prints the settings; while the daemon runs, it
  warns that its port is in use, as the README says;
- `popauth -a USER ...` gets the password on standard input;
- `systemctl reload|restart UNIT`: the unit is installed and
  `systemd-analyze verify` accepts it; reload runs its ExecReload lines
  ($MAINPID the daemon), after which the daemon must log that it re-read
  its configuration; restart stops the daemon (SIGTERM: KillMode=mixed)
  and starts it again;
- `systemctl enable|disable --now UNIT`: the same checks of the unit,
  then `systemctl enable|disable UNIT` (no running systemd needed), and
  what --now does: the daemon stops, or the socket unit (Accept=yes)
  listens on its ListenStream and runs its service's ExecStart for each
  connection, the connection as standard input and output.  That
  paragraph offers a choice: after it the test goes back to the
  standalone server, which the later paragraphs reload;
- `pop3d -d --foreground` is the ExecStart of pop3d-daemon.service;
- the inetd.conf line runs as inetd would run it: on the port of its
  service name, one process per connection (nowait), as its user, the
  connection on descriptors 0, 1 and 2;
- the crontab line: the test adds it to /etc/crontab and runs its
  command with sh, as its user (root), in cron's environment.

What else is checked
- after each step, every account made so far gets its own message from
  the running server by USER/PASS (after STLS once the TLS paragraph
  forbids passwords in clear): from the "System accounts" paragraph on
  ("nothing to set"), a system account, checked by PAM through the
  installed /etc/pam.d/pop3, whose mbox in /var/mail procmail delivered
  and keeps USER:mail 0660; from `popauth -a` on, that virtual user,
  whose Maildir (its --mailbox, else the `mailbox` template), owned by
  mail_user, the test fills as a delivery agent would;
- NAME = VALUE is what the installed `pop3d -t` printed first (a
  default, or the package's setting), or one that `pop3d -t` accepts
  added to /etc/pop3d.conf;
- the TLS paragraph: the test makes a certificate and key (certtool)
  for its two path directives and adds its directives to
  /etc/pop3d.conf before its command; after it, POP3S on
  pop3_listen_tls_port serves every account, and on the plain port a
  password is refused before STLS;
- the paragraph on expiry: the test adds its directive to
  /etc/pop3d.conf before its command; after it, a message retrieved is
  stamped X-Expire-Timestamp.  Then the crontab line removes a message
  stamped 40 days ago and keeps one stamped 10 days ago, the one stamped
  on retrieval and one never retrieved; it prints nothing (cron would
  mail it), leaves no dotlock, and the mbox keeps its owner, group and
  mode."""
import grp
import os
import pwd
import re
import shlex
import signal
import socket
import stat
import subprocess
import sys
import time

import pop3test
from pop3test import *
from debtest import (PKG, can_sandbox, clean_slate, copy_source,
                     enter_sandbox, installed, require_deb_test,
                     run_sandboxed, sandbox_dir, sh, user_exists)
from spooltest import SpoolUser, mbox_messages, spool_ready
from tlstest import Pki, TlsSocket, client_context

SECTION = "## On a Debian host"
UNITDIR = "/lib/systemd/system"
DAEMON_UNIT = "pop3d-daemon.service"
# an administrator's root shell, and cron's environment
ADMIN_ENV = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:"
             "/sbin:/bin", "HOME": "/root", "USER": "root",
             "LOGNAME": "root", "SHELL": "/bin/sh",
             "LANG": "C.UTF-8", "DEBIAN_FRONTEND": "noninteractive"}
CRON_ENV = {"PATH": "/usr/bin:/bin", "HOME": "/root", "LOGNAME": "root",
            "SHELL": "/bin/sh"}
DIRECTIVE = re.compile(r"^([a-z][a-z0-9_]*) =(?: (.*))?$")
DAY = 86400


# ---------------------------------------------------------------- README

class Block:
    """A fenced block, ```sh or plain (the crontab line): .commands, one
    (command, comment or None, handler, match) a logical line."""

    def __init__(self, lang, lines):
        tables = {"sh": LINE_COMMANDS, "": PLAIN_COMMANDS}
        check(lang in tables, "README's Debian section has a ```%s block: "
              "the test knows sh and plain (crontab) ones" % lang)
        self.commands = []
        text = ""
        for line in lines:
            if line.endswith("\\"):
                text += line[:-1]
                continue
            text += line
            if text.strip():
                cmd, comment = split_comment(text.strip()) if lang == "sh" \
                    else (text.strip(), None)
                self.commands.append((cmd, comment) +
                                     command(cmd, tables[lang]))
            text = ""


class Paragraph:
    """A paragraph of prose: its bold title ("" if none), the texts in
    backticks, in order, and {text: (handler, match)} for those that are
    commands."""

    def __init__(self, lines):
        self.text = " ".join(l.strip() for l in lines)
        m = re.match(r"\*\*(.+?)\*\*", self.text)
        self.title = m.group(1).replace("`", "") if m else ""
        self.spans = re.findall(r"`([^`]+)`", self.text)
        self.commands = {s: command(s, SPAN_COMMANDS) for s in self.spans
                         if re.search(r"\s", s) and not DIRECTIVE.match(s)}


def command(text, table):
    """(handler, match) of a command; fails the test for an unknown one,
    before any step runs."""
    for pattern, handler in table:
        m = re.fullmatch(pattern, text)
        if m:
            return handler, m
    raise TestFailure("unknown command in README's Debian section: %r; "
                      "teach %s how to run it" % (text, os.path.basename(
                          __file__)))


def split_comment(line):
    """(command, comment): a # that starts a word outside quotes starts
    the comment."""
    quote = None
    for i, c in enumerate(line):
        if quote:
            if c == quote:
                quote = None
        elif c in "'\"":
            quote = c
        elif c == "#" and (i == 0 or line[i - 1].isspace()):
            return line[:i].rstrip(), line[i + 1:].strip()
    return line, None


def read_section():
    with open(os.path.join(top_srcdir, "README.md")) as f:
        text = f.read()
    start = text.find("\n" + SECTION + "\n")
    check(start >= 0, "README.md has a section %r" % SECTION)
    end = text.find("\n## ", start + 1)
    lines = text[start + len(SECTION) + 2:end].split("\n")
    steps, para, i = [], [], 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("```"):
            if para:
                steps.append(Paragraph(para))
                para = []
            j = i + 1
            while not lines[j].startswith("```"):
                j += 1
            steps.append(Block(line[3:].strip(), lines[i + 1:j]))
            i = j + 1
            continue
        if line.strip():
            para.append(line)
        elif para:
            steps.append(Paragraph(para))
            para = []
        i += 1
    if para:
        steps.append(Paragraph(para))
    return steps


# ---------------------------------------------------------------- units

def unit_path(name):
    if not re.search(r"\.(service|socket|target|timer)$", name):
        name += ".service"
    return os.path.join(UNITDIR, name)


def unit_settings(name):
    """{key: [values]} of an installed unit file."""
    path = unit_path(name)
    check(os.path.isfile(path), "the package installs the unit %s" % path)
    out = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if "=" in line and not line.startswith(("#", ";", "[")):
                k, v = line.split("=", 1)
                out.setdefault(k.strip(), []).append(v.strip())
    return out


def verify_unit(name):
    _, out = sh(["systemd-analyze", "verify", "--man=no", unit_path(name)])
    check_eq(out.strip(), "", "systemd-analyze verify %s" % unit_path(name))


def exec_argv(value, mainpid=None):
    """A unit's Exec*= value as argv ($MAINPID replaced) and whether its
    failure is ignored (the "-" prefix)."""
    ignore = False
    while value[:1] in ("-", "@", "+", "!", ":"):
        ignore |= value[0] == "-"
        value = value[1:]
    argv = shlex.split(value)
    if mainpid is not None:
        argv = [str(mainpid) if a in ("$MAINPID", "${MAINPID}") else a
                for a in argv]
    return argv, ignore


# ---------------------------------------------------------------- the host

class Account:
    """spool: a system account's SpoolUser; else a virtual user, whose
    mailbox is url (popauth --mailbox), or the template when None."""

    def __init__(self, name, password, url=None, spool=None):
        self.name = name
        self.password = password
        self.url = url
        self.spool = spool
        self.subject = "for %s" % name
        self.filled = False

    def message(self):
        return (b"From: sender@example.org\nTo: %s@example.org\n"
                b"Subject: %s\n\nhello\n" % (self.name.encode(),
                                               self.subject.encode()))


class Host:
    """The sandboxed host, as the README's steps leave it."""

    def __init__(self, tmp):
        self.tmp = tmp
        self.tree = tmp.join("pop3d")      # "in a clone of this repository"
        self.stock = None                   # what the first pop3d -t says
        self.daemon = None
        self.port = None                    # its pop3_listen_port
        self.journal = tmp.join("journal")
        self.accounts = []
        self.system = None                  # the system account
        self.pki = None                     # once TLS is on
        self.build_packages = None          # what the apt-get line installs
        self.paths = []                     # paths named, checked at the end
        self.names = []
        self.at_paragraph_end = []

    # -- running what the README says

    def run_line(self, line, ok=True, timeout=300, input=b"", cwd=None):
        print("# " + line)
        rc, out = sh(["sh", "-c", line], ok=ok, timeout=timeout, input=input,
                     cwd=cwd or self.tree, env=ADMIN_ENV)
        print(out[-3000:], end="")
        return rc, out

    def effective(self):
        """{directive: value} that the installed pop3d -t prints now."""
        _, out = sh(["/usr/sbin/pop3d", "-t"])
        return settings_of(out)

    def append_conf(self, lines):
        with open("/etc/pop3d.conf", "a") as f:
            f.write("\n".join(lines) + "\n")

    # -- the daemon, as systemd runs pop3d-daemon.service

    def listen_ports(self):
        eff = self.effective()
        ports = [int(eff["pop3_listen_port"])]
        if eff.get("pop3_listen_tls_port"):
            ports.append(int(eff["pop3_listen_tls_port"]))
        return [p for p in ports if p]

    def start_daemon(self):
        u = unit_settings(DAEMON_UNIT)
        for v in u.get("ExecStartPre", []):
            argv, ignore = exec_argv(v)
            sh(argv, ok=not ignore)
        argv, _ = exec_argv(u["ExecStart"][0])
        log = open(self.journal, "ab")
        self.daemon = subprocess.Popen(
            ["setpriv", "--no-new-privs"] + argv, stdin=subprocess.DEVNULL,
            stdout=log, stderr=log, cwd="/", start_new_session=True)
        log.close()
        proc = self.daemon

        def kill():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        pop3test._cleanups.append(kill)
        for port in self.listen_ports():
            self.wait_listening(port, "%s (%s)" % (DAEMON_UNIT,
                                                   " ".join(argv)))

    def wait_listening(self, port, what, timeout=20):
        deadline = time.monotonic() + timeout
        while port not in pop3test._listening_ports():
            if self.daemon.poll() is not None:
                raise TestFailure("%s exited with %d:\n%s" % (
                    what, self.daemon.returncode, self.journal_text()))
            check(time.monotonic() < deadline, "%s never listened on port "
                  "%d:\n%s" % (what, port, self.journal_text()))
            time.sleep(0.05)

    def stop_daemon(self):
        check(self.daemon is not None and self.daemon.poll() is None,
              "%s runs" % DAEMON_UNIT)
        self.daemon.send_signal(signal.SIGTERM)
        check_eq(self.daemon.wait(20), 0, "%s exit status after SIGTERM"
                 % DAEMON_UNIT)
        self.daemon = None

    def reload_daemon(self):
        check(self.daemon is not None and self.daemon.poll() is None,
              "%s runs, to be reloaded" % DAEMON_UNIT)
        before = self.journal_text().count("SIGHUP:")
        for v in unit_settings(DAEMON_UNIT).get("ExecReload", []):
            argv, ignore = exec_argv(v, self.daemon.pid)
            sh(argv, ok=not ignore)
        deadline = time.monotonic() + 10
        while True:
            lines = [l for l in self.journal_text().splitlines()
                     if "SIGHUP:" in l][before:]
            if any("re-read" in l for l in lines):
                break
            check(not any("kept" in l for l in lines),
                  "the reload kept the old configuration:\n%s"
                  % "\n".join(lines))
            check(time.monotonic() < deadline, "the daemon never logged "
                  "the reload:\n" + self.journal_text())
            time.sleep(0.05)

    def journal_text(self):
        try:
            with open(self.journal, errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    # -- the accounts and their mail

    def fill(self, acct):
        """The virtual user's mailbox, as a delivery agent fills it."""
        eff = self.effective()
        url = acct.url or eff["mailbox"].replace("%u", acct.name)
        fmt, path = url.split(":", 1)
        check_eq(fmt, "maildir", "%s's mailbox format (%s)" % (acct.name,
                                                                 url))
        owner = eff.get("mail_user")
        check(owner, "mail_user is set, for %s's mailbox" % acct.name)
        pw = pwd.getpwnam(owner)
        make_maildir(path, [acct.message()])
        for d, _, files in os.walk(path):
            for n in [d] + [os.path.join(d, f) for f in files]:
                os.chown(n, pw.pw_uid, pw.pw_gid)
        acct.filled = True

    def connect_daemon(self):
        c = TlsSocket("127.0.0.1", self.port, implicit=False)
        if self.pki:
            c.stls(client_context(self.pki), "localhost")
        return c

    def check_serving(self, connect=None, how=DAEMON_UNIT):
        """Every account gets its own message, and its mailbox stays."""
        for acct in self.accounts:
            if acct.spool is None and not acct.filled:
                self.fill(acct)
            c = (connect or self.connect_daemon)()
            check(c.greeting.startswith(b"+OK"), "greeting from %s: %r"
                  % (how, c.greeting))
            c.login(acct.name, acct.password)
            reply = c.cmd("RETR 1")
            check(reply.startswith(b"+OK"), "%s: RETR 1 for %s: %r"
                  % (how, acct.name, reply))
            text = c.read_multi()
            check(b"Subject: " + acct.subject.encode() in text,
                  "%s serves %s their own message:\n%r"
                  % (how, acct.name, text))
            check_eq(c.cmd("QUIT")[:3], b"+OK", "QUIT")
            c.expect_eof()
            c.close()
            if acct.spool:
                self.check_spool(acct)
        if self.accounts:
            print("%s serves %s" % (how, ", ".join(a.name for a in
                                                    self.accounts)))

    def check_spool(self, acct):
        st = os.stat("/var/mail")
        mail = grp.getgrnam("mail").gr_gid
        check_eq((st.st_uid, st.st_gid, oct(stat.S_IMODE(st.st_mode))),
                 (0, mail, oct(0o2775)), "/var/mail root:mail 2775")
        st = os.stat(acct.spool.mbox)
        check_eq((st.st_uid, st.st_gid, oct(stat.S_IMODE(st.st_mode))),
                 (acct.spool.uid, mail, oct(0o660)),
                 "%s is %s:mail 0660" % (acct.spool.mbox, acct.name))

    def add_system_account(self):
        why = spool_ready()
        check(why is None, "a system account with its mbox in /var/mail: "
              "%s" % why)
        u = SpoolUser()
        acct = Account(u.name, "pw-%s" % u.name, spool=u)
        sh(["chpasswd"], input=("%s:%s\n" % (u.name, acct.password)).encode())
        u.deliver(acct.message())
        self.system = acct
        self.accounts.append(acct)

    # -- the steps

    def step(self, s):
        if isinstance(s, Paragraph):
            self.paragraph(s)
        else:
            for cmd, comment, handler, m in s.commands:
                handler(self, cmd, m, comment)
        if self.daemon is not None:
            self.check_serving()

    def paragraph(self, p):
        hooks = None
        for prefix, h in PARAGRAPHS:
            if p.title.startswith(prefix):
                hooks = h(self, p)
        consumed = hooks.before() if hooks else set()
        for span in p.spans:
            if span in consumed:
                continue
            if span in p.commands:
                handler, m = p.commands[span]
                handler(self, span, m, None)
            elif DIRECTIVE.match(span):
                self.directive(span)
            elif span.startswith("/"):
                self.paths.append(span)
            else:
                self.names.append(span)
        if hooks:
            hooks.after()
        while self.at_paragraph_end:
            self.at_paragraph_end.pop()()

    def directive(self, line):
        check(self.stock is not None, "README names %r before pop3d -t ran"
              % line)
        name, value = directive(line)
        if self.stock.get(name) == value:
            return
        check(name in self.stock, "%r: pop3d -t knows no %s" % (line, name))
        conf = self.tmp.join("try.conf")
        with open("/etc/pop3d.conf") as f:
            base = f.read()
        with open(conf, "w") as f:
            f.write(base + "\n" + line + "\n")
        rc, out = sh(["/usr/sbin/pop3d", "-t", "-c", conf], ok=False)
        check(rc == 0 and line in out.splitlines(), "pop3d -t accepts "
              "README's %r in /etc/pop3d.conf:\n%s" % (line, out))

    def check_names(self):
        """Names and paths in backticks, once every step ran."""
        for p in self.paths:
            check(os.path.exists(p), "README's Debian section names %s, "
                  "which does not exist after its steps" % p)
        provided = set()
        _, out = sh(["dpkg-query", "-W", "-f=${Package} ${Provides}\n"])
        for line in out.splitlines():
            provided.update(w.strip(",") for w in line.split()
                            if not w.startswith("("))
        for n in self.names:
            if "/" in n:
                check(os.path.exists(os.path.join(top_srcdir, n)),
                      "README names %s, a file of this repository" % n)
                continue
            ok = (n in self.stock or os.path.exists(unit_path(n))
                  or user_exists(n) or group_exists(n) or n in provided)
            check(ok, "README's Debian section has `%s`: neither a "
                  "command, a directive, a path, a unit, an account, a "
                  "group nor a package" % n)


def settings_of(out):
    out_settings = {}
    for line in out.splitlines():
        if DIRECTIVE.match(line):
            name, value = directive(line)
            out_settings[name] = value
    return out_settings


def directive(line):
    """(name, value) of a NAME = VALUE line."""
    m = DIRECTIVE.match(line)
    return m.group(1), m.group(2) or ""


def group_exists(name):
    try:
        grp.getgrnam(name)
        return True
    except KeyError:
        return False


# ---------------------------------------------------------------- commands

def dpkg_s_installed(pkg):
    r = subprocess.run(["dpkg", "-s", pkg], stdout=subprocess.PIPE,
                       stderr=subprocess.DEVNULL)
    return b"Status: install ok installed" in r.stdout


def apt_packages(host, line, m, comment):
    host.build_packages = m.group(1).split()
    rc, out = host.run_line(line, ok=False, timeout=900)
    if rc != 0:
        missing = [p for p in host.build_packages if not dpkg_s_installed(p)]
        check(not missing, "%s failed (%d), and %s not installed:\n%s"
              % (line, rc, " ".join(missing), out[-3000:]))
        print("apt-get failed (offline?); dpkg -s: every package it names "
              "is installed")


def fresh_host_status(named, path):
    """A dpkg status file with what a fresh host has once `apt-get install
    NAMED` ran: the packages of priority required and important and the
    essential ones, NAMED, and what they depend on (as installed here)."""
    _, out = sh(["dpkg-query", "-W", "-f=${Package}\t${db:Status-Abbrev}\t"
                 "${Essential}\t${Priority}\t${Pre-Depends}, ${Depends}\t"
                 "${Provides}\n"])
    deps, base, providers = {}, [], {}
    for line in out.splitlines():
        name, status, essential, prio, depends, provides = line.split("\t")
        if not status.startswith("ii"):
            continue
        deps[name] = depends
        providers.setdefault(name, name)
        for p in provides.split(","):
            p = p.split("(")[0].strip()
            if p:
                providers.setdefault(p, name)
        if essential == "yes" or prio in ("required", "important"):
            base.append(name)
    have, todo = set(), base + list(named)
    while todo:
        name = todo.pop()
        if name in have:
            continue
        check(name in deps, "%s is installed here" % name)
        have.add(name)
        for group in deps[name].split(","):
            for alt in group.split("|"):
                alt = alt.split("(")[0].strip().split(":")[0]
                if alt in providers:
                    todo.append(providers[alt])
                    break
    os.makedirs(os.path.join(path, "updates"), exist_ok=True)
    with open("/var/lib/dpkg/status") as f:
        records = f.read().split("\n\n")
    with open(os.path.join(path, "status"), "w") as f:
        for r in records:
            m = re.match(r"Package: (\S+)", r)
            if m and m.group(1) in have:
                f.write(r.strip("\n") + "\n\n")
    return path


def buildpackage(host, line, m, comment):
    # the build dependencies, on a host with what the apt-get line gave
    check(host.build_packages is not None, "the README installs the "
          "build dependencies before %r" % line)
    words = shlex.split(line)
    env = dict(ADMIN_ENV)
    while "=" in words[0]:
        k, v = words.pop(0).split("=", 1)
        env[k] = v
    profiles = [w[2:] or "" for w in words if w.startswith("-P")] + \
        [w.split("=", 1)[1] for w in words
         if w.startswith("--build-profiles=")]
    admindir = fresh_host_status(host.build_packages, host.tmp.join("dpkg"))
    rc, out = sh(["dpkg-checkbuilddeps", "--admindir=" + admindir] +
                 ["-P" + p for p in profiles], ok=False, cwd=host.tree,
                 env=env)
    check_eq(rc, 0, "the build dependencies of %r on a fresh host after "
             "the README's apt-get line (dpkg-checkbuilddeps):\n%s"
             % (line, out))
    t = time.monotonic()
    # niced: the tests running meanwhile keep their pace
    print("# " + line)
    sh(["nice", "-n", "10", "sh", "-c", line], cwd=host.tree, env=ADMIN_ENV,
       timeout=1200)
    print("dpkg-buildpackage: %.0f s" % (time.monotonic() - t))
    if comment and re.fullmatch(r"\S+\.deb", comment):
        check(os.path.isfile(os.path.join(host.tree, comment)),
              "%r made %s, as its comment says: %r" % (
                  line, comment, os.listdir(host.tmp.path)))


def apt_deb(host, line, m, comment):
    host.run_line(line, timeout=600)
    check(installed(PKG), "%s is installed" % PKG)
    # the package enables and starts the standalone server
    wants = unit_settings(DAEMON_UNIT)["WantedBy"][0]
    check(os.path.islink("/etc/systemd/system/%s.wants/%s"
                         % (wants, DAEMON_UNIT)), "%s enabled" % DAEMON_UNIT)
    host.port = int(host.effective()["pop3_listen_port"])
    host.start_daemon()


def pop3d_t(host, line, m, comment):
    _, out = host.run_line(line)
    found = settings_of(out)
    check("mailbox" in found and "running_identity" in found,
          "%r prints the effective settings:\n%s" % (line, out))
    if host.stock is None:
        host.stock = found
    if host.daemon is not None:
        port = found["pop3_listen_port"]
        check("port %s is in use" % port in out, "%r, with %s running, "
              "warns that port %s is in use:\n%s" % (line, DAEMON_UNIT,
                                                      port, out))


def adduser(host, line, m, comment):
    host.run_line(line)
    words = shlex.split(line)
    u = pwd.getpwnam(words[-1])
    if "--system" in words:
        check(u.pw_uid < 1000, "%s is a system user: %r" % (words[-1], u))
    if "--home" in words:
        home = words[words.index("--home") + 1]
        check_eq(u.pw_dir, home, "%s's home" % words[-1])
        check(os.path.isdir(home) and os.stat(home).st_uid == u.pw_uid,
              "%s made %s, owned by %s" % (line, home, words[-1]))


def popauth(host, line, m, comment):
    acct = Account(m.group(1), "pw-of-" + m.group(1), url=m.group(2))
    host.run_line(line, input=acct.password.encode() + b"\n")
    host.accounts.append(acct)


def shell(host, line, m, comment):
    host.run_line(line)


def systemctl_reload(host, line, m, comment):
    verb, unit = m.groups()
    verify_unit(unit)
    check_eq(os.path.basename(unit_path(unit)), DAEMON_UNIT,
             "the unit %r reloads" % line)
    print("# " + line)
    if verb == "reload":
        host.reload_daemon()
    else:
        host.stop_daemon()
        host.start_daemon()


def systemctl_now(host, line, m, comment):
    verb, unit = m.groups()
    verify_unit(unit)
    name = os.path.basename(unit_path(unit))
    host.run_line(line.replace(" --now", ""))
    wanted = ["/etc/systemd/system/%s.wants/%s" % (t, name)
              for t in unit_settings(unit).get("WantedBy", [])]
    check(wanted, "%s has a WantedBy=" % name)
    for link in wanted:
        check_eq(os.path.islink(link), verb == "enable",
                 "%s exists after %r" % (link, line))
    if verb == "disable":
        if name == DAEMON_UNIT:
            host.stop_daemon()

            def back():
                sh(["systemctl", "enable", DAEMON_UNIT])
                host.start_daemon()
            host.at_paragraph_end.append(back)
        return
    if name == DAEMON_UNIT:
        host.start_daemon()
        return
    u = unit_settings(name)
    check(name.endswith(".socket") and u.get("Accept") == ["yes"],
          "%r: the test runs socket units with Accept=yes" % line)
    service = unit_settings(name[:-len(".socket")] + "@.service")
    argv, _ = exec_argv(service["ExecStart"][0])
    with Listener(int(u["ListenStream"][0])) as lsn:
        host.check_serving(lambda: lsn.session(argv, argv[0], host.journal),
                           "%s (%s)" % (name, " ".join(argv)))
    host.at_paragraph_end.append(
        lambda: sh(["systemctl", "disable", name]))


def daemon_command(host, line, m, comment):
    argv, _ = exec_argv(unit_settings(DAEMON_UNIT)["ExecStart"][0])
    check_eq([os.path.basename(argv[0])] + argv[1:], shlex.split(line),
             "the ExecStart of %s" % DAEMON_UNIT)


def inetd(host, line, m, comment):
    service, _, proto, _, user, program, args = m.groups()
    port = socket.getservbyname(service, proto)
    pw = pwd.getpwnam(user)
    check(os.access(program, os.X_OK), "%s is a program" % program)
    argv = shlex.split(args)

    def as_user():
        if pw.pw_uid != 0:
            os.initgroups(user, pw.pw_gid)
            os.setgid(pw.pw_gid)
            os.setuid(pw.pw_uid)
    with Listener(port) as lsn:
        host.check_serving(lambda: lsn.session(argv, program, None, as_user),
                           "inetd (%s)" % line)


class Listener:
    """A listening socket on a port of the namespace, dual-stack as
    systemd's and inetd's: for each client it connects, the server
    program runs with the accepted connection as standard input and
    output (and error, when stderr is None: inetd's way)."""

    def __init__(self, port):
        self.sock = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("::", port))
        self.sock.listen(8)
        self.port = port
        self.procs = []

    def session(self, argv, program, stderr, preexec=None):
        client = socket.create_connection(("127.0.0.1", self.port), 10)
        conn, _ = self.sock.accept()
        err = open(stderr, "ab") if stderr else conn
        p = subprocess.Popen(argv, executable=program, stdin=conn,
                             stdout=conn, stderr=err, preexec_fn=preexec,
                             start_new_session=True, cwd="/")
        if stderr:
            err.close()
        conn.close()
        self.procs.append(p)
        pop3test._cleanups.append(lambda: p.poll() is None and p.kill())
        c = TlsSocket.over(client)
        c.read_greeting()
        return c

    def __enter__(self):
        return self

    def __exit__(self, exc_type, *exc):
        self.sock.close()
        if exc_type is None:
            for p in self.procs:
                check_eq(p.wait(20), 0, "the status of %s" % p.args[0])
        return False


def crontab(host, line, m, comment):
    _, user, cmd = m.groups()
    check(user_exists(user), "the crontab line's user %s" % user)
    check(host.system, "an account with its mbox in /var/mail, from the "
          "System accounts paragraph")
    with open("/etc/crontab", "a") as f:
        f.write(line + "\n")
    acct = host.system
    now = int(time.time())
    for subject, stamp in (("stamped 40 days ago", now - 40 * DAY),
                           ("stamped 10 days ago", now - 10 * DAY),
                           ("never retrieved", None)):
        msg = b"From: sender@example.org\nSubject: %s\n" % subject.encode()
        if stamp:
            msg += b"X-Expire-Timestamp: %d\n" % stamp
        acct.spool.deliver(msg + b"\nbody\n")
    st = os.stat(acct.spool.mbox)
    print("# " + cmd)
    r = subprocess.run(["sh", "-c", cmd], env=CRON_ENV, cwd="/root",
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=120)
    # its status is that of the last mailbox's test: cron ignores it
    check_eq(r.stdout.decode(errors="replace"), "",
             "what the crontab line prints (cron would mail it)")
    subjects = [re.search(rb"^Subject: (.*)$", msg, re.M).group(1).decode()
                for msg in mbox_messages(acct.spool.mbox)]
    check_eq(subjects, [acct.subject, "stamped 10 days ago",
                        "never retrieved"],
             "the messages the crontab line left in %s" % acct.spool.mbox)
    after = os.stat(acct.spool.mbox)
    check_eq((after.st_uid, after.st_gid, stat.S_IMODE(after.st_mode)),
             (st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)),
             "owner, group and mode of %s" % acct.spool.mbox)
    check(not [f for f in os.listdir("/var/mail") if f.endswith(".lock")],
          "no dotlock left: %r" % os.listdir("/var/mail"))


LINE_COMMANDS = [
    (r"apt-get install -y ((?:[\w.+-]+\s+)*[\w.+-]+)", apt_packages),
    (r"(?:\w+=\S*\s+)*dpkg-buildpackage(?:\s.*)?", buildpackage),
    (r"apt-get install -y (\S+\.deb)", apt_deb),
    (r"pop3d -t", pop3d_t),
    (r"adduser --system .*", adduser),
    (r"popauth -a (\w+)(?: --mailbox (\S+))?", popauth),
    (r"(?:printf|sed|cp|mkdir|install|chmod|chown) .*", shell),
    (r"systemctl (reload|restart) (\S+)", systemctl_reload),
]
PLAIN_COMMANDS = [
    (r"((?:[\d*/,-]+\s+){5})(\S+)\s+(.+)", crontab),
]
SPAN_COMMANDS = [
    (r"pop3d -t", pop3d_t),
    (r"systemctl (reload|restart) (\S+)", systemctl_reload),
    (r"systemctl (enable|disable) --now (\S+)", systemctl_now),
    (r"pop3d -d --foreground", daemon_command),
    (r"(\S+)\s+(stream)\s+(tcp)\s+(nowait)\s+(\S+)\s+(/\S+)\s+(.+)", inetd),
]


# ---------------------------------------------------------------- paragraphs

class Hooks:
    def __init__(self, host, p):
        self.host = host
        self.p = p

    def before(self):
        return set()

    def after(self):
        pass


class SystemAccounts(Hooks):
    """Nothing to set: a system account gets its mail from /var/mail."""

    def after(self):
        self.host.add_system_account()


class Settings(Hooks):
    """A paragraph whose directives the administrator adds to
    /etc/pop3d.conf before its command."""
    values = {}

    def before(self):
        lines, used = [], set()
        for span in self.p.spans:
            if DIRECTIVE.match(span):
                name, value = directive(span)
                if self.host.stock.get(name) != value:
                    lines.append(span)
                    used.add(span)
            elif span in self.values:
                lines.append("%s = %s" % (span, self.values[span]))
                used.add(span)
        check(lines, "the paragraph %r sets directives" % self.p.title)
        self.host.append_conf(["", "# README: %s" % self.p.title] + lines)
        self.settings = settings_of("\n".join(lines))
        return used


class Tls(Settings):
    """The two path directives get a certificate and key of the test's;
    then POP3S, and no password in clear."""

    def before(self):
        self.host.pki = pki = Pki(self.host.tmp)
        self.values = {"pop3_certificate_path": pki.cert,
                       "pop3_private_key_path": pki.key}
        used = super().before()
        check(set(self.values) <= used, "the TLS paragraph names %s"
              % " and ".join(self.values))
        return used

    def after(self):
        host, pki = self.host, self.host.pki
        port = int(self.settings["pop3_listen_tls_port"])
        check(port in pop3test._listening_ports(), "after the TLS "
              "paragraph's command, pop3d listens on port %d "
              "(pop3_listen_tls_port):\n%s" % (port, host.journal_text()))
        host.check_serving(lambda: TlsSocket(
            "127.0.0.1", port, ctx=client_context(pki),
            server_hostname="localhost"), "POP3S")
        if self.settings.get("pop3_force_tls") == "yes":
            check(host.accounts, "an account, to try a password in clear")
            acct = host.accounts[0]
            c = Pop3Socket("127.0.0.1", host.port)
            c.cmd("USER " + acct.name)
            reply = c.cmd("PASS " + acct.password)
            check(reply.startswith(b"-ERR"), "a password in clear is "
                  "refused: %r" % reply)
            c.close()


class Expiry(Settings):
    """Then pop3d stamps what it serves."""

    def after(self):
        host = self.host
        check(host.system, "an account with its mbox in /var/mail, from "
              "the System accounts paragraph")
        t = int(time.time())
        host.check_serving()
        msg = mbox_messages(host.system.spool.mbox)[0]
        m = re.search(rb"^X-Expire-Timestamp: (\d+)", msg, re.M)
        check(m and t - 5 <= int(m.group(1)) <= time.time() + 5,
              "a retrieved message is stamped (expire): %r" % msg)


PARAGRAPHS = [
    ("System accounts", SystemAccounts),
    ("TLS", Tls),
    ("Expiring old mail", Expiry),
]


# ---------------------------------------------------------------- main

def main():
    require_deb_test(("dpkg-buildpackage", "dpkg-checkbuilddeps",
                      "systemd-analyze", "systemctl", "certtool", "procmail",
                      "setpriv", "useradd", "chpasswd", "ip"))
    # every command known before any runs
    steps = read_section()
    sandbox = sandbox_dir()
    if sandbox is None:
        if not can_sandbox():
            print("SKIP: no overlay sandbox here (a private mount "
                  "namespace and overlayfs), and the README's steps change "
                  "/etc")
            sys.exit(77)
        run_sandboxed(net=True)
    check(sandbox != "no", "this test runs only in the overlay sandbox")
    enter_sandbox(sandbox, net=True)
    print("in an overlay of / with a network namespace of its own (changes "
          "vanish at the end)")
    clean_slate()
    # a fresh host's mail spool
    sh(["mount", "-t", "tmpfs", "-o", "mode=2775", "tmpfs", "/var/mail"])
    os.chown("/var/mail", 0, grp.getgrnam("mail").gr_gid)
    os.chmod("/var/mail", 0o2775)

    tmp = TempDir()
    os.chmod(tmp.path, 0o755)
    host = Host(tmp)
    copy_source(host.tree)
    for s in steps:
        host.step(s)
    check(host.daemon is not None, "the README's steps leave %s running"
          % DAEMON_UNIT)
    host.stop_daemon()
    host.check_names()


run(main, timeout=1200)
