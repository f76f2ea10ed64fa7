# The database is created mode 0600 whatever the umask.
. "$top_srcdir/testsuite/popauth/lib.sh"

umask 000
expect 0 "$POPAUTH" -f "$DB" -a alice -p a-pass
mode=$(stat -c %a "$DB")
[ "$mode" = 600 ] || fail "mode $mode after creation with umask 000"
# rewriting it (-d compacts into a new file) keeps the mode
expect 0 "$POPAUTH" -f "$DB" -a bob -p b-pass
expect 0 "$POPAUTH" -f "$DB" -d bob
mode=$(stat -c %a "$DB")
[ "$mode" = 600 ] || fail "mode $mode after -a/-d"

umask 0277
rm -f "$DB"
expect 0 "$POPAUTH" -f "$DB" -a alice -p a-pass
mode=$(stat -c %a "$DB")
[ "$mode" = 600 ] || fail "mode $mode after creation with umask 0277"
expect 0 "$POPAUTH" -f "$DB" -a bob -p b-pass
exit 0
