# Passwords are kept as salted slow hashes: the plaintext is not in the
# file, the hash is yescrypt ($y$) or SHA-512 crypt ($6$), and two users
# with one password get different hashes (salts).  Only --apop users have
# their password in the file, as base64 (not encryption) after "secret=".
. "$top_srcdir/testsuite/popauth/lib.sh"

pw='Plain-Text-Password-4711'
expect 0 "$POPAUTH" -f "$DB" -a alice -p "$pw"
expect 0 "$POPAUTH" -f "$DB" -a bob -p "$pw"
db_contains "$pw" && fail "the plaintext password is in the database"
db_contains "$(printf %s "$pw" | base64 -w0)" && fail "base64 of the password is in the database"
grep -a -o 'hash=\$[y6]\$[^[:cntrl:]]*' "$DB" >"$WORK/hashes" || fail "no yescrypt or SHA-512 hash found"
[ "$(wc -l <"$WORK/hashes")" = 2 ] || fail "expected 2 hashes: $(cat "$WORK/hashes")"
[ "$(sort -u "$WORK/hashes" | wc -l)" = 2 ] || fail "the same password hashed twice alike: no salt"

expect 0 "$POPAUTH" -f "$DB" -a carol -p "$pw" --apop
db_contains "$pw" && fail "--apop stored the password unencoded"
db_contains "secret=$(printf %s "$pw" | base64 -w0)" || fail "--apop secret missing"
exit 0
