#!/bin/sh
# SPDX-License-Identifier: MIT
# One command for each thing a developer does on a fresh machine:
#   contrib/dev.sh demo    install dependencies, build, mount the built-in
#                          Example source and look around
#   contrib/dev.sh test    install dependencies, build, run the whole suite:
#                          plainly (./build), under ASan+UBSan
#                          (./build-asan), the unit tests under valgrind
#                          (./build-valgrind), and each fuzzer for
#                          FUZZ_SECONDS (default 12; ./build-fuzz); ends with
#                          one "N passed, N failed" line counting every run
#   contrib/dev.sh build   install dependencies and build only
# The build goes to ./build (out of tree). Extra configure flags may be
# given in CONFIGURE_FLAGS, e.g. CONFIGURE_FLAGS="--enable-asan" (./build only).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
build=$top/build
jobs=$(nproc 2>/dev/null || echo 2)

as_root() {
	if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

prepare() {
	as_root sh "$top/contrib/install-deps.sh"
	if [ ! -x "$top/configure" ] || [ "$top/configure.ac" -nt "$top/configure" ]; then
		(cd "$top" && autoreconf -fi)
	fi
}

# configure_in DIR [configure flags...]: configures (once) and builds in DIR,
# which becomes the current directory.
configure_in() {
	mkdir -p "$1"
	cd "$1"
	shift
	[ -f Makefile ] || "$top/configure" --enable-werror "$@"
	make -j"$jobs"
}

build() {
	prepare
	# shellcheck disable=SC2086
	configure_in "$build" ${CONFIGURE_FLAGS:-}
}

# suite NAME DIR TESTS [configure flags...]: builds in DIR and runs TESTS
# there (a make expression, e.g. '$(UNIT_TESTS)'; "" for all), showing the
# failures. A build that fails leaves no results: summary.sh counts that.
suite() {
	name=$1 dir=$2 tests=$3
	shift 3
	echo "== $name ($dir)"
	mkdir -p "$dir"
	rm -f "$dir"/tests/*/*.trs "$dir"/tests/*/*.log
	if ! (configure_in "$dir" "$@") >"$dir/build.out" 2>&1; then
		tail -n 40 "$dir/build.out"
		echo "== $name: the build failed"
		return 0
	fi
	cd "$dir"
	if [ -n "$tests" ]; then
		make -j"$jobs" check TESTS="$tests" >check.out 2>&1 || true
	else
		make -j"$jobs" check >check.out 2>&1 || true
	fi
	grep -E '^(PASS|FAIL|SKIP|ERROR|XFAIL|XPASS):' check.out || true
	for f in $(grep -lE '^:test-result: (FAIL|ERROR)' tests/*/*.trs 2>/dev/null); do
		echo "==== ${f%.trs}.log"
		tail -n 40 "${f%.trs}.log"
	done
	if ! grep -q '^# TOTAL' check.out; then
		# The harness never ran: show why (usually a build error).
		tail -n 40 check.out
	fi
}

# make distcheck (the release tarball builds, installs, uninstalls and
# passes the suite on its own), counted as one test.
distcheck() {
	dist=$top/build-dist
	echo "== make distcheck ($dist)"
	mkdir -p "$dist/tests/dist"
	if (cd "$build" && make -j"$jobs" distcheck) >"$dist/distcheck.out" 2>&1; then
		result=PASS
	else
		result=FAIL
		tail -n 40 "$dist/distcheck.out"
	fi
	echo "$result: make distcheck"
	printf ':test-result: %s\n' "$result" >"$dist/tests/dist/distcheck.trs"
}

run_tests() {
	prepare
	# shellcheck disable=SC2086
	suite "plain build" "$build" "" ${CONFIGURE_FLAGS:-}
	distcheck
	(
		ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1
		export ASAN_OPTIONS UBSAN_OPTIONS
		suite "ASan + UBSan" "$top/build-asan" "" --enable-asan --enable-ubsan
	)
	# shellcheck disable=SC2016 # make expands it
	suite "valgrind memcheck, unit tests" "$top/build-valgrind" \
		'$(UNIT_TESTS) $(MODEL_TESTS)' \
		--enable-valgrind
	echo "== libFuzzer targets, ${FUZZ_SECONDS:-12}s each ($top/build-fuzz)"
	FUZZ_BUILD=$top/build-fuzz sh "$top/contrib/fuzz.sh" "${FUZZ_SECONDS:-12}" || true
	sh "$top/tests/summary.sh" "$build" "$top/build-dist" "$top/build-asan" \
		"$top/build-valgrind" "$top/build-fuzz"
}

demo() {
	build
	mnt=${MOUNTPOINT:-$(mktemp -d /tmp/lake.XXXXXX)}
	echo "== starting the built-in Example source and mounting it on $mnt"
	./lakeflowfs "$mnt"
	trap 'fusermount3 -u "$mnt"' EXIT
	echo "== ls $mnt"; ls "$mnt"
	echo "== cat $mnt/tables"; cat "$mnt/tables"
	echo "== ls -l $mnt/orders"; ls -l "$mnt/orders"
	echo "== head -n 3 $mnt/orders/snapshot.jsonl"; head -n 3 "$mnt/orders/snapshot.jsonl"
	echo "== wc -l $mnt/*/snapshot.jsonl"; wc -l "$mnt"/*/snapshot.jsonl
	echo "== ls $mnt/orders/changes"; ls "$mnt/orders/changes"
	echo "== cat $mnt/orders/changes/_offset"; cat "$mnt/orders/changes/_offset"
	echo "== jq .api $mnt/_status.json"; jq .api "$mnt/_status.json"
	echo "== unmounting (fusermount3 -u $mnt)"
}

case "${1:-}" in
demo) demo ;;
test) run_tests ;;
build) build ;;
*)
	echo "usage: $0 demo|test|build" >&2
	exit 2
	;;
esac
