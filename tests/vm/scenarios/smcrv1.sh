# shellcheck shell=dash
# smcrv1: SMC-R v1 between two hosts running our module (ours <-> ours, mixed kernels) over
# Soft-RoCE, the SMC-R version negotiation, and the PNET-based device choice.
#
# Soft-RoCE has RoCE v2 GIDs only, so v1 runs with the test knob v1_roce2_gids=1 (SMC-Rv1 over the
# RoCE v2 GID of the source address, IPv4-mapped or IPv6) on both hosts; smcr_v2=0 forces v1.
# Every transfer is verified byte by byte (smcr_xfer) in both directions. That it was SMC-R *v1*
# and not TCP is proven by: the SMC-R v1 success counters (SMC_GEN_NETLINK statistics through
# smcstat -j) on both hosts, unchanged v2 counters, no fallback on either side, and RoCE packets
# counted by rxe0 on both hosts.
#
# Tests: v1 over IPv4 and IPv6 in both roles; v1 link-group reuse; smcss (sock_diag) lists a live
# v1 connection as SMC-R and smcstat shows only v1 link groups; negotiation with v2 enabled
# (IPv4 -> v2, IPv6 -> v1: SMC-Rv2 is IPv4 only); PNET table: a matching entry keeps SMC-R, an
# entry pairing eth0 with another PNET id or with an absent RDMA device makes the client decline
# with 0x03030000 (NOSMCDEV) and fall back cleanly, and the same on the server side (peer); a
# client whose prefix is not on the server's netdev gets a Decline with 0x03070000 (DIFFPREFIX).

V1_PORT=5501
V1_UEID=SMCR-V1-TEST-UEID
V1_MB=4

v1_setup_cmd() { # the commands for one host
	echo "rig_rxe_up eth0 rxe0 >/dev/null && rig_unload_smcr && rig_load_smcr rdma=1 v1_roce2_gids=1 smcr_v2=0"
}

# v1_gid6 IBDEV PREFIX: rxe0 has a GID for our IPv6 address (it appears after DAD)
v1_gid6() { grep -q "^$2" /sys/class/infiniband/"$1"/ports/1/gids/* 2>/dev/null; }

t_setup() {
	rig_check test "$(rig_smc_impl)" = smcr || return 1
	eval "$(v1_setup_cmd)" || { rig_check false "local setup"; return 1; }
	rig_check rig_peer "$(v1_setup_cmd)" || return 1
	rig_check rig_wait_for 30 v1_gid6 rxe0 fd53:4d43: || return 1
	rig_check rig_peer "rig_wait_for 30 grep -q ^fd53:4d43: /sys/class/infiniband/rxe0/ports/1/gids/*"
}

# counters: ours and the peer's SMC-R successes per version, fallbacks, RoCE packets
v1_q() { smcstat -j 2>/dev/null | smcr_jsonq "$1" 2>/dev/null || echo x; }
v1_pq() { rig_peer "smcstat -j 2>/dev/null | smcr_jsonq $1 2>/dev/null" || echo x; }
v1_snap() { # one line: our c/s v1 v2, fallbacks; the peer's; packets
	echo "$(v1_q .connections.client.smcr_v1) $(v1_q .connections.server.smcr_v1)" \
		"$(v1_q .connections.client.smcr_v2) $(v1_q .connections.server.smcr_v2)" \
		"$(v1_q .connections.client.fallbacks) $(v1_q .connections.server.fallbacks)" \
		"$(v1_pq .connections.client.smcr_v1) $(v1_pq .connections.server.smcr_v1)" \
		"$(v1_pq .connections.client.smcr_v2) $(v1_pq .connections.server.smcr_v2)" \
		"$(v1_pq .connections.client.fallbacks) $(v1_pq .connections.server.fallbacks)" \
		"$(rig_ib_counter rxe0 sent_pkts) $(rig_peer cat /sys/class/infiniband/rxe0/ports/1/hw_counters/sent_pkts)"
}

# v1_delta BEFORE AFTER: the differences, field by field
v1_delta() {
	echo "$1 $2" | awk '{ n = NF / 2; s = ""; for (i = 1; i <= n; i++) s = s (i > 1 ? " " : "") ($(i + n) - $i); print s }'
}

# v1_xfer DIR FAMILY: one verified transfer, DIR ab (client here) or ba (client on the peer);
# prints the counter deltas (see v1_snap)
v1_xfer() {
	local dir=$1 fam=$2 h out b a addr
	b=$(v1_snap)
	if [ "$dir" = ab ]; then
		if [ "$fam" = 6 ]; then addr=$RIG_PEER_IP6; else addr=$RIG_PEER_IP4; fi
		h=$(rig_peer_bg "smcr_xfer server --family smc -$fam --port $V1_PORT --count 1 --timeout 60") || return 1
		rig_peer_wait_port $V1_PORT 20 >/dev/null || return 1
		smcr_xfer client --family smc -"$fam" --addr "$addr" --port $V1_PORT \
			--bytes "${V1_MB}M" --both --wsize random --timeout 60 >&2 ||
			{ rig_peer_kill "$h" >/dev/null; return 1; }
		out=$(rig_peer_wait "$h" 90) || { echo "peer server: $out" >&2; return 1; }
	else
		if [ "$fam" = 6 ]; then addr=$RIG_IP6; else addr=$RIG_IP4; fi
		h=$(rig_bg "smcr_xfer server --family smc -$fam --port $V1_PORT --count 1 --timeout 60") || return 1
		rig_wait_port $V1_PORT 20 >/dev/null || return 1
		rig_peer smcr_xfer client --family smc -"$fam" --addr "$addr" --port $V1_PORT \
			--bytes "${V1_MB}M" --both --wsize random --timeout 60 >&2 ||
			{ rig_kill "$h" >/dev/null; return 1; }
		out=$(rig_wait "$h" 90) || { echo "server: $out" >&2; return 1; }
	fi
	a=$(v1_snap)
	v1_delta "$b" "$a"
}

# v1_expect DIR FAMILY VERSION: a transfer that must be SMC-R VERSION (1 or 2) on both hosts
v1_expect() {
	local d want
	d=$(v1_xfer "$1" "$2") || { rig_check false "transfer $1 IPv$2"; return 1; }
	rig_log "$1 IPv$2: deltas [ours c1 s1 c2 s2 fbc fbs | peer c1 s1 c2 s2 fbc fbs | pkts ours peer] $d"
	# client here (ab): our client and the peer's server count it; else the reverse
	if [ "$3" = 1 ]; then
		if [ "$1" = ab ]; then want="1 0 0 0 0 0 0 1 0 0 0 0"; else want="0 1 0 0 0 0 1 0 0 0 0 0"; fi
	else
		if [ "$1" = ab ]; then want="0 0 1 0 0 0 0 0 0 1 0 0"; else want="0 0 0 1 0 0 0 0 1 0 0 0"; fi
	fi
	rig_check test "$(echo "$d" | cut -d' ' -f1-12)" = "$want" || return 1
	# 2 x V1_MB MiB in ~1 KiB RoCE payloads each way: thousands of packets, not a few
	rig_check test "$(echo "$d" | cut -d' ' -f13)" -gt $((V1_MB * 500)) || return 1
	rig_check test "$(echo "$d" | cut -d' ' -f14)" -gt $((V1_MB * 500))
}

t_v1_ipv4() { v1_expect ab 4 1 && v1_expect ba 4 1; }
t_v1_ipv6() { v1_expect ab 6 1 && v1_expect ba 6 1; }

# the v1 link groups made above are reused: 8 parallel connections bring up no new link
v1_links() { dmesg | grep -c 'smcr: link .* up'; }
t_v1_reuse() {
	local h l0 l1 b a
	l0=$(v1_links)
	b=$(v1_snap)
	h=$(rig_peer_bg "smcr_xfer server --family smc --port $V1_PORT --count 8 --timeout 60") || return 1
	rig_peer_wait_port $V1_PORT 20 >/dev/null || return 1
	rig_check smcr_xfer client --family smc --addr "$RIG_PEER_IP4" --port $V1_PORT \
		--parallel 8 --bytes 256K --both --timeout 60 || return 1
	rig_peer_wait "$h" 90 >/dev/null || { rig_check false "peer server"; return 1; }
	a=$(v1_snap)
	l1=$(v1_links)
	rig_log "reuse: links up $l0 -> $l1; deltas $(v1_delta "$b" "$a")"
	rig_check test "$(v1_delta "$b" "$a" | cut -d' ' -f1-12)" = "8 0 0 0 0 0 0 8 0 0 0 0" || return 1
	rig_check test "$l1" = "$l0"
}

# sock_diag and the link-group table agree: a live connection is listed as SMC-R (smcss, with its
# RDMA link from LGRINFO), and every link group is SMC-R v1 (smcstat)
v1_smcss_smcr() { [ "$(smcss -j mode smcr 2>/dev/null | smcr_jsonq '.#' 2>/dev/null)" -ge 1 ] 2>/dev/null; }
v1_lgr_versions() { # the version column of smcstat's link groups, one line each
	smcstat 2>/dev/null | awk '/^Link groups/ { f = 1; next } f && NF == 0 { f = 0 } f && $1 != "LG-ID" { print $7 }'
}
t_diag() {
	local h hc vers out
	h=$(rig_peer_bg "smcr_xfer server --family smc --port $V1_PORT --count 1 --timeout 120") || return 1
	rig_peer_wait_port $V1_PORT 20 >/dev/null || return 1
	hc=$(rig_bg "smcr_xfer client --family smc --addr $RIG_PEER_IP4 --port $V1_PORT --bytes 12M --both --wsize 64K --timeout 120") ||
		{ rig_peer_kill "$h" >/dev/null; return 1; }
	rig_check rig_wait_for 30 v1_smcss_smcr || { rig_kill "$hc" >/dev/null; rig_peer_kill "$h" >/dev/null; return 1; }
	rig_log "smcss -R: $(smcss -R mode smcr 2>&1 | tr '\n' '|')"
	if ! rig_check rig_wait "$hc" 150 >/dev/null; then
		rig_log "peer server: $(rig_peer_wait "$h" 60 2>&1 | tail -n 3 | tr '\n' '|')"
		return 1
	fi
	out=$(rig_peer_wait "$h" 60 2>&1) || { rig_check false "peer server: $out"; return 1; }
	vers=$(v1_lgr_versions | sort | uniq -c | tr '\n' ' ')
	rig_log "link group versions (count version): $vers"
	rig_check test -n "$(v1_lgr_versions)" || return 1
	rig_check test -z "$(v1_lgr_versions | grep -vx v1)"
}

# with v2 on (and a UEID) on both hosts: IPv4 negotiates v2, IPv6 stays v1
t_negotiate() {
	local cmd="echo 1 >/sys/module/smcr/parameters/smcr_v2 && smcr_nlcheck ueid add $V1_UEID >/dev/null"
	eval "$cmd" || { rig_check false "enable v2 here"; return 1; }
	rig_check rig_peer "$cmd" || return 1
	v1_expect ab 4 2 && v1_expect ba 4 2 && v1_expect ab 6 1 && v1_expect ba 6 1
}

# v1_fback SIDE CODE: our (or with "peer " prefix the peer's) fallback count for a reason code
v1_fback() { smcr_nlcheck fback | awk -v s="$1" -v c="$2" '$1 == "fback" && $2 == s && $3 == c { print $4 }'; }
v1_pfback() { rig_peer smcr_nlcheck fback | awk -v s="$1" -v c="$2" '$1 == "fback" && $2 == s && $3 == c { print $4 }'; }

# v1_fallback_xfer: one verified transfer (client here) that must fall back; the caller checks why
v1_fallback_xfer() {
	local h
	h=$(rig_peer_bg "smcr_xfer server --family smc --port $V1_PORT --count 1 --timeout 60") || return 1
	rig_peer_wait_port $V1_PORT 20 >/dev/null || return 1
	rig_check smcr_xfer client --family smc --addr "$RIG_PEER_IP4" --port $V1_PORT \
		--bytes 1M --both --wsize random --timeout 60 || return 1
	rig_peer_wait "$h" 90 >/dev/null || { rig_check false "peer server"; return 1; }
}

# PNET table (v2 off again: v1 decisions): entries decide the port before the route does
t_pnet() {
	local n0 n1 p0 p1
	echo 0 >/sys/module/smcr/parameters/smcr_v2 && rig_peer "echo 0 >/sys/module/smcr/parameters/smcr_v2" ||
		{ rig_check false "v2 off"; return 1; }
	# eth0 and rxe0 port 1 in the same PNET: still SMC-R v1
	rig_check smcr_nlcheck pnet add NETA eth eth0 ib rxe0 1 >/dev/null || return 1
	v1_expect ab 4 1 || return 1
	# eth0 in another PNET than rxe0: no device for the client; it declines before proposing
	rig_check smcr_nlcheck pnet flush >/dev/null || return 1
	rig_check smcr_nlcheck pnet add NETB eth eth0 >/dev/null || return 1
	rig_check smcr_nlcheck pnet add NETA ib rxe0 1 >/dev/null || return 1
	n0=$(v1_fback clnt 0x03030000) p0=$(v1_pfback srv 0x05000000)
	v1_fallback_xfer || return 1
	n1=$(v1_fback clnt 0x03030000) p1=$(v1_pfback srv 0x05000000)
	rig_log "client NOSMCDEV ${n0:-0} -> ${n1:-0}; peer server PEERDECL ${p0:-0} -> ${p1:-0}"
	rig_check test "$((${n1:-0} - ${n0:-0}))" = 1 || return 1
	rig_check test "$((${p1:-0} - ${p0:-0}))" = 1 || return 1
	# eth0 paired with an RDMA device that is not there: the same clean fallback
	rig_check smcr_nlcheck pnet flush >/dev/null || return 1
	rig_check smcr_nlcheck pnet add NETC eth eth0 ib mlx5_0 1 >/dev/null || return 1
	n0=$(v1_fback clnt 0x03030000)
	v1_fallback_xfer || return 1
	n1=$(v1_fback clnt 0x03030000)
	rig_check test "$((${n1:-0} - ${n0:-0}))" = 1 || return 1
	rig_check smcr_nlcheck pnet flush >/dev/null || return 1
	# the same entry on the server (peer): it declines with NOSMCDEV, our client sees PEERDECL
	rig_check rig_peer smcr_nlcheck pnet add NETC eth eth0 ib mlx5_0 1 >/dev/null || return 1
	n0=$(v1_fback clnt 0x05000000) p0=$(v1_pfback srv 0x03030000)
	v1_fallback_xfer || return 1
	n1=$(v1_fback clnt 0x05000000) p1=$(v1_pfback srv 0x03030000)
	rig_log "client PEERDECL ${n0:-0} -> ${n1:-0}; peer server NOSMCDEV ${p0:-0} -> ${p1:-0}"
	rig_check rig_peer smcr_nlcheck pnet flush >/dev/null || return 1
	rig_check test "$((${n1:-0} - ${n0:-0}))" = 1 || return 1
	rig_check test "$((${p1:-0} - ${p0:-0}))" = 1 || return 1
	# and back to SMC-R v1 without entries
	v1_expect ab 4 1
}

# SMC-Rv1 needs the client's prefix on the server's netdev: with the client's source address in
# 10.77.1.0/24 and the server's in 10.77.2.0/24 (on-link routes) the server declines DIFFPREFIX
v1_prefix_cmd() { # LOCAL REMOTE: add LOCAL/24 to eth0, route REMOTE's /24 on-link from it
	echo "/bin/ip addr add $1/24 dev eth0 && /bin/ip route add ${2%.*}.0/24 dev eth0 src $1"
}
t_prefix() {
	local n0 n1 p0 p1 h
	eval "$(v1_prefix_cmd 10.77.1.1 10.77.2.2)" || { rig_check false "addresses here"; return 1; }
	rig_check rig_peer "$(v1_prefix_cmd 10.77.2.2 10.77.1.1)" || return 1
	rig_check rig_wait_for 20 rig_rxe_gid rxe0 10.77.1.1 >/dev/null || return 1
	n0=$(v1_fback clnt 0x05000000) p0=$(v1_pfback srv 0x03070000)
	h=$(rig_peer_bg "smcr_xfer server --family smc --port $V1_PORT --count 1 --timeout 60") || return 1
	rig_peer_wait_port $V1_PORT 20 >/dev/null || return 1
	rig_check smcr_xfer client --family smc --addr 10.77.2.2 --port $V1_PORT \
		--bytes 1M --both --wsize random --timeout 60 || return 1
	rig_peer_wait "$h" 90 >/dev/null || { rig_check false "peer server"; return 1; }
	n1=$(v1_fback clnt 0x05000000) p1=$(v1_pfback srv 0x03070000)
	rig_log "client PEERDECL ${n0:-0} -> ${n1:-0}; peer server DIFFPREFIX ${p0:-0} -> ${p1:-0}"
	rig_check test "$((${n1:-0} - ${n0:-0}))" = 1 || return 1
	rig_check test "$((${p1:-0} - ${p0:-0}))" = 1
}

t_dmesg() { rig_check rig_dmesg_check && rig_check rig_peer rig_dmesg_check; }

if rig_role a; then
	if ! rig_two_vms || [ "$RIG_PEER_MOD" != smcr ] || [ "$(rig_smc_impl)" != smcr ]; then
		rig_test setup
		rig_fail "smcrv1 needs two VMs running our module (--mod-a smcr --mod-b smcr)"
	else
		rig_run_test setup t_setup
		rig_run_test v1_ipv4 t_v1_ipv4
		rig_run_test v1_ipv6 t_v1_ipv6
		rig_run_test v1_reuse t_v1_reuse
		rig_run_test diag t_diag
		rig_run_test negotiate t_negotiate
		rig_run_test pnet t_pnet
		rig_run_test prefix t_prefix
		rig_run_test dmesg t_dmesg
	fi
fi
