# -a adds users, -l lists them one a line in byte order; -a on an existing
# user replaces it rather than adding a second entry.
. "$top_srcdir/testsuite/popauth/lib.sh"

expect 0 "$POPAUTH" -f "$DB" -a carol -p c-pass
expect 0 "$POPAUTH" -f "$DB" -a alice -p a-pass
expect 0 "$POPAUTH" -f "$DB" -a bob@example.org -p b-pass
expect 0 "$POPAUTH" -f "$DB" -a Zed -p z-pass
expect 0 "$POPAUTH" -f "$DB" -a alice -p a-pass-2
expect 0 "$POPAUTH" -f "$DB" -l
printf 'Zed\nalice\nbob@example.org\ncarol\n' >"$WORK/want"
cmp "$WORK/want" "$WORK/out" || { cat "$WORK/out"; fail "list differs"; }
[ -s "$WORK/err" ] && fail "stderr not empty: $(cat "$WORK/err")"

# the replacement holds the new password, not the old one
expect 0 "$POPAUTH" -f "$DB" --check alice -p a-pass-2
expect 1 "$POPAUTH" -f "$DB" --check alice -p a-pass

# long options do the same
expect 0 "$POPAUTH" --file "$DB" --add dave --password d-pass
expect 0 "$POPAUTH" --file="$DB" --list
grep -qx dave "$WORK/out" || fail "--add/--list: dave missing"
exit 0
