# shellcheck shell=dash
# preload: smc_run / libsmc-preload.so with real, unmodified, dynamically linked programs (Debian's
# redis-server, redis-benchmark, redis-cli) over real SMC-R (SMC-Rv2, Soft-RoCE rxe0 on eth0).
# VM a runs our module (rdma=1); VM b runs our module (--mod-b smcr) or Debian's stock smc.ko
# (--mod-b stock). redis-server runs on b under smc_run; a drives.
#
# Proof that smc_run made the connections SMC-R: our counters on a (SmcrConnStart grows by at
# least the number of connections, no fallback, no abort), the peer's fallback and handshake-error
# totals (SMC_GEN_NETLINK, either module) unchanged, rxe0's sent_pkts growing on both hosts, and
# the listening socket on b listed by smcss (it is AF_SMC). The same benchmark without smc_run
# must stay TCP: no SMC-R connection on a, and b's AF_SMC listener counts exactly those clients as
# fallbacks (the client did not offer SMC). Data moved is checked (a 300 KB value written and read
# back through redis-cli, md5); -r/-t sizes are read back from a converted socket; a grandchild of
# a smc_run'd shell is converted; UDP and AF_UNIX sockets in the same program are not.
# Options: RIG_OPT_PL_N (requests per benchmark run, default 2000), RIG_OPT_PL_C (clients, 8).
# rig-host-bins: /usr/bin/redis-server /usr/bin/redis-benchmark /usr/bin/redis-cli

PL_N=${RIG_OPT_PL_N:-2000}
PL_C=${RIG_OPT_PL_C:-8}
PL_PORT=6379
PL_UEID=SMCR-PRELOAD-TEST
PL_SRV=""	# handle of redis-server on b
PL_DIR=/tmp/preload

pl_setup_cmd() { # the commands for one host running MOD (as interop.sh)
	local mod=$1 cmd="rig_rxe_up eth0 rxe0 >/dev/null"
	[ "$mod" = smcr ] && cmd="$cmd && rig_unload_smcr && rig_load_smcr rdma=1"
	cmd="$cmd && smcr_nlcheck ueid add $PL_UEID >/dev/null"
	[ "$mod" = stock ] && cmd="$cmd && smcr_nlcheck pnet add SMCRPL eth eth0 ib rxe0 1 >/dev/null"
	echo "$cmd"
}

pl_match() { printf '%s\n' "$2" | grep -q "$1"; } # pl_match REGEX TEXT

pl_need() { # the programs this suite runs must be in the image
	local p
	for p in smc_run smcr_preload_probe smcss redis-server redis-benchmark redis-cli; do
		command -v "$p" >/dev/null || { rig_check false "$p missing in the guest (scripts/setup.sh installs redis; build smc_run)"; return 1; }
	done
	[ -e /usr/local/lib/libsmc-preload.so ] || { rig_check false "/usr/local/lib/libsmc-preload.so missing"; return 1; }
}

t_setup() {
	mkdir -p $PL_DIR
	pl_need || return 1
	eval "$(pl_setup_cmd smcr)" || { rig_check false "local setup"; return 1; }
	rig_check rig_peer "$(pl_setup_cmd "$RIG_PEER_MOD")"
}

# ---- counters ---------------------------------------------------------------------------------
pl_stat() { awk -v n="$1" '$1 == n { print $2 }' /proc/net/smcr_stat; }
pl_pkts() { cat /sys/class/infiniband/rxe0/ports/1/hw_counters/sent_pkts; }
pl_peer_pkts() { rig_peer cat /sys/class/infiniband/rxe0/ports/1/hw_counters/sent_pkts; }
# the peer's fallback (server + client) and handshake-error totals, any implementation
pl_peer_fback() { rig_peer smcr_nlcheck fback | awk '/^fback_total|^hs_err/ { s += $3 + $5 } END { print s + 0 }'; }
pl_mark() {
	PL_S0=$(pl_stat SmcrConnStart) PL_F0=$(($(pl_stat ClntFallback) + $(pl_stat SrvFallback)))
	PL_A0=$(($(pl_stat HandshakeAbort) + $(pl_stat CdcProtoAbort)))
	PL_P0=$(pl_pkts) PL_Q0=$(pl_peer_pkts) PL_B0=$(pl_peer_fback)
}
pl_deltas() {
	PL_DS=$(($(pl_stat SmcrConnStart) - PL_S0))
	PL_DF=$(($(pl_stat ClntFallback) + $(pl_stat SrvFallback) - PL_F0))
	PL_DA=$(($(pl_stat HandshakeAbort) + $(pl_stat CdcProtoAbort) - PL_A0))
	PL_DP=$(($(pl_pkts) - PL_P0)) PL_DQ=$(($(pl_peer_pkts) - PL_Q0))
	PL_DB=$(($(pl_peer_fback) - PL_B0))
	rig_log "SMC-R conns here +$PL_DS, fallbacks here +$PL_DF, aborts +$PL_DA, peer fallbacks/hs errors +$PL_DB, RoCE pkts sent here +$PL_DP, peer +$PL_DQ"
}
# pl_smcr_proof MINCONNS MINPKTS: everything since pl_mark was SMC-R
pl_smcr_proof() {
	pl_deltas
	rig_check test "$PL_DS" -ge "$1" || return 1	# our side ran SMC-R, once per connection
	rig_check test "$PL_DF" = 0 || return 1		# no fallback here
	rig_check test "$PL_DA" = 0 || return 1
	rig_check test "$PL_DB" = 0 || return 1		# nor on the peer
	rig_check test "$PL_DP" -ge "$2" || return 1	# the data went over RoCE, both ways
	rig_check test "$PL_DQ" -ge "$2"
}

# ---- redis-server on b under smc_run ------------------------------------------------------------
t_server() {
	PL_SRV=$(rig_peer_bg "mkdir -p $PL_DIR && cd $PL_DIR && exec smc_run -d redis-server --port $PL_PORT --bind '0.0.0.0 ::' --protected-mode no --save '' --appendonly no --dir $PL_DIR") || return 1
	rig_check rig_peer_wait_port $PL_PORT 30 || return 1
	# the listener is an AF_SMC socket (smcss lists AF_SMC sockets only)
	rig_check rig_peer "rig_wait_for 10 sh -c 'smcss -l sport = :$PL_PORT | grep -q LISTEN'"
}

# pl_bench MODE PIPELINE: one redis-benchmark run (SET and GET); MODE smc (under smc_run) or tcp
pl_bench() {
	local mode=$1 p=$2 pre="" out
	[ "$mode" = smc ] && pre=smc_run
	out=$PL_DIR/bench-$mode-P$p.csv
	if ! $pre redis-benchmark -h "$RIG_PEER_IP4" -p $PL_PORT -n "$PL_N" -c "$PL_C" -P "$p" \
		-t set,get --csv >"$out" 2>$PL_DIR/bench.err; then
		cat "$out" $PL_DIR/bench.err
		rig_check false "redis-benchmark ($mode, -P $p) failed"
		return 1
	fi
	# "SET","12345.67",...: both tests ran and report a positive rate
	rig_check grep -q '^"SET","[0-9]*[1-9][0-9.]*"' "$out" || return 1
	rig_check grep -q '^"GET","[0-9]*[1-9][0-9.]*"' "$out" || return 1
	PL_RPS=$(awk -F'"' '$2 == "SET" { s = $4 } $2 == "GET" { g = $4 } END { printf "SET %s GET %s", s, g }' "$out")
	rig_log "redis-benchmark $mode -P $p -c $PL_C -n $PL_N: $PL_RPS requests/s"
	echo "$mode P$p $PL_RPS" >>$PL_DIR/summary
}

t_bench() { # t_bench PIPELINE: TCP first, then the same under smc_run
	local p=$1
	pl_mark
	pl_bench tcp "$p" || return 1
	pl_deltas
	# plain TCP client: no SMC-R here; b's AF_SMC listener saw clients that did not offer SMC
	# (one connection per client per test, plus redis-benchmark's own config query)
	rig_check test "$PL_DS" = 0 || return 1
	rig_check test "$PL_DP" -lt 50 || return 1
	rig_check test "$PL_DB" -ge $((2 * PL_C)) || return 1
	pl_mark
	pl_bench smc "$p" || return 1
	# 2 x N requests and replies, in batches of P: at least one RDMA write per batch each way
	pl_smcr_proof $((2 * PL_C)) $((PL_N / p))
}

# the data itself: a 300 KB value written and read back by redis-cli under smc_run
t_data() {
	pl_mark
	head -c 150000 /dev/urandom | od -An -tx1 | tr -d ' \n' >$PL_DIR/value
	rig_check sh -c "smc_run redis-cli -h $RIG_PEER_IP4 -p $PL_PORT -x SET pl:value <$PL_DIR/value | grep -qx OK" || return 1
	rig_check sh -c "smc_run redis-cli -h $RIG_PEER_IP4 -p $PL_PORT --raw GET pl:value | tr -d '\n' >$PL_DIR/got" || return 1
	rig_log "value $(wc -c <$PL_DIR/value) bytes, md5 $(md5sum <$PL_DIR/value | cut -c1-32), read back $(md5sum <$PL_DIR/got | cut -c1-32)"
	rig_check cmp $PL_DIR/value $PL_DIR/got || return 1
	pl_smcr_proof 2 100
}

# -r/-t reach converted sockets: SMC sizes the connection's buffers from them, and the kernel
# reports them back doubled (as for TCP)
t_sizes() {
	local line
	line=$(smc_run smcr_preload_probe connect "$RIG_PEER_IP4" $PL_PORT) || { rig_check false "probe: $line"; return 1; }
	rig_log "default:     $line"
	# without -r/-t: twice the module's net.smc.wmem/rmem (ours 256 KiB by default, stock 64 KiB)
	rig_check pl_match " domain=43 .* sndbuf=$((2 * $(cat /proc/sys/net/smc/wmem))) rcvbuf=$((2 * $(cat /proc/sys/net/smc/rmem)))\$" "$line" || return 1
	line=$(smc_run -t 128K -r 32K smcr_preload_probe connect "$RIG_PEER_IP4" $PL_PORT) || { rig_check false "probe: $line"; return 1; }
	rig_log "-t 128K -r 32K: $line"
	rig_check pl_match ' domain=43 .* sndbuf=262144 rcvbuf=65536$' "$line" || return 1
	# held open: smcss -d shows the buffers of the SMC-R connection (hex sizes)
	rig_bg "smc_run -t 32K -r 128K smcr_preload_probe connect $RIG_PEER_IP4 $PL_PORT 20" >$PL_DIR/h || return 1
	rig_check rig_wait_for 15 sh -c "smcss -d dport = :$PL_PORT | grep -q ACTIVE" || return 1
	smcss -d dport = :$PL_PORT >$PL_DIR/ss.txt 2>&1
	sed 's/^/  /' $PL_DIR/ss.txt
	rig_kill "$(cat $PL_DIR/h)" >/dev/null
	rig_check grep -q 'SMCR$' $PL_DIR/ss.txt || return 1
	rig_check grep -q ' sndbuf 32K rmbe 128K ' $PL_DIR/ss.txt
}

# sockets other than TCP in the same program are untouched; TCP ones converted, flags kept
t_kinds() {
	local k p q
	smcr_preload_probe kinds >$PL_DIR/plain || return 1
	smc_run smcr_preload_probe kinds >$PL_DIR/pre || return 1
	for k in inet_stream_0 inet_stream_tcp inet_stream_nb_cloexec inet6_stream_0 inet6_stream_tcp_nb inet6_stream_cloexec; do
		rig_check grep -q "^$k domain=43 type=1 " $PL_DIR/pre || return 1
	done
	rig_check grep -q "^inet_stream_nb_cloexec .* nonblock=1 cloexec=1 " $PL_DIR/pre || return 1
	rig_check grep -q "^inet6_stream_tcp_nb .* nonblock=1 cloexec=0 " $PL_DIR/pre || return 1
	rig_check grep -q "^inet6_stream_cloexec .* nonblock=0 cloexec=1 " $PL_DIR/pre || return 1
	for k in inet_dgram_0 inet6_dgram_udp inet_stream_mptcp inet_stream_sctp inet_raw_tcp unix_stream unix_dgram unix_seqpacket; do
		p=$(grep "^$k " $PL_DIR/plain) q=$(grep "^$k " $PL_DIR/pre)
		rig_check test "$p" = "$q" || { rig_log "$k: '$p' vs '$q'"; return 1; }
	done
}

# a process started by a shell started by smc_run (busybox sh is static: it only carries the
# environment) is converted, and its connection is SMC-R
t_child() {
	local line
	pl_mark
	line=$(smc_run sh -c "sh -c 'smcr_preload_probe connect $RIG_PEER_IP4 $PL_PORT'") || { rig_check false "$line"; return 1; }
	rig_log "grandchild: $line"
	rig_check pl_match '^connected domain=43 ' "$line" || return 1
	pl_smcr_proof 1 1
}

# IPv6: the client's socket becomes AF_SMC with SMCPROTO_SMC6 and talks to the server's IPv6
# listener (SMCPROTO_SMC6 too). SMC-R over IPv6 is not implemented yet: whether the connection ran
# SMC-R or fell back is logged, not asserted; that it works is.
t_v6() {
	local out
	pl_mark
	out=$(smc_run -d redis-cli -h "$RIG_PEER_IP6" -p $PL_PORT PING 2>&1)
	echo "$out"
	rig_check pl_match '^PONG$' "$out" || return 1
	rig_check pl_match 'socket(AF_INET6, SOCK_STREAM.*): fd [0-9]* is AF_SMC (SMCPROTO_SMC6)' "$out" || return 1
	pl_deltas
	rig_log "v6 connection: SMC-R +$PL_DS, fallback here +$PL_DF, on the peer +$PL_DB"
	rig_check test "$PL_DA" = 0
}

# stop the server; its -d log shows the listeners' conversion
t_server_log() {
	rig_peer_kill "$PL_SRV" >$PL_DIR/srv.log 2>&1
	grep 'smc_run' $PL_DIR/srv.log | head -n 5
	rig_check grep -q 'socket(AF_INET, SOCK_STREAM.*): fd [0-9]* is AF_SMC (SMCPROTO_SMC)' $PL_DIR/srv.log || return 1
	rig_check grep -q 'socket(AF_INET6, SOCK_STREAM.*): fd [0-9]* is AF_SMC (SMCPROTO_SMC6)' $PL_DIR/srv.log
}

t_summary() {
	rig_log "redis-benchmark requests/s ($PL_N requests, $PL_C clients; a: $RIG_KV $RIG_MOD, b: $RIG_PEER_KV $RIG_PEER_MOD):"
	[ -e $PL_DIR/summary ] || { rig_fail "no benchmark results"; return 0; }
	while read -r l; do rig_log "  $l"; done <$PL_DIR/summary
	# all four runs (TCP and SMC-R, -P 1 and -P 16) must have reported
	[ "$(wc -l <$PL_DIR/summary)" = 4 ] || { rig_fail "only $(wc -l <$PL_DIR/summary) of 4 runs"; return 0; }
	rig_pass "$(tr '\n' ';' <$PL_DIR/summary)"
}

t_dmesg() { rig_check rig_dmesg_check; }

if rig_role a; then
	if ! rig_two_vms || [ "$RIG_PEER_MOD" = none ] || [ "$RIG_MOD" != smcr ]; then
		rig_test setup
		rig_fail "preload needs two VMs, our module on a and an SMC implementation on b"
	else
		rig_run_test setup t_setup
		rig_run_test server t_server
		rig_run_test bench_p1 t_bench 1
		rig_run_test bench_p16 t_bench 16
		rig_run_test data t_data
		rig_run_test sizes t_sizes
		rig_run_test kinds t_kinds
		rig_run_test child t_child
		rig_run_test v6 t_v6
		rig_run_test server_log t_server_log
		rig_run_test summary t_summary
		rig_run_test dmesg t_dmesg
		rig_peer rig_dmesg_check >/dev/null || rig_log "peer dmesg check failed (see b's console)"
	fi
fi
