# Bad user names and bad usage are refused with one line on stderr, and
# leave the database as it was.
. "$top_srcdir/testsuite/popauth/lib.sh"

expect 0 "$POPAUTH" -f "$DB" -a good -p pw
long=$(printf 'u%.0s' $(seq 256))
ok255=$(printf 'u%.0s' $(seq 255))
for name in '' 'a/b' 'a:b' 'a b' "$(printf 'a\tb')" "$(printf 'a\001b')" \
	"$(printf 'a\177b')" 'admin!alice' . .. "$long"; do
	expect 1 "$POPAUTH" -f "$DB" -a "$name" -p pw
	expect_one_error_line
	grep -q 'bad user name' "$WORK/err" || fail "message: $(cat "$WORK/err")"
done
expect 0 "$POPAUTH" -f "$DB" -a "$ok255" -p pw
expect 0 "$POPAUTH" -f "$DB" -l
[ "$(wc -l <"$WORK/out")" = 2 ] || fail "list after bad names: $(cat "$WORK/out")"

# usage errors: exit 2
expect 2 "$POPAUTH" -f "$DB"
expect_one_error_line
expect 2 "$POPAUTH" -f "$DB" -a x -d y
expect_one_error_line
expect 2 "$POPAUTH" -f "$DB" -l extra
expect_one_error_line
expect 2 "$POPAUTH" -f "$DB" --bogus
expect_one_error_line
expect 2 "$POPAUTH" -f "$DB" -a
expect_one_error_line
expect 2 "$POPAUTH" -f "$DB" --check
expect_one_error_line
grep -q -- "--check needs an argument" "$WORK/err" || fail "message: $(cat "$WORK/err")"
expect_one_error_line
expect 2 "$POPAUTH" -f "$DB" -d good -p pw
expect_one_error_line
expect 1 "$POPAUTH" -f "$DB" -a newline -p pw --mailbox "$(printf 'mbox:/a\nhash=x')"
expect_one_error_line
# mailbox templates pop3d would refuse at login: unknown scheme, relative
# path, unknown escape, and a home directory virtual users do not have
for url in 'imap://host/x' 'mail/%u' '/var/mail/%x' '%h/Maildir' '~/mbox'; do
	expect 1 "$POPAUTH" -f "$DB" -a badbox -p pw --mailbox "$url"
	expect_one_error_line
	grep -q 'bad mailbox URL' "$WORK/err" || fail "message: $(cat "$WORK/err")"
done
expect 0 "$POPAUTH" -f "$DB" -l
grep -qx badbox "$WORK/out" && fail "a user with a bad mailbox was added"

expect 0 "$POPAUTH" --version
grep -q '^popauth (pop3d) ' "$WORK/out" || fail "--version: $(cat "$WORK/out")"
exit 0
