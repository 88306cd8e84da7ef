#!/bin/bash
# SPDX-License-Identifier: MIT
# Listing is cheap: ls of the mount and of every object directory, even
# repeated, makes no record fetches; the first stat of a data file does,
# exactly once (single flight), and the CSV is made without fetching again;
# ls -l then adds the one request of sample.jsonl.
. "$top_srcdir/tests/lib.sh"
need_fuse

start_server api --error-rate 0
printf 'secret\n' >"$T/pw"
chmod 600 "$T/pw"
M=$T/mnt
mount_fs "$M" -o "url=$SERVER_URL,username=tester,password_file=$T/pw,cache_dir=$T/cache"

records() { grep -c "/records" "$T/api.log"; }
grep -q "GET /tables 200" "$T/api.log" || fail "the server log shows no requests: $(cat "$T/api.log")"

for _ in 1 2 3; do
	ls "$M" >/dev/null
	for o in products events users orders metrics; do
		ls "$M/$o" >/dev/null || fail "ls $o"
	done
	cat "$M/tables" "$M"/*/schema.json "$M"/*/metadata.json >/dev/null
done
assert_eq 0 "$(records)" "record fetches made by ls and the small files"

# Eight readers at once of a file not yet fetched: one fetch of its pages.
readers=""
for i in $(seq 8); do
	stat -c %s "$M/products/snapshot.jsonl" >"$T/size.$i" &
	readers="$readers $!"
done
for p in $readers; do wait "$p" || fail "a reader failed"; done
assert_eq 1 "$(grep -c 'products: snapshot of 53 records' "$T/daemon.log")" \
	"snapshots made for eight concurrent readers"
fetched=$(records)
[ "$fetched" -ge 3 ] || fail "only $fetched record fetches for 3 pages"
assert_eq 1 "$(cat "$T"/size.* | sort -u | wc -l)" "every reader saw the same size"
cat "$M/products/snapshot.csv" "$M/products/snapshot.jsonl" >/dev/null
assert_eq "$fetched" "$(records)" "record fetches after reading the CSV"
# ls -l stats sample.jsonl too: its one page, once.
ls -l "$M/products" >/dev/null
ls -l "$M/products" >/dev/null
assert_eq $((fetched + 1)) "$(records)" "record fetches after ls -l"
