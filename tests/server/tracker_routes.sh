#!/bin/bash
# SPDX-License-Identifier: MIT
# The tracker's routes and records, as its man page gives them: the three
# lists answer JSON arrays of records of the documented shape (members in
# order, types, nested user and milestone, whole-second UTC timestamps),
# the seeded counts at scale 1 and 2, the label names, the Content-Type,
# and 404 {"message": "Not Found"} for every other path and method.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib.sh"

R=$TRACKER_REPO
TS='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$'
start_tracker routes

# ------------------------------------------------ issues
PAGE_SIZE=100 follow_next "$SERVER_URL$R/issues?state=all&per_page=100" "$T/issues"
assert_eq 250 "$(wc -l <"$T/issues" | tr -d ' ')" "issues at scale 1"
assert_eq "$(http_header Content-Type)" "application/json; charset=utf-8" "Content-Type of a list"
# Every issue has exactly the documented members, in order, of their types.
jq -e --arg ts "$TS" '
	def ts: type == "string" and test($ts);
	(keys_unsorted == ["id", "number", "title", "body", "state", "user",
		"milestone", "created_at", "updated_at", "closed_at"]) and
	(.id | type == "number" and . > 2147483647 and floor == .) and
	(.number | type == "number" and . >= 1 and floor == .) and
	(.title | type == "string" and length >= 1) and
	(.body == null or (.body | type == "string")) and
	(.state == "open" or .state == "closed") and
	(.user | keys_unsorted == ["login", "id"] and (.login | type == "string") and
		(.id | type == "number")) and
	(.milestone == null or (.milestone | keys_unsorted == ["title", "due_on"] and
		(.title | type == "string") and (.due_on == null or (.due_on | ts)))) and
	(.created_at | ts) and (.updated_at | ts) and (.updated_at >= .created_at) and
	(if .state == "closed" then (.closed_at | ts) else .closed_at == null end)
	' "$T/issues" >/dev/null || fail "an issue is not of the documented shape: $(head -n 1 "$T/issues")"
jq -se 'map(.number) | sort == [range(1; 251)]' "$T/issues" >/dev/null ||
	fail "issue numbers are not 1..250"
jq -se 'map(.id) | unique | length == 250' "$T/issues" >/dev/null || fail "issue ids are not unique"
# Some of everything: closed ones, null bodies, milestones, several authors.
jq -se '(map(select(.state == "closed")) | length > 20) and
	(map(select(.body == null)) | length > 5) and
	(map(select(.milestone == null)) | length > 20) and
	(map(select(.milestone.due_on == null and .milestone != null)) | length > 5) and
	(map(.user.login) | unique | length == 8)' "$T/issues" >/dev/null ||
	fail "the seeded issues lack variety"
# Texts that need escaping come back as JSON strings.
jq -se 'any(.[]; .title | test("\"") and test("caf\u00e9"))' "$T/issues" >/dev/null ||
	fail "no title with quotes and non-ASCII"

# The default list is the open issues.
open=$(jq -s 'map(select(.state == "open")) | length' "$T/issues")
follow_next "$SERVER_URL$R/issues" "$T/open"
assert_eq "$open" "$(wc -l <"$T/open" | tr -d ' ')" "issues listed by default (open)"

# ------------------------------------------------ comments
follow_next "$SERVER_URL$R/issues/comments?per_page=100" "$T/comments"
assert_eq 600 "$(wc -l <"$T/comments" | tr -d ' ')" "comments at scale 1"
jq -e --arg ts "$TS" '
	(keys_unsorted == ["id", "issue_number", "user", "body", "created_at", "updated_at"]) and
	(.id | type == "number" and . > 4294967295) and
	(.issue_number | type == "number" and . >= 1 and . <= 250) and
	(.user | keys_unsorted == ["login", "id"]) and
	(.body | type == "string" and length >= 1) and
	(.created_at | test($ts)) and (.updated_at | test($ts)) and .updated_at >= .created_at
	' "$T/comments" >/dev/null || fail "a comment is not of the documented shape: $(head -n 1 "$T/comments")"
# A comment is never older than its issue.
jq -se --slurpfile is "$T/issues" '
	($is | map({key: (.number | tostring), value: .created_at}) | from_entries) as $c |
	all(.[]; .created_at >= $c[.issue_number | tostring])' "$T/comments" >/dev/null ||
	fail "a comment is older than its issue"

# ------------------------------------------------ labels
follow_next "$SERVER_URL$R/labels" "$T/labels"
want='["bug","enhancement","documentation","question","duplicate","needs triage","good first issue","performance","security","wontfix","ui","area: api"]'
jq -se --argjson w "$want" 'map(.name) == $w' "$T/labels" >/dev/null ||
	fail "labels: $(jq -sc 'map(.name)' "$T/labels")"
jq -e 'keys_unsorted == ["name", "color", "description"] and (.color | test("^[0-9a-f]{6}$")) and
	(.description == null or (.description | type == "string"))' "$T/labels" >/dev/null ||
	fail "a label is not of the documented shape"
assert_eq 3 "$(jq -s 'map(select(.description == null)) | length' "$T/labels")" "labels without a description"

# ------------------------------------------------ everything else is 404
for p in / /repos /repos/acme "$R" "$R/" /repos/acme/other/issues "$R/issues/" \
	"$R/issue" "$R/issues/1" "$R/issues/comments/5000000000" "$R/labels/bug" \
	"$R/issues/1/comments" "$R/pulls"; do
	expect_code 404 GET "$p"
	assert_eq '{"message":"Not Found"}' "$HTTP_BODY" "GET $p"
done
for m in PUT DELETE PATCH; do
	expect_code 404 "$m" "$R/issues"
done
expect_code 404 POST "$R/labels" -d '{}'
expect_code 404 POST "$R/issues/comments" -d '{"body":"x"}'
expect_code 404 DELETE "$R/issues/comments/5000000000"
expect_code 404 PATCH "$R/issues/0" -d '{}'
expect_code 404 PATCH "$R/issues/251" -d '{}'
expect_code 404 PATCH "$R/issues/abc" -d '{}'
expect_code 404 PATCH "$R/issues/comments/5000000001" -d '{"body":"x"}'
assert_eq "$(http_header Content-Type)" "application/json; charset=utf-8" "Content-Type of a 404"

# ------------------------------------------------ --scale
start_tracker scaled --scale 2
for l in "issues?state=all&per_page=100 500" "issues/comments?per_page=100 1200" \
	"labels?per_page=100 24"; do
	follow_next "$SERVER_URL$R/${l% *}" "$T/scaled"
	assert_eq "${l#* }" "$(wc -l <"$T/scaled" | tr -d ' ')" "${l% *} at --scale 2"
done
jq -se 'map(.name) | index("bug 2") != null' "$T/scaled" >/dev/null || fail "no label 'bug 2' at --scale 2"
exit 0
