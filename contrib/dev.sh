#!/bin/sh
# SPDX-License-Identifier: MIT
# One command for each thing a developer does on a fresh machine:
#   contrib/dev.sh demo    install dependencies, build, start the simulated
#                          Example server and query it
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
	echo "== starting lakeflowfs-example-server on a free loopback port"
	portfile=$(mktemp)
	rm -f "$portfile"
	./lakeflowfs-example-server --port 0 --port-file "$portfile" --quiet &
	pid=$!
	trap 'kill $pid; rm -f "$portfile"' EXIT
	while [ ! -s "$portfile" ]; do sleep 0.1; done
	url=http://127.0.0.1:$(cat "$portfile")
	echo "== GET $url/tables"
	curl -sS -u demo:demo "$url/tables"; echo
	echo "== GET $url/tables/orders/records?page=1 (first record)"
	curl -sS -u demo:demo "$url/tables/orders/records?page=1" | jq '.records[0], .next_page'
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
