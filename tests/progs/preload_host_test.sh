#!/usr/bin/env bash
# Host test of smc_run and libsmc-preload.so (ctest progs.smc_run.host, label host).
# The host normally has no AF_SMC: every eligible socket must fall back to the original call and
# the programs must work unchanged; sockets that are not TCP are never touched. If the host does
# have AF_SMC, the TCP sockets must come out as AF_SMC instead.
#   preload_host_test.sh SMC_RUN LIBSMC_PRELOAD PROBE
set -uo pipefail
SMC_RUN=$1 LIB=$2 PROBE=$3
fails=0 checks=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; [ -z "${RPID:-}" ] || kill "$RPID" 2>/dev/null' EXIT

ok() { checks=$((checks + 1)); echo "ok   $*"; }
bad() { checks=$((checks + 1)); fails=$((fails + 1)); echo "FAIL $*"; }
check() { # check DESC CMD...: CMD must succeed
	local d=$1
	shift
	if "$@"; then ok "$d"; else bad "$d"; fi
}
status_is() { # status_is WANT DESC CMD...
	local want=$1 d=$2 st
	shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"
	st=$?
	if [ "$st" = "$want" ]; then ok "$d (status $st: $(head -n 1 "$tmp/err"))"; else
		bad "$d: status $st, want $want; stderr: $(cat "$tmp/err")"
	fi
}

# ---- command line ----------------------------------------------------------------------------------
status_is 0 "--help" "$SMC_RUN" --help
status_is 0 "--version" "$SMC_RUN" --version
status_is 125 "no command" "$SMC_RUN"
status_is 125 "unknown option" "$SMC_RUN" -x true
status_is 125 "-t without SIZE" "$SMC_RUN" -t
status_is 125 "bad SIZE" "$SMC_RUN" -t lots true
check "bad SIZE message" grep -q "bad -t 'lots'" "$tmp/err"
status_is 125 "SIZE too large" "$SMC_RUN" -r 2G true
status_is 125 "SIZE zero" "$SMC_RUN" -r 0 true
status_is 127 "command not found" "$SMC_RUN" /nonexistent/cmd
printf 'echo hi\n' >"$tmp/noexec" && chmod 644 "$tmp/noexec"
status_is 126 "command not executable" "$SMC_RUN" "$tmp/noexec"
status_is 3 "exit status of the command" "$SMC_RUN" sh -c 'exit 3'
status_is 0 "options after the command go to the command" "$SMC_RUN" sh -c 'test "$1" = -d' sh -d
status_is 125 "SMC_PRELOAD_LIB relative" env SMC_PRELOAD_LIB=lib.so "$SMC_RUN" true
status_is 125 "SMC_PRELOAD_LIB missing" env SMC_PRELOAD_LIB=/nonexistent.so "$SMC_RUN" true

# ---- environment given to the command -------------------------------------------------------------
libreal=$(readlink -f "$LIB")
out=$(env -u LD_PRELOAD "$SMC_RUN" -r 64K -t 1M sh -c 'echo "$LD_PRELOAD|$SMC_RCVBUF|$SMC_SNDBUF|${SMC_DEBUG-}"')
check "LD_PRELOAD and sizes exported ($out)" test "$out" = "$libreal|65536|1048576|"
out=$(SMC_PRELOAD_LIB=$libreal "$SMC_RUN" -d sh -c 'echo "$SMC_DEBUG"' 2>/dev/null)
check "-d exports SMC_DEBUG=1" test "$out" = 1
other=$(ldd "$PROBE" | awk '/libc\.so/ {print $3}')
out=$(LD_PRELOAD=$other "$SMC_RUN" sh -c 'echo "$LD_PRELOAD"')
check "existing LD_PRELOAD kept after ours ($out)" test "$out" = "$libreal:$other"
out=$(LD_PRELOAD="$libreal $other" "$SMC_RUN" sh -c 'echo "$LD_PRELOAD"')
check "no second copy of ours ($out)" test "$out" = "$libreal:$other"

# ---- the library itself ---------------------------------------------------------------------------
exports=$(nm -D --defined-only "$LIB" | awk '$2 ~ /[TtWw]/ {print $3}' | sort | tr '\n' ' ')
check "exports only socket() ($exports)" test "$exports" = "socket "
needed=$(readelf -d "$LIB" | awk '/NEEDED/ {print $5}' | tr -d '[]' | tr '\n' ' ')
check "no C++ runtime needed ($needed)" sh -c "! echo '$needed' | grep -q 'stdc++\|libgcc_s'"
ctors=$(readelf -S -W "$LIB" | awk '$2 ~ /^\.init_array$/ {print $6}')
check "no global constructors (.init_array ${ctors:-absent})" sh -c "[ -z '$ctors' ] || [ \$((0x$ctors)) -le 8 ]"

# ---- conversions ----------------------------------------------------------------------------------
if "$PROBE" smc >/dev/null; then smc=1; else smc=0; fi
echo "host AF_SMC: $([ $smc = 1 ] && echo available || echo unavailable)"
"$PROBE" kinds >"$tmp/plain" || bad "probe kinds"
"$SMC_RUN" -t 128K -r 96K "$PROBE" kinds >"$tmp/pre" 2>"$tmp/pre.err" || bad "probe kinds under smc_run"
check "quiet without -d" test ! -s "$tmp/pre.err"
stream="inet_stream_0 inet_stream_tcp inet_stream_nb_cloexec inet6_stream_0 inet6_stream_tcp_nb inet6_stream_cloexec"
for k in $(awk '{print $1}' "$tmp/plain"); do
	p=$(grep "^$k " "$tmp/plain") q=$(grep "^$k " "$tmp/pre")
	case " $stream " in
	*" $k "*)
		if [ $smc = 0 ]; then
			# fell back: identical to the plain run, including TCP's own buffer sizes
			check "$k falls back unchanged: $q" test "$p" = "$q"
		else
			check "$k converted: $q" sh -c "echo '$q' | grep -q ' domain=43 '"
		fi
		;;
	*) check "$k untouched: $q" test "$p" = "$q" ;;
	esac
done
for k in inet_stream_nb_cloexec inet6_stream_tcp_nb; do
	check "$k keeps O_NONBLOCK" grep -q "^$k .* nonblock=1 " "$tmp/pre"
done
for k in inet_stream_nb_cloexec inet6_stream_cloexec; do
	check "$k keeps FD_CLOEXEC" grep -q "^$k .* cloexec=1 " "$tmp/pre"
done
check "inet_stream_0 is blocking, no cloexec" grep -q "^inet_stream_0 .* nonblock=0 cloexec=0 " "$tmp/pre"

# -d: one line per eligible socket and none for the others
"$SMC_RUN" -d "$PROBE" kinds >/dev/null 2>"$tmp/dbg"
n=$(grep -c 'socket(AF_INET6\{0,1\}, SOCK_STREAM' "$tmp/dbg")
check "-d: 6 lines for the 6 TCP sockets (got $n)" test "$n" = 6
check "-d: nothing about others" sh -c "! grep -q 'SOCK_DGRAM\|AF_UNIX\|SOCK_RAW\|, 132)\|, 262)' '$tmp/dbg'"
if [ $smc = 0 ]; then
	check "-d: first socket reports EAFNOSUPPORT and the fallback" grep -q 'AF_SMC failed (EAFNOSUPPORT), using the original call' "$tmp/dbg"
	n=$(grep -c 'not converted, AF_SMC unavailable' "$tmp/dbg")
	check "-d: later sockets go straight to TCP (5, got $n)" test "$n" = 5
fi
sed 's/^/    /' "$tmp/dbg"

# ---- programs keep working ------------------------------------------------------------------------
check "echo 1 MiB over loopback v4 under smc_run" "$SMC_RUN" "$PROBE" echo
if [ -e /proc/net/if_inet6 ] && grep -q '^0\{31\}1 ' /proc/net/if_inet6; then
	check "echo 1 MiB over loopback v6 under smc_run" "$SMC_RUN" "$PROBE" echo -6
fi
check "32 threads' first socket() at once" "$SMC_RUN" -d "$PROBE" threads 32 >/dev/null 2>&1
# children: busybox/dash are not touched themselves (static or no sockets), the probe they start is
n=$("$SMC_RUN" -d sh -c "sh -c '$PROBE kinds'" 2>&1 >/dev/null | grep -c 'socket(AF_INET')
check "grandchild of smc_run is preloaded (-d lines: $n)" test "$n" = 6

# a real program: redis (dynamically linked) when installed
if command -v redis-server >/dev/null && command -v redis-benchmark >/dev/null; then
	port=$((20000 + RANDOM % 20000))
	"$SMC_RUN" -d redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no \
		--dir "$tmp" >"$tmp/redis.out" 2>&1 &
	RPID=$!
	for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
	"$SMC_RUN" redis-benchmark -p "$port" -n 2000 -c 4 -t set,get --csv >"$tmp/bench" 2>&1
	sed 's/^/    /' "$tmp/bench"
	check "redis-benchmark under smc_run against redis-server under smc_run" \
		grep -q '^"GET","[1-9][0-9.]*"' "$tmp/bench"
	check "redis-server's listening socket went through the library" \
		grep -q 'socket(AF_INET, SOCK_STREAM.*, 6)' "$tmp/redis.out"
	kill "$RPID"
	wait "$RPID" 2>/dev/null
	RPID=
else
	echo "note: redis-server/redis-benchmark not installed (scripts/setup.sh): real-program part not run"
fi

echo "$checks checks, $fails failed"
[ "$fails" = 0 ]
