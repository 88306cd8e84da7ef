#!/bin/bash
# SPDX-License-Identifier: MIT
# since on the tracker is inclusive on updated_at (updated_at >= since),
# with whole-second timestamps that many records share: a since equal to
# a shared timestamp returns every record of that second, a fraction past
# it none of them; the forms Z, +hh:mm and a bare date; and paging with
# ties that straddle page boundaries neither loses nor repeats a record.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib.sh"

R=$TRACKER_REPO
start_tracker since

# since_list LIST SINCE OUT [QUERY]: every record of LIST with since=SINCE,
# following next, sorted by updated asc.
since_list() {
	follow_next "$SERVER_URL$R/$1?${4:-}sort=updated&direction=asc&per_page=30&since=$(urlq "$2")" "$3"
}
# expected FILE SINCE: the records of FILE whose updated_at >= SINCE.
expected() {
	jq -c --arg s "$2" 'select(.updated_at >= $s)' "$1"
}

for list in issues issues/comments; do
	q=""
	[ "$list" = issues ] && q="state=all&"
	follow_next "$SERVER_URL$R/$list?${q}sort=updated&direction=asc&per_page=100" "$T/all"
	total=$(wc -l <"$T/all" | tr -d ' ')
	# A timestamp that several records share, in the middle of the list.
	tie=$(jq -rs '[group_by(.updated_at)[] | select(length >= 3)] |
		.[length / 2 | floor][0].updated_at' "$T/all")
	[ "$tie" != null ] || fail "$list: no timestamp shared by 3 records"
	shared=$(jq -s --arg t "$tie" 'map(select(.updated_at == $t)) | length' "$T/all")

	since_list "$list" "$tie" "$T/got" "$q"
	expected "$T/all" "$tie" >"$T/want"
	cmp -s "$T/want" "$T/got" || fail "$list since=$tie: not every record at or after it"
	[ "$(head -n "$shared" "$T/got" | jq -r .updated_at | sort -u)" = "$tie" ] ||
		fail "$list since=$tie: the $shared records of that second do not come first"

	# The same instant with an offset, and a fraction later: that second is out.
	off=$(date -u -d "$tie" +%Y-%m-%dT%H:%M:%S+00:00)
	since_list "$list" "$off" "$T/got" "$q"
	cmp -s "$T/want" "$T/got" || fail "$list since=$off differs from since=$tie"
	frac=$(date -u -d "$tie" +%Y-%m-%dT%H:%M:%S.000001Z)
	since_list "$list" "$frac" "$T/got" "$q"
	expected "$T/all" "$tie" | tail -n +$((shared + 1)) >"$T/want"
	cmp -s "$T/want" "$T/got" || fail "$list since=$frac: the records of $tie are not all left out"

	# Far in the past: all of them; a bare date: from its midnight UTC.
	since_list "$list" 2000-01-01T00:00:00Z "$T/got" "$q"
	assert_eq "$total" "$(wc -l <"$T/got" | tr -d ' ')" "$list since=2000"
	day=$(date -u -d "$tie" +%Y-%m-%d)
	since_list "$list" "$day" "$T/got" "$q"
	expected "$T/all" "${day}T00:00:00Z" >"$T/want"
	cmp -s "$T/want" "$T/got" || fail "$list since=$day"
	# In the future: none, and no Link.
	expect_code 200 GET "$R/$list?${q}since=2999-01-01T00:00:00Z"
	assert_eq '[]' "$HTTP_BODY" "$list since the year 2999"
	assert_eq "" "$(http_header Link)" "Link of an empty list"

	# since with the other orders: the same set.
	follow_next "$SERVER_URL$R/$list?${q}since=$(urlq "$tie")&per_page=100" "$T/other"
	assert_eq "$(expected "$T/all" "$tie" | wc -l)" "$(wc -l <"$T/other" | tr -d ' ')" \
		"$list since=$tie in the default order"
done

# ------------------------------------------------ ties across page boundaries
# Comments by updated asc, 30 a page: some second is shared by the last
# record of a page and the first of the next; reading page by page still
# gives every record once, in the order of the whole list.
follow_next "$SERVER_URL$R/issues/comments?sort=updated&direction=asc&per_page=100" "$T/whole"
straddles=$(jq -s '[range(30; length; 30) as $i | select(.[$i - 1].updated_at == .[$i].updated_at)] | length' "$T/whole")
[ "$straddles" -ge 2 ] || fail "only $straddles page boundaries fall inside a tie"
PAGE_SIZE=30 follow_next "$SERVER_URL$R/issues/comments?sort=updated&direction=asc" "$T/paged"
cmp -s "$T/whole" "$T/paged" || fail "pages of 30 differ from the whole list"
# The same for issues, by updated desc, 7 a page.
follow_next "$SERVER_URL$R/issues?state=all&sort=updated&per_page=100" "$T/whole"
straddles=$(jq -s '[range(7; length; 7) as $i | select(.[$i - 1].updated_at == .[$i].updated_at)] | length' "$T/whole")
[ "$straddles" -ge 2 ] || fail "only $straddles issue page boundaries fall inside a tie"
PAGE_SIZE=7 follow_next "$SERVER_URL$R/issues?state=all&sort=updated&per_page=7" "$T/paged"
cmp -s "$T/whole" "$T/paged" || fail "issue pages of 7 differ from the whole list"
exit 0
