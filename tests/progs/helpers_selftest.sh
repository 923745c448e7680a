#!/usr/bin/env bash
# Host self-test of the small helpers smcr_jsonq and smcr_asuser (the tool tests in the VMs rely
# on them). Usage: helpers_selftest.sh BIN_DIR
set -euo pipefail
bin=$1
fail() { echo "FAIL: $*" >&2; exit 1; }
q() { "$bin/smcr_jsonq" "$@"; }
doc='{"a":{"b":[{"name":"X","n":1},{"name":"Y","n":2}]},"s":"str","e":[]}'
[ "$(echo "$doc" | q '.a.b[name=Y].n')" = 2 ] || fail "select"
[ "$(echo "$doc" | q '.a.b[0].name')" = X ] || fail "index"
[ "$(echo "$doc" | q '.a.b[name=Y,n=2].n')" = 2 ] || fail "two conditions"
if echo "$doc" | q '.a.b[name=Y,n=1]' 2>/dev/null; then fail "conditions are and-ed"; fi
[ "$(echo "$doc" | q '.a.b#')" = 2 ] || fail "length"
[ "$(echo "$doc" | q '.e#')" = 0 ] || fail "empty length"
[ "$(echo "$doc" | q '.s')" = str ] || fail "string"
[ "$(echo '[1,2,3]' | q '.#')" = 3 ] || fail "root length"
[ "$(printf '{"x":1}\n{"x":2}\n' | q '.x' | tr '\n' ' ')" = "1 2 " ] || fail "json lines"
if echo "$doc" | q '.a.c' 2>/dev/null; then fail "missing member must fail"; fi
if echo "$doc" | q '.a.b[name=Z]' 2>/dev/null; then fail "missing element must fail"; fi
rc=0; echo 'not json' | q '.a' 2>/dev/null || rc=$?
[ "$rc" = 2 ] || fail "bad input must exit 2 (got $rc)"
rc=0; "$bin/smcr_asuser" 2>/dev/null || rc=$?
[ "$rc" = 1 ] || fail "smcr_asuser without a command must exit 1 (got $rc)"
if [ "$(id -u)" = 0 ]; then
	[ "$("$bin/smcr_asuser" id -u)" = 65534 ] || fail "smcr_asuser uid"
	[ "$("$bin/smcr_asuser" --uid 1234 --gid 1234 id -g)" = 1234 ] || fail "smcr_asuser gid"
else
	rc=0; "$bin/smcr_asuser" true 2>/dev/null || rc=$?
	[ "$rc" = 2 ] || fail "smcr_asuser as non-root must fail with 2 (got $rc)"
fi
echo "helpers ok"
