# Without -p the password is one line of standard input, its LF or CRLF
# stripped; an empty one is refused.
. "$top_srcdir/testsuite/popauth/lib.sh"

expect 0 "$POPAUTH" -f "$DB" -a alice < <(printf 'from-stdin\n')
expect 0 "$POPAUTH" -f "$DB" --check alice -p from-stdin
expect 1 "$POPAUTH" -f "$DB" --check alice -p "from-stdin
"

expect 0 "$POPAUTH" -f "$DB" -a bob < <(printf 'crlf-pass\r\n')
expect 0 "$POPAUTH" -f "$DB" --check bob -p crlf-pass

expect 0 "$POPAUTH" -f "$DB" -a carol < <(printf 'no-newline')
expect 0 "$POPAUTH" -f "$DB" --check carol -p no-newline

# only the first line counts
expect 0 "$POPAUTH" -f "$DB" -m carol < <(printf 'first\nsecond\n')
expect 0 "$POPAUTH" -f "$DB" --check carol -p first

expect 0 "$POPAUTH" -f "$DB" --check carol < <(printf 'first\n')
expect 1 "$POPAUTH" -f "$DB" --check carol < <(printf 'wrong\n')

expect 1 "$POPAUTH" -f "$DB" -a dave < <(printf '\n')
expect_one_error_line
grep -q 'empty password' "$WORK/err" || fail "message: $(cat "$WORK/err")"
expect 1 "$POPAUTH" -f "$DB" -a dave </dev/null
expect_one_error_line
expect 1 "$POPAUTH" -f "$DB" -a dave -p ''
expect_one_error_line
expect 0 "$POPAUTH" -f "$DB" -l
grep -qx dave "$WORK/out" && fail "dave was added with an empty password"
exit 0
