# shellcheck shell=dash
# demo: what a user sees today, as a transcript (run.sh --notes; scripts/demo.sh runs it).
# VM a runs our smcr.ko on Debian's 6.1 kernel, VM b Debian's stock smc.ko on 6.12. Both bring up
# Soft-RoCE on their virtio NIC and get a UEID (and b the PNET entry the stock module needs for
# rxe); our module is loaded with its defaults (SMC-R on). Then:
#   xfer   AF_SMC transfers both ways between the two implementations over real SMC-R, verified
#          byte by byte, and the same transfers over plain TCP for comparison;
#   redis  Debian's redis-server on b twice: under smc_run (its sockets are AF_SMC) and plain (the
#          TCP baseline); redis-benchmark from a, SET and GET, -P 1 and -P 16: without smc_run
#          against the plain server, under smc_run against the other; a plain TCP client of the
#          smc_run'd server falls back (b counts PEERNOSMC);
#   live   a redis-cli held open by BLPOP under smc_run while smcss shows it on both hosts;
#   table  requests/s and Mbit/s of every run side by side with SMC-R/TCP;
#   tools  smcstat on both hosts, b's kernel log about the link groups.
# Every claim printed is checked: SMC-R runs made SMC-R connections on a (SmcrConnStart), no
# fallback or handshake error on either host, RoCE packets both ways; TCP runs made none and sent
# (almost) no RoCE packets. Every number printed comes from the run.
# Options: RIG_OPT_DEMO_MB (MiB each way per transfer, 8), RIG_OPT_DEMO_N1 and RIG_OPT_DEMO_N16
# (requests per redis-benchmark test with -P 1, 1000, and with -P 16, 4000), RIG_OPT_DEMO_C
# (redis-benchmark clients, 4).
# rig-host-bins: /usr/bin/redis-server /usr/bin/redis-benchmark /usr/bin/redis-cli

DEMO_PORT=5301
DEMO_MB=${RIG_OPT_DEMO_MB:-8}
DEMO_N1=${RIG_OPT_DEMO_N1:-1000}
DEMO_N16=${RIG_OPT_DEMO_N16:-4000}
DEMO_C=${RIG_OPT_DEMO_C:-4}
DEMO_UEID=SMCR-DEMO
DEMO_SPORT=6379		# redis-server under smc_run on b
DEMO_TPORT=6380		# plain redis-server on b
DEMO_DIR=/tmp/demo
DEMO_RES=$DEMO_DIR/results	# "KEY TCP SMCR [REQUESTS]" lines for the table

# ---- counters ------------------------------------------------------------------------------------
demo_ctr() { awk -v n="$1" '$1 == n { print $2 }' /proc/net/smcr_stat; }
demo_pkts() { cat /sys/class/infiniband/rxe0/ports/1/hw_counters/sent_pkts; }
demo_peer_pkts() { rig_peer cat /sys/class/infiniband/rxe0/ports/1/hw_counters/sent_pkts; }
# b's fallbacks (server + client) and handshake errors, read through SMC_GEN_NETLINK
demo_peer_fback() {
	rig_peer smcr_nlcheck fback | awk '/^fback_total|^hs_err/ { s += $3 + $5 } END { print s + 0 }'
}
demo_mark() {
	D_S0=$(demo_ctr SmcrConnStart) D_F0=$(($(demo_ctr ClntFallback) + $(demo_ctr SrvFallback)))
	D_A0=$(($(demo_ctr HandshakeAbort) + $(demo_ctr CdcProtoAbort)))
	D_P0=$(demo_pkts) D_Q0=$(demo_peer_pkts) D_B0=$(demo_peer_fback)
}
demo_deltas() {
	D_DS=$(($(demo_ctr SmcrConnStart) - D_S0))
	D_DF=$(($(demo_ctr ClntFallback) + $(demo_ctr SrvFallback) - D_F0))
	D_DA=$(($(demo_ctr HandshakeAbort) + $(demo_ctr CdcProtoAbort) - D_A0))
	D_DP=$(($(demo_pkts) - D_P0)) D_DQ=$(($(demo_peer_pkts) - D_Q0))
	D_DB=$(($(demo_peer_fback) - D_B0))
	rig_log "SMC-R conns on a +$D_DS, fallbacks a +$D_DF, aborts a +$D_DA, fallbacks/hs errors b +$D_DB, RoCE pkts sent a +$D_DP, b +$D_DQ"
}
# demo_smcr_proof MINCONNS MINPKTS: everything since demo_mark ran SMC-R
demo_smcr_proof() {
	demo_deltas
	rig_check test "$D_DS" -ge "$1" || return 1	# a started SMC-R connections
	rig_check test "$D_DF" = 0 || return 1		# none fell back on a
	rig_check test "$D_DA" = 0 || return 1
	rig_check test "$D_DB" = 0 || return 1		# nor on b
	rig_check test "$D_DP" -ge "$2" || return 1	# the data went over RoCE, both ways
	rig_check test "$D_DQ" -ge "$2"
}
# demo_tcp_proof: everything since demo_mark was plain TCP
demo_tcp_proof() {
	demo_deltas
	rig_check test "$D_DS" = 0 || return 1
	rig_check test "$D_DB" = 0 || return 1
	rig_check test "$D_DP" -lt 50 || return 1	# an LLC keepalive or two, no data
	rig_check test "$D_DQ" -lt 50
}

# ---- setup ---------------------------------------------------------------------------------------
t_setup() {
	mkdir -p $DEMO_DIR
	: >$DEMO_RES
	rig_note "== host a: $(uname -r), AF_SMC provider: $(rig_smc_impl) (our smcr.ko)"
	rig_note "== host b: $RIG_PEER_KV, AF_SMC provider: $(rig_peer rig_smc_impl) (Debian's smc.ko)"
	rig_check rig_rxe_up eth0 rxe0 || return 1
	rig_check rig_peer rig_rxe_up eth0 rxe0 || return 1
	rig_check test "$(cat /sys/module/smcr/parameters/rdma)" = Y || return 1
	if rig_have smcctl; then
		rig_check smcctl ueid add "$DEMO_UEID" || return 1
		rig_check rig_peer smcctl ueid add "$DEMO_UEID" || return 1
		rig_check rig_peer smcctl pnet add DEMONET interface eth0 ib rxe0 port 1 ||
			rig_check rig_peer smcr_nlcheck pnet add DEMONET eth eth0 ib rxe0 1 || return 1
	else
		rig_check smcr_nlcheck ueid add "$DEMO_UEID" || return 1
		rig_check rig_peer smcr_nlcheck ueid add "$DEMO_UEID" || return 1
		rig_check rig_peer smcr_nlcheck pnet add DEMONET eth eth0 ib rxe0 1 || return 1
	fi
	rig_note "== Soft-RoCE up, UEID $DEMO_UEID on both hosts, our module loaded with default parameters:"
	rig_note "$("$RIG_RDMA" link show 2>&1 | sed 's/^/    a: /')"
	rig_note "$(rig_peer "$RIG_RDMA" link show 2>&1 | sed 's/^/    b: /')"
	touch $DEMO_DIR/setup-ok
}

# ---- transfers -----------------------------------------------------------------------------------
demo_xfer() { # demo_xfer ab|ba smc|tcp: DEMO_MB MiB each way at once; prints the result fields
	local h out fam=$2
	if [ "$1" = ab ]; then
		h=$(rig_peer_bg "smcr_xfer server --family $fam --port $DEMO_PORT --count 1") || return 1
		rig_peer_wait_port $DEMO_PORT 20 >/dev/null || return 1
		out=$(smcr_xfer client --family "$fam" --addr "$RIG_PEER_IP4" --port $DEMO_PORT \
			--bytes "${DEMO_MB}M" --both --wsize 64K --timeout 60) || { rig_log "$out"; return 1; }
		rig_peer_wait "$h" 120 >/dev/null || return 1
	else
		h=$(rig_bg "smcr_xfer server --family $fam --port $DEMO_PORT --count 1") || return 1
		rig_wait_port $DEMO_PORT 20 >/dev/null || return 1
		out=$(rig_peer smcr_xfer client --family "$fam" --addr "$RIG_IP4" --port $DEMO_PORT \
			--bytes "${DEMO_MB}M" --both --wsize 64K --timeout 60) || { rig_log "$out"; return 1; }
		rig_wait "$h" 120 >/dev/null || return 1
	fi
	echo "$out" | awk '/^RESULT ok/ { ok = 1; for (i = 2; i <= NF; i++) if ($i ~ /^(bytes|secs|mbps|csum)=/) printf "%s ", $i }
		END { exit !ok }'
}
demo_field() { printf '%s\n' "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"; } # demo_field NAME "a=1 b=2"

t_xfer() {
	local tab tba ab ba
	demo_mark
	ab=$(demo_xfer ab smc) || { rig_check false "SMC-R transfer a -> b"; return 1; }
	rig_note "== AF_SMC a (smcr) -> b (stock), ${DEMO_MB} MiB each way, verified: $ab"
	ba=$(demo_xfer ba smc) || { rig_check false "SMC-R transfer b -> a"; return 1; }
	rig_note "== AF_SMC b (stock) -> a (smcr), ${DEMO_MB} MiB each way, verified: $ba"
	# both connections were SMC-R (one start each on a), none fell back, RoCE carried the data
	demo_smcr_proof 2 $((DEMO_MB * 1000)) || return 1
	rig_check test "$D_DS" = 2 || return 1
	rig_note "== both connections ran SMC-R (no fallback on either host); RoCE packets sent: a $D_DP, b $D_DQ"
	demo_mark
	tab=$(demo_xfer ab tcp) || { rig_check false "TCP transfer a -> b"; return 1; }
	tba=$(demo_xfer ba tcp) || { rig_check false "TCP transfer b -> a"; return 1; }
	demo_tcp_proof || return 1
	rig_note "== the same over plain TCP for comparison (no SMC-R connection, RoCE packets a $D_DP, b $D_DQ):"
	rig_note "   a -> b: $tab"
	rig_note "   b -> a: $tba"
	echo "xfer_ab $(demo_field mbps "$tab") $(demo_field mbps "$ab")" >>$DEMO_RES
	echo "xfer_ba $(demo_field mbps "$tba") $(demo_field mbps "$ba")" >>$DEMO_RES
}

# ---- redis ---------------------------------------------------------------------------------------
demo_redis_srv() { # the command starting redis-server on PORT on b (PREFIX: smc_run or nothing)
	echo "mkdir -p $DEMO_DIR/r$2 && cd $DEMO_DIR/r$2 && exec $1 redis-server --port $2 --bind 0.0.0.0 --protected-mode no --save '' --appendonly no --dir $DEMO_DIR/r$2"
}

# demo_bench tcp|smc P: one redis-benchmark run (SET and GET); appends its rates to the results
demo_bench() {
	local mode=$1 p=$2 pre="" port=$DEMO_TPORT out=$DEMO_DIR/bench-$1-P$2.csv n=$DEMO_N1
	[ "$mode" = smc ] && pre=smc_run port=$DEMO_SPORT
	[ "$p" = 1 ] || n=$DEMO_N16
	if ! $pre redis-benchmark -h "$RIG_PEER_IP4" -p $port -n "$n" -c "$DEMO_C" -P "$p" \
		-t set,get --csv >"$out" 2>$DEMO_DIR/bench.err; then
		cat "$out" $DEMO_DIR/bench.err
		rig_check false "redis-benchmark ($mode, -P $p) failed"
		return 1
	fi
	# "SET","12345.67",...: both tests ran and report a positive rate
	rig_check grep -q '^"SET","[0-9]*[1-9][0-9.]*"' "$out" || return 1
	rig_check grep -q '^"GET","[0-9]*[1-9][0-9.]*"' "$out" || return 1
	awk -F'"' -v m="$mode" -v p="$p" '$2 == "SET" || $2 == "GET" { print m, $2 "_P" p, $4 }' "$out" >>$DEMO_DIR/rates
}

t_redis() {
	local p n out
	for p in redis-server redis-benchmark redis-cli smc_run; do
		command -v $p >/dev/null ||
			{ rig_check false "$p missing in the guest (scripts/setup.sh installs redis; the build makes smc_run)"; return 1; }
	done
	: >$DEMO_DIR/rates
	rig_peer_bg "$(demo_redis_srv smc_run $DEMO_SPORT)" >$DEMO_DIR/srv-smc || return 1
	rig_peer_bg "$(demo_redis_srv "" $DEMO_TPORT)" >$DEMO_DIR/srv-tcp || return 1
	rig_check rig_peer_wait_port $DEMO_SPORT 30 || return 1
	rig_check rig_peer_wait_port $DEMO_TPORT 30 || return 1
	# smcss lists AF_SMC sockets only: the smc_run'd server's listener is one, the plain one not
	rig_check rig_peer "rig_wait_for 10 sh -c 'smcss -l sport = :$DEMO_SPORT | grep -q LISTEN'" || return 1
	rig_check rig_peer "! smcss -l sport = :$DEMO_TPORT | grep -q LISTEN" || return 1
	rig_note "== redis-server on b: port $DEMO_SPORT under smc_run (AF_SMC listener), port $DEMO_TPORT plain (TCP)"
	rig_note "== redis-benchmark on a, $DEMO_C clients, SET and GET, -P 1 ($DEMO_N1 requests) and -P 16 ($DEMO_N16): plain vs under smc_run"
	for p in 1 16; do
		demo_mark
		demo_bench tcp $p || return 1
		demo_tcp_proof || return 1
		rig_note "   -P $p TCP:   $(awk -v p="_P$p" '$1 == "tcp" && $2 ~ p "$" { printf "%s %s req/s  ", $2, $3 }' $DEMO_DIR/rates)(no SMC-R connection, RoCE packets a $D_DP, b $D_DQ)"
		demo_mark
		demo_bench smc $p || return 1
		# one SMC-R connection per client per test; each batch of P requests at least one RDMA
		# write each way
		n=$DEMO_N1
		[ "$p" = 1 ] || n=$DEMO_N16
		demo_smcr_proof $((2 * DEMO_C)) $((n / p)) || return 1
		rig_note "   -P $p SMC-R: $(awk -v p="_P$p" '$1 == "smc" && $2 ~ p "$" { printf "%s %s req/s  ", $2, $3 }' $DEMO_DIR/rates)(SMC-R connections on a +$D_DS, fallbacks a $D_DF, b $D_DB; RoCE packets a $D_DP, b $D_DQ)"
	done
	# the smc_run'd server still serves a client that does not speak SMC: b falls back to TCP
	demo_mark
	out=$(redis-cli -h "$RIG_PEER_IP4" -p $DEMO_SPORT PING 2>&1)
	rig_check test "$out" = PONG || return 1
	demo_deltas
	rig_check test "$D_DB" = 1 || return 1
	rig_check test "$D_DS" = 0 || return 1
	rig_note "== redis-cli PING without smc_run to the smc_run'd server: $out (b fell back to TCP: fallbacks +$D_DB)"
	for p in SET_P1 GET_P1 SET_P16 GET_P16; do
		awk -v k="$p" -v n="$([ "${p#*_P}" = 1 ] && echo "$DEMO_N1" || echo "$DEMO_N16")" \
			'$2 == k { r[$1] = $3 } END { print k, r["tcp"], r["smc"], n }' $DEMO_DIR/rates >>$DEMO_RES
	done
	touch $DEMO_DIR/redis-ok
}

# ---- a live connection ---------------------------------------------------------------------------
t_live() {
	local h tok out
	tok=$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')
	# BLPOP keeps the connection open until something is pushed to the list
	h=$(rig_bg "smc_run redis-cli -h $RIG_PEER_IP4 -p $DEMO_SPORT BLPOP demo:wake 60") || return 1
	rig_check rig_wait_for 20 sh -c "smcss dport = :$DEMO_SPORT | grep -q 'redis-cli.*SMCR\$'" || { rig_kill "$h"; return 1; }
	rig_note "== a live connection: redis-cli BLPOP under smc_run, held open; smcss -R on host a:"
	rig_note "$(smcss -R dport = :$DEMO_SPORT 2>&1 | awk '{ gsub(/\t/, "    "); print "    " $0 }')"
	rig_note "== smcss on host b (stock smc_diag), the server's side of it:"
	rig_note "$(rig_peer smcss sport = :$DEMO_SPORT 2>&1 | sed 's/^/    /')"
	rig_check rig_peer "smcss sport = :$DEMO_SPORT | grep -q 'redis-server.*SMCR\$'" || { rig_kill "$h"; return 1; }
	rig_check sh -c "smc_run redis-cli -h $RIG_PEER_IP4 -p $DEMO_SPORT RPUSH demo:wake $tok >/dev/null" ||
		{ rig_kill "$h"; return 1; }
	out=$(rig_wait "$h" 30 | tr '\n' ' ')
	rig_check test "$out" = "demo:wake $tok " || return 1
	rig_note "== RPUSH demo:wake $tok from a second client released it; BLPOP returned: $out"
}

# ---- the table -----------------------------------------------------------------------------------
t_table() {
	[ -s $DEMO_RES ] || { rig_check false "no results"; return 1; }
	rig_note "== results (every number measured in this run; a: $RIG_KV smcr.ko, b: $RIG_PEER_KV stock smc.ko)"
	rig_note "$(awk -v mb="$DEMO_MB" -v c="$DEMO_C" '
		function dash(n,   d) { d = ""; while (n-- > 0) d = d "-"; return d }
		function row(w, u, t, s,   r) {
			r = (t != "-" && t > 0 && s != "") ? sprintf("%.2f", s / t) : "-"
			printf "| %-45s | %-9s | %10s | %10s | %9s |\n", w, u, t, s, r
		}
		BEGIN {
			printf "| %-45s | %-9s | %10s | %10s | %9s |\n", "workload", "unit", "TCP", "SMC-R", "SMC-R/TCP"
			printf "|%s|%s|%s:|%s:|%s:|\n", dash(47), dash(11), dash(11), dash(11), dash(10)
		}
		$1 == "xfer_ab" { row("transfer a->b (smcr client), " mb " MiB each way", "Mbit/s", $2, $3) }
		$1 == "xfer_ba" { row("transfer b->a (stock client), " mb " MiB each way", "Mbit/s", $2, $3) }
		$1 ~ /^(SET|GET)_P/ {
			split($1, k, "_P")
			row("redis " k[1] ", -P " k[2] ", " c " clients, " $4 " requests", "req/s", $2, $3)
		}' $DEMO_RES | sed 's/^/    /')"
	rig_note "   Both VMs run under qemu's software CPU emulation (TCG) and Soft-RoCE does its RDMA in software"
	rig_note "   on that same emulated CPU: these ratios describe this setup (and move with the host's load),"
	rig_note "   not RoCE hardware."
	# all six rows made it and carry numbers
	rig_check test "$(awk '$2 > 0 && $3 > 0' $DEMO_RES | wc -l)" = 6
}

# ---- the tools -----------------------------------------------------------------------------------
t_tools() {
	if rig_have smcstat; then
		rig_note "== smcstat on host a (our module):"
		rig_note "$(smcstat 2>&1 | sed 's/^/    /')"
		rig_note "== smcstat on host b (stock module):"
		rig_note "$(rig_peer smcstat 2>&1 | sed 's/^/    /')"
		rig_check smcstat >/dev/null || return 1
		rig_check rig_peer smcstat >/dev/null || return 1
	else
		rig_check false "smcstat missing in the guest (build tools/)" || return 1
	fi
	rig_note "== host b's kernel log (stock smc.ko) about the link groups with our module:"
	rig_note "$(rig_peer "dmesg | grep 'SMC-R lg' | sed 's/^\[[^]]*\] /    /'")"
}

t_stop() { # stop the redis servers; check the kernel logs
	rig_peer "redis-cli -p $DEMO_SPORT shutdown nosave; redis-cli -p $DEMO_TPORT shutdown nosave" >/dev/null 2>&1
	[ -s $DEMO_DIR/srv-smc ] && rig_peer_wait "$(cat $DEMO_DIR/srv-smc)" 10 >/dev/null 2>&1
	[ -s $DEMO_DIR/srv-tcp ] && rig_peer_wait "$(cat $DEMO_DIR/srv-tcp)" 10 >/dev/null 2>&1
	rig_check rig_dmesg_check || return 1
	rig_check rig_peer rig_dmesg_check
}

demo_ok() { [ -e $DEMO_DIR/setup-ok ]; }

if rig_role a; then
	rig_run_test setup t_setup
	if demo_ok; then
		rig_run_test xfer t_xfer
		rig_run_test redis t_redis
		if [ -e $DEMO_DIR/redis-ok ]; then
			rig_run_test live t_live
		else
			rig_test live
			rig_skip "needs the redis servers of demo.redis"
		fi
		rig_run_test table t_table
		rig_run_test tools t_tools
		rig_run_test dmesg t_stop
	fi
fi
