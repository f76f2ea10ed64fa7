"""config_file_path: a relative path in the configuration (popauth_db,
stat_file, pop3_log_file, certificates, data_file_path, ...) is the first
of config_file_path's directories that has it, or, when none has (a file
pop3d will create), the one in the first directory; unset, the list is
the configuration file's own directory, and a relative directory in it
is taken from there.  The paths are made absolute when the file is read:
pop3d -t prints them so, and pop3d finds its files whatever its working
directory.  The mailbox template is left alone."""
import re
import subprocess

from pop3test import *


def settings_of(conf, cwd=None):
    r = subprocess.run([POP3D, "-t", "-c", conf], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=DEFAULT_TIMEOUT,
                       cwd=cwd)
    check_eq(r.returncode, 0, "-t (stderr %r)" % r.stderr)
    return dict(l.split(" = ", 1) for l in r.stdout.decode().splitlines()
                if " = " in l), r.stderr.decode()


def main():
    tmp = TempDir()
    etc = tmp.join("etc")
    other = tmp.join("other")
    os.makedirs(os.path.join(etc, "conf.d"))
    os.makedirs(other)
    st = Setup(tmp, msgs=[b"Subject: x\n\nbody\n"])
    os.rename(st.db, os.path.join(other, "users.db"))
    conf = os.path.join(etc, "pop3d.conf")
    settings = dict(st.settings)
    settings.update({"popauth_db": "users.db", "stat_file": "state/login.db",
                     "pop3_log_file": "pop3d.log",
                     "bulletin_source": "maildir:news"})
    write_config(conf, settings)

    # unset: the file's own directory
    got, err = settings_of(conf)
    check("config_file_path" not in got, "config_file_path printed as unset")
    check_eq(got["popauth_db"], os.path.join(etc, "users.db"), "popauth_db")
    check_eq(got["stat_file"], os.path.join(etc, "state", "login.db"),
             "stat_file")
    check_eq(got["pop3_log_file"], os.path.join(etc, "pop3d.log"),
             "pop3_log_file")
    check_eq(got["mailbox"], settings["mailbox"], "the template as it is")
    check_eq(got["bulletin_source"], "maildir:" + os.path.join(etc, "news"),
             "bulletin_source: the path of the URL")
    # the same from elsewhere, with -c relative
    got, err = settings_of("pop3d.conf", cwd=etc)
    check_eq(got["popauth_db"], os.path.join(etc, "users.db"),
             "-c relative to the working directory")

    # a list: the first directory that has the file, else the first one
    settings["config_file_path"] = "conf.d:%s" % other
    write_config(conf, settings)
    got, err = settings_of(conf)
    check_eq(got["popauth_db"], os.path.join(other, "users.db"),
             "found in the second directory")
    check_eq(got["stat_file"], os.path.join(etc, "conf.d", "state",
                                            "login.db"),
             "created in the first (relative to the file)")
    check_eq(got["config_file_path"], "conf.d:%s" % other,
             "config_file_path printed as written")
    with open(os.path.join(etc, "conf.d", "users.db"), "w"):
        pass
    got, err = settings_of(conf)
    check_eq(got["popauth_db"], os.path.join(etc, "conf.d", "users.db"),
             "the first directory wins")
    os.unlink(os.path.join(etc, "conf.d", "users.db"))

    # -t warns about a directory that is not there
    settings["config_file_path"] = "conf.d:%s:nowhere" % other
    write_config(conf, settings)
    got, err = settings_of(conf)
    check(re.search(r"^%s:\d+: warning: config_file_path: %s: No such file "
                    r"or directory" % (re.escape(conf), "nowhere"), err, re.M),
          "missing directory: %r" % err)

    # pop3d itself: a login through the relative popauth_db, whatever
    # its working directory
    c = Pop3Pipe(conf)
    c.cmd("USER alice")
    check(c.cmd("PASS secret").startswith(b"+OK alice has 1 message"),
          "login through popauth_db = users.db")
    c.cmd("QUIT")
    check(os.path.exists(os.path.join(etc, "conf.d", "pop3d.log")),
          "the log where -t said")


run(main)
