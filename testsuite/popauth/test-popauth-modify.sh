# -m changes the password, keeps the mailbox, keeps APOP status: a user
# with a secret gets the new password as secret, one without gets none.
. "$top_srcdir/testsuite/popauth/lib.sh"

b64() { printf %s "$1" | base64 -w0; }

expect 0 "$POPAUTH" -f "$DB" -a plain -p old-plain-pw --mailbox 'maildir:/srv/mail/plain-box'
expect 0 "$POPAUTH" -f "$DB" -a apopuser -p old-apop-pw --apop
expect 0 "$POPAUTH" -f "$DB" -m plain -p new-plain-pw
expect 0 "$POPAUTH" -f "$DB" -m apopuser -p new-apop-pw

expect 1 "$POPAUTH" -f "$DB" --check plain -p old-plain-pw
expect 0 "$POPAUTH" -f "$DB" --check plain -p new-plain-pw
expect 1 "$POPAUTH" -f "$DB" --check apopuser -p old-apop-pw
expect 0 "$POPAUTH" -f "$DB" --check apopuser -p new-apop-pw

db_contains 'mailbox=maildir:/srv/mail/plain-box' || fail "-m lost the mailbox"
db_contains "secret=$(b64 new-apop-pw)" || fail "-m did not store the new APOP secret"
db_contains "$(b64 old-apop-pw)" && fail "the old APOP secret is still in the file"
db_contains "$(b64 new-plain-pw)" && fail "-m gave a secret to a user without --apop"

expect 1 "$POPAUTH" -f "$DB" -m nobody-here -p x
expect_one_error_line
grep -q 'no such user' "$WORK/err" || fail "message: $(cat "$WORK/err")"
exit 0
