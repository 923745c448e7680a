# shellcheck shell=dash
# bench: a first side-by-side look, in one run on two VMs with the same kernel, at
#   - plain TCP over the virtio link,
#   - our module (SMC-R over Soft-RoCE, default module parameters),
#   - Debian's stock smc.ko (SMC-R over the same Soft-RoCE link),
#   - the raw RDMA ceiling of that link (perftest ib_write_bw / ib_write_lat),
# measured with smcr_bench (stream throughput, 1-byte request/response, connection rate), and
# with two unmodified applications run under smc_run (for TCP: run plainly):
#   - redis: Debian's redis-server on b, redis-benchmark on a, SET and GET, -P 1 and -P 16,
#   - http: Debian's nginx (nginx-light, our own config in /tmp) on b, wrk on a with keep-alive,
#     a 1 KiB and a 64 KiB file; the bodies are checked once per implementation (GNU wget, md5).
# VM a is the client, b the server. Start it with --mod-a none --mod-b none: the scenario loads
# each implementation in turn. Every SMC measurement must really be SMC-R: no fallback on either
# host and thousands of RoCE packets. The table goes to the notes (run.sh --notes) and, as JSON
# lines, to /tmp/rig/bench.json on a (printed to the console).
# Under TCG, absolute numbers mean little; ratios from the same run are what we quote.
# Options: RIG_OPT_BENCH_SECS (seconds per measurement, default 4), RIG_OPT_BENCH_SIZE (stream
# write size, default 64K), RIG_OPT_BENCH_REDIS_N (redis-benchmark requests per run at -P 1,
# default 4000; -P 16 runs 5 times as many), RIG_OPT_BENCH_APPS=0 (skip redis and http),
# RIG_OPT_BENCH_ROUNDS=N (default 1): N rounds of ceiling, TCP, ours, stock (even rounds: stock
# before ours, to cancel the first-SMC-implementation penalty under TCG), each JSON line
# tagged with its "round"; the tables give medians (and the host report ranges and per-round ratios).
# RIG_OPT_BENCH_BUF=BYTES sets net.smc.wmem and net.smc.rmem (default: each implementation's own,
# ours 256 KiB, stock 64 KiB) on both hosts for ours and stock alike: the send buffer and the RMB each SMC connection gets (16 KiB ..
# 512 KiB). ib_write_bw keeps 128 writes in flight; a 64 KiB RMB allows one 64 KiB write at a time.
# RIG_OPT_BENCH_SENDFILE=on|off: nginx's sendfile (default on, as Debian's nginx.conf; into an
# SMC socket the pages are copied into the send buffer, for TCP they are not).
# rig-host-bins: /usr/bin/redis-server /usr/bin/redis-benchmark /usr/sbin/nginx /usr/bin/wrk /usr/bin/wget

BN_SECS=${RIG_OPT_BENCH_SECS:-4}
BN_SIZE=${RIG_OPT_BENCH_SIZE:-64K}
BN_PORT=5301
BN_UEID=SMCR-BENCH
BN_JSON=/tmp/rig/bench.json
BN_REDIS_N=${RIG_OPT_BENCH_REDIS_N:-4000}
BN_REDIS_PORT=6390
BN_HTTP_PORT=8080
BN_HTTP_DIR=/tmp/bnhttp
BN_APPS=${RIG_OPT_BENCH_APPS:-1}
BN_DONE=/tmp/rig/bench-done	# on b: a is done measuring
BN_ROUNDS=${RIG_OPT_BENCH_ROUNDS:-1}
BN_ROUND=1
BN_BUF=${RIG_OPT_BENCH_BUF:-}
# the window ceilings: ib_write_bw -t D, D = 64 KiB writes a window of net.smc.rmem holds
BN_DEPTHS=$( (echo 1 2 4; [ -z "$BN_BUF" ] || echo $((BN_BUF / 65536))) | tr ' ' '\n' |
	awk '$1 >= 1' | sort -nu | tr '\n' ' ')
BN_SENDFILE=${RIG_OPT_BENCH_SENDFILE:-on}

bn_pkts() { rig_ib_counter rxe0 sent_pkts; }
# Soft-RoCE retransmissions (timer or NAK driven) on both hosts so far: a lost packet at the end
# of a burst costs a retransmission timeout (134 ms with upstream's QP timeout 15)
BN_RETRY="cat /sys/class/infiniband/rxe0/ports/1/hw_counters/completer_retry_err 2>/dev/null || echo 0"
bn_retries() { echo $(($(eval "$BN_RETRY") + $(rig_peer "$BN_RETRY" 2>/dev/null || echo 0))); }
# fallbacks and handshake errors so far on this host (SMC_GEN_NETLINK: any implementation)
BN_FBACK="smcr_nlcheck fback | awk '/^fback_total|^hs_err/ { s += \$3 + \$5 } END { print s + 0 }'"
bn_fback() { eval "$BN_FBACK"; }

bn_setup_cmd() { # commands for one host to load IMPL (smcr|stock|none) with SMC-R configured
	local bufs=""
	[ -z "$BN_BUF" ] ||
		bufs=" && echo $BN_BUF >/proc/sys/net/smc/wmem && echo $BN_BUF >/proc/sys/net/smc/rmem"
	case $1 in
	smcr) echo "rig_load_smcr && smcr_nlcheck ueid add $BN_UEID >/dev/null$bufs" ;;
	stock) echo "rig_load_stock && smcr_nlcheck ueid add $BN_UEID >/dev/null &&" \
		"smcr_nlcheck pnet add SMCRBENCH eth eth0 ib rxe0 1 >/dev/null$bufs" ;;
	none) echo true ;;
	esac
}

bn_unload_cmd() {
	echo "if [ -d /sys/module/smcr ]; then rmmod smcr; fi;" \
		"if [ -e /sys/module/smc/initstate ]; then rig_unload_stock; fi; true"
}

BN_BUFS=""	# '"wmem":W,"rmem":R,' of the loaded SMC implementation: part of every JSON line
bn_use() { # bn_use IMPL: the same implementation on both hosts
	eval "$(bn_unload_cmd)"
	rig_check rig_peer "$(bn_unload_cmd)" || return 1
	eval "$(bn_setup_cmd "$1")" || { rig_check false "load $1 here"; return 1; }
	rig_check rig_peer "$(bn_setup_cmd "$1")" || return 1
	BN_BUFS=""
	[ "$1" = none ] && return 0
	# the buffers each connection gets: this implementation's defaults unless BENCH_BUF set them
	BN_BUFS="\"wmem\":$(cat /proc/sys/net/smc/wmem),\"rmem\":$(cat /proc/sys/net/smc/rmem),"
	rig_check test "$(rig_peer "cat /proc/sys/net/smc/wmem /proc/sys/net/smc/rmem" | tr '\n' ' ')" = \
		"$(cat /proc/sys/net/smc/wmem /proc/sys/net/smc/rmem | tr '\n' ' ')"
}

# bn_run IMPL TEST SIZE [CONNS]: one measurement; appends its JSON line; sets BN_OUT
bn_run() {
	local impl=$1 test=$2 size=$3 conns=${4:-1} fam=smc h out p0 p1 f0 f1 g0 g1 r0 r1
	[ "$impl" = tcp ] && fam=tcp
	h=$(rig_peer_bg "smcr_bench server --family $fam --port $BN_PORT") || return 1
	rig_peer_wait_port $BN_PORT 20 >/dev/null || { rig_check false "server did not listen"; return 1; }
	p0=$(bn_pkts) f0=$(bn_fback) g0=$(rig_peer "$BN_FBACK" 2>/dev/null || echo 0) r0=$(bn_retries)
	out=$(smcr_bench client "$RIG_PEER_IP4" --family $fam --port $BN_PORT --test "$test" \
		--size "$size" --conns "$conns" --time "$BN_SECS" --label "$impl" --json 2>&1)
	local rc=$?
	p1=$(bn_pkts) f1=$(bn_fback) g1=$(rig_peer "$BN_FBACK" 2>/dev/null || echo 0) r1=$(bn_retries)
	rig_peer_kill "$h" >/dev/null 2>&1
	rig_log "$impl $test: $out (RoCE packets +$((p1 - p0)), retransmissions +$((r1 - r0)), fallbacks here +$((f1 - f0)), peer +$((g1 - g0)))"
	rig_check test "$rc" = 0 || return 1
	if [ "$fam" = smc ]; then
		rig_check test "$f1" = "$f0" || return 1
		rig_check test "$g1" = "$g0" || return 1
		rig_check test $((p1 - p0)) -gt 100 || return 1
	fi
	[ "$fam" = tcp ] || out=$(echo "$out" | sed "s/}\$/,\"rxe_retries\":$((r1 - r0))}/")
	echo "$out" | sed "s/^{/{\"round\":$BN_ROUND,$BN_BUFS/" | bn_json
	BN_OUT=$out
}

# bn_json: JSON lines from stdin into bench.json, each also on the console at once (the host takes
# them from there: a VM that dies later in the run loses no measurement taken before)
bn_json() {
	local l
	while IFS= read -r l; do
		[ -n "$l" ] || continue
		echo "$l" >>"$BN_JSON"
		rig_log "bench.json: $l"
	done
}

bn_field() { echo "$1" | sed -n "s/.*\"$2\":\([0-9.]*\).*/\1/p"; }

t_setup() {
	: >"$BN_JSON"
	rig_check rig_have smcr_bench || return 1
	rig_check rig_rxe_up eth0 rxe0 || return 1
	rig_check rig_peer "rig_rxe_up eth0 rxe0"
}

# the RDMA ceiling: perftest between the two rxe devices (no SMC module involved)
t_ceiling() {
	local gid h out bw wbw lat d x
	eval "$(bn_unload_cmd)"
	gid=$(rig_rxe_gid rxe0 "$RIG_IP4") || return 1
	h=$(rig_peer_bg "ib_write_bw -d rxe0 -s 65536 -n 400 -F -p 5310 -x \$(rig_rxe_gid rxe0 \$RIG_IP4)") || return 1
	rig_peer_wait_port 5310 20 >/dev/null || return 1
	out=$(ib_write_bw -d rxe0 -s 65536 -n 400 -F -p 5310 -x "$gid" "$RIG_PEER_IP4" 2>&1) || {
		rig_log "$out"; rig_check false "ib_write_bw"; return 1; }
	rig_peer_wait "$h" 60 >/dev/null || return 1
	bw=$(echo "$out" | awk '$1 == 65536 && $2 == 400 { print $4 }')
	# the same link with only as many 64 KiB writes in flight as an SMC connection's window
	# holds (its RMB: net.smc.rmem), each one posted when an earlier one completes: 64, 128 and
	# 256 KiB windows (and BENCH_BUF's)
	wbw=""
	for d in $BN_DEPTHS; do
		h=$(rig_peer_bg "ib_write_bw -d rxe0 -s 65536 -n 200 -t $d -F -p 5312 -x \$(rig_rxe_gid rxe0 \$RIG_IP4)") || return 1
		rig_peer_wait_port 5312 20 >/dev/null || return 1
		out=$(ib_write_bw -d rxe0 -s 65536 -n 200 -t "$d" -F -p 5312 -x "$gid" "$RIG_PEER_IP4" 2>&1) || {
			rig_log "$out"; rig_check false "ib_write_bw -t $d"; return 1; }
		rig_peer_wait "$h" 60 >/dev/null || return 1
		x=$(echo "$out" | awk '$1 == 65536 && $2 == 200 { print $4 }')
		rig_check test -n "$x" || { rig_log "$out"; return 1; }
		wbw="$wbw $d:$x"
	done
	h=$(rig_peer_bg "ib_write_lat -d rxe0 -s 1 -n 2000 -F -p 5311 -x \$(rig_rxe_gid rxe0 \$RIG_IP4)") || return 1
	rig_peer_wait_port 5311 20 >/dev/null || return 1
	out=$(ib_write_lat -d rxe0 -s 1 -n 2000 -F -p 5311 -x "$gid" "$RIG_PEER_IP4" 2>&1) || {
		rig_log "$out"; rig_check false "ib_write_lat"; return 1; }
	rig_peer_wait "$h" 60 >/dev/null || return 1
	# columns: bytes iterations t_min t_max t_typical t_avg t_stdev 99% 99.9%
	lat=$(echo "$out" | awk '$1 == 1 && $2 == 2000 { print $5 }')
	rig_check test -n "$bw" -a -n "$lat" || { rig_log "$out"; return 1; }
	echo "{\"round\":$BN_ROUND,\"label\":\"rdma\",\"test\":\"ib_write_bw\",\"size\":65536,\"mbytes_per_s\":$bw}" | bn_json
	for x in $wbw; do
		echo "{\"round\":$BN_ROUND,\"label\":\"rdma\",\"test\":\"ib_write_bw\",\"size\":65536,\"tx_depth\":${x%%:*},\"mbytes_per_s\":${x#*:}}" | bn_json
	done
	echo "{\"round\":$BN_ROUND,\"label\":\"rdma\",\"test\":\"ib_write_lat\",\"size\":1,\"t_typical_us\":$lat}" | bn_json
	rig_pass "ib_write_bw 64 KiB: $bw MB/s (with DEPTH:MB/s in flight:$wbw); ib_write_lat 1 B: $lat us (one way, typical)"
}

# The measurements: "TEST SIZE CONNS" per line. The default set is quick (CI-sized); with
# RIG_OPT_BENCH_FULL=1 the whole issue-#6 grid: stream at 64 B .. 1 MiB, 1 B and 1 KiB
# request/response, the connection rate, and 1, 8, 64 parallel streams.
if [ "${RIG_OPT_BENCH_FULL:-0}" = 1 ]; then
	BN_CASES="stream 64 1
stream 1K 1
stream 16K 1
stream 64K 1
stream 1M 1
rr 1 1
rr 1K 1
crr 1 1
stream 64K 8
stream 64K 64"
else
	BN_CASES="stream $BN_SIZE 1
rr 1 1
crr 1 1"
fi

# bn_measure IMPL: every case, each checked by bn_run
bn_measure() {
	local impl=$1 test size conns n=0 summary=""
	while read -r test size conns; do
		[ -n "$test" ] || continue
		bn_run "$impl" "$test" "$size" "$conns" </dev/null || return 1
		n=$((n + 1))
		case $test in
		stream) summary="$summary; stream $size x$conns $(bn_field "$BN_OUT" mbytes_per_s) MB/s" ;;
		rr) summary="$summary; rr $size p50 $(bn_field "$BN_OUT" p50_us) us" ;;
		crr) summary="$summary; crr $(bn_field "$BN_OUT" ops_per_s)/s" ;;
		esac
	done <<EOF_CASES
$BN_CASES
EOF_CASES
	rig_pass "$n measurements${summary}"
}

# ---- applications ------------------------------------------------------------------------------
# Each application measurement is bracketed like bn_run: for SMC, no fallback and no handshake
# error on either host, and at least MINPKTS RoCE packets sent here.
bn_mark() { BN_P0=$(bn_pkts) BN_F0=$(bn_fback) BN_G0=$(rig_peer "$BN_FBACK" 2>/dev/null || echo x); }
bn_proof() { # bn_proof IMPL WHAT MINPKTS
	local p1 f1 g1
	p1=$(bn_pkts) f1=$(bn_fback) g1=$(rig_peer "$BN_FBACK" 2>/dev/null || echo y)
	rig_log "$1 $2: RoCE packets +$((p1 - BN_P0)), fallbacks here +$((f1 - BN_F0)), peer $BN_G0 -> $g1"
	[ "$1" = tcp ] && return 0
	rig_check test "$f1" = "$BN_F0" || return 1
	rig_check test "$g1" = "$BN_G0" || return 1
	rig_check test $((p1 - BN_P0)) -ge "$3"
}

bn_pre() { [ "$1" = tcp ] || echo smc_run; } # the wrapper for IMPL's application processes

bn_impl_check() { # the implementation bn_use loaded is still there on both hosts
	local want=$1 here peer
	[ "$want" = tcp ] && want=none
	here=$(rig_smc_impl) peer=$(rig_peer rig_smc_impl)
	rig_check test "$here $peer" = "$want $want"
}

# redis-benchmark's CSV ("test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms",
# "p95_latency_ms","p99_latency_ms","max_latency_ms") to one JSON line per test
bn_redis_json() { # bn_redis_json IMPL PIPELINE REQUESTS CLIENTS <CSV
	awk -F'"' -v l="$1" -v p="$2" -v n="$3" -v c="$4" '
	$2 == "SET" || $2 == "GET" {
		printf "{\"label\":\"%s\",\"test\":\"redis\",\"op\":\"%s\",\"pipeline\":%d,\"conns\":%d,\"requests\":%d,\"rps\":%s,\"p50_us\":%.1f,\"p99_us\":%.1f}\n", l, $2, p, c, n, $4, $10 * 1000, $14 * 1000
	}'
}

bn_redis() { # bn_redis IMPL: redis-server on b, redis-benchmark here, -P 1 and -P 16
	local impl=$1 pre h p n out rc=0
	pre=$(bn_pre "$impl")
	h=$(rig_peer_bg "mkdir -p /tmp/bnredis && cd /tmp/bnredis && exec $pre redis-server --port $BN_REDIS_PORT --bind 0.0.0.0 --protected-mode no --save '' --appendonly no --dir /tmp/bnredis") || return 1
	rig_check rig_peer_wait_port $BN_REDIS_PORT 30 || { rig_peer_kill "$h"; return 1; }
	for p in 1 16; do
		n=$BN_REDIS_N
		[ "$p" = 1 ] || n=$((BN_REDIS_N * 5))
		bn_mark
		out=$($pre redis-benchmark -h "$RIG_PEER_IP4" -p $BN_REDIS_PORT -n "$n" -c 8 -P "$p" -t set,get --csv 2>&1)
		rc=$?
		rig_log "$impl redis -P $p -n $n -c 8: $(echo "$out" | tr '\n' ' ')"
		rig_check test "$rc" = 0 || break
		out=$(echo "$out" | bn_redis_json "$impl" "$p" "$n" 8)
		# both tests reported a positive rate
		rig_check test "$(echo "$out" | grep -c '"rps":[0-9]*[1-9]')" = 2 || { rc=1; break; }
		# every batch of P requests is at least one RDMA write from here
		bn_proof "$impl" "redis -P $p" $((2 * n / p)) || { rc=1; break; }
		echo "$out" | sed "s/^{/{\"round\":$BN_ROUND,$BN_BUFS/" | bn_json
		BN_SUMMARY="$BN_SUMMARY; redis -P $p $(echo "$out" | sed -n 's/.*"op":"\([A-Z]*\)".*"rps":\([0-9]*\).*/\1 \2/p' | tr '\n' ' ')/s"
	done
	rig_peer_kill "$h" >/dev/null 2>&1
	return $rc
}

# nginx on b: our own config (no includes, nothing outside $BN_HTTP_DIR), one worker process
# that is the master too, files of 1 KiB and 64 KiB; prints their md5 sums. Run on b.
bn_http_prep() {
	rm -rf $BN_HTTP_DIR && mkdir -p $BN_HTTP_DIR/www || return 1
	head -c 1024 /dev/urandom >$BN_HTTP_DIR/www/1024 || return 1
	head -c 65536 /dev/urandom >$BN_HTTP_DIR/www/65536 || return 1
	cat >$BN_HTTP_DIR/nginx.conf <<EOF_NGINX || return 1
user root;
worker_processes 1;
master_process off;
daemon off;
pid $BN_HTTP_DIR/nginx.pid;
error_log $BN_HTTP_DIR/error.log warn;
events { worker_connections 256; }
http {
	access_log off;
	default_type application/octet-stream;
	sendfile $BN_SENDFILE;
	keepalive_requests 1000000;
	keepalive_timeout 60s;
	client_body_temp_path $BN_HTTP_DIR/body;
	proxy_temp_path $BN_HTTP_DIR/proxy;
	fastcgi_temp_path $BN_HTTP_DIR/fastcgi;
	uwsgi_temp_path $BN_HTTP_DIR/uwsgi;
	scgi_temp_path $BN_HTTP_DIR/scgi;
	server {
		listen $BN_HTTP_PORT;
		root $BN_HTTP_DIR/www;
	}
}
EOF_NGINX
	(cd $BN_HTTP_DIR/www && md5sum 1024 65536)
}

# wrk's text output to one JSON line: requests/s, MB/s (1e6 bytes, wrk prints binary units),
# latency percentiles in us; errors (socket errors, non-2xx) make it fail
bn_wrk_json() { # bn_wrk_json IMPL SIZE CONNS SECS <WRK-OUTPUT
	awk -v l="$1" -v z="$2" -v c="$3" -v t="$4" '
	function us(s,   v) { v = s + 0; if (s ~ /us$/) return v; if (s ~ /ms$/) return v * 1000; if (s ~ /m$/) return v * 60e6; if (s ~ /s$/) return v * 1e6; return v }
	function bytes(s,   v) { v = s + 0; if (s ~ /KB$/) return v * 1024; if (s ~ /MB$/) return v * 1048576; if (s ~ /GB$/) return v * 1073741824; return v }
	$1 == "Requests/sec:" { rps = $2 }
	$1 == "Transfer/sec:" { bps = bytes($2) }
	$1 == "50%" { p50 = us($2) } $1 == "99%" { p99 = us($2) }
	/requests in/ { reqs = $1 }
	/Socket errors|Non-2xx/ { bad = 1 }
	END {
		if (bad || rps == "" || reqs + 0 == 0) exit 1
		printf "{\"label\":\"%s\",\"test\":\"http\",\"size\":%d,\"conns\":%d,\"seconds\":%s,\"requests\":%d,\"rps\":%s,\"mbytes_per_s\":%.3f,\"p50_us\":%.1f,\"p99_us\":%.1f}\n", l, z, c, t, reqs, rps, bps / 1e6, p50, p99
	}'
}

bn_http() { # bn_http IMPL: nginx on b, wrk here (keep-alive), 1 KiB and 64 KiB
	local impl=$1 pre h sums z out got want rc=0 url
	pre=$(bn_pre "$impl")
	sums=$(rig_peer "BN_SOURCED=1; . /lib/rig/scenarios/bench.sh; bn_http_prep") || { rig_check false "nginx setup on b: $sums"; return 1; }
	h=$(rig_peer_bg "exec $pre nginx -p $BN_HTTP_DIR -e $BN_HTTP_DIR/error.log -c $BN_HTTP_DIR/nginx.conf") || return 1
	if ! rig_check rig_peer_wait_port $BN_HTTP_PORT 30; then
		rig_peer "cat $BN_HTTP_DIR/error.log"; rig_peer_kill "$h"; return 1
	fi
	for z in 1024 65536; do
		url=http://$RIG_PEER_IP4:$BN_HTTP_PORT/$z
		# the body, once, through the same implementation (smc_run -d: the socket is AF_SMC)
		bn_mark
		got=$(${pre:+$pre -d} /usr/bin/wget -q -O- "$url" 2>/tmp/rig/bn-wget.err | md5sum | cut -c1-32)
		want=$(echo "$sums" | awk -v f="$z" '$2 == f { print $1 }')
		rig_log "$impl http GET /$z: md5 $got, on b $want"
		rig_check test -n "$want" -a "$got" = "$want" || { rc=1; break; }
		if [ -n "$pre" ]; then
			rig_check grep -q 'socket(AF_INET, SOCK_STREAM.*): fd [0-9]* is AF_SMC' /tmp/rig/bn-wget.err || { rc=1; break; }
		fi
		bn_proof "$impl" "http wget /$z" 2 || { rc=1; break; }
		bn_mark
		out=$($pre wrk -t1 -c8 -d"${BN_SECS}s" --latency "$url" 2>&1)
		rc=$?
		rig_log "$impl http wrk /$z: $(echo "$out" | tr '\n' ' ' | tr -s ' ')"
		rig_check test "$rc" = 0 || break
		out=$(echo "$out" | bn_wrk_json "$impl" "$z" 8 "$BN_SECS") || { rig_check false "wrk reported errors or nothing"; rc=1; break; }
		# one request and one response per round trip at least
		bn_proof "$impl" "http wrk /$z" "$(($(bn_field "$out" requests) / 2))" || { rc=1; break; }
		echo "$out" | sed "s/^{/{\"round\":$BN_ROUND,$BN_BUFS/" | bn_json
		BN_SUMMARY="$BN_SUMMARY; http $z B $(bn_field "$out" rps) req/s $(bn_field "$out" mbytes_per_s) MB/s"
	done
	rig_peer_kill "$h" >/dev/null 2>&1
	if rig_peer "test -s $BN_HTTP_DIR/error.log"; then
		rig_log "nginx error.log on b:"; rig_peer "cat $BN_HTTP_DIR/error.log" | head -n 20
	fi
	return $rc
}

bn_apps() { # bn_apps IMPL: redis and http with the implementation bn_use loaded
	local impl=$1 c
	[ "$BN_APPS" = 1 ] || { rig_skip "RIG_OPT_BENCH_APPS=$BN_APPS"; return 0; }
	for c in redis-server redis-benchmark nginx wrk /usr/bin/wget; do
		rig_check rig_have "$c" || { rig_log "$c is missing (scripts/setup.sh installs it)"; return 1; }
	done
	[ "$impl" = tcp ] || rig_check rig_have smc_run || return 1
	bn_impl_check "$impl" || return 1
	BN_SUMMARY=""
	bn_redis "$impl" || return 1
	bn_http "$impl" || return 1
	rig_pass "${BN_SUMMARY#; }"
}

t_tcp() { bn_use none && bn_measure tcp; }
t_ours() { bn_use smcr && bn_measure smcr; }
t_stock() { bn_use stock && bn_measure stock; }
t_tcp_apps() { bn_apps tcp; }
t_ours_apps() { bn_apps smcr; }
t_stock_apps() { bn_apps stock; }

# The table, from the JSON lines: one row per case and metric, ours/TCP and ours/stock ratios
# (for latencies a ratio below 1 means ours is faster). smcr_bench's measurements only: the full
# report, applications and plots included, is tests/bench/bench_report.py's on the host.
bn_table() {
	awk '
	function field(s, k,   m) { if (match(s, "\"" k "\":[^,}]*")) { m = substr(s, RSTART + length(k) + 3, RLENGTH - length(k) - 3); gsub(/"/, "", m); return m } return "" }
	function ratio(a, b) { return (a == "" || b == "" || b + 0 == 0) ? "-" : sprintf("%.2f", a / b) }
	function add(k, x) { if (x != "") { cnt[k]++; val[k, cnt[k]] = x + 0 } }
	# the median of the values added under k ("" if none): rounds repeat measurements
	function med(k,   i, j, m, t, a) {
		m = cnt[k] + 0
		if (!m) return ""
		for (i = 1; i <= m; i++) a[i] = val[k, i]
		for (i = 2; i <= m; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
		return (m % 2) ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
	}
	function row(key, name,   t, o, s) {
		t = med("tcp" SUBSEP key); o = med("smcr" SUBSEP key); s = med("stock" SUBSEP key)
		printf "| %s | %s | %s | %s | %s | %s |\n", name, t, o, s, ratio(o, t), ratio(o, s)
	}
	{
		l = field($0, "label"); t = field($0, "test"); z = field($0, "size"); c = field($0, "conns")
		r = field($0, "round"); if (r + 0 > rounds) rounds = r + 0
		if (l == "rdma") {
			if (field($0, "tx_depth") != "") { d = field($0, "tx_depth"); if (!(d in depths)) { depths[d] = 1; dl[++nd] = d }; add("rdma" SUBSEP "window" d, field($0, "mbytes_per_s")); next }
			add("rdma" SUBSEP t, (t == "ib_write_bw") ? field($0, "mbytes_per_s") : field($0, "t_typical_us")); next
		}
		if (t != "stream" && t != "rr" && t != "crr") next	# the applications: in the host report
		k = t " " z " " c
		if (field($0, "rmem") != "") rmem[l] = field($0, "rmem")
		if (!(k in seen)) { seen[k] = 1; order[++n] = k }
		if (t == "stream") add(l SUBSEP k, field($0, "mbytes_per_s"))
		else if (t == "crr") add(l SUBSEP k, field($0, "ops_per_s"))
		else { add(l SUBSEP k, field($0, "p50_us")); add(l SUBSEP k " p99", field($0, "p99_us")) }
	}
	END {
		if (rounds > 1) printf "medians of %d rounds\n", rounds
		print "| measurement | TCP | ours (smcr) | stock smc.ko | ours/TCP | ours/stock |"
		print "|---|---|---|---|---|---|"
		for (i = 1; i <= n; i++) {
			split(order[i], a, " ")
			if (a[1] == "stream") row(order[i], sprintf("stream %s B writes, %s conn: MB/s", a[2], a[3]))
			else if (a[1] == "crr") row(order[i], sprintf("connect + %s B rr + close: per s", a[2]))
			else { row(order[i], sprintf("%s B rr p50 us", a[2])); row(order[i] " p99", sprintf("%s B rr p99 us", a[2])) }
		}
		bw = med("rdma" SUBSEP "ib_write_bw")
		if (bw != "")
			printf "RDMA ceiling (perftest, same link): ib_write_bw 64 KiB %s MB/s (ours/ceiling %s), ib_write_lat 1 B %s us one way\n", bw, ratio(med("smcr" SUBSEP "stream 65536 1"), bw), med("rdma" SUBSEP "ib_write_lat")
		if (nd) {
			printf "window ceilings: ib_write_bw 64 KiB with N in flight:"
			for (i = 1; i <= nd; i++) printf " %s: %s MB/s", dl[i], med("rdma" SUBSEP "window" dl[i])
			printf "\n"
			for (i = 1; i <= 2; i++) {
				l = (i == 1) ? "smcr" : "stock"
				if (rmem[l] != "")
					printf "%s: RMB %s B, stream over its window ceiling %s\n", l, rmem[l], ratio(med(l SUBSEP "stream 65536 1"), med("rdma" SUBSEP "window" int(rmem[l] / 65536)))
			}
		}
	}' "$BN_JSON"
}

t_table() {
	local l
	rig_note "== smcr_bench, $BN_SECS s per measurement (kernel $RIG_KV, TCG: compare ratios, not absolute numbers)"
	bn_table | while IFS= read -r l; do rig_note "$l"; done
	rig_check grep -q '"label":"smcr"' "$BN_JSON" || return 1
	rig_check grep -q '"label":"stock"' "$BN_JSON" || return 1
	rig_check grep -q '"label":"tcp"' "$BN_JSON"
}

t_dmesg() { rig_check rig_dmesg_check; }

if rig_role a; then
	if ! rig_two_vms; then
		rig_test setup
		rig_fail "bench needs two VMs (--vms 2 --mod-a none --mod-b none)"
	else
		rig_run_test setup t_setup
		while [ "$BN_ROUND" -le "$BN_ROUNDS" ]; do
			bn_r=""
			[ "$BN_ROUNDS" = 1 ] || bn_r=_r$BN_ROUND
			rig_run_test "ceiling$bn_r" t_ceiling
			rig_run_test "tcp$bn_r" t_tcp
			rig_run_test "tcp_apps$bn_r" t_tcp_apps
			# whichever SMC implementation runs first in a fresh VM is measured slower (the
			# shared rxe and network code too: docs/performance.md); even rounds swap the order
			if [ $((BN_ROUND % 2)) = 1 ]; then
				rig_run_test "ours$bn_r" t_ours
				rig_run_test "ours_apps$bn_r" t_ours_apps
				rig_run_test "stock$bn_r" t_stock
				rig_run_test "stock_apps$bn_r" t_stock_apps
			else
				rig_run_test "stock$bn_r" t_stock
				rig_run_test "stock_apps$bn_r" t_stock_apps
				rig_run_test "ours$bn_r" t_ours
				rig_run_test "ours_apps$bn_r" t_ours_apps
			fi
			BN_ROUND=$((BN_ROUND + 1))
		done
		rig_run_test table t_table
		eval "$(bn_unload_cmd)"
		rig_peer "$(bn_unload_cmd)" >/dev/null
		rig_run_test dmesg t_dmesg
	fi
	rig_peer "touch $BN_DONE" >/dev/null 2>&1
elif [ -z "${BN_SOURCED:-}" ] && rig_two_vms; then
	# b: stay in the suite until a is done. The rig's end barrier waits 600 s, and a full run
	# (BENCH_FULL=1) measures for longer than that. One check a second: b runs the servers.
	bn_i=0
	while [ ! -e $BN_DONE ] && [ $bn_i -lt $((3600 * BN_ROUNDS)) ]; do sleep 1; bn_i=$((bn_i + 1)); done
fi
