"""The whole lifecycle: pop3d stamps what its clients retrieve, and a
cron-style run of sieve-scripts/expire.sv (mu-sieve over mailboxes of
each format, one loop as a crontab line would run it) removes exactly the
messages retrieved more than 5 days ago and nothing else.

pop3d (expire = 5, delete_expired = no) stamps the messages sent by RETR
at QUIT; the test then moves some stamps back in time by editing the
number in place (the clock cannot be turned), as if those messages had
been retrieved days ago.  Messages read only with TOP, or never, carry no
stamp and stay; every message left is byte for byte what it was, and
keeps the UIDL pop3d gave it."""
import os
import subprocess

from lifecycle import (DAY, FORMATS, Setup, TempDir, check, check_eq, login,
                       message, now, quit, retr, rewrite_stamp, run, stamps,
                       subjects, top, uidl_map)

MU_SIEVE = os.path.join(os.environ["top_builddir"], "sieve", "mu-sieve")
EXPIRE_SV = os.path.join(os.environ["top_srcdir"], "sieve-scripts",
                         "expire.sv")

# subject, how to read it, days since its retrieval (None: keep the stamp
# of the QUIT), expired by the cron run?
PLAN = [
    ("retrieved 6 days ago", "RETR", 6, True),
    ("retrieved just now", "RETR", None, False),
    ("previewed with TOP", "TOP", None, False),
    ("retrieved 4 days ago", "RETR", 4, False),
    ("never retrieved", None, None, False),
    ("retrieved 30 days ago", "RETR", 30, True),
]


def stamp_by_pop3d(fmt, tmp):
    st = Setup(tmp, fmt=fmt, msgs=[message(s) for s, _, _, _ in PLAN],
               extra={"expire": "5"})
    conn, _ = login(st)
    uidls = uidl_map(conn)
    for i, (_, how, _, _) in enumerate(PLAN):
        if how == "RETR":
            retr(conn, i + 1)
        elif how == "TOP":
            top(conn, i + 1, 2)
    quit(conn)
    stamped = [len(stamps(m)) for m in st.messages()]
    check_eq(stamped, [1 if how == "RETR" else 0 for _, how, _, _ in PLAN],
             fmt + ": pop3d stamped what RETR sent")
    t = now()
    for s, _, days, _ in PLAN:
        if days is not None:
            rewrite_stamp(fmt, st.mailbox_path, s, t - days * DAY)
    return st, uidls


def main():
    setups = {}
    for fmt in FORMATS:
        setups[fmt] = stamp_by_pop3d(fmt, TempDir())
    before = {fmt: st.messages() for fmt, (st, _) in setups.items()}

    conf = setups["mbox"][0].conf
    urls = " ".join('"%s"' % st.url for st, _ in setups.values())
    loop = ('for u in %s; do "%s" -c "%s" -f "$u" "%s" || echo "failed: $u" '
            '>&2; done' % (urls, MU_SIEVE, conf, EXPIRE_SV))
    p = subprocess.run(["sh", "-c", loop], capture_output=True, timeout=120)
    check_eq((p.returncode, p.stdout, p.stderr), (0, b"", b""),
             "the cron loop")

    for fmt, (st, uidls) in setups.items():
        keep = [i for i, (_, _, _, expired) in enumerate(PLAN) if not expired]
        left = st.messages()
        check_eq(subjects(left), [PLAN[i][0] for i in keep],
                 fmt + ": messages left")
        check_eq(left, [before[fmt][i] for i in keep],
                 fmt + ": the rest byte for byte")
        conn, _ = login(st)
        check_eq(sorted(uidl_map(conn).values()),
                 sorted(uidls[i + 1] for i in keep), fmt + ": UIDLs")
        quit(conn)
        check(all(len(stamps(m)) <= 1 for m in st.messages()),
              fmt + ": one stamp at most")


run(main)
