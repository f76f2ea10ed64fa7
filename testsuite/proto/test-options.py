"""The command line (pop3d(8)): --version, --help and -?, -t/--lint
on good and bad configs, bad options and a missing -c file exit 1 with
one line on stderr, unsupported -s/-H refuse to run."""
import os
import re
import subprocess

from pop3test import *


def pop3d(*args, stdin=b""):
    r = subprocess.run([POP3D] + list(args), input=stdin,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=DEFAULT_TIMEOUT)
    return r.returncode, r.stdout.decode(errors="replace"), \
        r.stderr.decode(errors="replace")


def one_line_error(args, what, pattern=None, stdin=b""):
    rc, out, err = pop3d(*args, stdin=stdin)
    check_eq(rc, 1, what + ": exit status")
    check_eq(out, "", what + ": nothing on stdout (no greeting)")
    check(err.endswith("\n") and err.count("\n") == 1,
          what + ": one line on stderr, got %r" % err)
    if pattern:
        check(re.search(pattern, err), what + ": %r matches %r"
              % (err, pattern))
    return err


def package_version():
    with open(os.path.join(top_builddir, "config.h")) as f:
        text = f.read()
    return (re.search(r'#define PACKAGE "([^"]*)"', text).group(1),
            re.search(r'#define VERSION "([^"]*)"', text).group(1))


def main():
    tmp = TempDir()
    st = Setup(tmp, msgs=[])

    package, version = package_version()
    rc, out, err = pop3d("--version")
    check_eq((rc, out, err), (0, "pop3d (%s) %s\n" % (package, version), ""),
             "--version")

    for opt in ("--help", "-?"):
        rc, out, err = pop3d(opt)
        check_eq(rc, 0, opt + " exit status")
        check(out.startswith("Usage: pop3d"), opt + " prints usage")
        for word in ("--config", "--inetd", "--daemon", "--foreground",
                     "--lint", "--version", "--help"):
            check(word in out, "%s mentions %s" % (opt, word))

    # -t on a sound config: every effective setting, exit 0
    rc, out, err = pop3d("-t", "-c", st.conf)
    check_eq(rc, 0, "-t exit status (stderr %r)" % err)
    settings = {}
    for line in out.splitlines():
        name, eq, value = line.partition(" =")
        check(eq and name and " " not in name, "-t line %r" % line)
        settings[name] = value.strip()
    check_eq(settings.get("host_id"), "pop3.test", "-t host_id")
    check_eq(settings.get("mailbox"), st.settings["mailbox"], "-t mailbox")
    for name in ("pop3_listen_addr", "pop3_listen_port", "context_num",
                 "lock_timeout", "auth", "popauth_db", "apop", "expire"):
        check(name in settings, "-t prints %s" % name)
    rc, out2, err = pop3d("--lint", "-c", st.conf)
    check_eq((rc, out2), (0, out), "--lint is -t")

    # -t on bad configs: FILE:LINE: message, exit 1
    bad = tmp.join("bad.conf")
    with open(bad, "w") as f:
        f.write("# comment\nhost_id = x\nno_such_directive = 1\n")
    rc, out, err = pop3d("-t", "-c", bad)
    check_eq(rc, 1, "-t on an unknown directive")
    check(re.search(r"^%s:3: " % re.escape(bad), err, re.M),
          "FILE:LINE for an unknown directive: %r" % err)
    with open(bad, "w") as f:
        f.write("auth = popauth\npopauth_db = %s\n\nmailbox = mbox:/x/%%q\n"
                % st.db)
    rc, out, err = pop3d("-t", "-c", bad)
    check_eq(rc, 1, "-t on a bad mailbox template (stdout %r)" % out)
    check(re.search(r"^%s:4: " % re.escape(bad), err, re.M),
          "FILE:LINE for the template: %r" % err)
    # Gromox's thread pool: accepted and printed, with one warning that
    # it has no effect, and a session serves with it set
    st.rewrite(pop3_thread_init_num="4")
    rc, out, err = pop3d("-t", "-c", st.conf)
    check_eq(rc, 0, "-t with pop3_thread_init_num")
    check(re.search(r"^%s:\d+: warning: pop3_thread_init_num, .* have no "
                    r"effect: " % re.escape(st.conf), err, re.M),
          "-t warns about the thread pool: %r" % err)
    check("pop3_thread_init_num = 4" in out.splitlines(),
          "-t prints pop3_thread_init_num = 4")
    rc, out, err = pop3d("-c", st.conf, stdin=b"QUIT\r\n")
    check_eq(rc, 0, "a session with pop3_thread_init_num set")
    st.rewrite(pop3_thread_init_num=None)

    rc, out, err = pop3d("-t", "-c", tmp.join("missing.conf"))
    check_eq(rc, 1, "-t on a missing -c file")

    # the same bad config at start: one line, exit 1, before any greeting
    one_line_error(["-i", "-c", bad], "bad config at start", re.escape(bad))
    one_line_error(["-c", tmp.join("missing.conf")], "missing -c file",
                   "missing\\.conf")
    # bad options
    one_line_error(["-x"], "unknown short option", "-x")
    one_line_error(["--bogus"], "unknown long option", "--bogus")
    one_line_error(["--version=2"], "argument to --version")
    one_line_error(["-c"], "-c without a file")
    one_line_error(["-c", st.conf, "extra"], "stray argument", "extra")
    one_line_error(["-d0", "-c", st.conf], "-d0")
    one_line_error(["-dx", "-c", st.conf], "-dx")
    one_line_error(["-i", "-d", "-c", st.conf], "-i with -d")
    # -s (implicit TLS, testsuite/tls/test-tls-inetd.py) needs a certificate
    one_line_error(["-s", "-c", st.conf], "-s without a certificate",
                   "needs a certificate")
    # -s is for inetd mode: with -d it would be ignored, leaving the
    # plain port in the clear
    one_line_error(["-d", "-s", "--foreground", "-c", st.conf], "-d with -s",
                   "-s is for inetd mode")
    # -H: a PROXY v2 header first; without one, no greeting
    rc, out, err = pop3d("-H", "-c", st.conf, stdin=b"QUIT\r\n")
    check_eq((rc, out), (0, ""), "-H without a PROXY header")

    # the default mode is inetd: a session on stdin/stdout
    rc, out, err = pop3d("-c", st.conf, stdin=b"QUIT\r\n")
    check_eq(rc, 0, "default mode exit status")
    check(out.startswith("+OK pop3.test POP3 server ready"),
          "default mode greets: %r" % out)
    check(out.endswith("+OK pop3.test POP3 server signing off\r\n"),
          "default mode answers QUIT: %r" % out)
    rc, out, err = pop3d("-i", "-c", st.conf, stdin=b"QUIT\r\n")
    check(rc == 0 and out.endswith("signing off\r\n"), "-i runs a session")

    # a missing default config file means built-in defaults
    m = re.search(r"default (\S+);", pop3d("--help")[1])
    check(m, "--help names the default config file")
    if not os.path.exists(m.group(1)):
        rc, out, err = pop3d("-t")
        check_eq(rc, 0, "-t with built-in defaults (stderr %r)" % err)
        check("pop3_listen_port = 110" in out.splitlines(),
              "built-in default port")


run(main)
