#!/bin/bash
# SPDX-License-Identifier: MIT
# bench/view.sh: figures for the destination-table views, not a test.
# Builds bench/view_bench, then runs it once per SQLite configuration, each
# in its own process: 1.03 M orders keys from batch files of 200, then
# 1,000 upserts and deletes, writing current.jsonl after each phase.
# Prints seconds per phase and peak RSS (VmHWM).
#
# usage: bench/view.sh [BUILD_DIR [ROWS]]   (default ./build, 1030000)
#   The batch files (about 150 MB) and the database go to a temporary
#   directory, removed at the end.
set -eu
build=${1:-./build}
rows=${2:-1030000}
make -s -C "$build" bench/view_bench
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
run() { "$build/bench/view_bench" --rows "$rows" "$@" "$T"; }
run # the module's own settings: WAL, synchronous=NORMAL
run --pragma "PRAGMA synchronous=FULL;"
run --pragma "PRAGMA synchronous=OFF;"
run --pragma "PRAGMA journal_mode=DELETE; PRAGMA synchronous=FULL;"
run --pragma "PRAGMA journal_mode=DELETE; PRAGMA synchronous=NORMAL;"
run --pragma "PRAGMA cache_size=-2048;"
run --pragma "PRAGMA cache_size=-65536;"
run --scd2
