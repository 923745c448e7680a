# shellcheck shell=dash
# interop: real SMC-R (SMC-Rv2 over Soft-RoCE) between our module on VM a and, on VM b, Debian's
# stock smc.ko (--mod-b stock) or our module (--mod-b smcr), with a in the client and in the
# server role. Each transfer is verified byte by byte; that SMC-R (not TCP) carried it is proven
# by: no fallback and no handshake error on either side (our /proc/net/smcr_stat; the peer's
# SMC_GEN_NETLINK fallback statistics), SMC-R connections counted on our side, and RoCE packets
# counted by rxe0 on both hosts.
# Options: RIG_OPT_IOP_MB (MiB each way per transfer, default 4).

IOP_MB=${RIG_OPT_IOP_MB:-4}
IOP_UEID=SMCR-INTEROP-TEST
IOP_PORT=5401

# iop_setup: Soft-RoCE, a UEID (both hosts), a PNET entry eth0 <-> rxe0 (the stock module needs
# it: rxe has no get_netdev), and our module reloaded with SMC-R enabled
iop_setup_cmd() { # the commands for one host running MOD
	local mod=$1 cmd="rig_rxe_up eth0 rxe0 >/dev/null"
	[ "$mod" = smcr ] && cmd="$cmd && rig_unload_smcr && rig_load_smcr rdma=1"
	cmd="$cmd && smcr_nlcheck ueid add $IOP_UEID >/dev/null"
	[ "$mod" = stock ] && cmd="$cmd && smcr_nlcheck pnet add SMCRIOP eth eth0 ib rxe0 1 >/dev/null"
	echo "$cmd"
}

t_setup() {
	eval "$(iop_setup_cmd smcr)" || { rig_check false "local setup"; return 1; }
	rig_check rig_peer "$(iop_setup_cmd "$RIG_PEER_MOD")"
}

iop_pkts() { cat /sys/class/infiniband/rxe0/ports/1/hw_counters/sent_pkts; }
iop_stat() { awk -v n="$1" '$1 == n { print $2 }' /proc/net/smcr_stat; }
# the peer's fallback and handshake-error totals (SMC_GEN_NETLINK, any implementation)
iop_peer_fback() { rig_peer smcr_nlcheck fback | awk '/^fback_total|^hs_err/ { s += $3 + $5 } END { print s + 0 }'; }

# iop_xfer DIR: DIR = ab (client here) or ba (client on the peer); checks everything above
iop_xfer() {
	local h out p0 q0 p1 q1 s0 s1 f0 f1 fb0 fb1
	p0=$(iop_pkts) q0=$(rig_peer cat /sys/class/infiniband/rxe0/ports/1/hw_counters/sent_pkts)
	s0=$(iop_stat SmcrConnStart) f0=$(($(iop_stat ClntFallback) + $(iop_stat SrvFallback)))
	fb0=$(iop_peer_fback)
	if [ "$1" = ab ]; then
		h=$(rig_peer_bg "smcr_xfer server --family smc --port $IOP_PORT --count 1") || return 1
		rig_peer_wait_port $IOP_PORT 20 >/dev/null || return 1
		rig_check smcr_xfer client --family smc --addr "$RIG_PEER_IP4" --port $IOP_PORT \
			--bytes "${IOP_MB}M" --both --wsize random --timeout 30 || return 1
		out=$(rig_peer_wait "$h" 60) || { rig_check false "peer server: $out"; return 1; }
	else
		h=$(rig_bg "smcr_xfer server --family smc --port $IOP_PORT --count 1") || return 1
		rig_wait_port $IOP_PORT 20 >/dev/null || return 1
		rig_check rig_peer smcr_xfer client --family smc --addr "$RIG_IP4" --port $IOP_PORT \
			--bytes "${IOP_MB}M" --both --wsize random --timeout 30 || return 1
		out=$(rig_wait "$h" 60) || { rig_check false "server: $out"; return 1; }
	fi
	p1=$(iop_pkts) q1=$(rig_peer cat /sys/class/infiniband/rxe0/ports/1/hw_counters/sent_pkts)
	s1=$(iop_stat SmcrConnStart) f1=$(($(iop_stat ClntFallback) + $(iop_stat SrvFallback)))
	fb1=$(iop_peer_fback)
	rig_log "$1: RoCE packets sent here +$((p1 - p0)), peer +$((q1 - q0)); SMC-R conns +$((s1 - s0))"
	rig_check test "$f1" = "$f0" || return 1		# no fallback here
	rig_check test "$fb1" = "$fb0" || return 1		# none on the peer either
	rig_check test $((s1 - s0)) -ge 1 || return 1		# our side ran SMC-R
	# 2 x IOP_MB MiB in ~1 KiB RoCE payloads: thousands of packets each way, not a few CLC ACKs
	rig_check test $((p1 - p0)) -gt $((IOP_MB * 500)) || return 1
	rig_check test $((q1 - q0)) -gt $((IOP_MB * 500))
}

t_client() { iop_xfer ab; }
t_server() { iop_xfer ba; }

# several connections at once, both roles, then again (link group reuse)
t_many() {
	local h i
	for i in 1 2; do
		h=$(rig_peer_bg "smcr_xfer server --family smc --port $IOP_PORT --count 8") || return 1
		rig_peer_wait_port $IOP_PORT 20 >/dev/null || return 1
		rig_check smcr_xfer client --family smc --addr "$RIG_PEER_IP4" --port $IOP_PORT \
			--parallel 8 --bytes 256K --both --timeout 60 || return 1
		rig_peer_wait "$h" 90 >/dev/null || { rig_check false "peer server round $i"; return 1; }
	done
	rig_check test "$(($(iop_stat ClntFallback) + $(iop_stat SrvFallback)))" = 0
}

# SMC v2.1 (release 1): the link groups of both roles agreed on release 1 and one link per
# group, as both ends report them (netlink link-group dumps: SMC_NLA_LGR_V2_REL, and
# SMC_NLA_LGR_R_V2_MAX_LINKS where the kernel's ABI has it, 6.12); a v2.1 client then does not
# wait 2 s for an ADD_LINK and a v2.1 server sends none. A release-0 peer (Linux 6.1's smc.ko)
# keeps release 0 with us.
iop_lgr() { # iop_lgr WHERE ROLE FIELD: FIELD of the first SMC-R link group of ROLE
	local cmd="smcstat -j | smcr_jsonq '.link_groups[role=$2].$3'"
	if [ "$1" = peer ]; then rig_peer "$cmd"; else eval "$cmd"; fi
}
t_release() {
	local want=1 r
	[ "$(rig_peer uname -r | cut -d. -f1-2)" = 6.1 ] && [ "$RIG_PEER_MOD" = stock ] && want=0
	rig_log "link groups here: $(smcstat -j | smcr_jsonq .link_groups)"
	rig_log "link groups on the peer: $(rig_peer "smcstat -j | smcr_jsonq .link_groups")"
	for r in client server; do
		rig_check test "$(iop_lgr peer $r release)" = "$want" || return 1
		rig_check test "$(iop_lgr here $r release)" = "$want" || return 1
		[ "$want" = 1 ] || continue
		# 6.1's netlink ABI has no max_links attribute (ours follows it there)
		if [ "$(rig_peer uname -r | cut -d. -f1-2)" != 6.1 ]; then
			rig_check test "$(iop_lgr peer $r max_links)" = 1 || return 1
		fi
		if [ "$(uname -r | cut -d. -f1-2)" != 6.1 ]; then
			rig_check test "$(iop_lgr here $r max_links)" = 1 || return 1
		fi
	done
	rig_pass "link groups of both roles: release $want$( [ "$want" = 1 ] && echo ", one link each")"
}

# Our SMC-Rv1 offers as the peer sees them (v1_roce2_gids=1: our client can offer v1 over rxe):
# a v1+v2 Proposal still ends in SMC-Rv2; a v1-only one (smcr_v2=0) is declined by the peer, which
# has no RoCE v1 GID, with NOSMCDEV (0x03030000), and both ends fall back cleanly
iop_fb() { smcr_nlcheck fback | awk -v s="$1" -v c="$2" '$1 == "fback" && $2 == s && $3 == c { n = $4 } END { print n + 0 }'; }
iop_pfb() { rig_peer smcr_nlcheck fback | awk -v s="$1" -v c="$2" '$1 == "fback" && $2 == s && $3 == c { n = $4 } END { print n + 0 }'; }
t_offer_v1() {
	local p=/sys/module/smcr/parameters h c0 c1 s0 s1 v0 v1 rc=0
	echo 1 >$p/v1_roce2_gids || { rig_check false "v1_roce2_gids"; return 1; }
	v0=$(smcstat -j | smcr_jsonq .connections.client.smcr_v2)
	iop_xfer ab || rc=1
	v1=$(smcstat -j | smcr_jsonq .connections.client.smcr_v2)
	rig_log "v1+v2 offer: our SMC-Rv2 client connections $v0 -> $v1"
	rig_check test "$((v1 - v0))" = 1 || rc=1
	echo 0 >$p/smcr_v2
	c0=$(iop_fb clnt 0x05000000) s0=$(iop_pfb srv 0x03030000)
	h=$(rig_peer_bg "smcr_xfer server --family smc --port $IOP_PORT --count 1") || rc=1
	rig_peer_wait_port $IOP_PORT 20 >/dev/null || rc=1
	rig_check smcr_xfer client --family smc --addr "$RIG_PEER_IP4" --port $IOP_PORT \
		--bytes 1M --both --wsize random --timeout 30 || rc=1
	rig_peer_wait "$h" 60 >/dev/null || { rig_check false "peer server"; rc=1; }
	c1=$(iop_fb clnt 0x05000000) s1=$(iop_pfb srv 0x03030000)
	echo 1 >$p/smcr_v2
	echo 0 >$p/v1_roce2_gids
	rig_log "v1-only offer: our client PEERDECL $c0 -> $c1, peer server NOSMCDEV $s0 -> $s1"
	[ "$rc" = 0 ] && rig_check test $((c1 - c0)) = 1 && rig_check test $((s1 - s0)) = 1
}

t_dmesg() { rig_check rig_dmesg_check; }

if rig_role a; then
	if ! rig_two_vms || [ "$RIG_PEER_MOD" = none ]; then
		rig_test setup
		rig_fail "interop needs two VMs and an SMC implementation on b (--mod-b stock|smcr)"
	else
		rig_run_test setup t_setup
		rig_run_test client t_client
		rig_run_test server t_server
		rig_run_test many t_many
		rig_run_test release t_release
		rig_run_test offer_v1 t_offer_v1
		rig_run_test dmesg t_dmesg
	fi
fi
