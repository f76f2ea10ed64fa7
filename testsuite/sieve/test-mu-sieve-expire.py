"""The cron expiry recipe, sieve-scripts/expire.sv, run by mu-sieve over
an mbox, a Maildir and an MH folder with planted X-Expire-Timestamp
headers: exactly the messages stamped more than 5 days ago go; the others
stay byte for byte, with their UIDLs and sizes unchanged.  A second run
finds nothing more to do."""
import time

from musieve import (DAY, EXPIRE_SV, FORMATS, TempDir, check_eq, config,
                     mailbox_messages, mailbox_path, make_mailbox, message,
                     mu_sieve, probe_list, run)


def fixture(now):
    """(message, expired?) pairs."""
    return [
        (message("stamped 6 days ago", now - 6 * DAY), True),
        (message("never retrieved"), False),
        (message("stamped 4 days ago", now - 4 * DAY), False),
        (message("stamped a year ago", now - 365 * DAY), True),
        (message("stamped just now", now), False),
        # an RFC 5322 date works as a stamp too
        (message("date stamp, 10 days", time.strftime(
            "%a, %d %b %Y %H:%M:%S +0000",
            time.gmtime(now - 10 * DAY)).encode()), True),
        # 4 days 23 hours: not yet
        (message("almost expired", now - 5 * DAY + 3600), False),
        # a body with From_ lines and a dot line, no final line end
        (message("old, awkward body", now - 7 * DAY,
                 body=b"From here on\n>From there\n.\nlast line"), True),
        (message("unreadable stamp", b"yesterday"), False),
        # a Date: header alone does not expire a message
        (message("old Date only", extra=b"Date: Mon, 1 Jan 2001 00:00:00 +0000\n"),
         False),
        (message("last, old", now - 30 * DAY), True),
    ]


def check_format(tmp, fmt):
    now = int(time.time())
    pairs = fixture(now)
    path = mailbox_path(tmp, fmt)
    url = make_mailbox(fmt, path, [m for m, _ in pairs])
    before = probe_list(url)
    check_eq(len(before), len(pairs), fmt + ": messages in the fixture")

    status, out, err = mu_sieve("-c", config(tmp), "-f", url, EXPIRE_SV)
    check_eq((status, out, err), (0, "", ""), fmt + ": mu-sieve result")

    kept = [m for m, expired in pairs if not expired]
    check_eq(mailbox_messages(fmt, path), kept, fmt + ": messages left")
    check_eq(probe_list(url),
             [u for u, (_, expired) in zip(before, pairs) if not expired],
             fmt + ": UIDLs and sizes of the messages left")

    # nothing left to expire: a second run changes nothing
    status, out, err = mu_sieve("-c", config(tmp), "-v", "-f", url, EXPIRE_SV)
    check_eq(status, 0, fmt + ": second run status")
    check_eq(out.count("discard"), 0, fmt + ": second run discards")
    check_eq(mailbox_messages(fmt, path), kept, fmt + ": after the second run")


def main():
    tmp = TempDir()
    for fmt in FORMATS:
        check_format(tmp, fmt)


run(main)
