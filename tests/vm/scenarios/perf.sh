# shellcheck shell=dash
# perf: the performance pass's instrument. For each workload it counts what one operation costs:
# CDC messages per MB and per request, RDMA WRITEs per CDC, CDC send completions that pushed,
# autocorked sends, reader/writer wake-ups, copies, and RoCE packets on both hosts. Our module's
# counters come from /proc/net/smcr_stat (CdcTx, CdcTxData, CdcRx, RdmaWrite, TxAutocork,
# TxComplPush, TxRetry, RxWake, TxWake, RxCopy, TxCopy); for stock smc.ko only the rxe packet
# counters exist, so "pkts/op" is the number that compares the two.
# Two VMs with the same kernel, --mod-a none --mod-b none (the scenario loads each module in turn);
# a is the client, b the server. RIG_OPT_PERF_IMPLS: which implementations, ":"-separated (default
# "smcr:stock"); "smcr+PARAM=V,PARAM=V" loads our module with those module parameters, and a
# setting "s.NAME=V" (for stock too: "stock+s.rmem=131072") writes net.smc.NAME after loading;
# RIG_OPT_PERF_SECS: seconds per smcr_bench measurement (default 3). RIG_OPT_PERF_ONLY=stream:
# only the stream, RIG_OPT_PERF_REPS times (default 1), writes of RIG_OPT_PERF_SIZE (default 64K),
# over RIG_OPT_PERF_CONNS parallel connections (default 1); RIG_OPT_PERF_ONLY=rr: only the
# request/response, messages of RIG_OPT_PERF_SIZE (default 1), the same way.
# Every line also gives, per host, context switches and CPU time (user/system/softirq/idle, from
# /proc/stat) per operation: these exist for any implementation.
# Every SMC measurement must be SMC-R: no fallback on either host, RoCE packets growing.
# Results: "perf:" lines in the notes, one per workload and implementation.
# rig-host-bins: /usr/bin/redis-server /usr/bin/redis-benchmark

PF_SECS=${RIG_OPT_PERF_SECS:-3}
PF_ONLY=${RIG_OPT_PERF_ONLY:-}
PF_REPS=${RIG_OPT_PERF_REPS:-1}
PF_SIZE=${RIG_OPT_PERF_SIZE:-64K}
PF_CONNS=${RIG_OPT_PERF_CONNS:-1}
PF_IMPLS=$(echo "${RIG_OPT_PERF_IMPLS:-smcr stock}" | tr ":" " ")
PF_PORT=5401
PF_RPORT=6380
PF_UEID=SMCR-PERF
PF_CTRS="CdcTx CdcTxData CdcRx RdmaWrite TxAutocork TxComplPush TxRetry RxWake TxWake RxCopy TxCopy"

# one line "k=v ..." of this host's counters (our module's, when loaded) and rxe0's packets
PF_SNAP="{ cat /proc/net/smcr_stat 2>/dev/null; echo \"pkts \$(cat /sys/class/infiniband/rxe0/ports/1/hw_counters/sent_pkts)\";
	smcr_nlcheck fback 2>/dev/null | awk '/^fback_total|^hs_err/ { s += \$3 + \$5 } END { print \"fback \" s + 0 }';
	awk '/^cpu / { print \"cpu_usr\", \$2 + \$3; print \"cpu_sys\", \$4; print \"cpu_idle\", \$5 + \$6;
		print \"cpu_sirq\", \$7 + \$8 } /^ctxt/ { print \"ctxt\", \$2 }' /proc/stat; } |
	awk '{ printf \"%s=%s \", \$1, \$2 } END { print \"\" }'"
pf_snap() { eval "$PF_SNAP"; }

# pf_get SNAP NAME
pf_get() { printf '%s\n' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
# pf_delta SNAP0 SNAP1 NAME: the growth, or "-" if the counter does not exist (an older module)
pf_delta() {
	local a b
	a=$(pf_get "$1" "$3") b=$(pf_get "$2" "$3")
	if [ -n "$a" ] && [ -n "$b" ]; then echo $((b - a)); else echo -; fi
}
# pf_per X OPS: X per op, two decimals
pf_per() { awk -v x="$1" -v n="$2" 'BEGIN { if (n > 0 && x != "-") printf "%.2f", x / n; else print "-" }'; }
# pf_cpu SNAP0 SNAP1 OPS: the host's CPU time per op in microseconds, user/system/softirq/idle
# (/proc/stat counts USER_HZ ticks of 10 ms)
pf_cpu() {
	local k out=""
	for k in cpu_usr cpu_sys cpu_sirq cpu_idle; do
		out="$out/$(awk -v x="$(pf_delta "$1" "$2" "$k")" -v n="$3" 'BEGIN { if (n > 0 && x != "-") printf "%.0f", x * 10000 / n; else print "-" }')"
	done
	echo "${out#/}"
}

# pf_setup_cmd IMPL[+SETTING,...]: the commands that load IMPL (smcr|stock) on one host. A setting
# s.NAME=V writes V to net.smc.NAME after loading (either implementation); any other is a module
# parameter of ours
pf_setup_cmd() {
	local impl=${1%%+*} set="" params="" sysctls="" x
	[ "$impl" = "$1" ] || set=${1#*+}
	for x in $(echo "$set" | tr ',' ' '); do
		case $x in
		s.*=*) x=${x#s.}; sysctls="$sysctls && echo ${x#*=} >/proc/sys/net/smc/${x%%=*}" ;;
		*) params="$params $x" ;;
		esac
	done
	case $impl in
	smcr) echo "rig_load_smcr$params && smcr_nlcheck ueid add $PF_UEID >/dev/null$sysctls" ;;
	stock) [ -z "$params" ] || return 1
		echo "rig_load_stock && smcr_nlcheck ueid add $PF_UEID >/dev/null &&" \
		"smcr_nlcheck pnet add SMCRPERF eth eth0 ib rxe0 1 >/dev/null$sysctls" ;;
	*) return 1 ;;
	esac
}
PF_UNLOAD="if [ -d /sys/module/smcr ]; then rmmod smcr; fi; if [ -e /sys/module/smc/initstate ]; then rig_unload_stock; fi; true"

pf_use() {
	eval "$PF_UNLOAD"
	rig_check rig_peer "$PF_UNLOAD" || return 1
	local cmd
	cmd=$(pf_setup_cmd "$1") || { rig_check false "implementation $1: smcr or stock, settings s.NAME=V (and module parameters for smcr)"; return 1; }
	eval "$cmd" || { rig_check false "load $1 here"; return 1; }
	rig_check rig_peer "$(pf_setup_cmd "$1")"
}

PF_A0="" PF_A1="" PF_B0="" PF_B1=""
pf_mark() { PF_A0=$(pf_snap) PF_B0=$(rig_peer "$PF_SNAP"); }
pf_mark_end() { PF_A1=$(pf_snap) PF_B1=$(rig_peer "$PF_SNAP"); }

# pf_report IMPL WORKLOAD OPS BYTES SPEED: the per-op costs of the last mark..mark_end
pf_report() {
	local impl=$1 w=$2 ops=$3 bytes=$4 speed=$5 pa pb line c da db mb
	pa=$(pf_delta "$PF_A0" "$PF_A1" pkts) pb=$(pf_delta "$PF_B0" "$PF_B1" pkts)
	rig_check test "$(pf_delta "$PF_A0" "$PF_A1" fback)" = 0 || return 1
	rig_check test "$(pf_delta "$PF_B0" "$PF_B1" fback)" = 0 || return 1
	rig_check test $((pa + pb)) -gt 50 || return 1
	mb=$(awk -v b="$bytes" 'BEGIN { printf "%.3f", b / 1048576 }')
	line="perf: $impl $w: $speed; ops=$ops MB=$mb pkts/op a=$(pf_per "$pa" "$ops") b=$(pf_per "$pb" "$ops")"
	line="$line ctxt/op a=$(pf_per "$(pf_delta "$PF_A0" "$PF_A1" ctxt)" "$ops") b=$(pf_per "$(pf_delta "$PF_B0" "$PF_B1" ctxt)" "$ops")"
	line="$line cpu_us/op(usr/sys/sirq/idle) a=$(pf_cpu "$PF_A0" "$PF_A1" "$ops") b=$(pf_cpu "$PF_B0" "$PF_B1" "$ops")"
	if [ "${impl%%+*}" = smcr ]; then
		for c in $PF_CTRS; do
			da=$(pf_delta "$PF_A0" "$PF_A1" "$c") db=$(pf_delta "$PF_B0" "$PF_B1" "$c")
			line="$line $c/op a=$(pf_per "$da" "$ops") b=$(pf_per "$db" "$ops")"
		done
		da=$(pf_delta "$PF_A0" "$PF_A1" CdcTx) db=$(pf_delta "$PF_B0" "$PF_B1" CdcTx)
		if [ "$da" != - ]; then
			da=$((da + db))
			db=$(($(pf_delta "$PF_A0" "$PF_A1" RdmaWrite) + $(pf_delta "$PF_B0" "$PF_B1" RdmaWrite)))
			line="$line | WRITEs/CDC $(pf_per "$db" "$da")"
			[ "$bytes" -gt 0 ] && line="$line CDCs/MB $(pf_per "$da" "$mb")"
		fi
	fi
	rig_note "$line"
}

# pf_bench IMPL TEST SIZE CONNS
pf_bench() {
	local impl=$1 test=$2 size=$3 conns=$4 h out ops bytes
	h=$(rig_peer_bg "smcr_bench server --family smc --port $PF_PORT") || return 1
	rig_peer_wait_port $PF_PORT 20 >/dev/null || return 1
	pf_mark
	out=$(smcr_bench client "$RIG_PEER_IP4" --family smc --port $PF_PORT --test "$test" \
		--size "$size" --conns "$conns" --time "$PF_SECS" --json 2>&1)
	local rc=$?
	pf_mark_end
	rig_peer_kill "$h" >/dev/null 2>&1
	rig_log "$impl $test $size x$conns: $out"
	rig_check test "$rc" = 0 || return 1
	ops=$(echo "$out" | sed -n 's/.*"ops":\([0-9]*\).*/\1/p')
	bytes=$(echo "$out" | sed -n 's/.*"bytes":\([0-9]*\).*/\1/p')
	[ "$test" = stream ] && ops=$((bytes / $(echo "$size" | sed 's/K$/*1024/; s/M$/*1048576/' | awk -F'*' '{ print ($2 ? $1 * $2 : $1) }')))
	pf_report "$impl" "$test-$size-x$conns" "$ops" "$bytes" "$(echo "$out" |
		sed -n 's/.*"mbytes_per_s":\([0-9.]*\).*"ops_per_s":\([0-9.]*\).*"p50_us":\([0-9.]*\).*"p99_us":\([0-9.]*\).*/\1 MB\/s \2 ops\/s p50 \3 us p99 \4 us/p')"
}

# pf_redis IMPL PIPELINE: SET and GET, N requests, C clients, all under smc_run on both ends
pf_redis() {
	local impl=$1 p=$2 n=4000 c=8 out
	pf_mark
	out=$(smc_run redis-benchmark -h "$RIG_PEER_IP4" -p $PF_RPORT -n $n -c $c -P "$p" -t set,get --csv 2>&1) || {
		rig_log "$out"; rig_check false "redis-benchmark"; return 1; }
	pf_mark_end
	rig_log "$impl redis -P $p: $(echo "$out" | tr '\n' ' ')"
	pf_report "$impl" "redis-P$p" $((2 * n)) 0 "$(echo "$out" | awk -F'"' '$2 == "SET" || $2 == "GET" { printf "%s %s req/s ", $2, $4 }' | sed 's/ $//')"
}

pf_measure() {
	local impl=$1 h
	pf_use "$impl" || return 1
	if [ "$PF_ONLY" = stream ] || [ "$PF_ONLY" = rr ]; then
		local i=0 size=$PF_SIZE
		[ "$PF_ONLY" = rr ] && size=${RIG_OPT_PERF_SIZE:-1}
		while [ $i -lt "$PF_REPS" ]; do
			pf_bench "$impl" "$PF_ONLY" "$size" "$PF_CONNS" || return 1
			i=$((i + 1))
		done
		rig_pass "$impl measured ($PF_ONLY only)"
		return 0
	fi
	pf_bench "$impl" stream 64K 1 || return 1
	pf_bench "$impl" rr 1 1 || return 1
	pf_bench "$impl" rr 1K 1 || return 1
	pf_bench "$impl" crr 1 1 || return 1
	if rig_have redis-server && rig_have smc_run; then
		h=$(rig_peer_bg "mkdir -p /tmp/pf && cd /tmp/pf && exec smc_run redis-server --port $PF_RPORT --bind 0.0.0.0 --protected-mode no --save '' --appendonly no") || return 1
		rig_peer_wait_port $PF_RPORT 30 >/dev/null || return 1
		pf_redis "$impl" 1 && pf_redis "$impl" 16
		local rc=$?
		rig_peer_kill "$h" >/dev/null 2>&1
		[ $rc = 0 ] || return 1
	fi
	rig_pass "$impl measured"
}

t_setup() {
	rig_check rig_have smcr_bench || return 1
	rig_check rig_rxe_up eth0 rxe0 || return 1
	rig_check rig_peer "rig_rxe_up eth0 rxe0"
}

if rig_role a; then
	if ! rig_two_vms; then
		rig_test setup
		rig_fail "perf needs two VMs (--vms 2 --mod-a none --mod-b none)"
	else
		rig_run_test setup t_setup
		for pf_impl in $PF_IMPLS; do
			rig_run_test "$pf_impl" pf_measure "$pf_impl"
		done
		eval "$PF_UNLOAD"
		rig_peer "$PF_UNLOAD" >/dev/null
		rig_run_test dmesg rig_check rig_dmesg_check
	fi
fi
