# shellcheck shell=dash
# shellcheck disable=SC2016 # commands for rig_peer are often single-quoted on purpose
# smoke: the rig itself works. The machine is up with its addresses; on two VMs: ping, the peer
# channel (synchronous, background, exit status, timeout), TCP bulk data both ways over IPv4 and
# IPv6 with checksums; on one VM the same data test over loopback; no kernel trouble.
# Options: RIG_OPT_SMOKE_MB (MiB per transfer, default 2).

SMOKE_MB=${RIG_OPT_SMOKE_MB:-2}
SMOKE_PORT=5101

t_up() {
	rig_check test "$(uname -r)" = "$RIG_KV" || return 1
	rig_check test -d "$RIG_MODDIR/rig" || return 1
	rig_check grep -q ' /tmp tmpfs ' /proc/mounts || return 1
	rig_check test -d /sys/module/virtio_net || return 1
	rig_check test -x "$RIG_IP" -a -x "$RIG_RDMA" -a -x "$RIG_AGENT"
}

t_addr() {
	# the link may report "down" for a moment after it was configured (seen once on 6.1, one VM)
	rig_check rig_wait_for 10 sh -c 'test "$(cat /sys/class/net/eth0/operstate)" = up' || return 1
	rig_check sh -c "$RIG_IP -4 -o addr show dev eth0 | grep -q ' $RIG_IP4/24 '" || return 1
	rig_check sh -c "$RIG_IP -6 -o addr show dev eth0 | grep -q ' $RIG_IP6/64 '"
}

t_ping() {
	rig_check ping -c 1 -W 5 "$RIG_PEER_IP4" || return 1
	rig_check ping6 -c 1 -W 5 "$RIG_PEER_IP6"
}

t_peer() {
	local out rc h
	out=$(rig_peer uname -r) || { rig_fail "rig_peer uname -r: status $?"; return; }
	[ -n "$out" ] || { rig_fail "rig_peer uname -r: no output"; return; }
	[ -z "$RIG_PEER_KV" ] || [ "$out" = "$RIG_PEER_KV" ] ||
		{ rig_fail "peer runs $out, expected $RIG_PEER_KV"; return; }
	out=$(rig_peer 'echo "$RIG_ROLE:$RIG_IP4"; exit 3')
	rc=$?
	if [ "$rc" != 3 ] || [ "$out" != "b:$RIG_PEER_IP4" ]; then
		rig_fail "rig_peer exit status/env: got status $rc output '$out'"
		return
	fi
	out=$(rig_peer 'rig_peer "echo back to \$RIG_ROLE"')
	if [ "$out" != "back to a" ]; then rig_fail "b -> a through rig_peer: '$out'"; return; fi
	out=$(rig_peer "echo \"it's  'quoted' \$RIG_ROLE\"")
	if [ "$out" != "it's  'quoted' b" ]; then rig_fail "rig_peer quoting: '$out'"; return; fi
	h=$(rig_peer_bg "sleep 1; echo 'bg  out'; exit 5") || { rig_fail "rig_peer_bg: status $?"; return; }
	out=$(rig_peer_wait "$h" 30)
	rc=$?
	if [ "$rc" != 5 ] || [ "$out" != "bg  out" ]; then
		rig_fail "rig_peer_wait $h: status $rc output '$out'"
		return
	fi
	h=$(rig_peer_bg "sleep 60") || { rig_fail "rig_peer_bg: status $?"; return; }
	out=$(rig_peer_wait "$h" 1 2>&1)
	rc=$?
	[ "$rc" = 124 ] || { rig_fail "rig_peer_wait timeout: status $rc ($out)"; return; }
	out=$(RIG_PEER_TIMEOUT=1 rig_peer "sleep 30" 2>&1)
	rc=$?
	[ "$rc" = 124 ] || { rig_fail "rig_peer timeout: status $rc ($out)"; return; }
	rig_pass "peer runs $(rig_peer uname -r)"
}

# xfer FROM_LOCAL(1|0) DEST_IP: SMOKE_MB MiB of random data through TCP, checksums compared
xfer() {
	local send_here=$1 ip=$2 sum_tx sum_rx h
	if [ "$send_here" = 1 ]; then
		head -c $((SMOKE_MB * 1048576)) /dev/urandom >/tmp/smoke.tx
		sum_tx=$(md5sum </tmp/smoke.tx)
		if rig_two_vms; then
			h=$(rig_peer_bg "rig-agent sink $SMOKE_PORT | md5sum") || return 1
			rig_check rig_peer_wait_port "$SMOKE_PORT" 20 || return 1
		else
			h=$(rig_bg "rig-agent sink $SMOKE_PORT | md5sum") || return 1
			rig_check rig_wait_port "$SMOKE_PORT" 20 || return 1
		fi
		rig_check rig-agent source "$ip" "$SMOKE_PORT" </tmp/smoke.tx || return 1
		if rig_two_vms; then sum_rx=$(rig_peer_wait "$h" 60); else sum_rx=$(rig_wait "$h" 60); fi
	else # the peer sends to us
		sum_tx=$(rig_peer "head -c $((SMOKE_MB * 1048576)) /dev/urandom >/tmp/smoke.tx; md5sum </tmp/smoke.tx") || return 1
		h=$(rig_bg "rig-agent sink $SMOKE_PORT | md5sum") || return 1
		rig_check rig_wait_port "$SMOKE_PORT" 20 || return 1
		rig_check rig_peer "rig-agent source $ip $SMOKE_PORT </tmp/smoke.tx" || return 1
		sum_rx=$(rig_wait "$h" 60)
	fi
	rm -f /tmp/smoke.tx
	rig_check test "$sum_tx" = "$sum_rx" || { rig_log "sent $sum_tx received $sum_rx"; return 1; }
}

t_tcp() {
	local t0
	t0=$(rig_uptime)
	if rig_two_vms; then
		xfer 1 "$RIG_PEER_IP4" || return 1
		xfer 0 "$RIG_IP4" || return 1
		xfer 1 "$RIG_PEER_IP6" || return 1
		rig_pass "$((SMOKE_MB * 3)) MiB a->b v4, b->a v4, a->b v6 in $(rig__elapsed "$t0")s"
	else
		xfer 1 127.0.0.1 || return 1
		xfer 1 ::1 || return 1
		rig_pass "$((SMOKE_MB * 2)) MiB over lo v4 and v6 in $(rig__elapsed "$t0")s"
	fi
}

t_dmesg() { rig_check rig_dmesg_check; }

rig_run_test up t_up
rig_run_test addr t_addr
if rig_role a; then
	if rig_two_vms; then
		rig_run_test ping t_ping
		rig_run_test peer t_peer
	fi
	rig_run_test tcp t_tcp
fi
rig_run_test dmesg t_dmesg
