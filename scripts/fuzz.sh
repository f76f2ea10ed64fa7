#!/bin/bash
# make fuzz (doc/fuzzing.md): build the libFuzzer harnesses of
# testsuite/fuzz/ with clang, AddressSanitizer and UBSan in a build tree
# of their own (_fuzz/ in the source tree), run each for FUZZ_SECONDS
# seconds from its seeds, and print one line per harness.  Exits 1 if
# any harness crashed (or found a leak or undefined behaviour), 2 if the
# build failed.
#
#   FUZZ_SECONDS  seconds per harness (default 60)
#   FUZZ_JOBS     harnesses run at once (default: the number of CPUs, at
#                 most 2)
#   FUZZ_CC       the compiler (default clang)
#   arguments     harness names (proxy config ...) to run only those
#
# The corpus each run grows is kept in _fuzz/corpus/NAME and used again
# by the next run; crashing inputs go to _fuzz/artifacts/NAME/.
set -u

srcdir=$(cd "$(dirname "$0")/.." && pwd)
build=$srcdir/_fuzz
seconds=${FUZZ_SECONDS:-}
seconds=${seconds:-60}
cc=${FUZZ_CC:-clang}
jobs=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 1)}
[ "$jobs" -gt 2 ] && jobs=2
[ "$jobs" -lt 1 ] && jobs=1
all="proxy config sieve mbox ipc session"
names=${*:-$all}

# -O1 keeps the sanitizers' reports readable; -fno-sanitize-recover makes
# undefined behaviour a crash the engine sees, not a line in a log
san="-fsanitize=address,undefined -fno-sanitize-recover=all"
cflags="-g -O1 -fno-omit-frame-pointer $san -fsanitize=fuzzer-no-link"

if ! command -v "$cc" >/dev/null; then
	echo "fuzz.sh: $cc not found (libFuzzer needs clang)" >&2
	exit 2
fi
if [ -f "$srcdir/config.status" ]; then
	echo "fuzz.sh: $srcdir is configured in place; _fuzz/ needs a clean" \
	     "source tree (make distclean there, build out of tree)" >&2
	exit 2
fi
if [ ! -x "$srcdir/configure" ]; then
	(cd "$srcdir" && autoreconf -fi) || exit 2
fi

mkdir -p "$build"
cd "$build" || exit 2
if [ ! -f Makefile ]; then
	echo "fuzz.sh: configuring $build with $cc"
	"$srcdir/configure" -q CC="$cc" CFLAGS="$cflags" LDFLAGS="$san" ||
		exit 2
fi
echo "fuzz.sh: building the harnesses"
make -s -j2 fuzz-programs >build.log 2>&1 || {
	tail -30 build.log
	echo "fuzz.sh: build failed (see $build/build.log)" >&2
	exit 2
}

# Inputs longer than the default 4096 octets reach code the short ones
# cannot: the parts of a big IPC message, long mbox lines.
options() {
	case $1 in
	ipc) echo "-max_len=90000" ;;
	mbox) echo "-max_len=70000" ;;
	session) echo "-max_len=16384" ;;
	*) echo "" ;;
	esac
}

run_one() {
	local name=$1 prog=$build/testsuite/fuzz/fuzz-$1
	local seeds=$srcdir/testsuite/fuzz/seeds/$1
	local dict=$srcdir/testsuite/fuzz/dict/$1.dict
	local log=$build/logs/$name.log
	local extra
	local -a dictopt=() more_seeds=()

	mkdir -p "$build/corpus/$name" "$build/artifacts/$name" \
		"$build/logs"
	[ -f "$dict" ] && dictopt=(-dict="$dict")
	# the scripts sites use are seeds too
	[ "$name" = sieve ] && more_seeds=("$srcdir/sieve-scripts")
	extra=$(options "$name")
	# -timeout: a hang (an input that makes a parser loop) is a crash
	# too; -rss_limit_mb: so is unbounded memory
	"$prog" -max_total_time="$seconds" -print_final_stats=1 \
		-timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix="$build/artifacts/$name/" \
		"${dictopt[@]}" $extra \
		"$build/corpus/$name" "$seeds" "${more_seeds[@]}" >"$log" 2>&1
	echo $? >"$build/logs/$name.rc"
}

summary() {
	local name=$1 log=$build/logs/$1.log rc execs crashes corpus

	rc=$(cat "$build/logs/$name.rc" 2>/dev/null || echo 99)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" |
		tail -1)
	crashes=$(find "$build/artifacts/$name" -type f -newer \
		"$build/logs/$name.start" | wc -l)
	corpus=$(find "$build/corpus/$name" -type f | wc -l)
	if [ "$rc" != 0 ] && [ "$crashes" = 0 ]; then
		crashes=1       # died without writing an artifact
	fi
	printf '%-16s %10s executions, %s crashes (corpus %s inputs)%s\n' \
		"fuzz-$name" "${execs:-?}" "$crashes" "$corpus" \
		"$([ "$crashes" != 0 ] && echo "  see $log")"
	[ "$crashes" = 0 ]
}

for name in $names; do
	case " $all " in
	*" $name "*) ;;
	*) echo "fuzz.sh: no harness called $name (have: $all)" >&2; exit 2 ;;
	esac
done

echo "fuzz.sh: running each harness ${seconds}s, $jobs at a time"
running=0
for name in $names; do
	mkdir -p "$build/logs"
	touch "$build/logs/$name.start"
	run_one "$name" &
	running=$((running + 1))
	if [ "$running" -ge "$jobs" ]; then
		wait -n
		running=$((running - 1))
	fi
done
wait

status=0
for name in $names; do
	summary "$name" || status=1
done
exit $status
