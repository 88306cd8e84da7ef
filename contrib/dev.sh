#!/bin/sh
# SPDX-License-Identifier: MIT
# One command for each thing a developer does on a fresh machine:
#   contrib/dev.sh demo    install dependencies, build, mount the built-in
#                          Example source and look around
#   contrib/dev.sh test    install dependencies, build, run the whole suite
#   contrib/dev.sh build   install dependencies and build only
# The build goes to ./build (out of tree). Extra configure flags may be
# given in CONFIGURE_FLAGS, e.g. CONFIGURE_FLAGS="--enable-asan".
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
build=$top/build
jobs=$(nproc 2>/dev/null || echo 2)

as_root() {
	if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

build() {
	as_root sh "$top/contrib/install-deps.sh"
	if [ ! -x "$top/configure" ] || [ "$top/configure.ac" -nt "$top/configure" ]; then
		(cd "$top" && autoreconf -fi)
	fi
	mkdir -p "$build"
	cd "$build"
	# shellcheck disable=SC2086
	[ -f Makefile ] || "$top/configure" --enable-werror ${CONFIGURE_FLAGS:-}
	make -j"$jobs"
}

run_tests() {
	build
	rm -f tests/*/*.trs tests/*/*.log
	make -j"$jobs" check >check.out 2>&1 || true
	grep -E '^(PASS|FAIL|SKIP|ERROR|XFAIL|XPASS):' check.out || true
	for f in $(grep -lE '^:test-result: (FAIL|ERROR)' tests/*/*.trs 2>/dev/null); do
		echo "==== ${f%.trs}.log"
		tail -n 40 "${f%.trs}.log"
	done
	if ! grep -q '^# TOTAL' check.out; then
		# The harness never ran: show why (usually a build error).
		tail -n 40 check.out
	fi
	sh "$top/tests/summary.sh" "$build"
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
