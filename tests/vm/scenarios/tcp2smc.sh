# shellcheck shell=dash
# tcp2smc: TCP sockets created as AF_SMC by our module (one VM, --mod-a smcr).
#
# net.smc.tcp2smc = 1 turns socket(AF_INET[6], SOCK_STREAM, 0|IPPROTO_TCP) of user programs in
# that netns into AF_SMC sockets; socket(AF_INET[6], SOCK_STREAM, IPPROTO_SMC) does so always.
# The program used, smcr_tcpcheck, is a dynamically linked plain TCP program: it reports SO_DOMAIN
# and SO_PROTOCOL of what it got, moves data both ways over loopback and verifies every byte and
# both checksums; static busybox httpd + wget serve a file under the sysctl too. Each test also
# checks the module's counters (Tcp2SmcConvert, IpprotoSmcCreate, SockCreate, fallbacks) and,
# where sockets are held open, sock_diag and smcss.
# Checked: off = plain TCP; on = AF_SMC (v4 and v6, protocol 0 and 6); other types/protocols
# untouched; IPPROTO_SMC with the sysctl off; another netns keeps its own setting; kernel sockets
# (rds_tcp's listener) untouched; sockets already open untouched; real SMC-R under tcp2smc (rxe on
# lo); TCP_ULP refused on an SMC-R connection (kTLS); rmmod with converted sockets open (EBUSY,
# they keep working), after rmmod plain TCP again; rmmod/insmod cycles while a program creates
# sockets as fast as it can (no socket() may fail).
#
# Options: RIG_OPT_T2S_SMCR=0 skips the real SMC-R tests (smcr, ulp), RIG_OPT_T2S_CYCLES (unload
# cycles, 3).

T2S_NS=t2s
T2S_UEID=SMCR-RIG-TCP2SMC
T2S_IBDEV=rxe_lo
T2S_SYS=/proc/sys/net/smc/tcp2smc
T2S_CYCLES=${RIG_OPT_T2S_CYCLES:-3}

# ---- helpers -----------------------------------------------------------------------------------
# t2_mark [NS]: remember the counters (of netns NS)
t2_mark() {
	if [ -n "${1:-}" ]; then
		"$RIG_IP" netns exec "$1" cat /proc/net/smcr_stat >"/tmp/t2.base.$1"
	else
		cat /proc/net/smcr_stat >/tmp/t2.base
	fi
}

# t2_delta NAME [NS]: how much counter NAME grew since t2_mark
t2_delta() {
	if [ -n "${2:-}" ]; then
		"$RIG_IP" netns exec "$2" cat /proc/net/smcr_stat >/tmp/t2.now
	else
		cat /proc/net/smcr_stat >/tmp/t2.now
	fi
	awk -v n="$1" 'NR==FNR { if ($1 == n) b = $2; next } $1 == n { print $2 - b }' \
		"/tmp/t2.base${2:+.$2}" /tmp/t2.now
}

# t2_expect NAME WANT [NS]: counter NAME grew by exactly WANT since t2_mark
t2_expect() {
	local got
	got=$(t2_delta "$1" "${3:-}")
	[ "$got" = "$2" ] && return 0
	rig_log "counter $1${3:+ (netns $3)}: expected +$2, got +$got"
	rig_check false "counter $1 +$got, want +$2"
	return 1
}

t2__freed() { [ "$(t2_delta SmcrConnFree)" -ge "$1" ]; }

# t2_xfer WANT_DOMAIN WANT_PROTO [ARGS...]: smcr_tcpcheck xfer; the listener and the client must
# be of WANT_DOMAIN/WANT_PROTO (SO_DOMAIN/SO_PROTOCOL) and every byte must arrive
t2_xfer() {
	local dom=$1 proto=$2 out
	shift 2
	out=$(smcr_tcpcheck xfer "$@" 2>&1)
	echo "$out" >/tmp/t2.xfer
	if ! echo "$out" | grep -q '^RESULT ok'; then
		rig_check false "smcr_tcpcheck xfer $*: $(echo "$out" | tail -n 1)"
		return 1
	fi
	echo "$out" | grep -qx "SOCKS listener=$dom/$proto client=$dom/$proto" && return 0
	rig_check false "smcr_tcpcheck xfer $*: $(echo "$out" | grep SOCKS), want $dom/$proto"
	return 1
}

# t2_sock FAMILY TYPE PROTO WANT: smcr_tcpcheck socket; WANT is "D/P" (domain/protocol) or
# "fail ERRNO"
t2_sock() {
	local out want=$4
	out=$(smcr_tcpcheck socket "$1" "$2" "$3")
	case "$want" in
	fail*) echo "$out" | grep -q "^SOCKET fail errno=${want#fail }" && return 0 ;;
	*) echo "$out" | grep -q "^SOCKET ok domain=${want%/*} type=$2 protocol=${want#*/}$" && return 0 ;;
	esac
	rig_check false "socket($1, $2, $3): $out, want $want"
	return 1
}

t2_set() { echo "$1" >"$T2S_SYS"; }

# t2_hold ARGS...: start smcr_tcpcheck xfer --hold in the background; prints the handle once its
# sockets exist (listening, client not connected yet); t2_release lets it go on
t2_hold() {
	local h
	rm -f /tmp/t2.go /tmp/t2.hold
	h=$(rig_bg "smcr_tcpcheck xfer --hold /tmp/t2.go $* >/tmp/t2.hold") || return 1
	rig_wait_for 20 grep -q '^HOLD' /tmp/t2.hold || { rig_kill "$h" >/dev/null; return 1; }
	echo "$h"
}

# t2_release HANDLE WANT_DOMAIN WANT_PROTO
t2_release() {
	touch /tmp/t2.go
	rig_check rig_wait "$1" 60 || { cat /tmp/t2.hold; return 1; }
	rig_check grep -q '^RESULT ok' /tmp/t2.hold || return 1
	rig_check grep -qx "SOCKS listener=$2/$3 client=$2/$3" /tmp/t2.hold
}

# ---- tests -------------------------------------------------------------------------------------
# the sysctl: there, 0 by default, 0/1 only, only root may change it; the hook is installed
t_sysctl() {
	rig_check test "$(rig_smc_impl)" = smcr || return 1
	rig_check test "$(cat $T2S_SYS)" = 0 || return 1
	rig_check sh -c "! echo 2 >$T2S_SYS" || return 1
	rig_check sh -c "! echo -1 >$T2S_SYS" || return 1
	rig_check sh -c "! smcr_asuser sh -c 'echo 1 >$T2S_SYS'" || return 1
	rig_check test "$(cat $T2S_SYS)" = 0 || return 1
	rig_check sh -c "! dmesg | grep -q 'cannot hook socket creation'" || return 1
	if [ -r /sys/kernel/debug/kprobes/list ]; then
		rig_log "kprobes: $(grep __sock_create /sys/kernel/debug/kprobes/list | tr '\n' '|')"
		rig_check sh -c 'grep -E "__sock_create\+0x[04] " /sys/kernel/debug/kprobes/list | grep -qv DISABLED'
	fi
}

# off: plain TCP, nothing counted
t_off() {
	t2_set 0
	t2_mark
	t2_xfer 2 6 --bytes 2000000 || return 1
	t2_xfer 10 6 -6 || return 1
	t2_expect Tcp2SmcConvert 0 && t2_expect SockCreate 0 && t2_expect IpprotoSmcCreate 0
}

# on: protocol 0 and IPPROTO_TCP, v4 and v6, all AF_SMC (over lo: fallback to TCP, data intact)
t_on() {
	local h
	t2_set 1 || return 1
	t2_mark
	# while the sockets are open, sock_diag lists them as AF_SMC sockets, and their internal TCP
	# sockets (user sockets created by the module itself) are plain TCP: no recursion
	h=$(t2_hold --bytes 4000000) || return 1
	rig_check sh -c 'smcr_nlcheck diag | grep -qx "RESULT ok socks=2"'
	rig_check sh -c 'smcr_nlcheck diag | grep -q "state=10 "'
	if rig_have smcss; then
		rig_check sh -c 'smcss -a | grep -q smcr_tcpcheck'
		rig_log "smcss: $(smcss -a | tr '\n' '|')"
	fi
	t2_release "$h" 43 0 || return 1
	t2_xfer 43 0 --proto 6 || return 1
	t2_xfer 43 1 -6 || return 1
	t2_xfer 43 1 -6 --proto 6 || return 1
	# 4 runs x (listener + client); each connection fell back (no RDMA here) on both ends
	t2_expect Tcp2SmcConvert 8 && t2_expect ClntFallback 4 && t2_expect SrvFallback 4 &&
		t2_expect IpprotoSmcCreate 0
}

# static binaries too: busybox httpd serves busybox wget, both converted (no preload involved)
t_busybox() {
	local h
	mkdir -p /tmp/t2.www || return 1
	dd if=/dev/urandom of=/tmp/t2.www/blob bs=1024 count=3000 2>/dev/null || return 1
	t2_set 1 || return 1
	t2_mark
	h=$(rig_bg "busybox httpd -f -p 127.0.0.1:5402 -h /tmp/t2.www") || return 1
	rig_check rig_wait_port 5402 20 || { rig_kill "$h" >/dev/null; return 1; }
	rig_check busybox wget -q -O /tmp/t2.got http://127.0.0.1:5402/blob
	rig_kill "$h" >/dev/null
	rig_check test "$(md5sum </tmp/t2.got)" = "$(md5sum </tmp/t2.www/blob)" || return 1
	rm -rf /tmp/t2.www /tmp/t2.got
	# httpd's listener and wget's socket (over lo: both ends fall back)
	t2_expect Tcp2SmcConvert 2 && t2_expect ClntFallback 1 && t2_expect SrvFallback 1
}

# other types and protocols stay what they are, also with the sysctl on
t_others() {
	t2_set 1 || return 1
	t2_mark
	t2_sock 2 2 0 2/17 || return 1			# UDP
	t2_sock 10 2 17 10/17 || return 1
	t2_sock 2 3 6 2/6 || return 1			# raw
	t2_sock 2 2 256 "fail EPROTONOSUPPORT" || return 1	# IPPROTO_SMC is stream only
	if smcr_tcpcheck socket 2 1 262 >/dev/null; then	# MPTCP, where the kernel has it
		t2_sock 2 1 262 2/262 || return 1
	fi
	t2_sock 2 1 132 "fail EPROTONOSUPPORT" || return 1	# SCTP (no module): not ours either
	t2_expect Tcp2SmcConvert 0 && t2_expect IpprotoSmcCreate 0 && t2_expect SockCreate 0
}

# IPPROTO_SMC works with the sysctl off, as on upstream >= 6.11
t_ipproto_smc() {
	t2_set 0 || return 1
	t2_mark
	t2_sock 2 1 256 43/0 || return 1
	t2_sock 10 1 256 43/1 || return 1
	t2_xfer 43 0 --proto 256 || return 1
	t2_xfer 43 1 -6 --proto 256 || return 1
	t2_expect IpprotoSmcCreate 6 && t2_expect Tcp2SmcConvert 0
}

# the setting is per netns: a new netns starts with 0 and keeps its own value
# shellcheck disable=SC2086 # $x is a command prefix
t_netns() {
	local x="$RIG_IP netns exec $T2S_NS" rc=0
	"$RIG_IP" netns del $T2S_NS 2>/dev/null
	rig_check "$RIG_IP" netns add $T2S_NS || return 1
	rig_check "$RIG_IP" -n $T2S_NS link set lo up || rc=1
	t2_set 1 || rc=1
	rig_check sh -c "$x cat $T2S_SYS | grep -qx 0" || rc=1
	t2_mark $T2S_NS
	rig_check sh -c "$x smcr_tcpcheck xfer | grep -qx 'SOCKS listener=2/6 client=2/6'" || rc=1
	t2_expect Tcp2SmcConvert 0 $T2S_NS || rc=1
	# on there, off here
	t2_set 0 || rc=1
	rig_check sh -c "$x sh -c 'echo 1 >$T2S_SYS'" || rc=1
	t2_mark
	rig_check sh -c "$x smcr_tcpcheck xfer | grep -qx 'SOCKS listener=43/0 client=43/0'" || rc=1
	t2_xfer 2 6 || rc=1
	t2_expect Tcp2SmcConvert 0 || rc=1
	t2_expect Tcp2SmcConvert 2 $T2S_NS || rc=1
	rig_check "$RIG_IP" netns del $T2S_NS || rc=1
	return $rc
}

# kernel sockets are never converted: rds_tcp's listener (sock_create_kern) with tcp2smc on
t_kernel_socket() {
	t2_set 1 || return 1
	t2_mark
	rig_check rig_modprobe rds_tcp || return 1
	# RDS/TCP listens on port 16385 (0x4001), IPv6 any (or IPv4 without IPv6)
	rig_check rig_wait_for 10 grep -qi ':4001 00000000' /proc/net/tcp6 /proc/net/tcp
	rig_check sh -c 'smcr_nlcheck diag | grep -qx "RESULT ok socks=0"'
	rmmod rds_tcp rds
	t2_expect Tcp2SmcConvert 0 && t2_expect SockCreate 0
}

# a socket opened while the sysctl was 0 stays TCP when it is switched on
t_already_open() {
	local h
	t2_set 0 || return 1
	t2_mark
	h=$(t2_hold) || return 1
	t2_set 1
	t2_release "$h" 2 6 || return 1
	# accept() of a TCP listener gives TCP, whatever the sysctl says now
	rig_check grep -qx 'ACCEPTED domain=2 protocol=6' /tmp/t2.hold || return 1
	t2_expect Tcp2SmcConvert 0 && t2_expect SockCreate 0
}

# real SMC-R for a program that knows nothing about it (rxe on lo, rdma=1, a UEID)
t_smcr() {
	local pkts
	rig_check rig_rxe_up lo "$T2S_IBDEV" || return 1
	rig_check sh -c 'echo 1 >/sys/module/smcr/parameters/rdma' || return 1
	rig_check smcr_nlcheck ueid add "$T2S_UEID" || return 1
	t2_set 1 || return 1
	t2_mark
	pkts=$(rig_ib_counter "$T2S_IBDEV" sent_pkts)
	t2_xfer 43 0 --bytes 8000000 || return 1
	t2_expect Tcp2SmcConvert 2 && t2_expect SmcrConnStart 2 && t2_expect ClntFallback 0 &&
		t2_expect SrvFallback 0 || return 1
	pkts=$(($(rig_ib_counter "$T2S_IBDEV" sent_pkts) - pkts))
	rig_log "$T2S_IBDEV sent_pkts +$pkts"
	# 2 x 8 MB through RDMA WRITEs of at most 4 KiB MTU
	rig_check test "$pkts" -ge 3900 || return 1
	# both ends closed and given back
	rig_check rig_wait_for 20 t2__freed 2
}

# a kTLS user under tcp2smc: TCP_ULP "tls" on an SMC-R connection is refused (EINVAL, as
# upstream), so the program does not believe the kernel encrypts what goes over RDMA; on plain
# TCP the same call works (the tls module is there)
t_ulp() {
	local out
	rig_check rig_modprobe tls || return 1
	t2_set 0 || return 1
	out=$(smcr_tcpcheck xfer --ulp tls)
	echo "$out" | grep -qx 'ULP ok' || { rig_check false "TCP_ULP on TCP: $out"; return 1; }
	t2_set 1 || return 1
	t2_mark
	t2_xfer 43 0 --ulp tls --bytes 2000000 || return 1
	rig_check grep -qx 'ULP fail errno=EINVAL (22)' /tmp/t2.xfer || return 1
	t2_expect SmcrConnStart 2 && t2_expect ClntFallback 0 && t2_expect SrvFallback 0
}

# rmmod while converted sockets are open: EBUSY, they keep working; afterwards plain TCP again
t_unload() {
	local h out
	t2_set 1 || return 1
	h=$(t2_hold) || return 1
	out=$(rmmod smcr 2>&1) && { rig_check false "rmmod succeeded with AF_SMC sockets open"; return 1; }
	rig_log "rmmod with converted sockets open: $out"
	t2_release "$h" 43 0 || return 1
	rig_check rig_wait_for 30 rmmod smcr || return 1
	rig_check test ! -e /sys/module/smcr || return 1
	t2_sock 2 1 0 2/6 || return 1
	t2_sock 10 1 6 10/6 || return 1
	t2_sock 2 1 256 "fail EPROTONOSUPPORT" || return 1
	t2_xfer 2 6 || return 1
	rig_check rig_load_smcr || return 1
	rig_check test "$(cat $T2S_SYS)" = 0
}

# rmmod/insmod cycles while a program creates and closes TCP sockets as fast as it can: every
# socket() gives AF_SMC or TCP, never an error, and the kernel stays clean (the rig checks the
# kernel log)
t_unload_race() {
	local h i=0 out
	h=$(rig_bg "smcr_tcpcheck churn --secs $((T2S_CYCLES * 3 + 2))") || return 1
	while [ $i -lt "$T2S_CYCLES" ]; do
		rig_check sh -c "echo 1 >$T2S_SYS" || break
		sleep 1
		rig_check rig_wait_for 30 rmmod smcr || break
		sleep 1
		rig_check rig_load_smcr || break
		i=$((i + 1))
	done
	out=$(rig_wait "$h" 120)
	rig_log "churn over $i unload cycles: $out"
	echo "$out" | grep -q '^RESULT ok' || { rig_check false "churn: $out"; return 1; }
	echo "$out" | grep -q 'domain43=[1-9]' || rig_check false "no AF_SMC socket: $out"
	echo "$out" | grep -q 'tcp=[1-9]' || rig_check false "no TCP socket: $out"
	# a converted creation holds the module until it is done: none may fail
	echo "$out" | grep -q 'eafnosupport=0 ' || rig_check false "socket() failed during rmmod: $out"
	t2_set 0
	rig_check test "$(rig_smc_impl)" = smcr
}

rig_run_test sysctl t_sysctl
rig_run_test off t_off
rig_run_test on t_on
rig_run_test busybox t_busybox
rig_run_test others t_others
rig_run_test ipproto_smc t_ipproto_smc
rig_run_test netns t_netns
rig_run_test kernel_socket t_kernel_socket
rig_run_test already_open t_already_open
if [ "${RIG_OPT_T2S_SMCR:-1}" = 1 ]; then
	rig_run_test smcr t_smcr
	rig_run_test ulp t_ulp
fi
rig_run_test unload t_unload
rig_run_test unload_race t_unload_race
[ -e "$T2S_SYS" ] && t2_set 0
# leave no RDMA device behind for suites that run after this one in the same VM
if [ -e "/sys/class/infiniband/$T2S_IBDEV" ]; then
	rig_run_test rxe_down rig_check rig_rxe_down "$T2S_IBDEV"
fi
rig_run_test dmesg rig_check rig_dmesg_check
