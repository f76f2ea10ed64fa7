"""mu-sieve's command line: options, exit statuses (0 done, 1 usage,
config or script error, 2 mailbox trouble) and their messages; a script
error stops everything before the mailbox is even opened; without -f the
invoking user's mailbox comes from the config's mailbox template."""
import os
import pwd
import time

from musieve import (DAY, EXPIRE_SV, TempDir, check, check_eq, config,
                     mailbox_messages, make_mailbox, message, mu_sieve, run,
                     snapshot, write_config)


def usage(tmp):
    hint = "Try 'mu-sieve --help'.\n"
    check_eq(mu_sieve(), (1, "", "mu-sieve: missing the SCRIPT argument\n" + hint),
             "no argument")
    check_eq(mu_sieve("a.sv", "b.sv"),
             (1, "", "mu-sieve: only one SCRIPT argument is allowed\n" + hint),
             "two scripts")
    check_eq(mu_sieve("-x", EXPIRE_SV), (1, "", "mu-sieve: unknown option -x\n" + hint),
             "unknown short option")
    check_eq(mu_sieve("--frobnicate", EXPIRE_SV),
             (1, "", "mu-sieve: unknown option --frobnicate\n" + hint),
             "unknown long option")
    check_eq(mu_sieve("-f"), (1, "", "mu-sieve: option -f needs an argument\n" + hint),
             "-f without its argument")
    for opt in ("--help", "-?"):
        status, out, err = mu_sieve(opt)
        check(status == 0 and out.startswith(
            "Usage: mu-sieve [-c FILE] [-f MAILBOX-URL] [-n] [-v] SCRIPT\n")
            and err == "", opt)
    status, out, err = mu_sieve("--version")
    check(status == 0 and out.startswith("mu-sieve (") and err == "", "--version")


def script_errors(tmp):
    path = tmp.join("mbox")
    url = make_mailbox("mbox", path, [message("old", int(time.time()) - 9 * DAY)])
    before = snapshot(path)
    bad = tmp.join("bad.sv")
    with open(bad, "w") as f:
        f.write('require "fileinto";\n  reject "go away";\n')
    check_eq(mu_sieve("-c", config(tmp), "-f", url, bad),
             (1, "", "%s:2:3: unknown command 'reject'\n" % bad), "script error")
    # the mailbox was not even opened: no session lock was taken
    check_eq(sorted(os.listdir(tmp.path)), sorted(["mbox", "bad.sv"] + [
        n for n in os.listdir(tmp.path) if n.endswith(".conf")]),
        "files after a script error")
    check_eq(snapshot(path), before, "mailbox after a script error")
    missing = tmp.join("missing.sv")
    check_eq(mu_sieve("-c", config(tmp), "-f", url, missing),
             (1, "", "%s: No such file or directory\n" % missing), "missing script")


def config_errors(tmp):
    status, out, err = mu_sieve("-c", tmp.join("none.conf"), "-f", "mbox:/x",
                                EXPIRE_SV)
    check(status == 1 and tmp.join("none.conf") in err, "missing -c file: " + err)
    broken = write_config(tmp.join("broken.conf"), {"lock_timeout": "soon"})
    status, out, err = mu_sieve("-c", broken, "-f", "mbox:/x", EXPIRE_SV)
    check(status == 1 and err.startswith(broken + ":1: "), "bad config: " + err)


def mailbox_errors(tmp):
    url = "mbox:" + tmp.join("nonexistent")
    check_eq(mu_sieve("-c", config(tmp), "-f", url, EXPIRE_SV),
             (2, "", "mu-sieve: cannot open %s: %s does not exist\n"
              % (url, tmp.join("nonexistent"))), "-f on a missing mailbox")
    # not an mbox: refused, and left alone
    junk = tmp.join("junk")
    with open(junk, "wb") as f:
        f.write(b"this is not\nan mbox file\n")
    status, out, err = mu_sieve("-c", config(tmp), "-f", "mbox:" + junk, EXPIRE_SV)
    check(status == 2 and err.startswith("mu-sieve: cannot open mbox:%s: " % junk),
          "not an mbox: %d %s" % (status, err))
    with open(junk, "rb") as f:
        check_eq(f.read(), b"this is not\nan mbox file\n", "the junk file")
    check_eq(mu_sieve("-c", config(tmp), "-f", "imap://host/x", EXPIRE_SV)[0], 2,
             "unknown URL scheme")


def default_mailbox(tmp):
    user = pwd.getpwuid(os.getuid()).pw_name
    now = int(time.time())
    keep = message("fresh", now)
    path = tmp.join("mail", user)
    make_mailbox("mbox", path, [message("old", now - 9 * DAY), keep])
    conf = config(tmp, mailbox="mbox:" + tmp.join("mail", "%u"))
    status, out, err = mu_sieve("-c", conf, "-v", EXPIRE_SV)
    check_eq((status, err), (0, ""), "default mailbox run")
    check_eq(out.splitlines()[-1], "mu-sieve: mbox:%s: 2 messages, 1 removed" % path,
             "default mailbox summary")
    check_eq(mailbox_messages("mbox", path), [keep], "default mailbox after")
    # an absent default mailbox is an empty one
    os.unlink(path)
    check_eq(mu_sieve("-c", conf, EXPIRE_SV), (0, "", ""), "absent default mailbox")


def main():
    for step in (usage, script_errors, config_errors, mailbox_errors,
                 default_mailbox):
        step(TempDir())


run(main)
