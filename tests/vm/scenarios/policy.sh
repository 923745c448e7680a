# shellcheck shell=dash
# policy: the eBPF SMC policy (smcctl policy, kernel/policy.c, ebpf/smcr_rules.bpf.c).
#
# One VM, our module with rdma=1, Soft-RoCE on lo (rxe_lo) and a UEID: a connection the policy
# leaves alone is real SMC-R, one it sends to TCP is plain TCP, so every connection has one of
# three observable outcomes, checked after each single connection (counter deltas of
# /proc/net/smcr_stat; every byte verified by smcr_xfer):
#   smc      SmcrConnStart +2 (both ends), no fallback, no policy verdict
#   client   PolicyTcpClnt +1: the client's policy chose TCP before the SYN (no SMC option), so
#            the server falls back with PEERNOSMC (SrvFallback +1), no CLC message at all
#   server   PolicyTcpSrv +1: the server's policy declined the Proposal (DeclineSent +1), the
#            client falls back with PEERDECL (ClntFallback +1)
# Rules by port range, CIDR, pid and cgroup, smc_run --policy (rules for one command's cgroup),
# first match, default verdict, client and server side,
# a program of one's own, bad rules and programs refused (nothing changed), another netns
# unaffected, detach restores SMC, and module unload with a policy attached.

PO_UEID=SMCR-RIG-POLICY
PO_IBDEV=rxe_lo
PO_PORT=5610
PO_DIR=/tmp/policy
PO_OK=0
PO_NS=po_other
PO_CG=/sys/fs/cgroup

po_mark() { cat /proc/net/smcr_stat >"$PO_DIR/base"; }
po_delta() {
	awk -v n="$1" 'NR==FNR { if ($1 == n) b = $2; next } $1 == n { print $2 - b }' \
		"$PO_DIR/base" "${PO_NOW:-/proc/net/smcr_stat}"
}

# po_outcome: smc, client, server or "other(...)" for the connection(s) since po_mark (until
# the snapshot PO_NOW if set)
po_outcome() {
	local st pc ps cf sf ds
	st=$(po_delta SmcrConnStart); pc=$(po_delta PolicyTcpClnt); ps=$(po_delta PolicyTcpSrv)
	cf=$(po_delta ClntFallback); sf=$(po_delta SrvFallback); ds=$(po_delta DeclineSent)
	if [ "$st" = 2 ] && [ "$pc$ps$cf$sf" = 0000 ]; then echo smc
	elif [ "$pc" = 1 ] && [ "$sf" = 1 ] && [ "$st$ps$cf$ds" = 0000 ] &&
		[ "$(po_delta FallbackPeerNoSmc)" = 1 ]; then echo client
	elif [ "$ps" = 1 ] && [ "$cf" = 1 ] && [ "$st$pc$sf" = 000 ] && [ "$ds" = 1 ] &&
		[ "$(po_delta FallbackPeerDecline)" = 1 ]; then echo server
	else echo "other(start=$st pclnt=$pc psrv=$ps clntfb=$cf srvfb=$sf declsent=$ds)"
	fi
}

po__settled() { [ "$(po_delta SmcrConnFree)" = "$(po_delta SmcrConnStart)" ]; }

# po_conn WANT PORT [ADDR [PRE]] (WANT: an outcome, or nopolicy; PO_FAM=-6 for IPv6): one verified connection (64 KiB each way) from a client run as
# sh -c "PRE exec smcr_xfer client ..." (PRE: shell commands, e.g. joining a cgroup); its outcome
# must be WANT
po_conn() {
	local want=$1 port=$2 addr=${3:-127.0.0.1} pre=${4:-} h got out
	h=$(rig_bg "smcr_xfer server --family smc ${PO_FAM:-} --port $port --count 1 --timeout 60") ||
		return 1
	rig_wait_port "$port" 20 >/dev/null || { rig_kill "$h" >/dev/null; return 1; }
	po_mark
	rig_check sh -c "$pre exec smcr_xfer client --family smc ${PO_FAM:-} --addr $addr --port $port \
--bytes 64K --back 64K --both --timeout 60"
	out=$(rig_wait "$h" 60) || { rig_log "server: $(echo "$out" | tail -n 2)"; rig_check false "server failed"; }
	rig_wait_for 20 po__settled >/dev/null
	got=$(po_outcome)
	[ "$got" = "$want" ] && return 0
	# nopolicy: whatever SMC made of it, the policy said nothing
	[ "$want" = nopolicy ] && [ "$(po_delta PolicyTcpClnt)$(po_delta PolicyTcpSrv)" = 00 ] &&
		case "$got" in smc | other*) return 0 ;; esac
	rig_check false "connection to $addr:$port${pre:+ ($pre)}: $got, want $want"
	return 1
}

# po_rules EXPECTED-LINES: smcctl policy list prints exactly these lines
po_rules() {
	local want got
	want=$(printf '%s\n' "$@")
	got=$(smcctl policy list 2>&1)
	[ "$got" = "$want" ] && return 0
	rig_log "smcctl policy list:"; echo "$got" | sed 's/^/    | /' >/dev/console
	rig_check false "policy list: got '$(echo "$got" | tr '\n' '|')', want '$(echo "$want" | tr '\n' '|')'"
	return 1
}

# po_refused WANT-STATUS ERE CMD...: CMD fails with that status and an error matching ERE, and the
# policy is what it was
po_refused() {
	local want=$1 ere=$2 rc=0 before
	shift 2
	before=$(smcctl -j policy show 2>&1 | sed 's/"Policy[A-Za-z]*": *[0-9]*//g')
	"$@" >"$PO_DIR/out" 2>&1 || rc=$?
	if [ "$rc" != "$want" ] || ! tr '\n' ' ' <"$PO_DIR/out" | grep -Eq "$ere"; then
		rig_log "$*: status $rc (want $want), output:"; sed 's/^/    | /' "$PO_DIR/out" >/dev/console
		rig_check false "$*: status $rc, want $want and /$ere/: $(head -n 1 "$PO_DIR/out")"
		return 1
	fi
	rig_note "$(printf '# %s\n' "$*"; cat "$PO_DIR/out")"
	[ "$(smcctl -j policy show 2>&1 | sed 's/"Policy[A-Za-z]*": *[0-9]*//g')" = "$before" ] ||
		{ rig_check false "$*: the policy changed"; return 1; }
}

# po_reset: no rules, default verdict smc (each test starts from there)
po_reset() { rig_check smcctl policy flush && rig_check smcctl policy default smc; }

# ---- tests ------------------------------------------------------------------------------------

t_setup() {
	mkdir -p "$PO_DIR"
	rig_check test "$(rig_smc_impl)" = smcr || return 1
	rig_check sh -c 'echo 1 >/sys/module/smcr/parameters/rdma' || return 1
	rig_check rig_rxe_up lo "$PO_IBDEV" || return 1
	rig_check rig_rxe_gid "$PO_IBDEV" 127.0.0.1 || return 1
	rig_check smcctl ueid add "$PO_UEID" || return 1
	rig_check sh -c "smcctl policy show | grep -q '^no SMC policy'" || return 1
	# without a policy: SMC-R
	po_conn smc $PO_PORT && PO_OK=1
}

# port ranges (dport, client side), the rules as listed, first match wins
t_ports() {
	po_reset || return 1
	rig_check smcctl policy add dport 5611-5613 verdict tcp || return 1
	po_rules "1: dport 5611-5613 verdict tcp" "default verdict smc" || return 1
	po_conn client 5611 && po_conn client 5613 && po_conn smc 5614 && po_conn smc 5610 || return 1
	# an earlier rule wins
	rig_check smcctl policy add before 1 dport 5612 verdict smc || return 1
	po_rules "1: dport 5612 verdict smc" "2: dport 5611-5613 verdict tcp" \
		"default verdict smc" || return 1
	po_conn smc 5612 && po_conn client 5611 || return 1
	rig_check smcctl policy del 1 || return 1
	po_conn client 5612
}

# the default verdict, and a rule that sends some connections back to SMC
# (both ends ask the same policy here: the server sees the client's port as its sport)
t_default() {
	po_reset || return 1
	rig_check smcctl policy default tcp || return 1
	po_rules "default verdict tcp" || return 1
	po_conn client 5620 || return 1
	# SMC for the client side only: the server's default declines it
	rig_check smcctl policy add client dport 5621 verdict smc || return 1
	po_conn server 5621 || return 1
	rig_check smcctl policy add server sport 5621 verdict smc || return 1
	po_rules "1: client dport 5621 verdict smc" "2: server sport 5621 verdict smc" \
		"default verdict tcp" || return 1
	po_conn smc 5621 && po_conn client 5622 || return 1
	rig_check smcctl policy default smc || return 1
	po_conn smc 5622
}

# destination prefixes (IPv4 and a v4-mapped IPv6 destination follow IPv4 rules)
t_cidr() {
	po_reset || return 1
	rig_check smcctl policy add dst 10.0.0.0/8 verdict tcp || return 1
	po_conn smc 5630 || return 1
	rig_check smcctl policy add dst 127.0.0.0/30 verdict tcp || return 1
	rig_check smcctl policy add dst fd00::/8 verdict tcp || return 1
	po_rules "1: dst 10.0.0.0/8 verdict tcp" "2: dst 127.0.0.0/30 verdict tcp" \
		"3: dst fd00::/8 verdict tcp" "default verdict smc" || return 1
	po_conn client 5631 || return 1
	rig_check smcctl policy del 2 || return 1
	po_conn smc 5632 || return 1
	# IPv6 (the connect6 program): SMC-R over IPv6 is not implemented, so without a rule the
	# connection falls back (not "client"); with one it is plain TCP by policy
	PO_FAM=-6 po_conn nopolicy 5633 ::1 || return 1
	rig_check smcctl policy add dst ::1/128 verdict tcp || return 1
	PO_FAM=-6 po_conn client 5634 ::1
}

# pid: the process calling connect()
t_pid() {
	po_reset || return 1
	# the shell's pid is the client's: exec keeps it
	po_conn client 5640 127.0.0.1 'smcctl policy add pid $$ verdict tcp &&' || return 1
	# another process
	po_conn smc 5640
}

# cgroup (v2): the connecting process's cgroup
t_cgroup() {
	po_reset || return 1
	if ! grep -q " $PO_CG cgroup2 " /proc/mounts; then
		mkdir -p "$PO_CG" && rig_check mount -t cgroup2 none "$PO_CG" || return 1
	fi
	mkdir -p "$PO_CG/smcpol" || return 1
	rig_check smcctl policy add cgroup /smcpol verdict tcp || return 1
	po_rules "1: cgroup /smcpol verdict tcp" "default verdict smc" || return 1
	po_conn client 5650 127.0.0.1 "echo \$\$ >$PO_CG/smcpol/cgroup.procs &&" || return 1
	po_conn smc 5650
	[ -z "$(cat $PO_CG/smcpol/cgroup.procs)" ] && rmdir "$PO_CG/smcpol"
}

# smc_run --policy: rules for one command's connect() calls only, in a cgroup of its own, at the
# front of the list (they win over a global rule) while it runs, gone afterwards
t_smcrun() {
	local p1=5700 p2=5701 h1 h2 rc=0 cg
	po_reset || return 1
	grep -q " $PO_CG cgroup2 " /proc/mounts || rig_check mount -t cgroup2 none "$PO_CG" || return 1
	rig_check smcctl policy add dport $p1 verdict smc || return 1
	rm -f "$PO_DIR/during" "$PO_DIR/cg" "$PO_DIR/mid" "$PO_DIR/ran"
	h1=$(rig_bg "smcr_xfer server --family smc --port $p1 --count 1 --timeout 120") || return 1
	h2=$(rig_bg "smcr_xfer server --family smc --port $p2 --count 1 --timeout 120") || return 1
	rig_check rig_wait_port $p1 20 && rig_check rig_wait_port $p2 20 || return 1
	# the command: lists the rules, notes its cgroup, connects to p1 (snapshot), then p2
	# (smcr_xfer is static, so AF_SMC by itself: the preload cannot reach it; the policy can)
	cat >"$PO_DIR/cmd.sh" <<-EOF
	smcctl policy list >$PO_DIR/during
	cat /proc/self/cgroup >$PO_DIR/cg
	x="smcr_xfer client --family smc --addr 127.0.0.1 --bytes 64K --back 64K --both --timeout 60"
	\$x --port $p1 || exit 11
	cat /proc/net/smcr_stat >$PO_DIR/mid
	\$x --port $p2 || exit 12
	exit 7
	EOF
	po_mark
	smc_run -d --policy "dport $p1 verdict tcp" sh "$PO_DIR/cmd.sh" 2>"$PO_DIR/run.err" || rc=$?
	rig_note "$(printf '# smc_run -d --policy "dport %s verdict tcp" sh cmd.sh (status %s)\n' $p1 $rc
		cat "$PO_DIR/run.err"; echo '# smcctl policy list, during:'; cat "$PO_DIR/during")"
	rig_check test "$rc" = 7 || return 1
	rig_check rig_wait "$h1" 60 && rig_check rig_wait "$h2" 60 || return 1
	rig_wait_for 20 po__settled >/dev/null
	# p1: TCP by the command's rule; p2: SMC-R by its catch-all (--policy-default smc)
	rig_check test "$(PO_NOW=$PO_DIR/mid po_outcome)" = client || return 1
	cp "$PO_DIR/mid" "$PO_DIR/base"
	rig_check test "$(po_outcome)" = smc || return 1
	# while it ran: its rules first, scoped to its cgroup, the global rule after them
	cg=$(sed -n 's/^0:://p' "$PO_DIR/cg")
	rig_check sh -c "echo '$cg' | grep -Eq '/smc_run\.[0-9]+\$'" || return 1
	rig_check test "$(sed -n 1p "$PO_DIR/during")" = "1: dport $p1 cgroup $cg verdict tcp" &&
	rig_check test "$(sed -n 2p "$PO_DIR/during")" = "2: cgroup $cg verdict smc" &&
	rig_check test "$(sed -n 3p "$PO_DIR/during")" = "3: dport $p1 verdict smc" || return 1
	# afterwards: the list as before, the cgroup gone, the same connections SMC-R
	po_rules "1: dport $p1 verdict smc" "default verdict smc" || return 1
	rig_check test ! -e "$PO_CG$cg" || return 1
	po_conn smc $p1 && po_conn smc $p2 || return 1
	# --policy-default tcp, and a command killed by a signal: 128+N, cleaned up all the same
	# (po_conn runs "PRE exec smcr_xfer ...": the inner sh drops the word exec)
	po_conn client $p2 127.0.0.1 "exec smc_run --policy-default tcp sh -c 'shift; exec \"\$@\"' x" ||
		return 1
	rc=0; smc_run --policy "dport 1 verdict tcp" sh -c 'kill -TERM $$' || rc=$?
	rig_check test "$rc" = 143 || return 1
	po_rules "1: dport $p1 verdict smc" "default verdict smc" || return 1
	rig_check sh -c "! ls -d $PO_CG/smc_run.* $PO_CG/*/smc_run.* 2>/dev/null" || return 1
	# a process the command leaves running is moved out of the cgroup, which goes all the same
	rc=0
	smc_run --policy "dport 1 verdict tcp" sh -c "sleep 60 & echo \$! >$PO_DIR/left" \
		>/dev/null 2>"$PO_DIR/left.err" </dev/null || rc=$?
	rig_note "$(printf '# smc_run --policy ... sh -c "sleep 60 &" (status %s)\n' $rc; cat "$PO_DIR/left.err")"
	rig_check test "$rc" = 0 && rig_check grep -q "still running; moved them out" "$PO_DIR/left.err" &&
		rig_check kill -0 "$(cat "$PO_DIR/left")" &&
		rig_check sh -c "! grep -q smc_run /proc/$(cat "$PO_DIR/left")/cgroup" || return 1
	kill "$(cat "$PO_DIR/left")"
	rig_check sh -c "! ls -d $PO_CG/smc_run.* $PO_CG/*/smc_run.* 2>/dev/null" || return 1
	po_rules "1: dport $p1 verdict smc" "default verdict smc" || return 1
	# refused before the command runs (status 125), nothing changed
	po_refused 125 "bad --policy.*bogus" smc_run --policy "bogus 1 verdict tcp" touch "$PO_DIR/ran" ||
		return 1
	po_refused 125 "needs root|\(root\)" smcr_asuser smc_run --policy "dport 1 verdict tcp" \
		touch /tmp/ran || return 1
	[ -e "$PO_DIR/tcp_all.o" ] || rig_check smcr_bpfobj "$PO_DIR" || return 1
	rig_check smcctl policy attach "$PO_DIR/tcp_all.o" || return 1
	po_refused 125 "program of its own" smc_run --policy "dport 1 verdict smc" touch "$PO_DIR/ran"
	rc=$?
	rig_check smcctl policy detach || return 1
	[ "$rc" = 0 ] || return 1
	rig_check test ! -e "$PO_DIR/ran" -a ! -e /tmp/ran || return 1
	rig_check sh -c "! ls -d $PO_CG/smc_run.* $PO_CG/*/smc_run.* 2>/dev/null"
}

# server side: the listener's local port; the client (policy-less for it) is declined
t_server() {
	po_reset || return 1
	rig_check smcctl policy add server sport 5660 verdict tcp || return 1
	po_conn server 5660 && po_conn smc 5661 || return 1
	rig_check smcctl policy add client dport 5661 verdict tcp || return 1
	po_conn client 5661
}

# smcss and smcstat show a policy socket as such (held open: the server is stopped)
t_show() {
	local h spid c
	po_reset || return 1
	rig_check smcctl policy add dport 5670 verdict tcp || return 1
	smcstat -j >"$PO_DIR/before.json" || return 1
	h=$(rig_bg "smcr_xfer server --family smc --port 5670 --count 1 --timeout 120") || return 1
	rig_check rig_wait_port 5670 20 || return 1
	spid=$(pidof smcr_xfer)
	kill -STOP "$spid"
	c=$(rig_bg "smcr_xfer client --family smc --addr 127.0.0.1 --port 5670 --bytes 1M --timeout 120") ||
		return 1
	rig_check rig_wait_for 20 sh -c "smcss -j dport = :5670 | smcr_jsonq '.#' | grep -qx 1"
	smcss -j dport = :5670 >"$PO_DIR/ss.json"
	rig_check sh -c "smcr_jsonq '[0].fallback.reason.name' $PO_DIR/ss.json | grep -qx POLICY"
	rig_check sh -c "smcss dport = :5670 | grep -q 'TCP (policy: the SMC policy chose plain TCP)'"
	rig_note "$(printf '# smcss dport = :5670\n'; smcss dport = :5670)"
	kill -CONT "$spid"
	rig_check rig_wait "$c" 120
	rig_check rig_wait "$h" 60
	smcstat -j >"$PO_DIR/after.json" || return 1
	rig_check sh -c "[ \$((\$(smcr_jsonq .connections.client.policy_tcp $PO_DIR/after.json) - \
\$(smcr_jsonq .connections.client.policy_tcp $PO_DIR/before.json))) = 1 ]"
	# a policy verdict is no fallback: upstream's fallback table has no POLICY entry
	smcstat -j >"$PO_DIR/stat.json"
	if grep -q '"name":"POLICY"' "$PO_DIR/stat.json"; then
		rig_log "smcstat -j:"; sed 's/^/    | /' "$PO_DIR/stat.json" >/dev/console
		rig_check false "smcstat -j mentions POLICY"
	fi
	rig_check sh -c "smcstat | grep -q 'TCP by policy'"
	rig_note "$(printf '# smcctl policy show\n'; smcctl policy show)"
}

# bad rules and bad programs: refused with a clear message, the policy unchanged
t_bad() {
	rig_check smcr_bpfobj "$PO_DIR" || return 1
	po_refused 2 "not a port" smcctl policy add dport 99999 verdict tcp || return 1
	po_refused 2 "bits set beyond" smcctl policy add dst 127.0.0.1/8 verdict tcp || return 1
	po_refused 2 "missing 'verdict" smcctl policy add dport 80 || return 1
	po_refused 1 "not a cgroup|no cgroup2" smcctl policy add cgroup /no/such/cgroup verdict tcp || return 1
	po_refused 1 "no rule 9" smcctl policy del 9 || return 1
	po_refused 1 "cannot open BPF object" smcctl policy attach /bin/busybox || return 1
	po_refused 1 "no SEC\(\"cgroup/connect4\"\)" smcctl policy attach "$PO_DIR/wrong_type.o" ||
		return 1
	po_refused 1 "kernel refused.*(R0|should have been in)" \
		smcctl policy attach "$PO_DIR/bad_ret.o" || return 1
	# the module's own checks, with programs smcctl never sends (wrong type, wrong attach type,
	# not BPF, closed fd): EINVAL/EBADF with the kernel's message, the policy unchanged
	rig_check smcr_policy_raw || return 1
	rig_note "$(printf '# smcr_policy_raw\n'; smcr_policy_raw)"
	# the rules still work
	po_conn client 5670
}

# a program of one's own replaces the rules; rules cannot be edited under it
t_custom() {
	rig_check smcctl policy attach "$PO_DIR/tcp_all.o" || return 1
	rig_check sh -c "smcctl policy show | grep -q 'custom program.*all_tcp4'" || return 1
	po_conn client 5680 || return 1
	po_refused 1 "program of its own" smcctl policy add dport 1 verdict smc || return 1
	rig_check smcctl policy detach || return 1
	po_conn smc 5680
}

# another netns: its own (no) policy, and a policy there does not touch this one
t_netns() {
	local x="$RIG_IP netns exec $PO_NS" h
	rig_check smcctl policy add dport 5690 verdict tcp || return 1
	"$RIG_IP" netns del $PO_NS 2>/dev/null
	rig_check "$RIG_IP" netns add $PO_NS || return 1
	rig_check "$RIG_IP" -n $PO_NS link set lo up || return 1
	rig_check sh -c "$x smcctl policy show | grep -q '^no SMC policy'" || return 1
	# a connection there to the same port: the policy is not asked (no Policy counter moves there)
	h=$(rig_bg "$x smcr_xfer server --family smc --port 5690 --count 1 --timeout 60") || return 1
	rig_check rig_wait_for 20 sh -c "$x smcr_wait_listen 5690 --timeout 1" || return 1
	$x cat /proc/net/smcr_stat >"$PO_DIR/ns.base"
	rig_check $x smcr_xfer client --family smc --addr 127.0.0.1 --port 5690 --bytes 64K
	rig_check rig_wait "$h" 60
	$x cat /proc/net/smcr_stat >"$PO_DIR/ns.now"
	rig_check sh -c "awk 'NR==FNR{b[\$1]=\$2;next} \$1~/^Policy/ && \$2!=b[\$1]{exit 1}' \
$PO_DIR/ns.base $PO_DIR/ns.now"
	# a policy there (default tcp) leaves this netns alone
	rig_check $x smcctl policy default tcp || return 1
	po_conn client 5690 && po_conn smc 5691 || return 1
	rig_check sh -c "$x smcctl policy list | grep -qx 'default verdict tcp'"
	rig_check "$RIG_IP" netns del $PO_NS
}

# detach: every connection is offered SMC again; a second detach says there is nothing
t_detach() {
	rig_check smcctl policy detach || return 1
	rig_check sh -c "smcctl policy show | grep -q '^no SMC policy'" || return 1
	po_conn smc 5690 || return 1
	po_refused 1 "no SMC policy is attached" smcctl policy detach
}

# unload with a policy attached (the module drops its program references), load again
t_unload() {
	rig_check smcctl policy add dport 1-65535 verdict tcp || return 1
	rig_check rig_unload_smcr || return 1
	rig_check rig_load_smcr || return 1
	rig_check sh -c "smcctl policy show | grep -q '^no SMC policy'"
}

t_dmesg() { rig_check rig_dmesg_check; }

if [ "$(rig_smc_impl)" != smcr ]; then
	rig_test setup
	rig_fail "the policy suite needs our module (--mod-a smcr), this VM runs: $(rig_smc_impl)"
else
	rig_run_test setup t_setup
	if [ "$PO_OK" = 1 ]; then
		for t in ports default cidr pid cgroup smcrun server show bad custom netns detach unload; do
			# RIG_OPT_POLICY_ONLY: only these tests (comma separated), besides setup
			if [ -z "${RIG_OPT_POLICY_ONLY:-}" ] ||
				echo ",$RIG_OPT_POLICY_ONLY," | grep -q ",$t,"; then
				rig_run_test "$t" "t_$t"
			fi
		done
	fi
fi
rig_run_test dmesg t_dmesg
