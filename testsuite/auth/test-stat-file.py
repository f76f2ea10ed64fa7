"""The stat file (stat_file) is taken only when it is safe: a symbolic
link, a file others may write, one with more than one link, or one in a
directory everybody may write is refused, and logins then get
-ERR [SYS/TEMP] with the reason in the log (fail closed: blocks and
LOGIN-DELAY would silently stop working otherwise); a file GDBM cannot
read is moved aside and a new one started; with blocks and login_delay
both off it is not needed at all."""
from pop3test import *

TEMPFAIL = b"-ERR [SYS/TEMP] authentication temporarily unavailable\r\n"


def attempt(st, password="secret"):
    c = Pop3Pipe(st.conf)
    c.cmd("USER alice")
    r = c.cmd("PASS " + password)
    c.cmd("QUIT")
    return r


def main():
    tmp = TempDir()
    st = Setup(tmp, msgs=[])
    statfile = st.settings["stat_file"]
    check(attempt(st).startswith(b"+OK"), "a login makes the stat file")
    check(os.path.isfile(statfile), "made")

    # a symlink in its place
    os.rename(statfile, statfile + ".real")
    os.symlink(statfile + ".real", statfile)
    check_eq(attempt(st), TEMPFAIL, "a symlink is refused")
    check("(a symlink?)" in open(st.log).read(), "logged")
    os.unlink(statfile)
    os.rename(statfile + ".real", statfile)

    # writable by the group
    os.chmod(statfile, 0o660)
    check_eq(attempt(st), TEMPFAIL, "group-writable is refused")
    check("writable by group or others" in open(st.log).read(), "logged")
    os.chmod(statfile, 0o600)

    # a second link (someone could have linked a file of theirs here)
    os.link(statfile, statfile + ".other")
    check_eq(attempt(st), TEMPFAIL, "two links are refused")
    os.unlink(statfile + ".other")

    # a directory anybody may write to
    shared = tmp.join("shared")
    os.mkdir(shared)
    os.chmod(shared, 0o777)
    st.rewrite(stat_file=os.path.join(shared, "login.db"))
    check_eq(attempt(st), TEMPFAIL, "a world-writable directory")
    check("is writable by everybody" in open(st.log).read(), "logged")

    # not a GDBM file: moved aside, and a new one works
    st.rewrite(stat_file=statfile)
    with open(statfile, "wb") as f:
        f.write(b"this is not a GDBM file\n" * 100)
    check(attempt(st).startswith(b"+OK"), "a damaged file is replaced")
    with open(statfile + ".corrupt", "rb") as f:
        check(f.read().startswith(b"this is not"), "the old one kept aside")

    # missing directories are made, as mkdir -p would (the default place
    # under /usr/local/var need not exist); the last one private
    st.rewrite(stat_file=tmp.join("var", "lib", "pop3d", "login.db"))
    check(attempt(st).startswith(b"+OK"), "directories made")
    check_eq(os.stat(tmp.join("var", "lib", "pop3d")).st_mode & 0o777,
             0o700, "the stat file's directory is private")
    check_eq(os.stat(tmp.join("var")).st_mode & 0o777, 0o755,
             "the ones above it as mkdir -p makes them")

    # both features off: no stat file needed, however broken its place
    with open(tmp.join("a-file"), "w"):
        pass
    st.rewrite(stat_file=tmp.join("a-file", "dir", "login.db"))
    check_eq(attempt(st), TEMPFAIL, "needed and impossible: refused")
    log = open(st.log).read()
    check("%s: Not a directory" % tmp.join("a-file", "dir") in log,
          "logged: %s" % log[-1000:])
    st.rewrite(block_interval_auths="0", login_delay="0")
    check(attempt(st).startswith(b"+OK"), "not needed: fine without")
    check_eq(attempt(st, "wrong"),
             b"-ERR [AUTH] invalid user name or password\r\n",
             "failures without a stat file")


run(main)
