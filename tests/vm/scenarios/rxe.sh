# shellcheck shell=dash
# shellcheck disable=SC2016 # commands for rig_peer are often single-quoted on purpose
# rxe: Soft-RoCE works in the VMs. rxe0 on eth0 (both VMs), rxe_lo on lo (VM a): port ACTIVE, RoCE v2
# GID of the IPv4 address, `rdma link show`; RDMA really moves packets: perftest ib_write_bw between
# the VMs (two VMs) and over rxe_lo (VM a), checked with the rxe hw_counters. Devices removed at the end.
# Options: RIG_OPT_RXE_ITERS (ib_write_bw iterations of 64 KiB, default 100).

RXE_ITERS=${RIG_OPT_RXE_ITERS:-100}
RXE_PORT=18515

# rxe_check IBDEV NETDEV IPV4: device, port state, GID, rdma link show
rxe_check() {
	rig_check test -d "/sys/class/infiniband/$1" || return 1
	rig_check grep -q ACTIVE "/sys/class/infiniband/$1/ports/1/state" || return 1
	rig_check rig_rxe_gid "$1" "$3" || return 1
	rig_check sh -c "$RIG_RDMA link show | grep -q '^link $1/1 state ACTIVE .*netdev $2'"
}

t_eth0() {
	rig_check rig_rxe_up eth0 rxe0 || return 1
	rxe_check rxe0 eth0 "$RIG_IP4"
}

t_peer() {
	local out
	rig_check rig_peer rig_rxe_up eth0 rxe0 || return 1
	rig_check rig_peer 'test -d /sys/class/infiniband/rxe0 && rig_rxe_gid rxe0 "$RIG_IP4"' || return 1
	out=$(rig_peer "$RIG_RDMA link show") || { rig_fail "rdma link show on the peer: status $?"; return; }
	echo "$out" | grep -q '^link rxe0/1 state ACTIVE .*netdev eth0' || { rig_fail "peer: $out"; return; }
}

# write_bw IBDEV SERVER_ON_PEER(1|0) CONNECT_IP: ib_write_bw, counters must grow on both ends
write_bw() {
	local dev=$1 remote=$2 ip=$3 myip=$RIG_IP4 gid h s0 r0 s1 r1 out args
	[ "$ip" != 127.0.0.1 ] || myip=127.0.0.1
	gid=$(rig_rxe_gid "$dev" "$myip") || { rig_fail "no RoCE v2 GID for $myip on $dev"; return 1; }
	args="-d $dev -s 65536 -n $RXE_ITERS -F -p $RXE_PORT"
	s0=$(rig_ib_counter "$dev" sent_pkts)
	if [ "$remote" = 1 ]; then
		r0=$(rig_peer "rig_ib_counter $dev rcvd_pkts") || return 1
		h=$(rig_peer_bg "ib_write_bw $args -x \$(rig_rxe_gid $dev \$RIG_IP4)") || return 1
		rig_check rig_peer_wait_port "$RXE_PORT" 20 || return 1
	else
		r0=$(rig_ib_counter "$dev" rcvd_pkts)
		h=$(rig_bg "ib_write_bw $args -x $gid") || return 1
		rig_check rig_wait_port "$RXE_PORT" 20 || return 1
	fi
	# shellcheck disable=SC2086 # $args are words
	out=$(ib_write_bw $args -x "$gid" "$ip" 2>&1) || { rig_log "$out"; rig_fail "ib_write_bw client failed"; return 1; }
	if [ "$remote" = 1 ]; then
		rig_check rig_peer_wait "$h" 60 || return 1
		r1=$(rig_peer "rig_ib_counter $dev rcvd_pkts") || return 1
	else
		rig_check rig_wait "$h" 60 || return 1
		r1=$(rig_ib_counter "$dev" rcvd_pkts)
	fi
	s1=$(rig_ib_counter "$dev" sent_pkts)
	# 64 KiB x ITERS at an RDMA MTU of at most 4096: at least 16 packets per iteration
	rig_check test $((s1 - s0)) -ge $((RXE_ITERS * 16)) || { rig_log "sent_pkts $s0 -> $s1"; return 1; }
	rig_check test $((r1 - r0)) -ge $((RXE_ITERS * 16)) || { rig_log "rcvd_pkts $r0 -> $r1"; return 1; }
	BW=$(echo "$out" | awk '$1 == 65536 && $2 == '"$RXE_ITERS"' { print $4 }')
	PKTS=$((s1 - s0))
}

t_write_bw() {
	rig_have ib_write_bw || { rig_skip "perftest ib_write_bw not in the initramfs"; return; }
	write_bw rxe0 1 "$RIG_PEER_IP4" || return 1
	rig_pass "ib_write_bw a->b ${BW:-?} MB/s, $PKTS packets sent"
}

t_lo() {
	rig_check rig_rxe_up lo rxe_lo || return 1
	rxe_check rxe_lo lo 127.0.0.1 || return 1
	if ! rig_have ib_write_bw; then rig_pass "no perftest: traffic not checked"; return; fi
	write_bw rxe_lo 0 127.0.0.1 || return 1
	rig_pass "ib_write_bw over rxe_lo ${BW:-?} MB/s, $PKTS packets"
}

t_down() {
	local d n=0
	for d in rxe0 rxe_lo; do
		[ -e "/sys/class/infiniband/$d" ] || continue
		rig_check rig_rxe_down "$d" || return 1
		n=$((n + 1))
	done
	[ "$n" -gt 0 ] || { rig_skip "no rxe device here"; return; }
	rig_check sh -c "! $RIG_RDMA link show | grep -q rxe"
}

t_dmesg() { rig_check rig_dmesg_check; }

if rig_role a; then
	rig_run_test eth0 t_eth0
	if rig_two_vms; then
		rig_run_test peer t_peer
		rig_run_test write_bw t_write_bw
	fi
	rig_run_test lo t_lo
fi
rig_barrier rxe-down
rig_run_test down t_down
rig_run_test dmesg t_dmesg
