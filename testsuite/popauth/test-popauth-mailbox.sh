# --mailbox is stored in the user's record; without it there is none.
. "$top_srcdir/testsuite/popauth/lib.sh"

expect 0 "$POPAUTH" -f "$DB" -a alice -p a-pass --mailbox 'maildir:/var/vmail/%d/%u'
db_contains 'mailbox=maildir:/var/vmail/%d/%u' || fail "mailbox not stored"
expect 0 "$POPAUTH" -f "$DB" -a bob -p b-pass
expect 0 "$POPAUTH" -f "$DB" -a alice -p a-pass
db_contains 'mailbox=' && fail "a mailbox is stored though none was given"

# --mailbox belongs to -a only
expect 2 "$POPAUTH" -f "$DB" -m bob -p x --mailbox /tmp/x
expect_one_error_line
exit 0
