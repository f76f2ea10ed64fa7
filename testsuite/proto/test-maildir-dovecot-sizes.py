"""A Maildir written the way Dovecot writes it: every file named
TIME.MnPn.HOST,S=<size>,W=<virtual size>:2,FLAGS.  Dovecot's W= is the
size with CRLF line ends, but it adds nothing for a last line without a
line end, where pop3d sends (and counts) a CRLF (`doveadm save` of such a
message gives S=29,W=31 for what pop3d sends as 33 octets).  So whatever
the names say, LIST is exactly the number of octets RETR sends: LF and
CRLF files, with and without a final line end, a final bare CR, an empty
file, W= fields that cannot be right.  Every RETR ends with its "." line
and the session goes on to QUIT."""
from pop3test import *


def dovecot_vsize(data):
    """Dovecot's virtual size: every LF not after a CR counts as CRLF;
    nothing is added at the end of a file without a final LF."""
    bare_lf = sum(1 for i, c in enumerate(data)
                  if c == 0x0a and (i == 0 or data[i - 1] != 0x0d))
    return len(data) + bare_lf


# (message, W= to write; None: Dovecot's own)
MSGS = [
    (b"Subject: lf\n\nfinal newline\n", None),
    (b"Subject: x\n\nno final newline", None),
    (b"Subject: crlf\r\n\r\nfinal CRLF\r\n", None),
    (b"Subject: crlf\r\n\r\nno final CRLF", None),
    (b"Subject: mixed\r\n\r\nLF body\nno end", None),
    (b"Subject: cr\n\nends in a bare CR\r", None),
    (b"Subject: dots\n\n.a dot line\n..two\n", None),
    (b"", None),
    (b"Subject: w too small\n\nbody\n", 3),
    (b"Subject: w too big\n\nbody\n", 1000),
]


def main():
    st = Setup(TempDir(), fmt="maildir", msgs=[])
    cur = os.path.join(st.mailbox_path, "cur")
    for i, (msg, w) in enumerate(MSGS):
        name = "%d.M%dP%d.dovecot,S=%d,W=%d:2,S" % (
            1700000000 + i, i, 4242, len(msg),
            dovecot_vsize(msg) if w is None else w)
        with open(os.path.join(cur, name), "wb") as f:
            f.write(msg)
    # the case of the report: doveadm save of a 29-octet message
    check_eq(dovecot_vsize(MSGS[1][0]), wire_size(MSGS[1][0]) - 2,
             "Dovecot's W= of a last line without LF")

    c = Pop3Pipe(st.conf)
    c.login(st.user, st.password)
    sizes = [wire_size(m) for m, _ in MSGS]
    c.send("LIST\r\n")
    c.expect(b"+OK %d messages (%d octets)\r\n" % (len(MSGS), sum(sizes)) +
             b"".join(b"%d %d\r\n" % (i + 1, s)
                      for i, s in enumerate(sizes)) + b".\r\n")
    for i, (msg, _) in enumerate(MSGS):
        check_eq(c.cmd("LIST %d" % (i + 1)),
                 b"+OK %d %d\r\n" % (i + 1, sizes[i]), "LIST %d" % (i + 1))
        check_eq(c.cmd("RETR %d" % (i + 1)), b"+OK %d octets\r\n" % sizes[i],
                 "RETR %d" % (i + 1))
        check_eq(c.read_multi(), wire_form(msg) + b".\r\n",
                 "message %d as RETR sends it" % (i + 1))
    check_eq(c.cmd("STAT"), b"+OK %d %d\r\n" % (len(MSGS), sum(sizes)),
             "STAT after every RETR")
    check(c.cmd("QUIT").startswith(b"+OK"), "QUIT")
    check_eq(c.wait(), 0, "exit status")
    log = open(st.log, errors="replace").read()
    check("changed on disk" not in log, "a message taken for changed: " + log)


run(main)
