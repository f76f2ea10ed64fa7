"""contrib/pop3d.conf.example, as the build made it (make install puts
it in $(sysconfdir), the Debian package makes it /etc/pop3d.conf):
every directive of pop3d's table (pop3d -t over an empty file) is in it
once, as a commented-out "#name = value" line holding the default -t
prints (host_id, whose default is the host's name, shows a
placeholder), under a comment that describes it.  Uncommented, the
lines form a configuration pop3d -t accepts and that changes nothing:
the settings it prints are those of the empty file."""
import os
import re

from pop3test import *

EXAMPLE = os.path.join(top_builddir, "contrib", "pop3d.conf.example")


def settings(conf):
    r = run_pop3d_t(conf)
    check_eq(r.returncode, 0, "pop3d -t %s; stderr:\n%s"
             % (conf, r.stderr.decode(errors="replace")))
    out = []
    for line in r.stdout.decode().splitlines():
        name, _, value = line.partition(" =")
        out.append((name, value.strip()))
    return out


def main():
    tmp = TempDir()
    empty = tmp.join("empty.conf")
    open(empty, "w").close()
    defaults = settings(empty)
    check(len(defaults) > 30, "pop3d -t printed the table (%d lines)"
          % len(defaults))

    with open(EXAMPLE) as f:
        lines = f.read().splitlines()
    entries = {}
    for i, line in enumerate(lines):
        m = re.match(r"^#(\w+) =(?: (.*))?$", line)
        if m:
            check(m[1] not in entries, "%s appears once" % m[1])
            # the comment block above it: "# name: TYPE (default: ...)."
            # then the description
            j = i - 1
            while j >= 0 and lines[j].startswith("# "):
                j -= 1
            entries[m[1]] = (m[2] or "", lines[j + 1:i])
    for name, value in defaults:
        check(name in entries, "directive %s is in the example" % name)
        shown, comment = entries[name]
        if name == "host_id":
            check(shown != "" and shown != value,
                  "host_id shows a placeholder, not this host's name")
        else:
            check_eq(shown, value, "the default shown for %s" % name)
        check(len(comment) >= 2 and comment[0].startswith("# %s:" % name),
              "%s has a comment naming it and describing it: %r"
              % (name, comment))
        check("(default:" in " ".join(comment),
              "%s: the comment gives the default" % name)
    check_eq(sorted(entries), sorted(n for n, _ in defaults),
             "the example has no directive pop3d does not know")

    # every line uncommented (but host_id): the same settings
    uncommented = tmp.join("uncommented.conf")
    with open(uncommented, "w") as f:
        for line in lines:
            if re.match(r"^#\w+ =", line) and \
                    not line.startswith("#host_id ="):
                line = line[1:]
            f.write(line + "\n")
    check_eq(settings(uncommented), defaults,
             "pop3d -t of the example with every directive uncommented")


run(main)
