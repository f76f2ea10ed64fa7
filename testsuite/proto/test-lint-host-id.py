"""host_id goes into the greeting twice, once in the APOP timestamp
(RFC 1939 section 7: "+OK <host_id> POP3 server ready
<pid.time.random@host_id>"), and into the CRAM-MD5 challenge: a reply
line is at most 512 octets with its CRLF (RFC 2449 section 4), and the
timestamp is a msg-id (RFC 822: no spaces, controls or specials such as
'<', '>', '@').  pop3d -t refuses a host_id that breaks either, with
FILE:LINE; pop3d refuses to start with it (one line on stderr, exit 1)
instead of sending a greeting cut before its timestamp.  The longest
host_id allowed gives a whole greeting within 512 octets."""
import re

from pop3test import *

# pid (an int: 10 digits), time (a 64-bit time_t: 19 digits), 16 hex
# digits of random: the widest the timestamp can be
LONGEST = 512 - len("+OK  POP3 server ready <..@>\r\n") - 10 - 19 - 16
LONGEST //= 2


def lint(conf):
    r = run_pop3d_t(conf)
    return r.returncode, r.stdout.decode(), r.stderr.decode()


def refused(st, host_id, why):
    st.rewrite(host_id=host_id)
    rc, out, err = lint(st.conf)
    check_eq(rc, 1, "-t exit status for host_id %r (stderr %r)" % (host_id,
                                                                  err))
    check(re.match(r"^%s:1: host_id: .*%s" % (re.escape(st.conf), why), err),
          "-t names the line and the problem for %r: %r" % (host_id, err))
    c = Pop3Pipe(st.conf, read_greeting=False)
    c.close_input()
    check_eq(c.wait(), 1, "pop3d -i refuses to start with host_id %r"
             % host_id)
    text = c.stderr()
    check(re.match(r"^pop3d: %s:1: host_id: " % re.escape(st.conf), text)
          and text.count("\n") == 1,
          "one line on stderr for %r: %r" % (host_id, text))


def main():
    tmp = TempDir()
    st = Setup(tmp, msgs=[])
    # host_id first, so that it is on line 1
    st.settings = dict([("host_id", "pop3.test")] + [
        (k, v) for k, v in st.settings.items() if k != "host_id"])

    # the longest that fits: -t accepts it, the greeting keeps its
    # timestamp whole
    longest = ("a" * 62 + ".") * 3 + "b" * (LONGEST - 63 * 3)
    check_eq(len(longest), LONGEST, "test's own arithmetic")
    st.rewrite(host_id=longest)
    rc, out, err = lint(st.conf)
    check_eq(rc, 0, "-t with a %d-octet host_id (stderr %r)"
             % (LONGEST, err))
    c = Pop3Pipe(st.conf)
    check(len(c.greeting) <= 512, "greeting of %d octets" % len(c.greeting))
    check(re.fullmatch(rb"\+OK %s POP3 server ready <\d+\.\d+\.[0-9a-f]{16}"
                       rb"@%s>\r\n" % (longest.encode(), longest.encode()),
                       c.greeting), "whole greeting: %r" % c.greeting)
    c.cmd("QUIT")

    refused(st, longest + "c", "too long")
    refused(st, "x" * 300, "too long")
    refused(st, '"pop3 test"', "space")
    refused(st, '"pop3.test\tx"', "control")
    refused(st, "mail<pop3.test>", "'<'")
    refused(st, "user@pop3.test", "'@'")
    refused(st, "pop3..test", "empty label")
    refused(st, ".pop3.test", "empty label")
    refused(st, "p\u00f6p3.test", "non-ASCII")

    # what a msg-id allows: names with digits, '-' and '_', an address
    # literal
    for good in ("mail-1.example_org.test", "[192.0.2.1]", "[IPv6:2001:db8::1]",
                 "localhost"):
        st.rewrite(host_id=good)
        rc, out, err = lint(st.conf)
        check_eq(rc, 0, "-t with host_id %r (stderr %r)" % (good, err))
        c = Pop3Pipe(st.conf)
        check(c.greeting.endswith(b"@" + good.encode() + b">\r\n"),
              "greeting with %r: %r" % (good, c.greeting))
        c.cmd("QUIT")


run(main)
