#!/usr/bin/env bash
# Host self-test of the VM test programs over plain TCP on loopback.
# Usage: host_selftest.sh BIN_DIR [quick|full]
#   quick: a few seconds, run by ctest (label host)
#   full:  the heavy combinations (64 MiB transfers, 300 parallel, 200 echo clients)
# Prints PASS/FAIL per case and a final "N passed, N failed" line; exit 1 on failure.
set -u
BIN=${1:?usage: host_selftest.sh BIN_DIR [quick|full]}
MODE=${2:-quick}
TMP=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$TMP"' EXIT
pass=0
fail=0

ok() { echo "PASS $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1: $2"; fail=$((fail + 1)); }

# field NAME LINE: value of NAME=... in LINE
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$2"; }

# start_server PROG ARGS...: starts it, sets SPID and PORT (waits for READY)
start_server() {
	local prog=$1
	shift
	: >"$TMP/srv.out"
	timeout 120 "$BIN/$prog" server "$@" >"$TMP/srv.out" 2>"$TMP/srv.err" &
	SPID=$!
	PORT=
	for _ in $(seq 200); do
		PORT=$(awk '/^READY /{print $2; exit}' "$TMP/srv.out")
		[ -n "$PORT" ] && return 0
		kill -0 $SPID 2>/dev/null || break
		sleep 0.05
	done
	return 1
}

# pair NAME PROG "SERVER ARGS" "CLIENT ARGS" [EXPECT_CLIENT_RC EXPECT_SERVER_RC]
pair() {
	local name=$1 prog=$2 sargs=$3 cargs=$4 ecrc=${5:-0} esrc=${6:-0}
	local t0 crc src cline sline
	if ! start_server "$prog" $sargs; then
		bad "$name" "server did not print READY: $(cat "$TMP/srv.out" "$TMP/srv.err")"
		kill $SPID 2>/dev/null
		wait $SPID 2>/dev/null
		return
	fi
	t0=$(date +%s.%N)
	timeout 120 "$BIN/$prog" client --port "$PORT" $cargs >"$TMP/cli.out" 2>"$TMP/cli.err"
	crc=$?
	wait $SPID
	src=$?
	cline=$(grep '^RESULT' "$TMP/cli.out" | tail -1)
	sline=$(grep '^RESULT' "$TMP/srv.out" | tail -1)
	local secs
	secs=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.2f", b-a}')
	if [ "$crc" != "$ecrc" ] || [ "$src" != "$esrc" ]; then
		bad "$name" "exit codes client=$crc server=$src, expected $ecrc/$esrc; client: $cline; server: $sline $(head -c 300 "$TMP/cli.err")"
		return
	fi
	if [ "$ecrc" = 0 ]; then
		local cc sc
		cc=$(field csum "$cline")
		sc=$(field csum "$sline")
		if [ -z "$cc" ] || [ "$cc" != "$sc" ]; then
			bad "$name" "checksums differ: client '$cc' server '$sc'"
			return
		fi
		ok "$name ($secs s, csum $cc, $(field mbps "$cline") Mbit/s)"
	else
		ok "$name ($secs s, failed as expected: $cline)"
	fi
}

X="--family tcp --addr 127.0.0.1"
X6="--family tcp -6 --addr ::1"
have6=1
"$BIN/smcr_sockinfo" --family tcp -6 --listen >/dev/null 2>&1 || { have6=0; echo "SKIP ipv6: no usable ::1"; }

pair xfer.basic smcr_xfer "--family tcp --count 1" "$X --bytes 4M"
pair xfer.both.random smcr_xfer "--family tcp --count 1 --wsize random --rsize random" \
	"$X --bytes 8M --wsize random --rsize random --both"
pair xfer.wsize1 smcr_xfer "--family tcp --count 1" "$X --bytes 64K --wsize 1 --rsize 1"
[ $have6 = 1 ] && pair xfer.ipv6.poll smcr_xfer "--family tcp -6 --count 4 --io poll" "$X6 --bytes 1M --conns 2 --parallel 2 --io poll --both"
pair xfer.parallel50 smcr_xfer "--family tcp --count 100" "$X --bytes 64K --parallel 50 --conns 2 --both"
pair xfer.corrupt smcr_xfer "--family tcp --count 1" "$X --bytes 1M --corrupt-at 123457" 4 4
pair xfer.corrupt_back smcr_xfer "--family tcp --count 1 --corrupt-at 99" "$X --bytes 1M --both" 4 4
pair xfer.header_mismatch smcr_xfer "--family tcp --count 1 --bytes 2M" "$X --bytes 1M" 5 7
pair echo.lt smcr_echo "--family tcp --count 50" "$X --clients 50 --msgs 20 --msgsize 1000"
pair echo.et smcr_echo "--family tcp --count 50 --et" "$X --clients 50 --msgs 20 --msgsize 1000 --et"
[ $have6 = 1 ] && pair echo.ipv6.window smcr_echo "--family tcp -6 --count 20 --et" "$X6 --clients 20 --msgs 10 --msgsize 100K --window 3"

if [ "$MODE" = full ]; then
	pair full.xfer.64M.w64K smcr_xfer "--family tcp --count 1" "$X --bytes 64M --wsize 64K"
	pair full.xfer.64M.w1M.both smcr_xfer "--family tcp --count 1" "$X --bytes 64M --wsize 1M --both"
	pair full.xfer.64M.random.both smcr_xfer "--family tcp --count 1 --wsize random" "$X --bytes 64M --wsize random --both"
	pair full.xfer.64M.w4K.poll smcr_xfer "--family tcp --count 1 --io poll" "$X --bytes 64M --wsize 4K --io poll"
	pair full.xfer.2M.w1 smcr_xfer "--family tcp --count 1" "$X --bytes 2M --wsize 1"
	pair full.xfer.1M.w1.both smcr_xfer "--family tcp --count 1" "$X --bytes 1M --wsize 1 --rsize 1 --both"
	pair full.xfer.parallel300 smcr_xfer "--family tcp --count 300" "$X --bytes 256K --parallel 300 --both"
	pair full.xfer.parallel300.poll smcr_xfer "--family tcp --count 600 --io poll" "$X --bytes 64K --parallel 300 --conns 2 --io poll"
	pair full.xfer.seq1000 smcr_xfer "--family tcp --count 1000" "$X --bytes 4K --conns 1000"
	pair full.echo.lt200 smcr_echo "--family tcp --count 200" "$X --clients 200 --msgs 100 --msgsize 1000"
	pair full.echo.et200 smcr_echo "--family tcp --count 200 --et" "$X --clients 200 --msgs 100 --msgsize 1000 --et"
	pair full.echo.et200.big smcr_echo "--family tcp --count 200 --et" "$X --clients 200 --msgs 10 --msgsize 256K --window 4 --et"
	pair full.echo.lt200.big smcr_echo "--family tcp --count 200" "$X --clients 200 --msgs 10 --msgsize 256K --window 4"
fi

# AF_SMC on a host without it must fail cleanly as a setup failure (exit 2).
if "$BIN/smcr_sockinfo" --family smc >"$TMP/si.out" 2>&1; then
	echo "SKIP smc.unsupported: this host has AF_SMC"
else
	rc=$?
	if [ $rc = 2 ] && grep -q 'errno=EAFNOSUPPORT' "$TMP/si.out"; then
		ok "smc.unsupported.sockinfo"
		out=$("$BIN/smcr_xfer" client --addr 127.0.0.1 --port 9 2>&1)
		rc=$?
		if [ $rc = 2 ] && grep -q 'site=socket errno=EAFNOSUPPORT' <<<"$out"; then
			ok "smc.unsupported.xfer"
		else
			bad smc.unsupported.xfer "rc=$rc: $out"
		fi
		out=$("$BIN/smcr_echo" server 2>&1)
		rc=$?
		if [ $rc = 2 ] && grep -q 'site=socket errno=EAFNOSUPPORT' <<<"$out"; then
			ok "smc.unsupported.echo"
		else
			bad smc.unsupported.echo "rc=$rc: $out"
		fi
	else
		bad smc.unsupported.sockinfo "rc=$rc: $(cat "$TMP/si.out")"
	fi
fi

# smcr_wait_listen: sees a listener, then its absence
start_server smcr_xfer --family tcp --count 1 --accept-timeout 30
if out=$("$BIN/smcr_wait_listen" "$PORT" --timeout 5) && grep -q 'state=listening' <<<"$out"; then
	"$BIN/smcr_xfer" client $X --port "$PORT" --bytes 1K >/dev/null
	wait $SPID
	if out=$("$BIN/smcr_wait_listen" "$PORT" --absent --timeout 5); then
		ok "wait_listen"
	else
		bad wait_listen "--absent: $out"
	fi
else
	bad wait_listen "$out"
	kill $SPID 2>/dev/null
fi
out=$("$BIN/smcr_wait_listen" 1 --timeout 0.2)
rc=$?
if [ $rc = 6 ]; then ok "wait_listen.timeout"; else bad wait_listen.timeout "rc=$rc $out"; fi

echo "$pass passed, $fail failed"
[ $fail = 0 ]
