"""mu-sieve -f on a mailbox that does not exist, in every format and as a
bare path: exit status 2, one line naming it, and nothing made on disk --
no mailbox, and no session lock file beside it (an mbox's
.NAME.pop3d-lock would otherwise be left for a mailbox nobody has).
Also with -n."""
import os

from musieve import *


def main():
    tmp = TempDir()
    conf = config(tmp)
    parent = tmp.join("spool")
    os.mkdir(parent)
    for prefix in ("mbox:", "maildir:", "mh:", ""):
        for dry in ((), ("-n",)):
            url = prefix + os.path.join(parent, "nobody")
            status, out, err = mu_sieve("-c", conf, "-f", url, *dry,
                                        EXPIRE_SV)
            what = "%s %s" % (url, " ".join(dry))
            check_eq(status, 2, what + ": exit status")
            check(err.startswith("mu-sieve: cannot open %s: " % url) and
                  err.count("\n") == 1, what + ": one line: %r" % err)
            check_eq(os.listdir(parent), [], what + ": nothing created")


run(main)
