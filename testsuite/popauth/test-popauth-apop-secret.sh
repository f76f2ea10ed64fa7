# The reversible secret is stored only for users added with --apop.
. "$top_srcdir/testsuite/popauth/lib.sh"

b64() { printf %s "$1" | base64 -w0; }

expect 0 "$POPAUTH" -f "$DB" -a plainuser -p 'plain-Secret-1'
db_contains 'secret=' && fail "secret stored without --apop"
db_contains "$(b64 plain-Secret-1)" && fail "base64 of the password stored without --apop"

expect 0 "$POPAUTH" -f "$DB" -a apopuser -p 'apop-Secret-2' --apop
db_contains "secret=$(b64 apop-Secret-2)" || fail "--apop did not store the secret"

# re-adding without --apop drops the secret, also from the file's free space
expect 0 "$POPAUTH" -f "$DB" -a apopuser -p 'apop-Secret-3'
db_contains "$(b64 apop-Secret-2)" && fail "the dropped secret lingers in the file"
db_contains 'secret=' && fail "secret kept after -a without --apop"

# --apop goes with -a only
expect 2 "$POPAUTH" -f "$DB" -m apopuser -p x --apop
expect_one_error_line

# --help says plainly what --apop costs
expect 0 "$POPAUTH" --help
grep -q 'ALSO STORE THE PASSWORD ITSELF' "$WORK/out" || fail "--help does not warn about --apop"
exit 0
