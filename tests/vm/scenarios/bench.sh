# shellcheck shell=dash
# bench: a first side-by-side look, in one run on two VMs with the same kernel, at
#   - plain TCP over the virtio link,
#   - our module (SMC-R over Soft-RoCE, default module parameters),
#   - Debian's stock smc.ko (SMC-R over the same Soft-RoCE link),
#   - the raw RDMA ceiling of that link (perftest ib_write_bw / ib_write_lat),
# measured with smcr_bench (stream throughput, 1-byte request/response, connection rate).
# VM a is the client, b the server. Start it with --mod-a none --mod-b none: the scenario loads
# each implementation in turn. Every SMC measurement must really be SMC-R: no fallback on either
# host and thousands of RoCE packets. The table goes to the notes (run.sh --notes) and, as JSON
# lines, to /tmp/rig/bench.json on a (printed to the console).
# Under TCG, absolute numbers mean little; ratios from the same run are what we quote.
# Options: RIG_OPT_BENCH_SECS (seconds per measurement, default 4), RIG_OPT_BENCH_SIZE (stream
# write size, default 64K).

BN_SECS=${RIG_OPT_BENCH_SECS:-4}
BN_SIZE=${RIG_OPT_BENCH_SIZE:-64K}
BN_PORT=5301
BN_UEID=SMCR-BENCH
BN_JSON=/tmp/rig/bench.json

bn_pkts() { rig_ib_counter rxe0 sent_pkts; }
# fallbacks and handshake errors so far on this host (SMC_GEN_NETLINK: any implementation)
BN_FBACK="smcr_nlcheck fback | awk '/^fback_total|^hs_err/ { s += \$3 + \$5 } END { print s + 0 }'"
bn_fback() { eval "$BN_FBACK"; }

bn_setup_cmd() { # commands for one host to load IMPL (smcr|stock|none) with SMC-R configured
	case $1 in
	smcr) echo "rig_load_smcr && smcr_nlcheck ueid add $BN_UEID >/dev/null" ;;
	stock) echo "rig_load_stock && smcr_nlcheck ueid add $BN_UEID >/dev/null &&" \
		"smcr_nlcheck pnet add SMCRBENCH eth eth0 ib rxe0 1 >/dev/null" ;;
	none) echo true ;;
	esac
}

bn_unload_cmd() {
	echo "if [ -d /sys/module/smcr ]; then rmmod smcr; fi;" \
		"if [ -e /sys/module/smc/initstate ]; then rig_unload_stock; fi; true"
}

bn_use() { # bn_use IMPL: the same implementation on both hosts
	eval "$(bn_unload_cmd)"
	rig_check rig_peer "$(bn_unload_cmd)" || return 1
	eval "$(bn_setup_cmd "$1")" || { rig_check false "load $1 here"; return 1; }
	rig_check rig_peer "$(bn_setup_cmd "$1")"
}

# bn_run IMPL TEST SIZE [CONNS]: one measurement; appends its JSON line; sets BN_OUT
bn_run() {
	local impl=$1 test=$2 size=$3 conns=${4:-1} fam=smc h out p0 p1 f0 f1 g0 g1
	[ "$impl" = tcp ] && fam=tcp
	h=$(rig_peer_bg "smcr_bench server --family $fam --port $BN_PORT") || return 1
	rig_peer_wait_port $BN_PORT 20 >/dev/null || { rig_check false "server did not listen"; return 1; }
	p0=$(bn_pkts) f0=$(bn_fback) g0=$(rig_peer "$BN_FBACK" 2>/dev/null || echo 0)
	out=$(smcr_bench client "$RIG_PEER_IP4" --family $fam --port $BN_PORT --test "$test" \
		--size "$size" --conns "$conns" --time "$BN_SECS" --label "$impl" --json 2>&1)
	local rc=$?
	p1=$(bn_pkts) f1=$(bn_fback) g1=$(rig_peer "$BN_FBACK" 2>/dev/null || echo 0)
	rig_peer_kill "$h" >/dev/null 2>&1
	rig_log "$impl $test: $out (RoCE packets +$((p1 - p0)), fallbacks here +$((f1 - f0)), peer +$((g1 - g0)))"
	rig_check test "$rc" = 0 || return 1
	if [ "$fam" = smc ]; then
		rig_check test "$f1" = "$f0" || return 1
		rig_check test "$g1" = "$g0" || return 1
		rig_check test $((p1 - p0)) -gt 100 || return 1
	fi
	echo "$out" >>"$BN_JSON"
	BN_OUT=$out
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
	local gid h out bw lat
	eval "$(bn_unload_cmd)"
	gid=$(rig_rxe_gid rxe0 "$RIG_IP4") || return 1
	h=$(rig_peer_bg "ib_write_bw -d rxe0 -s 65536 -n 400 -F -p 5310 -x \$(rig_rxe_gid rxe0 \$RIG_IP4)") || return 1
	rig_peer_wait_port 5310 20 >/dev/null || return 1
	out=$(ib_write_bw -d rxe0 -s 65536 -n 400 -F -p 5310 -x "$gid" "$RIG_PEER_IP4" 2>&1) || {
		rig_log "$out"; rig_check false "ib_write_bw"; return 1; }
	rig_peer_wait "$h" 60 >/dev/null || return 1
	bw=$(echo "$out" | awk '$1 == 65536 && $2 == 400 { print $4 }')
	h=$(rig_peer_bg "ib_write_lat -d rxe0 -s 1 -n 2000 -F -p 5311 -x \$(rig_rxe_gid rxe0 \$RIG_IP4)") || return 1
	rig_peer_wait_port 5311 20 >/dev/null || return 1
	out=$(ib_write_lat -d rxe0 -s 1 -n 2000 -F -p 5311 -x "$gid" "$RIG_PEER_IP4" 2>&1) || {
		rig_log "$out"; rig_check false "ib_write_lat"; return 1; }
	rig_peer_wait "$h" 60 >/dev/null || return 1
	# columns: bytes iterations t_min t_max t_typical t_avg t_stdev 99% 99.9%
	lat=$(echo "$out" | awk '$1 == 1 && $2 == 2000 { print $5 }')
	rig_check test -n "$bw" -a -n "$lat" || { rig_log "$out"; return 1; }
	echo "{\"label\":\"rdma\",\"test\":\"ib_write_bw\",\"size\":65536,\"mbytes_per_s\":$bw}" >>"$BN_JSON"
	echo "{\"label\":\"rdma\",\"test\":\"ib_write_lat\",\"size\":1,\"t_typical_us\":$lat}" >>"$BN_JSON"
	rig_pass "ib_write_bw 64 KiB: $bw MB/s; ib_write_lat 1 B: $lat us (one way, typical)"
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

t_tcp() { bn_use none && bn_measure tcp; }
t_ours() { bn_use smcr && bn_measure smcr; }
t_stock() { bn_use stock && bn_measure stock; }

# The table, from the JSON lines: one row per case and metric, ours/TCP and ours/stock ratios
# (for latencies a ratio below 1 means ours is faster).
bn_table() {
	awk '
	function field(s, k,   m) { if (match(s, "\"" k "\":[^,}]*")) { m = substr(s, RSTART + length(k) + 3, RLENGTH - length(k) - 3); gsub(/"/, "", m); return m } return "" }
	function ratio(a, b) { return (a == "" || b == "" || b + 0 == 0) ? "-" : sprintf("%.2f", a / b) }
	function row(key, name,   t, o, s) {
		t = v["tcp", key]; o = v["smcr", key]; s = v["stock", key]
		printf "| %s | %s | %s | %s | %s | %s |\n", name, t, o, s, ratio(o, t), ratio(o, s)
	}
	{
		l = field($0, "label"); t = field($0, "test"); z = field($0, "size"); c = field($0, "conns")
		if (l == "rdma") { ceil[t] = (t == "ib_write_bw") ? field($0, "mbytes_per_s") : field($0, "t_typical_us"); next }
		k = t " " z " " c
		if (!(k in seen)) { seen[k] = 1; order[++n] = k }
		if (t == "stream") v[l, k] = field($0, "mbytes_per_s")
		else if (t == "crr") v[l, k] = field($0, "ops_per_s")
		else { v[l, k] = field($0, "p50_us"); v[l, k " p99"] = field($0, "p99_us") }
	}
	END {
		print "| measurement | TCP | ours (smcr) | stock smc.ko | ours/TCP | ours/stock |"
		print "|---|---|---|---|---|---|"
		for (i = 1; i <= n; i++) {
			split(order[i], a, " ")
			if (a[1] == "stream") row(order[i], sprintf("stream %s B writes, %s conn: MB/s", a[2], a[3]))
			else if (a[1] == "crr") row(order[i], sprintf("connect + %s B rr + close: per s", a[2]))
			else { row(order[i], sprintf("%s B rr p50 us", a[2])); row(order[i] " p99", sprintf("%s B rr p99 us", a[2])) }
		}
		if ("ib_write_bw" in ceil) {
			k = "stream 65536 1"
			printf "RDMA ceiling (perftest, same link): ib_write_bw 64 KiB %s MB/s (ours/ceiling %s), ib_write_lat 1 B %s us one way\n", ceil["ib_write_bw"], ratio(v["smcr", k], ceil["ib_write_bw"]), ceil["ib_write_lat"]
		}
	}' "$BN_JSON"
}

t_table() {
	local l
	rig_note "== smcr_bench, $BN_SECS s per measurement (kernel $RIG_KV, TCG: compare ratios, not absolute numbers)"
	bn_table | while IFS= read -r l; do rig_note "$l"; done
	while read -r l; do rig_log "bench.json: $l"; done <"$BN_JSON"
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
		rig_run_test ceiling t_ceiling
		rig_run_test tcp t_tcp
		rig_run_test ours t_ours
		rig_run_test stock t_stock
		rig_run_test table t_table
		eval "$(bn_unload_cmd)"
		rig_peer "$(bn_unload_cmd)" >/dev/null
		rig_run_test dmesg t_dmesg
	fi
fi
