#!/usr/bin/env bash
# samples/lab.sh: make real RDP captures from real peers (xrdp, freerdp-shadow-cli, xfreerdp)
# in three network namespaces, and write samples/NAME.pcap, NAME.expect, NAME.keys and a row of
# samples/README.md for each scenario.
#
#   sudo samples/lab.sh              all scenarios
#   sudo samples/lab.sh NAME...      the chosen ones
#   samples/lab.sh --list            list the scenarios
#
# Needs root on Debian 12 (it installs its packages with apt-get when missing). Nothing leaves the
# machine: every address used lives only inside the namespaces rdpt-client, rdpt-router and
# rdpt-server, which are removed on exit together with every process the lab started.
# Set RDPT_KEEP_WORK=1 to keep the work directory (logs, inis, certificates) for inspection.

set -u -o pipefail

SAMPLES=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LABDIR=$SAMPLES/lab

NS_C=rdpt-client
NS_R=rdpt-router
NS_S=rdpt-server
IF_C=rdptc0 # client side of veth 1 (capture interface)
IF_R1=rdptr1
IF_R2=rdptr2
IF_S=rdpts0
CLIENT_IP=10.33.1.2
ROUTER_IP1=10.33.1.1
ROUTER_IP2=10.33.2.1
SERVER_IP=10.33.2.2
DISP_C=:91 # Xvfb for xfreerdp (client namespace)
DISP_S=:92 # Xvfb for freerdp-shadow-cli (server namespace)

NLA_USER=alice
NLA_PASS='Lab-Pass-1'
NLA_DOMAIN=RDPTLAB

# Scenarios in lab order: name|one-line story
SCENARIOS=(
	"refused|SYN answered by RST: nothing listens on 3389"
	"no-answer|SYN dropped by a firewall (nftables drop in the router)"
	"icmp-prohibited|SYN answered by ICMP administratively prohibited from the router"
	"server-silent|server accepts TCP and never answers the X.224 Connection Request"
	"success-tls|successful session over TLS (xrdp, TLS-only)"
	"success-nla|successful session with NLA/CredSSP (freerdp-shadow-cli with a SAM file)"
	"success-rdp|successful session with Standard RDP Security (freerdp-shadow-cli /sec:rdp)"
	"xrdp-rdp-mac-error|Standard RDP Security with xrdp: xrdp rejects the client's MAC and disconnects (DPUM)"
	"neg-ssl-required|server requires TLS, client offers only Standard RDP Security (RDP_NEG_FAILURE 1)"
	"neg-ssl-not-allowed|server allows only Standard RDP Security, client requires TLS (RDP_NEG_FAILURE 2)"
	"xrdp-rdp-only-tls-client|xrdp allows only Standard RDP Security, client requires TLS: xrdp selects PROTOCOL_RDP"
	"neg-hybrid-required|server requires NLA, client offers TLS only (RDP_NEG_FAILURE 5)"
	"nla-not-offered|client requires NLA, the server (xrdp) offers none"
	"tls-old-server|server allows only TLS 1.0/1.1, client requires TLS 1.2"
	"tls13-only-server|server allows only TLS 1.3, client can do at most TLS 1.2"
	"tls-cipher-mismatch|no TLS cipher suite in common"
	"cert-self-signed|client rejects a self-signed server certificate (TLS 1.2)"
	"cert-expired|client rejects an expired server certificate (TLS 1.2)"
	"cert-wrong-name|client rejects a certificate issued for another name (TLS 1.2)"
	"cert-self-signed-tls13|client rejects a self-signed certificate under TLS 1.3 (certificate encrypted)"
	"nla-wrong-password|NLA with a wrong password"
	"nla-unknown-user|NLA with an unknown user"
	"reset-tls-nft|middlebox rule resets the client right after the TLS ClientHello"
	"reset-x224-nft|middlebox rule resets the client right after the X.224 Connection Request"
	"reset-tls-proxy|transparent middlebox resets both ends right after the TLS ClientHello"
	"reset-x224-proxy|transparent middlebox resets both ends right after the X.224 Connection Request"
	"reset-x224-server|the server itself resets right after the X.224 Connection Request (a genuine reset; captured on both sides)"
	"reset-tls-proxy-both|transparent middlebox resets both ends after the ClientHello, captured on both sides"
	"reset-tls-nft-ttl63|middlebox rule resets the client after the ClientHello with the server's TTL copied (captured on both sides)"
	"mcs-close|server ends the connection during MCS (TLS-only xrdp, legacy client request)"
	"mid-connection|capture that starts mid-connection (first packets of success-tls cut)"
	"lost-segments|capture with lost segments (some packets of success-tls removed)"
	"hostile-strings|cookie, client name and certificate subject carry markup, quotes and control characters (report safety)"
	"redirected|a scripted broker sends a Server Redirection PDU inside TLS; the client follows it to xrdp"
)

die() {
	echo "lab: $*" >&2
	exit 1
}
say() { echo "lab: $*" >&2; }

scenario_names() {
	local s
	for s in "${SCENARIOS[@]}"; do echo "${s%%|*}"; done
}
scenario_story() {
	local s
	for s in "${SCENARIOS[@]}"; do [ "${s%%|*}" = "$1" ] && echo "${s#*|}"; done
}

if [ "${1:-}" = "--list" ] || [ "${1:-}" = "-l" ]; then
	for s in "${SCENARIOS[@]}"; do printf '%-26s %s\n' "${s%%|*}" "${s#*|}"; done
	exit 0
fi
if [ "${1:-}" = "--help" ] || [ "${1:-}" = "-h" ]; then
	sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'
	exit 0
fi

WANT=()
if [ $# -eq 0 ]; then
	mapfile -t WANT < <(scenario_names)
else
	for n in "$@"; do
		scenario_names | grep -qx -- "$n" || die "unknown scenario '$n' (see --list)"
		WANT+=("$n")
	done
fi

[ "$(id -u)" -eq 0 ] || die "must run as root (it builds network namespaces)"

# ---------------------------------------------------------------- packages
install_packages() {
	local need=() p
	local pkgs="xrdp freerdp2-x11 freerdp2-shadow-x11 winpr-utils xvfb tcpdump tshark openssl
		iproute2 nftables ethtool python3 gcc libc6-dev libssl-dev"
	for p in $pkgs; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need+=("$p")
	done
	if [ ${#need[@]} -gt 0 ]; then
		say "installing: ${need[*]}"
		export DEBIAN_FRONTEND=noninteractive
		echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
		apt-get update -qq || die "apt-get update failed"
		apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null || die "apt-get install failed"
	fi
}

# ---------------------------------------------------------------- processes
PIDS=()
LASTPID=
WORK=

# bg NS LOG CMD...: start CMD in namespace NS in the background; its PID goes to LASTPID.
bg() {
	local ns=$1 log=$2
	shift 2
	ip netns exec "$ns" "$@" >"$log" 2>&1 &
	LASTPID=$!
	PIDS+=("$LASTPID")
}

# stop PID...: TERM, then KILL after 3 s; forget the PID.
stop() {
	local pid
	for pid in "$@"; do
		[ -n "$pid" ] || continue
		kill -TERM "$pid" 2>/dev/null
		for _ in $(seq 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		local keep=() p
		for p in "${PIDS[@]}"; do [ "$p" = "$pid" ] || keep+=("$p"); done
		PIDS=("${keep[@]}")
	done
}

ns_del() {
	local n
	for n in $NS_C $NS_R $NS_S; do
		ip netns list 2>/dev/null | grep -qw "^$n" && ip netns del "$n" 2>/dev/null
	done
}

cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	[ ${#PIDS[@]} -gt 0 ] && stop "${PIDS[@]}"
	ns_del
	if [ -n "$WORK" ] && [ -d "$WORK" ]; then
		if [ "${RDPT_KEEP_WORK:-0}" = 1 ] || [ $rc -ne 0 ]; then
			say "work directory kept: $WORK"
		else
			rm -rf "$WORK"
		fi
	fi
	exit $rc
}

# ---------------------------------------------------------------- network
ns_setup() {
	ns_del
	local n
	for n in $NS_C $NS_R $NS_S; do
		ip netns add "$n" || die "ip netns add $n"
		ip -n "$n" link set lo up
	done
	ip link add $IF_C netns $NS_C type veth peer name $IF_R1 netns $NS_R || die "veth 1"
	ip link add $IF_R2 netns $NS_R type veth peer name $IF_S netns $NS_S || die "veth 2"
	ip -n $NS_C addr add $CLIENT_IP/24 dev $IF_C
	ip -n $NS_R addr add $ROUTER_IP1/24 dev $IF_R1
	ip -n $NS_R addr add $ROUTER_IP2/24 dev $IF_R2
	ip -n $NS_S addr add $SERVER_IP/24 dev $IF_S
	local x
	for x in $NS_C:$IF_C $NS_R:$IF_R1 $NS_R:$IF_R2 $NS_S:$IF_S; do
		ip -n "${x%%:*}" link set "${x#*:}" up
		# No offloads: segments on the wire as they are, checksums computed.
		ip netns exec "${x%%:*}" ethtool -K "${x#*:}" tso off gso off gro off tx off rx off \
			>/dev/null 2>&1
	done
	ip -n $NS_C route add default via $ROUTER_IP1
	ip -n $NS_S route add default via $ROUTER_IP2
	ip netns exec $NS_R sysctl -qw net.ipv4.ip_forward=1
	# The router answers nothing on 3389 itself; rules are added per scenario.
}

# nft_router RULESET: replace the router's scenario table with RULESET (nft syntax, inside
# "table inet rdpt { ... }").
nft_router() {
	ip netns exec $NS_R nft delete table inet rdpt 2>/dev/null
	[ -n "$1" ] || return 0
	printf 'table inet rdpt {\n%s\n}\n' "$1" | ip netns exec $NS_R nft -f - || die "nft rules failed"
}

# ---------------------------------------------------------------- helpers
wait_listen() { # NS PORT
	for _ in $(seq 100); do
		ip netns exec "$1" ss -Hltn "sport = :$2" 2>/dev/null | grep -q . && return 0
		sleep 0.1
	done
	return 1
}

start_xvfb() { # NS DISPLAY
	local d=${2#:} lockpid
	if [ -f "/tmp/.X$d-lock" ]; then
		lockpid=$(tr -dc 0-9 <"/tmp/.X$d-lock")
		[ -n "$lockpid" ] && kill -0 "$lockpid" 2>/dev/null &&
			die "display $2 is in use by another process ($lockpid); not touching it"
	fi
	rm -f "/tmp/.X$d-lock" "/tmp/.X11-unix/X$d"
	bg "$1" "$WORK/xvfb$d.log" Xvfb "$2" -nolisten tcp -screen 0 1024x768x24
	for _ in $(seq 50); do [ -S "/tmp/.X11-unix/X$d" ] && return 0; sleep 0.1; done
	die "Xvfb $2 did not start"
}

build_helpers() {
	gcc -shared -fPIC -O2 -Wall -o "$WORK/keylog.so" "$LABDIR/keylog.c" -ldl -lssl ||
		die "cannot build keylog.so"
	winpr-hash -u $NLA_USER -p "$NLA_PASS" -d $NLA_DOMAIN -f sam >"$WORK/sam" 2>/dev/null ||
		die "winpr-hash failed"
	# A second SAM line without domain, for clients that send none.
	winpr-hash -u $NLA_USER -p "$NLA_PASS" -f sam >>"$WORK/sam" 2>/dev/null
	make_certs
}

# Certificates: a lab CA (trusted by the client through SSL_CERT_FILE), a good server cert for
# 10.33.2.2, an expired one, one for another name, and a self-signed one.
make_certs() {
	local d=$WORK/pki
	mkdir -p "$d/newcerts"
	(
		cd "$d" || exit 1
		: >index.txt
		echo 1000 >serial
		cat >ca.cnf <<-EOF
			[ ca ]
			default_ca = lab
			[ lab ]
			dir = $d
			database = \$dir/index.txt
			new_certs_dir = \$dir/newcerts
			serial = \$dir/serial
			certificate = \$dir/ca.pem
			private_key = \$dir/ca.key
			default_md = sha256
			policy = any
			unique_subject = no
			copy_extensions = copy
			[ any ]
			commonName = supplied
			organizationName = optional
			[ srv ]
			basicConstraints = CA:FALSE
			keyUsage = digitalSignature, keyEncipherment
			extendedKeyUsage = serverAuth
		EOF
		openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 3650 \
			-subj "/O=rdptriage lab/CN=rdptriage lab CA" 2>/dev/null || exit 1
		mk() { # NAME CN SAN STARTDATE ENDDATE
			openssl req -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.csr" \
				-subj "/O=rdptriage lab/CN=$2" -addext "subjectAltName=$3" 2>/dev/null || exit 1
			openssl ca -batch -config ca.cnf -extensions srv -in "$1.csr" -out "$1.pem" \
				-startdate "$4" -enddate "$5" -notext >/dev/null 2>&1 || exit 1
		}
		mk good $SERVER_IP "DNS:$SERVER_IP,IP:$SERVER_IP" 20240101000000Z 20340101000000Z
		mk expired $SERVER_IP "DNS:$SERVER_IP,IP:$SERVER_IP" 20200101000000Z 20210101000000Z
		mk wrongname rdp.other.example "DNS:rdp.other.example" 20240101000000Z 20340101000000Z
		openssl req -x509 -newkey rsa:2048 -nodes -keyout selfsigned.key -out selfsigned.pem \
			-days 3650 -subj "/O=rdptriage lab/CN=$SERVER_IP" \
			-addext "subjectAltName=DNS:$SERVER_IP,IP:$SERVER_IP" 2>/dev/null || exit 1
	) || die "certificate generation failed"
}

# ---------------------------------------------------------------- servers
# xrdp_ini NAME KEY=VALUE...: an xrdp.ini for this scenario (Globals keys replaced/added).
xrdp_ini() {
	local name=$1
	shift
	local ini=$WORK/$name.xrdp.ini
	cp /etc/xrdp/xrdp.ini "$ini"
	local kv k v
	for kv in fork=false port=3389 "certificate=$WORK/pki/good.pem" "key_file=$WORK/pki/good.key" \
		EnableSyslog=false "LogFile=$WORK/$name.xrdp.log" LogLevel=DEBUG "$@"; do
		k=${kv%%=*}
		v=${kv#*=}
		if grep -q "^#\?$k=" "$ini"; then
			# replace the first (possibly commented) occurrence
			K="$k" V="$v" python3 - "$ini" <<-'EOF'
				import os, re, sys
				p = sys.argv[1]; k = os.environ["K"]; v = os.environ["V"]
				t = open(p).read()
				t = re.sub(r"(?m)^#?" + re.escape(k) + r"=.*$", lambda m: k + "=" + v, t, count=1)
				open(p, "w").write(t)
			EOF
		else
			sed -i "/^\[Globals\]/a $k=$v" "$ini"
		fi
	done
	echo "$ini"
}

SERVER_PIDS=()
start_xrdp() { # NAME KEY=VALUE...
	local name=$1
	shift
	local ini
	ini=$(xrdp_ini "$name" "$@")
	local pf=/run/xrdp/xrdp.pid opid
	if [ -f $pf ]; then
		opid=$(tr -dc 0-9 <$pf)
		[ -n "$opid" ] && kill -0 "$opid" 2>/dev/null &&
			die "an xrdp not started by the lab runs (pid $opid, $pf); stop it first"
		rm -f $pf
	fi
	bg $NS_S "$WORK/$name.server.out" xrdp -n -c "$ini"
	SERVER_PIDS+=("$LASTPID")
	wait_listen $NS_S 3389 || die "xrdp did not listen (see $WORK/$name.server.out)"
}

start_shadow() { # NAME ARGS...
	local name=$1
	shift
	bg $NS_S "$WORK/$name.server.out" env HOME="$WORK/home-shadow" DISPLAY=$DISP_S \
		freerdp-shadow-cli /port:3389 "$@"
	SERVER_PIDS+=("$LASTPID")
	wait_listen $NS_S 3389 || die "shadow server did not listen (see $WORK/$name.server.out)"
}

start_silent() { # NAME
	bg $NS_S "$WORK/$1.server.out" python3 "$LABDIR/peers.py" silent 3389
	SERVER_PIDS+=("$LASTPID")
	wait_listen $NS_S 3389 || die "silent listener did not start"
}

start_proxy() { # NAME MODE
	nft_router "
	chain rdptpre { type nat hook prerouting priority dstnat; policy accept;
		iifname \"$IF_R1\" tcp dport 3389 redirect to :3390; }"
	bg $NS_R "$WORK/$1.proxy.out" python3 "$LABDIR/peers.py" proxy 3390 "$2"
	SERVER_PIDS+=("$LASTPID")
	wait_listen $NS_R 3390 || die "proxy did not start"
}

# ---------------------------------------------------------------- capture and client
CAP_PID=
capture_start() { # NAME
	local pcap=$WORK/$1.pcap
	rm -f "$pcap"
	bg $NS_C "$WORK/$1.tcpdump.log" tcpdump -i $IF_C -n -s 0 -U -w "$pcap" 'tcp port 3389 or icmp'
	CAP_PID=$LASTPID
	for _ in $(seq 50); do grep -q 'listening on' "$WORK/$1.tcpdump.log" && return 0; sleep 0.1; done
	die "tcpdump did not start"
}
capture_stop() {
	sleep 1 # let the last FIN/RST/ACK pass
	stop "$CAP_PID"
	CAP_PID=
}

CLIENT_ENV=() # extra VAR=VALUE for the client (reset by begin)
# run_client NAME TIMEOUT ARGS...: run xfreerdp in the client namespace under Xvfb with a fresh
# HOME, the key-log preload, and the lab CA in SSL_CERT_FILE; killed (TERM) after TIMEOUT s.
run_client() {
	local name=$1 t=$2
	shift 2
	local home=$WORK/home-$name
	rm -rf "$home"
	mkdir -p "$home"
	rm -f "$WORK/$name.keys"
	ip netns exec $NS_C env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$home" DISPLAY=$DISP_C \
		SSL_CERT_FILE="$WORK/pki/ca.pem" LD_PRELOAD="$WORK/keylog.so" \
		RDPT_KEYLOG="$WORK/$name.keys" "${CLIENT_ENV[@]}" \
		timeout -k 2 "$t" xfreerdp /v:$SERVER_IP /log-level:INFO /w:800 /h:600 "$@" \
		>"$WORK/$name.client.log" 2>&1 </dev/null &
	local pid=$!
	PIDS+=("$pid")
	wait "$pid"
	local keep=() p
	for p in "${PIDS[@]}"; do [ "$p" = "$pid" ] || keep+=("$p"); done
	PIDS=("${keep[@]}")
}

stop_servers() {
	[ ${#SERVER_PIDS[@]} -gt 0 ] && stop "${SERVER_PIDS[@]}"
	SERVER_PIDS=()
	nft_router ""
}

# ---------------------------------------------------------------- reading captures
TSHARK=(tshark -n -d "tcp.port==3389,tls")
nstreams() {
	"${TSHARK[@]}" -r "$1" -Y tcp -T fields -e tcp.stream 2>/dev/null | sort -un | wc -l
}

# client_said NAME REGEX: the client log lines matching REGEX, without timestamps, joined.
client_said() {
	grep -E -- "$2" "$WORK/$1.client.log" 2>/dev/null | grep -v 'com.freerdp.utils\] - [0-9]*:' |
		sed -E 's/^\[[0-9:]+\] \[[0-9:]+\] //' | awk '!seen[$0]++' | head -n "${3:-2}" |
		paste -sd'|' - | sed 's/|/ || /g'
}

# ---------------------------------------------------------------- expectations
EXPECT_LINES=()
FAILED=()
CHECK_OK=1
# need VALUE WHAT: VALUE must be non-empty, or the scenario is reported as not reproduced.
need() {
	if [ -z "$1" ]; then
		say "CHECK FAILED in $SC: $2"
		CHECK_OK=0
	fi
}
conn() { # N PHASE CAUSE CONFIDENCE PACKETS DETAIL
	need "$5" "conn $1: no key packets"
	EXPECT_LINES+=("conn $1 phase=$2 cause=$3 confidence=$4 packets=$5 detail=\"$6\"")
}
need_streams() { # N
	local n
	n=$(nstreams "$PCAP")
	[ "$n" = "$1" ] || { say "CHECK FAILED in $SC: $n TCP connections, expected $1"; CHECK_OK=0; }
}

write_results() { # NAME MADE CLIENTSAID
	local name=$1 made=$2 said=$3
	local story
	story=$(scenario_story "$name")
	if [ "$CHECK_OK" != 1 ]; then
		FAILED+=("$name")
		say "$name: capture does not show what the scenario expects; samples/ left unchanged" \
			"(capture kept in $WORK)"
		RDPT_KEEP_WORK=1
		return
	fi
	cp "$PCAP" "$SAMPLES/$name.pcap"
	if [ -s "$WORK/$name.keys" ]; then
		cp "$WORK/$name.keys" "$SAMPLES/$name.keys"
		chmod 644 "$SAMPLES/$name.keys"
	else
		rm -f "$SAMPLES/$name.keys"
	fi
	{
		echo "# $name: $story"
		echo "# made: $made"
		echo "# client printed: ${said:-(nothing relevant)}"
		printf '%s\n' "${EXPECT_LINES[@]}"
	} >"$SAMPLES/$name.expect"
	local verdicts v
	verdicts=$(printf '%s\n' "${EXPECT_LINES[@]}" |
		sed -E 's/^conn ([0-9]+) phase=([a-z0-9_]+) cause=([a-z0-9_]+) confidence=([a-z]+).*/\1: \2\/\3 (\4)/' |
		paste -sd';' - | sed 's/;/; /g')
	local keys="no"
	[ -s "$WORK/$name.keys" ] && keys="yes"
	# Escape pipes for the markdown table.
	v() { printf '%s' "$1" | sed 's/|/\\|/g'; }
	python3 "$LABDIR/readme.py" "$SAMPLES/README.md" "$name" "$(scenario_names | paste -sd, -)" \
		"| \`$name\` | $(v "$made") | $(v "${said:-(nothing relevant)}") | $(v "$verdicts") | $keys |"
	say "$name: $(stat -c %s "$SAMPLES/$name.pcap") bytes, $("${TSHARK[@]}" -r "$PCAP" 2>/dev/null | wc -l) packets; $verdicts"
}

# ---------------------------------------------------------------- scenarios
# Each sc_NAME starts its peers, runs the client while capturing, stops everything, then reads
# the capture with tshark and states the expected verdicts with the key packet numbers. Every
# expectation below was decided from real captures; the filters re-find the key packets in each
# new capture and fail loudly when a capture does not show what the scenario is about.

begin() { # NAME
	SC=$1
	PCAP=$WORK/$1.pcap
	EXPECT_LINES=()
	CHECK_OK=1
	SERVER_PIDS=()
	CLIENT_ENV=()
	say "=== $1: $(scenario_story "$1")"
}

. "$LABDIR/scenarios.sh"

# ---------------------------------------------------------------- main
trap cleanup EXIT
trap 'exit 130' INT TERM

install_packages
WORK=$(mktemp -d /tmp/rdpt-lab.XXXXXX)
chmod 755 "$WORK"
T0=$(date +%s)
[ -f "$SAMPLES/README.md" ] || die "samples/README.md missing (it holds the table markers)"
build_helpers
ns_setup
start_xvfb $NS_C $DISP_C
start_xvfb $NS_S $DISP_S

for n in "${WANT[@]}"; do
	"sc_${n//-/_}" || { say "$n: scenario failed"; FAILED+=("$n"); stop_servers; }
done

say "done in $(($(date +%s) - T0)) s; ${#WANT[@]} scenario(s), ${#FAILED[@]} failed${FAILED:+: ${FAILED[*]}}"
[ ${#FAILED[@]} -eq 0 ]
