#!/bin/sh
# SPDX-License-Identifier: MIT
# Builds the libFuzzer targets of tests/fuzz/ with clang (ASan + UBSan) and
# runs each for SECONDS (default 60; 0 runs the seeds once), one after the
# other:
#   contrib/fuzz.sh [SECONDS [TARGET...]]      e.g. contrib/fuzz.sh 600 fuzz_csv
# The build goes to ./build-fuzz (FUZZ_BUILD overrides). Each target starts
# from its committed seeds, tests/fuzz/corpus/<target>/, and keeps what it
# finds in build-fuzz/tests/fuzz/corpus/<target>/, so longer runs build on
# earlier ones. A crash, leak or hang leaves the input in
# build-fuzz/tests/fuzz/crash-<target>-* and makes the script fail; rerun
# the target on that file to reproduce it. Each target also gets an
# automake-style .trs, so tests/summary.sh counts it as a test.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
secs=${1:-60}
[ $# -eq 0 ] || shift
build=${FUZZ_BUILD:-$top/build-fuzz}
jobs=$(nproc 2>/dev/null || echo 2)

case $secs in
'' | *[!0-9]*)
	echo "usage: $0 [SECONDS [TARGET...]]" >&2
	exit 2
	;;
esac
if [ $# -gt 0 ]; then
	targets="$*"
else
	targets=""
	for f in "$top"/tests/fuzz/fuzz_*.c; do
		f=${f##*/}
		targets="$targets ${f%.c}"
	done
fi
command -v clang >/dev/null || {
	echo "fuzz.sh: clang is missing (contrib/install-deps.sh installs it)" >&2
	exit 1
}
if [ ! -x "$top/configure" ] || [ "$top/configure.ac" -nt "$top/configure" ]; then
	(cd "$top" && autoreconf -fi)
fi
mkdir -p "$build"
cd "$build"
rm -f tests/fuzz/*.trs # a failed build must leave no results behind
[ -f Makefile ] || "$top/configure" CC=clang --enable-fuzzers >configure.out 2>&1 || {
	tail -n 20 configure.out >&2
	exit 1
}
# shellcheck disable=SC2046
make -j"$jobs" $(for t in $targets; do printf 'tests/fuzz/%s ' "$t"; done) >make.out 2>&1 || {
	tail -n 40 make.out >&2
	exit 1
}

failed=0
for t in $targets; do
	seeds=$top/tests/fuzz/corpus/$t
	found=tests/fuzz/corpus/$t
	log=tests/fuzz/$t.log
	mkdir -p "$found"
	rm -f tests/fuzz/crash-"$t"-* "$log" tests/fuzz/"$t".trs
	if [ "$secs" -eq 0 ]; then
		limit=-runs=0
	else
		limit=-max_total_time=$secs
	fi
	# -close_fd_mask=2 silences the parsers' own messages; libFuzzer and
	# the sanitizers still report on a copy of stderr.
	if ./tests/fuzz/"$t" "$limit" -timeout=10 -rss_limit_mb=2048 \
		-close_fd_mask=2 -print_final_stats=1 \
		-artifact_prefix=tests/fuzz/crash-"$t"- "$found" "$seeds" >"$log" 2>&1; then
		result=PASS
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
		echo "PASS: $t (${runs:-?} inputs in ${secs}s)"
	else
		result=FAIL
		failed=1
		echo "FAIL: $t"
		tail -n 40 "$log"
		for c in tests/fuzz/crash-"$t"-*; do
			[ -f "$c" ] || continue
			echo "---- reproduce: $build/tests/fuzz/$t $build/$c"
			./tests/fuzz/"$t" "$c" 2>&1 | grep -v '^INFO:' | head -n 40 || true
		done
	fi
	printf ':test-result: %s\n:global-test-result: %s\n' "$result" "$result" \
		>tests/fuzz/"$t".trs
done
exit "$failed"
