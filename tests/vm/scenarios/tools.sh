# shellcheck shell=dash
# tools: smcss, smcstat and smcctl report exactly the traffic and the configuration a test
# creates, in text and in JSON, against whatever SMC implementation the VM runs (Debian's stock
# smc.ko or our smcr), as root and as an unprivileged user, and per network namespace.
#
#   two VMs, both stock (6.12): smcctl configures a UEID and a PNET entry (eth0 <-> rxe0 port 1)
#       on both hosts; N real SMC-R connections a -> b are held open (the server process is
#       stopped with SIGSTOP) while smcss lists them (mode, process, -d CONNINFO, -R LGRINFO) and smcstat shows
#       their link group, link and device; then fallbacks with known reasons. smcstat must count
#       exactly the N SMC-Rv2 connections, their bytes, and each fallback with its reason, on both
#       hosts (differences around each test, so earlier traffic does not matter).
#   one VM (stock or smcr): fallbacks over loopback with known reasons; with smcr also
#       smcstat reset (SMCR_EXT) and the module's own counters.
#   always: an unprivileged user (smcr_asuser, uid 65534) is refused every change with a clear
#       message and can read everything; a second netns sees only its own sockets and counters.
#
# Options: RIG_OPT_TOOLS_CONNS (N, default 3), RIG_OPT_TOOLS_MB (MiB sent per SMC-R connection,
# default 8), RIG_OPT_TOOLS_SMCR=1 (run the SMC-R tests with our module too, reloaded with rdma=1).

TL_N=${RIG_OPT_TOOLS_CONNS:-3}
TL_MB=${RIG_OPT_TOOLS_MB:-8}
TL_DIR=/tmp/tl
TL_UEID=SMCR-TOOLS-TEST
TL_PNET=TOOLSNET
TL_NS=tltest
mkdir -p "$TL_DIR"

# ---- helpers ------------------------------------------------------------------------------------

# tl_q PATH FILE: the JSON value at PATH ("missing" if there is none)
tl_q() { smcr_jsonq "$1" "$2" 2>/dev/null || echo missing; }

# tl_eq WHAT GOT WANT
tl_eq() {
	[ "$2" = "$3" ] && return 0
	rig_log "$1: got '$2', want '$3'"
	rig_check false "$1: got '$2', want '$3'"
	return 1
}

# tl_delta PATH BEFORE AFTER: numeric difference of PATH between two JSON files (missing = 0)
tl_delta() {
	local a b
	a=$(smcr_jsonq "$1" "$2" 2>/dev/null || echo 0)
	b=$(smcr_jsonq "$1" "$3" 2>/dev/null || echo 0)
	echo $((b - a))
}

# tl_expect_delta WHAT PATH BEFORE AFTER WANT
tl_expect_delta() { tl_eq "$1 ($2)" "$(tl_delta "$2" "$3" "$4")" "$5"; }

# tl_grep WHAT FILE ERE: FILE has a line matching ERE
tl_grep() {
	grep -Eq -- "$3" "$2" && return 0
	rig_log "$1: no line matching /$3/ in:"
	sed 's/^/    | /' "$2" >/dev/console 2>/dev/null
	rig_check false "$1: no line matching /$3/"
	return 1
}

# tl_lines FILE ERE: number of lines matching ERE
tl_lines() { grep -Ec -- "$2" "$1"; }

# tl_expect RC ERE OUT CMD...: run CMD (stdout+stderr to OUT); its status must be RC and its output
# must match ERE ("" = anything)
tl_expect() {
	local want=$1 ere=$2 out=$3 rc=0
	shift 3
	"$@" >"$out" 2>&1 || rc=$?
	if [ "$rc" != "$want" ]; then
		rig_log "$*: status $rc, want $want; output:"
		sed 's/^/    | /' "$out" >/dev/console 2>/dev/null
		rig_check false "$*: status $rc, want $want: $(head -n 2 "$out")"
		return 1
	fi
	[ -z "$ere" ] || tl_grep "$*" "$out" "$ere"
}

# tl_smc_active N: smcss lists exactly N ACTIVE SMC-R connections
tl_smc_active() {
	[ "$(smcss -j state ACTIVE mode smcr 2>/dev/null | smcr_jsonq '.#' 2>/dev/null)" = "$1" ]
}

tl_impl() { rig_smc_impl; }

# tl_note CMD...: the command and its output (first 40 lines) as a transcript note (run.sh --notes)
tl_note() {
	rig_note "$(printf '%s\n' "# $*"; "$@" 2>&1 | head -n 40)"
}

# tl_ns CMD...: run CMD in the test's second network namespace
tl_ns() { "$RIG_IP" netns exec "$TL_NS" "$@"; }

# ---- every VM kind --------------------------------------------------------------------------------

t_present() {
	local t
	for t in smcss smcstat smcctl; do
		tl_expect 0 "^Usage: $t" "$TL_DIR/help" "$t" --help || return 1
		tl_expect 0 "^$t \(smcr toolkit\) [0-9]" "$TL_DIR/ver" "$t" -V || return 1
	done
	# iproute2 manners: abbreviations, suggestions, usage errors (exit 2)
	tl_expect 2 "Unknown object 'ueud'; did you mean 'ueid'\?" "$TL_DIR/o" smcctl ueud show &&
		tl_expect 2 "Ambiguous object 's': could be 'seid' or 'sysctl'" "$TL_DIR/o" smcctl s &&
		tl_expect 2 "Unknown command 'shwo' for 'pnet'; did you mean 'show'\?" "$TL_DIR/o" \
			smcctl pnet shwo &&
		tl_expect 2 "unknown keyword 'sprot'; did you mean 'sport'\?" "$TL_DIR/o" smcss sprot 1 &&
		tl_expect 0 "^net\.smc\.wmem = [0-9]+$" "$TL_DIR/o" smcctl sys sh wmem
}

t_info() {
	local impl
	impl=$(tl_impl)
	tl_expect 0 "" "$TL_DIR/info.json" smcctl -j info || return 1
	tl_eq "info version" "$(tl_q .sys_info.version "$TL_DIR/info.json")" 2
	if [ "$impl" = stock ]; then
		tl_eq "info module" "$(tl_q .module "$TL_DIR/info.json")" smc
		tl_expect 0 "^implementation +smc \(Linux's stock module\)" "$TL_DIR/o" smcctl info
	else
		tl_eq "info module" "$(tl_q .module "$TL_DIR/info.json")" smcr
		tl_expect 0 "^implementation +smcr \(this project's module\)" "$TL_DIR/o" smcctl info &&
			tl_grep "info smcr line" "$TL_DIR/o" "^smcr module +version "
		tl_note smcctl info
	fi
	tl_expect 0 "^no SEID" "$TL_DIR/o" smcctl seid show
}

# sysctls: show, set with range checks, restore
t_sysctl() {
	local old
	tl_expect 0 "" "$TL_DIR/sys.json" smcctl -j sysctl show || return 1
	old=$(tl_q '.[name=net.smc.wmem].value' "$TL_DIR/sys.json")
	tl_eq "wmem min" "$(tl_q '.[name=net.smc.wmem].min' "$TL_DIR/sys.json")" 16384
	# the default shown is the loaded module's (ours: 256 KiB buffers, stock: 64 KiB), untouched here
	tl_eq "rmem default" "$(tl_q '.[name=net.smc.rmem].default' "$TL_DIR/sys.json")" \
		"$(cat /proc/sys/net/smc/rmem)"
	tl_expect 1 "value 100 out of range for net\.smc\.wmem: 16384 \.\. [0-9]+ bytes" "$TL_DIR/o" \
		smcctl sysctl set wmem 100 || return 1
	tl_expect 1 "invalid value 'lots' for net\.smc\.wmem" "$TL_DIR/o" \
		smcctl sysctl set net.smc.wmem lots || return 1
	tl_expect 1 "net\.smc\.wmen does not exist on this kernel; did you mean 'net\.smc\.wmem'\?" \
		"$TL_DIR/o" smcctl sysctl set wmen 65536 || return 1
	tl_expect 0 "" "$TL_DIR/o" smcctl sysctl set net.smc.wmem 131072 || return 1
	tl_eq "wmem in /proc" "$(cat /proc/sys/net/smc/wmem)" 131072
	tl_expect 0 "^net\.smc\.wmem = 131072$" "$TL_DIR/o" smcctl sysctl show wmem
	tl_expect 0 "^net\.smc\.wmem +131072 +16384\.\.[0-9]+ bytes" "$TL_DIR/o" smcctl -d sysctl show
	smcctl sysctl set wmem "$old"
}

t_hslimit() {
	tl_expect 0 "^handshake limitation disabled$" "$TL_DIR/o" smcctl hs-limit show || return 1
	tl_expect 0 "" "$TL_DIR/o" smcctl hs enable &&
		tl_expect 0 "^handshake limitation enabled" "$TL_DIR/o" smcctl hs-limit &&
		tl_expect 0 "" "$TL_DIR/hs.json" smcctl -j hs-limit show &&
		tl_eq "hs-limit json" "$(tl_q .enabled "$TL_DIR/hs.json")" true
	tl_expect 0 "" "$TL_DIR/o" smcctl hs-limit disable
}

# UEID and PNET tables: add, show (text, JSON), errors, delete
t_tables() {
	smcctl ueid del "$TL_UEID" >/dev/null 2>&1
	tl_expect 0 "" "$TL_DIR/o" smcctl ueid add "$(echo "$TL_UEID" | tr '[:upper:]' '[:lower:]')" || return 1
	tl_expect 0 "^$TL_UEID\$" "$TL_DIR/o" smcctl ueid show &&
		tl_expect 0 "" "$TL_DIR/u.json" smcctl -j ueid &&
		tl_eq "ueid json" "$(tl_q ".[0]" "$TL_DIR/u.json")" "$TL_UEID"
	tl_expect 1 "UEID $TL_UEID is already in the table" "$TL_DIR/o" smcctl ueid add "$TL_UEID"
	tl_expect 1 "invalid UEID 'a b': only letters, digits" "$TL_DIR/o" smcctl ueid add "a b"
	tl_expect 0 "" "$TL_DIR/o" smcctl ueid del "$TL_UEID" &&
		tl_expect 1 "UEID $TL_UEID is not in the table" "$TL_DIR/o" smcctl ueid del "$TL_UEID"

	smcctl pnet del "$TL_PNET" >/dev/null 2>&1
	tl_expect 0 "" "$TL_DIR/o" smcctl pnet add "$TL_PNET" interface lo || return 1
	tl_expect 0 "^$TL_PNET +lo +- +-\$" "$TL_DIR/o" smcctl pnet show &&
		tl_expect 0 "" "$TL_DIR/p.json" smcctl -j pnet show "$TL_PNET" &&
		tl_eq "pnet json" "$(tl_q "[interface=lo].pnetid" "$TL_DIR/p.json")" "$TL_PNET"
	tl_expect 1 "the PNET table already has an entry for interface lo" "$TL_DIR/o" \
		smcctl pnet add "$TL_PNET" interface lo
	tl_expect 2 "RDMA ports are 1 or 2" "$TL_DIR/o" smcctl pnet add X1 ib rxe0 port 3
	tl_expect 0 "" "$TL_DIR/o" smcctl pnet del "$TL_PNET" &&
		tl_expect 1 "PNET ID $TL_PNET is not in the table" "$TL_DIR/o" smcctl pnet del "$TL_PNET"
}

# (c) an unprivileged user: every change refused with a clear message, reads work
t_unprivileged() {
	local u="smcr_asuser"
	tl_expect 0 "^65534\$" "$TL_DIR/o" $u id -u || return 1
	tl_expect 1 "^smcctl: permission denied: changing the UEID table needs CAP_NET_ADMIN\$" \
		"$TL_DIR/o" $u smcctl ueid add NOBODY
	tl_expect 1 "^smcctl: permission denied: changing the UEID table needs CAP_NET_ADMIN\$" \
		"$TL_DIR/o" $u smcctl ueid flush
	tl_expect 1 "^smcctl: permission denied: changing the PNET table needs CAP_NET_ADMIN\$" \
		"$TL_DIR/o" $u smcctl pnet add NOBODY interface lo
	tl_expect 1 "^smcctl: permission denied: changing the handshake limitation needs CAP_NET_ADMIN\$" \
		"$TL_DIR/o" $u smcctl hs-limit enable
	tl_expect 1 "^smcctl: permission denied: changing net\.smc\.wmem needs root" \
		"$TL_DIR/o" $u smcctl sysctl set wmem 65536
	tl_note $u smcctl ueid add NOBODY
	tl_note $u smcctl pnet add NOBODY interface lo
	tl_note $u smcctl sysctl set wmem 65536
	tl_note $u smcstat reset
	if [ "$(tl_impl)" = smcr ]; then
		tl_expect 1 "^smcstat: reset: permission denied: resetting the SMC statistics needs CAP_NET_ADMIN\$" \
			"$TL_DIR/o" $u smcstat reset
	else
		tl_expect 1 "^smcstat: reset: not supported by this module" "$TL_DIR/o" $u smcstat reset
	fi
	# reading works
	tl_expect 0 "" "$TL_DIR/o" $u smcctl ueid show &&
		tl_expect 0 "" "$TL_DIR/o" $u smcctl pnet show &&
		tl_expect 0 "^net\.smc\.wmem = " "$TL_DIR/o" $u smcctl sysctl show &&
		tl_expect 0 "^handshake limitation" "$TL_DIR/o" $u smcctl hs-limit show &&
		tl_expect 0 "^implementation " "$TL_DIR/o" $u smcctl info &&
		tl_expect 0 "^State " "$TL_DIR/o" $u smcss -a &&
		tl_expect 0 "^Connections " "$TL_DIR/o" $u smcstat &&
		tl_expect 0 "" "$TL_DIR/nb.json" $u smcstat -j &&
		tl_grep "smcstat -j as nobody" "$TL_DIR/nb.json" '"connections"'
}

# Fallbacks over loopback with known reasons, seen by smcss (held open) and counted by smcstat.
t_fallback_local() {
	local h c pid spid
	smcstat -j >"$TL_DIR/before.json" || return 1
	# AF_SMC client -> plain TCP server: PEERNOSMC on the client (x2). The server is stopped
	# while the first connection is looked at: the kernel completes the handshake, the client
	# then waits for the server's status, so the connection stays open.
	h=$(rig_bg "smcr_xfer server --family tcp --port 5401 --count 2 --timeout 120") || return 1
	rig_check rig_wait_port 5401 20 || return 1
	spid=$(pidof smcr_xfer)
	kill -STOP "$spid"
	c=$(rig_bg "smcr_xfer client --family smc --addr 127.0.0.1 --port 5401 --bytes 1M --timeout 120") ||
		return 1
	rig_check rig_wait_for 20 sh -c "smcss -j mode fallback dport = :5401 | smcr_jsonq '.#' | grep -qx 1"
	pid=$(pidof smcr_xfer | tr ' ' '\n' | grep -vx "$spid" | head -n 1)
	tl_expect 0 "" "$TL_DIR/ss.json" smcss -j mode fallback dport = :5401 &&
		tl_eq "fallback socket reason" "$(tl_q '[0].fallback.reason.name' "$TL_DIR/ss.json")" PEERNOSMC &&
		tl_eq "fallback socket mode" "$(tl_q '[0].mode' "$TL_DIR/ss.json")" TCP &&
		tl_eq "fallback socket process" "$(tl_q '[0].users[0].comm' "$TL_DIR/ss.json")" smcr_xfer &&
		tl_eq "fallback socket pid" "$(tl_q '[0].users[0].pid' "$TL_DIR/ss.json")" "$pid" &&
		tl_expect 0 "TCP \(fallback: PEERNOSMC, peer did not indicate SMC in the TCP handshake\)" \
			"$TL_DIR/ss.txt" smcss dport = :5401 &&
		tl_grep "smcss process" "$TL_DIR/ss.txt" "127\.0\.0\.1:5401 +users:\(\(\"smcr_xfer\",pid=$pid,fd=[0-9]+\)\)"
	tl_note smcss mode fallback
	tl_note smcss -p mode fallback
	kill -CONT "$spid"
	rig_check rig_wait "$c" 120
	rig_check smcr_xfer client --family smc --addr 127.0.0.1 --port 5401 --bytes 1M
	rig_check rig_wait "$h" 60
	# plain TCP client -> AF_SMC server: PEERNOSMC on the server
	h=$(rig_bg "smcr_xfer server --family smc --port 5402 --count 1") || return 1
	rig_check rig_wait_port 5402 20 || return 1
	rig_check smcr_xfer client --family tcp --addr 127.0.0.1 --port 5402 --bytes 1M
	rig_check rig_wait "$h" 60
	smcstat -j >"$TL_DIR/after.json" || return 1
	tl_expect_delta "client fallbacks" .connections.client.fallbacks \
		"$TL_DIR/before.json" "$TL_DIR/after.json" 2
	tl_expect_delta "server fallbacks" .connections.server.fallbacks \
		"$TL_DIR/before.json" "$TL_DIR/after.json" 1
	tl_expect_delta "client PEERNOSMC" '.fallback_reasons[side=client,name=PEERNOSMC].count' \
		"$TL_DIR/before.json" "$TL_DIR/after.json" 2
	tl_expect_delta "server PEERNOSMC" '.fallback_reasons[side=server,name=PEERNOSMC].count' \
		"$TL_DIR/before.json" "$TL_DIR/after.json" 1
	tl_expect_delta "SMC successes" .connections.client.smc \
		"$TL_DIR/before.json" "$TL_DIR/after.json" 0
	tl_expect 0 "^ +[0-9]+ +client +PEERNOSMC +peer did not indicate SMC" "$TL_DIR/st.txt" smcstat &&
		tl_grep "smcstat server reason" "$TL_DIR/st.txt" "^ +[0-9]+ +server +PEERNOSMC " &&
		tl_grep "smcstat fallback row" "$TL_DIR/st.txt" "^  TCP fallbacks +[0-9]+ +[0-9]+ +[0-9]+$"
}

# smcr only: AF_SMC on both ends over lo has no RDMA device: client NOSMCDEV, server PEERDECL;
# then smcstat reset zeroes everything of this netns.
t_smcr_module() {
	local h
	smcstat -j >"$TL_DIR/before.json" || return 1
	h=$(rig_bg "smcr_xfer server --family smc --port 5403 --count 2") || return 1
	rig_check rig_wait_port 5403 20 || return 1
	rig_check smcr_xfer client --family smc --addr 127.0.0.1 --port 5403 --bytes 1M
	rig_check smcr_xfer client --family smc --addr 127.0.0.1 --port 5403 --bytes 1M
	rig_check rig_wait "$h" 60
	smcstat -j >"$TL_DIR/after.json" || return 1
	tl_expect_delta "client NOSMCDEV" '.fallback_reasons[side=client,name=NOSMCDEV].count' \
		"$TL_DIR/before.json" "$TL_DIR/after.json" 2
	tl_expect_delta "server PEERDECL" '.fallback_reasons[side=server,name=PEERDECL].count' \
		"$TL_DIR/before.json" "$TL_DIR/after.json" 2
	tl_expect_delta "module counter ClntFallback" .smcr_counters.ClntFallback \
		"$TL_DIR/before.json" "$TL_DIR/after.json" 2
	tl_expect 0 "^smcr module counters" "$TL_DIR/o" smcstat || return 1
	tl_note smcstat
	tl_note smcss -a
	# reset (SMCR_EXT): everything of this netns back to zero
	tl_expect 0 "" "$TL_DIR/o" smcstat reset || return 1
	smcstat -j >"$TL_DIR/reset.json" || return 1
	tl_eq "client fallbacks after reset" "$(tl_q .connections.client.fallbacks "$TL_DIR/reset.json")" 0
	tl_eq "server fallbacks after reset" "$(tl_q .connections.server.fallbacks "$TL_DIR/reset.json")" 0
	tl_eq "reasons after reset" "$(tl_q '.fallback_reasons#' "$TL_DIR/reset.json")" 0
	tl_eq "ClntFallback after reset" "$(awk '$1 == "ClntFallback" { print $2 }' /proc/net/smcr_stat)" 0
}

t_stock_reset() {
	tl_expect 1 "^smcstat: reset: not supported by this module: smc \(Linux's stock module\) has no SMCR_EXT" \
		"$TL_DIR/o" smcstat reset
}

t_watch() {
	tl_expect 0 "" "$TL_DIR/w.json" smcstat -w 0.5 -c 2 -j || return 1
	tl_eq "watch lines" "$(wc -l <"$TL_DIR/w.json" | tr -d ' ')" 2
	# the interval is measured (0.5 s plus the time a snapshot takes under TCG)
	tl_eq "watch interval about 0.5 s" \
		"$(smcr_jsonq .interval "$TL_DIR/w.json" | awk '$1 >= 0.45 && $1 < 1.5 { n++ } END { print n + 0 }')" 2
	tl_grep "watch json" "$TL_DIR/w.json" '"rates":\{"connections":'
	tl_expect 0 "^time +conn +smc +fallback +hs-err +rx +tx +rx req +tx req$" "$TL_DIR/w.txt" \
		smcstat -w 0.3 -c 1 &&
		tl_grep "watch row" "$TL_DIR/w.txt" "^[0-9]{2}:[0-9]{2}:[0-9]{2} +[0-9.kM]+ +"
}

# (d) a second netns sees only its own sockets and counters
t_netns() {
	local h hi hn ns="$RIG_IP netns exec $TL_NS"
	"$RIG_IP" netns del "$TL_NS" 2>/dev/null
	rig_check "$RIG_IP" netns add "$TL_NS" || return 1
	rig_check tl_ns "$RIG_IP" link set lo up || return 1
	smcstat -j >"$TL_DIR/init0.json" || return 1
	# listeners: 5501 in the init netns, 5502 in the new one
	hi=$(rig_bg "smcr_xfer server --family smc --port 5501 --count 1") || return 1
	hn=$(rig_bg "$ns smcr_xfer server --family smc --port 5502 --count 1") || return 1
	rig_check rig_wait_for 20 sh -c "smcss -l sport = :5501 | grep -q LISTEN" || return 1
	rig_check rig_wait_for 20 sh -c "$ns smcss -l sport = :5502 | grep -q LISTEN" || return 1
	tl_expect 0 "" "$TL_DIR/nsl.json" tl_ns smcss -l -j
	tl_eq "listeners in netns" "$(tl_q '.#' "$TL_DIR/nsl.json")" 1
	tl_eq "listener port in netns" "$(tl_q '[0].local.port' "$TL_DIR/nsl.json")" 5502
	tl_expect 0 "" "$TL_DIR/initl.json" smcss -l -j sport = :5502
	tl_eq "netns listener seen from init" "$(tl_q '.#' "$TL_DIR/initl.json")" 0
	# a fresh netns counts from zero: one AF_SMC client -> TCP server fallback inside it
	tl_expect 0 "" "$TL_DIR/ns0.json" tl_ns smcstat -j
	tl_eq "netns fallbacks at start" "$(tl_q .connections.client.fallbacks "$TL_DIR/ns0.json")" 0
	h=$(rig_bg "$ns smcr_xfer server --family tcp --port 5503 --count 1") || return 1
	rig_check rig_wait_for 20 sh -c "$ns cat /proc/net/tcp | grep -q ':157F 00000000:0000 0A'"
	rig_check tl_ns smcr_xfer client --family smc --addr 127.0.0.1 --port 5503 --bytes 1M
	rig_check rig_wait "$h" 60
	tl_expect 0 "" "$TL_DIR/ns1.json" tl_ns smcstat -j
	tl_eq "netns client fallbacks" "$(tl_q .connections.client.fallbacks "$TL_DIR/ns1.json")" 1
	tl_eq "netns PEERNOSMC" \
		"$(tl_q '.fallback_reasons[side=client,name=PEERNOSMC].count' "$TL_DIR/ns1.json")" 1
	tl_expect 0 "^  TCP fallbacks +1 +0 +1$" "$TL_DIR/o" tl_ns smcstat
	smcstat -j >"$TL_DIR/init1.json" || return 1
	tl_expect_delta "init netns client fallbacks" .connections.client.fallbacks \
		"$TL_DIR/init0.json" "$TL_DIR/init1.json" 0
	# let the listeners finish
	rig_check smcr_xfer client --family tcp --addr 127.0.0.1 --port 5501 --bytes 1K
	rig_check tl_ns smcr_xfer client --family tcp --addr 127.0.0.1 --port 5502 --bytes 1K
	rig_check rig_wait "$hi" 60
	rig_check rig_wait "$hn" 60
	rig_check "$RIG_IP" netns del "$TL_NS"
}

# ---- two stock hosts with Soft-RoCE ----------------------------------------------------------------

# The commands that configure a host for stock SMC-Rv2 over Soft-RoCE, with smcctl: rxe0 on
# eth0, a UEID, and a PNET entry binding eth0 and rxe0 port 1 (one shell line: rig_peer runs it).
# Our module is reloaded with SMC-R enabled (rdma=1) first.
tl_setup_cmd() { # tl_setup_cmd MOD
	local reload=""
	[ "$1" = smcr ] && reload="rig_unload_smcr && rig_load_smcr rdma=1 &&"
	echo "$reload rig_rxe_up eth0 rxe0 && { smcctl ueid del $TL_UEID; smcctl pnet del $TL_PNET; } >/dev/null 2>&1;" \
		"smcctl ueid add $TL_UEID && smcctl pnet add $TL_PNET interface eth0 ib rxe0 port 1"
}

# The SMC-R tests run between two stock hosts; with --opt TOOLS_SMCR=1 also when a host runs our
# module (its SMC-R data path is still behind rdma=1).
tl_rdma_pair() {
	rig_two_vms || return 1
	[ "$(tl_impl)" = stock ] && [ "$RIG_PEER_MOD" = stock ] && return 0
	[ "${RIG_OPT_TOOLS_SMCR:-0}" = 1 ] || return 1
	case "$(tl_impl) $RIG_PEER_MOD" in
	"smcr stock" | "smcr smcr" | "stock smcr") return 0 ;;
	esac
	return 1
}

# tl_check_setup WHO UEIDS PNET_JSON
tl_check_setup() {
	tl_eq "$1: UEID table" "$2" "$TL_UEID"
	tl_eq "$1: PNET entries" "$(tl_q '.#' "$3")" 2
	tl_eq "$1: PNET eth0" "$(tl_q '[interface=eth0].pnetid' "$3")" "$TL_PNET"
	tl_eq "$1: PNET rxe0 port" "$(tl_q '[ib_device=rxe0,pnetid='"$TL_PNET"'].ib_port' "$3")" 1
}

t_setup_rdma() {
	rig_check sh -c ". /lib/rig/lib.sh; $(tl_setup_cmd "$(tl_impl)")" || return 1
	rig_check rig_peer "$(tl_setup_cmd "$RIG_PEER_MOD")" || return 1
	smcctl -j pnet show "$TL_PNET" >"$TL_DIR/pa.json"
	rig_peer smcctl -j pnet show "$TL_PNET" >"$TL_DIR/pb.json"
	tl_check_setup a "$(smcctl ueid show)" "$TL_DIR/pa.json"
	tl_check_setup b "$(rig_peer smcctl ueid show)" "$TL_DIR/pb.json"
	tl_expect 0 "^$TL_PNET +eth0 +- +-\$" "$TL_DIR/o" smcctl pnet show &&
		tl_grep "pnet rxe0 row" "$TL_DIR/o" "^$TL_PNET +- +rxe0 +1\$"
	tl_expect 0 "^SMC-R devices +rxe0 port 1 \(active, eth0, PNET $TL_PNET\)" "$TL_DIR/o" smcctl info
	tl_note smcctl info
	tl_note smcctl pnet show
	tl_note smcctl -d sysctl show
}

# (a) N SMC-R connections held open, every tool looks at them; smcstat counts them exactly
t_smcr() {
	local h c spid n=$TL_N bytes=$((TL_MB * 1048576)) per
	smcstat -j >"$TL_DIR/a0.json" || return 1
	rig_peer smcstat -j >"$TL_DIR/b0.json" || return 1
	h=$(rig_peer_bg "smcr_xfer server --family smc --port 5201 --count $n --timeout 120") || return 1
	rig_check rig_peer_wait_port 5201 20 || return 1
	# Hold the connections: the server is stopped before the clients connect. The kernels finish
	# the SMC-R handshakes anyway; the clients then wait for the server, connections stay open.
	spid=$(rig_peer pidof smcr_xfer)
	rig_check rig_peer kill -STOP "$spid"
	c=$(rig_bg "smcr_xfer client --family smc --addr $RIG_PEER_IP4 --port 5201 --parallel $n --bytes ${TL_MB}M --wsize 64K --timeout 120") ||
		return 1
	if ! rig_check rig_wait_for 60 tl_smc_active "$n"; then
		smcss -a >/dev/console 2>&1
		rig_peer kill -CONT "$spid"
		rig_peer_kill "$h" >/dev/null 2>&1
		rig_kill "$c" >/dev/null 2>&1
		return 1
	fi

	# smcss, text: N SMC-R lines with the peer, the process and the mode
	tl_expect 0 "" "$TL_DIR/ss.txt" smcss
	tl_eq "smcss SMCR lines" \
		"$(tl_lines "$TL_DIR/ss.txt" "^ACTIVE +0 +[0-9]+ +$RIG_IP4:[0-9]+ +$RIG_PEER_IP4:5201 +users:\(\(\"smcr_xfer\",pid=[0-9]+,fd=[0-9]+\)\) +SMCR\$")" \
		"$n"
	# JSON
	tl_expect 0 "" "$TL_DIR/ss.json" smcss -j mode smcr dport = :5201
	tl_eq "smcss json count" "$(tl_q '.#' "$TL_DIR/ss.json")" "$n"
	tl_eq "smcss json state" "$(tl_q '[0].state' "$TL_DIR/ss.json")" ACTIVE
	tl_eq "smcss json peer" "$(tl_q '[0].peer.addr' "$TL_DIR/ss.json")" "$RIG_PEER_IP4"
	tl_eq "smcss json comm" "$(tl_q '[0].users[0].comm' "$TL_DIR/ss.json")" smcr_xfer
	tl_eq "smcss json pid" "$(tl_q '[0].users[0].pid' "$TL_DIR/ss.json")" \
		"$(pidof smcr_xfer | awk '{ print $NF }')"
	tl_eq "smcss filter sport" "$(smcss -j sport = :5201 | smcr_jsonq '.#')" 0
	# -R: the link of each socket (LGRINFO)
	tl_expect 0 "" "$TL_DIR/ssR.json" smcss -R -j mode smcr
	tl_eq "lgrinfo device" "$(tl_q '[0].lgrinfo.ib_device' "$TL_DIR/ssR.json")" rxe0
	tl_eq "lgrinfo port" "$(tl_q '[0].lgrinfo.ib_port' "$TL_DIR/ssR.json")" 1
	tl_eq "lgrinfo role" "$(tl_q '[0].lgrinfo.role' "$TL_DIR/ssR.json")" client
	tl_eq "lgrinfo gid" "$(tl_q '[0].lgrinfo.gid' "$TL_DIR/ssR.json")" "::ffff:$RIG_IP4"
	tl_eq "lgrinfo peer gid" "$(tl_q '[0].lgrinfo.peer_gid' "$TL_DIR/ssR.json")" "::ffff:$RIG_PEER_IP4"
	tl_expect 0 "^	link rxe0 port 1 id [0-9]+ role client gid ::ffff:$RIG_IP4 peer-gid ::ffff:$RIG_PEER_IP4\$" \
		"$TL_DIR/o" smcss -R mode smcr
	tl_eq "smcss -R link lines" "$(tl_lines "$TL_DIR/o" "^	link rxe0 ")" "$n"
	# -d: buffers and cursors (CONNINFO)
	tl_expect 0 "" "$TL_DIR/ssd.json" smcss -d -j mode smcr
	tl_eq "conninfo present" "$(tl_q '[0].conninfo.sndbuf' "$TL_DIR/ssd.json" | grep -c '^[1-9]')" 1
	tl_expect 0 "^	shutdown <-> cookie [0-9]+ token [0-9a-f]{8} sndbuf [0-9]+K rmbe [0-9]+K peer-rmbe [0-9]+K\$" \
		"$TL_DIR/o" smcss -d mode smcr
	tl_grep "smcss -d cursors" "$TL_DIR/o" "^	rx prod [0-9]+:[0-9]+ cons [0-9]+:[0-9]+ flags "
	tl_note smcss
	tl_note smcss -dR mode smcr
	tl_note sh -c "smcss -pR mode smcr | head -n 40"
	# the server side, on b
	rig_peer smcss -j mode smcr sport = :5201 >"$TL_DIR/bss.json"
	tl_eq "server side sockets" "$(tl_q '.#' "$TL_DIR/bss.json")" "$n"
	rig_peer smcss -R -j mode smcr sport = :5201 >"$TL_DIR/bssR.json"
	tl_eq "server lgrinfo role" "$(tl_q '[0].lgrinfo.role' "$TL_DIR/bssR.json")" server

	# smcstat: the link group, its link and the device, text and JSON
	tl_expect 0 "" "$TL_DIR/st.json" smcstat -j
	tl_eq "link group conns" "$(tl_q '.link_groups[role=client].conns' "$TL_DIR/st.json")" "$n"
	tl_eq "link group version" "$(tl_q '.link_groups[role=client].version' "$TL_DIR/st.json")" 2
	tl_eq "link group EID" "$(tl_q '.link_groups[role=client].negotiated_eid' "$TL_DIR/st.json")" "$TL_UEID"
	tl_eq "link group peer OS" "$(tl_q '.link_groups[role=client].peer_os' "$TL_DIR/st.json")" Linux
	tl_eq "link device" "$(tl_q '.links[0].ib_device' "$TL_DIR/st.json")" rxe0
	tl_eq "link netdev" "$(tl_q '.links[0].netdev' "$TL_DIR/st.json")" eth0
	tl_eq "link state" "$(tl_q '.links[0].state' "$TL_DIR/st.json")" active
	tl_eq "link conns" "$(tl_q '.links[0].conns' "$TL_DIR/st.json")" "$n"
	tl_eq "link peer gid" "$(tl_q '.links[0].peer_gid' "$TL_DIR/st.json")" "::ffff:$RIG_PEER_IP4"
	tl_eq "device netdev" "$(tl_q '.devices[ib_device=rxe0].ports[0].netdev' "$TL_DIR/st.json")" eth0
	tl_eq "device pnet" "$(tl_q '.devices[ib_device=rxe0].ports[0].pnetid' "$TL_DIR/st.json")" "$TL_PNET"
	tl_eq "device links" "$(tl_q '.devices[ib_device=rxe0].ports[0].links' "$TL_DIR/st.json")" 1
	tl_expect 0 "^  [0-9a-f]{8} +client +single +$n +0 +$TL_PNET +v2\.[0-9] +[^ ]+ +Linux +$TL_UEID\$" \
		"$TL_DIR/st.txt" smcstat
	tl_grep "smcstat link row" "$TL_DIR/st.txt" \
		"^  [0-9a-f]{8} +[0-9]+ +active +$n +eth0 +rxe0 +1 +::ffff:$RIG_IP4 +::ffff:$RIG_PEER_IP4\$"
	tl_grep "smcstat device row" "$TL_DIR/st.txt" "^  rxe0 +1 +active +eth0 +1 +$TL_PNET \(user\) +(yes|no)\$"
	tl_note smcstat

	# let the transfer finish, verified end to end
	rig_check rig_peer kill -CONT "$spid"
	rig_check rig_wait "$c" 180
	rig_check rig_peer_wait "$h" 60

	# exactly N SMC-Rv2 successes and the bytes smcr_xfer moved: per connection the client sends a
	# 32-byte header, the payload and a 64-byte status; the server answers with 64 bytes
	per=$((bytes + 96))
	smcstat -j >"$TL_DIR/a1.json" || return 1
	rig_peer smcstat -j >"$TL_DIR/b1.json" || return 1
	tl_expect_delta "a: SMC-Rv2 clients" .connections.client.smcr_v2 "$TL_DIR/a0.json" "$TL_DIR/a1.json" "$n"
	tl_expect_delta "a: SMC servers" .connections.server.smc "$TL_DIR/a0.json" "$TL_DIR/a1.json" 0
	tl_expect_delta "a: fallbacks" .connections.client.fallbacks "$TL_DIR/a0.json" "$TL_DIR/a1.json" 0
	tl_expect_delta "a: TX bytes" .smcr.tx.bytes "$TL_DIR/a0.json" "$TL_DIR/a1.json" $((n * per))
	tl_expect_delta "a: RX bytes" .smcr.rx.bytes "$TL_DIR/a0.json" "$TL_DIR/a1.json" $((n * 64))
	tl_expect_delta "b: SMC-Rv2 servers" .connections.server.smcr_v2 "$TL_DIR/b0.json" "$TL_DIR/b1.json" "$n"
	tl_expect_delta "b: fallbacks" .connections.server.fallbacks "$TL_DIR/b0.json" "$TL_DIR/b1.json" 0
	tl_expect_delta "b: RX bytes" .smcr.rx.bytes "$TL_DIR/b0.json" "$TL_DIR/b1.json" $((n * per))
	tl_expect_delta "b: TX bytes" .smcr.tx.bytes "$TL_DIR/b0.json" "$TL_DIR/b1.json" $((n * 64))
	tl_expect 0 "^  SMC-R v2 +$(tl_q .connections.client.smcr_v2 "$TL_DIR/a1.json") +0 +" "$TL_DIR/o" smcstat
	tl_note smcstat -d
	tl_note sh -c "smcstat -p | head -n 40"
}

# fallbacks between the hosts, with known reasons on both sides
t_fallback_hosts() {
	local h
	smcstat -j >"$TL_DIR/a0.json" || return 1
	rig_peer smcstat -j >"$TL_DIR/b0.json" || return 1
	# AF_SMC client -> plain TCP server on b: PEERNOSMC on a (client), nothing on b
	h=$(rig_peer_bg "smcr_xfer server --family tcp --port 5202 --count 2") || return 1
	rig_check rig_peer_wait_port 5202 20 || return 1
	rig_check smcr_xfer client --family smc --addr "$RIG_PEER_IP4" --port 5202 --bytes 1M
	rig_check smcr_xfer client --family smc --addr "$RIG_PEER_IP4" --port 5202 --bytes 1M
	rig_check rig_peer_wait "$h" 60
	# plain TCP client -> AF_SMC server on b: PEERNOSMC on b (server)
	h=$(rig_peer_bg "smcr_xfer server --family smc --port 5203 --count 1") || return 1
	rig_check rig_peer_wait_port 5203 20 || return 1
	rig_check smcr_xfer client --family tcp --addr "$RIG_PEER_IP4" --port 5203 --bytes 1M
	rig_check rig_peer_wait "$h" 60
	# AF_SMC over IPv6 on both ends: SMC-Rv2 is IPv4 only and rxe has no RoCE v1 GIDs, so the
	# client finds no device and declines (NOSMCDEV); the server falls back with PEERDECL
	h=$(rig_peer_bg "smcr_xfer server --family smc -6 --port 5204 --count 1") || return 1
	rig_check rig_peer_wait_port 5204 20 || return 1
	rig_check smcr_xfer client --family smc -6 --addr "$RIG_PEER_IP6" --port 5204 --bytes 1M
	rig_check rig_peer_wait "$h" 60

	smcstat -j >"$TL_DIR/a1.json" || return 1
	rig_peer smcstat -j >"$TL_DIR/b1.json" || return 1
	tl_expect_delta "a: client fallbacks" .connections.client.fallbacks "$TL_DIR/a0.json" "$TL_DIR/a1.json" 3
	tl_expect_delta "a: client PEERNOSMC" '.fallback_reasons[side=client,name=PEERNOSMC].count' \
		"$TL_DIR/a0.json" "$TL_DIR/a1.json" 2
	tl_expect_delta "a: client NOSMCDEV" '.fallback_reasons[side=client,name=NOSMCDEV].count' \
		"$TL_DIR/a0.json" "$TL_DIR/a1.json" 1
	tl_expect_delta "a: SMC clients" .connections.client.smc "$TL_DIR/a0.json" "$TL_DIR/a1.json" 0
	tl_expect_delta "b: server fallbacks" .connections.server.fallbacks "$TL_DIR/b0.json" "$TL_DIR/b1.json" 2
	tl_expect_delta "b: server PEERNOSMC" '.fallback_reasons[side=server,name=PEERNOSMC].count' \
		"$TL_DIR/b0.json" "$TL_DIR/b1.json" 1
	tl_expect_delta "b: server PEERDECL" '.fallback_reasons[side=server,name=PEERDECL].count' \
		"$TL_DIR/b0.json" "$TL_DIR/b1.json" 1
	tl_expect 0 "^ +[0-9]+ +client +NOSMCDEV +no usable SMC device" "$TL_DIR/o" smcstat
	rig_peer smcstat >"$TL_DIR/b.txt"
	tl_grep "b: smcstat PEERDECL row" "$TL_DIR/b.txt" "^ +[0-9]+ +server +PEERDECL +peer declined"
	tl_note smcstat
	tl_note cat "$TL_DIR/b.txt"
}

t_teardown_rdma() {
	rig_check smcctl ueid del "$TL_UEID"
	rig_check smcctl pnet del "$TL_PNET"
	rig_check rig_peer smcctl ueid del "$TL_UEID"
	rig_check rig_peer smcctl pnet del "$TL_PNET"
	tl_expect 0 "" "$TL_DIR/o" smcctl pnet show && tl_eq "pnet table empty" "$(cat "$TL_DIR/o")" ""
}

# ---- suite ---------------------------------------------------------------------------------------

if rig_role a; then
	case "$(tl_impl)" in
	none)
		rig_run_test no_module tl_expect 1 \
			"^smcss: no SMC module loaded \(AF_SMC family not registered\)\$" "$TL_DIR/o" smcss
		;;
	*)
		rig_run_test present t_present
		rig_run_test info t_info
		rig_run_test sysctl t_sysctl
		rig_run_test hs_limit t_hslimit
		rig_run_test tables t_tables
		rig_run_test unprivileged t_unprivileged
		rig_run_test watch t_watch
		rig_run_test netns t_netns
		if tl_rdma_pair; then
			rig_run_test setup_rdma t_setup_rdma
			rig_run_test smcr t_smcr
			rig_run_test fallback_hosts t_fallback_hosts
			rig_run_test teardown_rdma t_teardown_rdma
		else
			rig_run_test fallback_local t_fallback_local
		fi
		if [ "$(tl_impl)" = smcr ] && ! tl_rdma_pair; then
			rig_run_test smcr_module t_smcr_module
		elif [ "$(tl_impl)" = smcr ]; then
			:
		else
			rig_run_test stock_reset t_stock_reset
		fi
		;;
	esac
fi
rig_run_test dmesg rig_check rig_dmesg_check
