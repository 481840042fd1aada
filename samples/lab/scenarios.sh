# samples/lab/scenarios.sh: the scenarios of samples/lab.sh (sourced by it).
# shellcheck shell=bash
# shellcheck disable=SC2034  # CLIENT_ENV and CHECK_OK are read by lab.sh
#
# Each sc_NAME starts the peers, captures one client run, stops everything it started, then reads
# the capture with tshark and writes the expected verdicts. The phase/cause/confidence of each
# scenario were decided by reading real captures (see samples/README.md); the tshark filters
# below re-find the key packets in every new capture, and `need` fails the scenario (samples/
# left unchanged) when a capture does not show what the scenario is about.

XF_CRED=("/u:$NLA_USER" "/p:$NLA_PASS")
SRV=$SERVER_IP

# ---------------------------------------------------------------- tshark helpers
# fx FILTER: frames (comma list) matching FILTER with 3389 decoded as TPKT/X.224/RDP.
fx() { tshark -n -r "$PCAP" -Y "$1" -T fields -e frame.number 2>/dev/null | paste -sd, -; }
# ft FILTER: the same with 3389 decoded as TLS, with the scenario's key log when there is one.
ft() {
	local k=()
	[ -s "$WORK/$SC.keys" ] && k=(-o "tls.keylog_file:$WORK/$SC.keys")
	tshark -n -r "$PCAP" -d tcp.port==3389,tls "${k[@]}" -Y "$1" -T fields -e frame.number \
		2>/dev/null | paste -sd, -
}
first() { printf '%s' "$1" | cut -d, -f1; }
last() { printf '%s' "$1" | tr , '\n' | tail -n1; }
nth() { printf '%s' "$1" | cut -d, -f"$2"; }
join() { local IFS=,; echo "$*" | sed -e 's/,,*/,/g' -e 's/^,//' -e 's/,$//'; }
# streams: tcp.stream indexes in order of first packet (ICMP errors carry the inner stream).
streams() { tshark -n -r "$PCAP" -Y tcp -T fields -e tcp.stream 2>/dev/null | awk 'NF && !s[$0]++'; }

S_SYN='tcp.flags.syn==1 && tcp.flags.ack==0'
S_FROM_SRV="ip.src==$SRV"
S_FROM_CLI="ip.dst==$SRV"
S_CR='cotp.type==0x0e'
S_CC='cotp.type==0x0d'

# ---------------------------------------------------------------- TCP
sc_refused() {
	begin refused
	capture_start $SC
	run_client $SC 15 "${XF_CRED[@]}" /cert:ignore
	capture_stop
	local s n=0
	for s in $(streams); do
		n=$((n + 1))
		conn $n tcp refused high "$(join "$(fx "tcp.stream==$s && $S_SYN")" \
			"$(fx "tcp.stream==$s && tcp.flags.reset==1 && $S_FROM_SRV")")" \
			"SYN answered by RST/ACK from $SRV (TTL 63, like the host): nothing listening on 3389"
	done
	need_streams 2
	write_results $SC "no server in the server namespace; xfreerdp /v:$SRV /u:$NLA_USER /p:*** /cert:ignore (it tries twice)" \
		"$(client_said $SC 'ERRCONNECT|system error' 2)"
}

sc_no_answer() {
	begin no-answer
	nft_router "chain rdptfwd { type filter hook forward priority 0; policy accept; tcp dport 3389 drop; }"
	ip netns exec $NS_C sysctl -qw net.ipv4.tcp_syn_retries=2
	capture_start $SC
	run_client $SC 40 "${XF_CRED[@]}" /cert:ignore
	capture_stop
	ip netns exec $NS_C sysctl -qw net.ipv4.tcp_syn_retries=6
	nft_router ""
	local s n=0
	for s in $(streams); do
		n=$((n + 1))
		conn $n tcp no_answer high "$(fx "tcp.stream==$s && $S_SYN")" \
			"SYN and its retransmissions got no answer for about 6 s (dropped by a firewall)"
	done
	need_streams 2
	[ -z "$(fx "$S_FROM_SRV || icmp")" ] || { say "CHECK FAILED: answers seen"; CHECK_OK=0; }
	write_results $SC "nftables in the router: tcp dport 3389 drop; client net.ipv4.tcp_syn_retries=2; xfreerdp /v:$SRV /u:$NLA_USER /p:*** /cert:ignore (it tries twice)" \
		"$(client_said $SC 'ERRCONNECT|system error' 2)"
}

sc_icmp_prohibited() {
	begin icmp-prohibited
	nft_router "chain rdptfwd { type filter hook forward priority 0; policy accept;
		tcp dport 3389 reject with icmpx type admin-prohibited; }"
	capture_start $SC
	run_client $SC 15 "${XF_CRED[@]}" /cert:ignore
	capture_stop
	nft_router ""
	local s n=0
	for s in $(streams); do
		n=$((n + 1))
		conn $n tcp refused high "$(join "$(fx "tcp.stream==$s && ($S_SYN || icmp.type==3)")")" \
			"each SYN answered by ICMP destination unreachable code 13 (communication administratively prohibited) from the router $ROUTER_IP1 (TTL 64)"
		need "$(fx "tcp.stream==$s && icmp.type==3 && icmp.code==13")" "ICMP 3/13 in conn $n"
	done
	need_streams 2
	write_results $SC "nftables in the router: tcp dport 3389 reject with icmpx type admin-prohibited; xfreerdp /v:$SRV /u:$NLA_USER /p:*** /cert:ignore (it tries twice)" \
		"$(client_said $SC 'ERRCONNECT|system error' 2)"
}

sc_server_silent() {
	begin server-silent
	start_silent $SC
	capture_start $SC
	run_client $SC 8 "${XF_CRED[@]}" /cert:ignore
	capture_stop
	stop_servers
	conn 1 x224 server_silent high "$(join "$(fx "$S_CR")" "$(fx "tcp.flags.fin==1 && $S_FROM_CLI")")" \
		"server ACKed the X.224 Connection Request but sent nothing for 7.7 s; the client gave up and closed"
	need_streams 1
	[ -z "$(fx "$S_FROM_SRV && tcp.len>0")" ] || { say "CHECK FAILED: server sent data"; CHECK_OK=0; }
	write_results $SC "python3 samples/lab/peers.py silent 3389 (accepts, reads, never writes); xfreerdp /v:$SRV /u:$NLA_USER /p:*** /cert:ignore, killed by timeout after 8 s" \
		"$(client_said $SC 'Caught signal' 1) (xfreerdp has no connect timeout; the lab killed it)"
}

# ---------------------------------------------------------------- successes
# success_tls_capture NAME: a TLS session to xrdp (login screen), client stopped after 5 s.
success_tls_capture() {
	start_xrdp $SC security_layer=tls "ssl_protocols=TLSv1.2, TLSv1.3"
	capture_start $SC
	run_client $SC 5 /sec:tls /cert:ignore
	capture_stop
	stop_servers
}

sc_success_tls() {
	begin success-tls
	success_tls_capture
	local cc sh cfin last
	cc=$(fx "$S_CC && rdp.negReq.selectedProtocol==1")
	sh=$(ft "tls.handshake.type==2")
	cfin=$(first "$(ft "$S_FROM_CLI && tls.record.content_type==20")")
	last=$(last "$(ft "$S_FROM_SRV && tls.app_data")")
	need "$(ft 'rdp.pduType2==0x28')" "FontMap (connection finalization) in the decrypted session"
	conn 1 none success medium "$(join "$cc" "$sh" "$cfin" "$last")" \
		"TLS 1.3 session: X.224 selected SSL, TLS handshake done, then about 1 s of session data both ways (xrdp login screen); the client ended it after 5 s"
	need_streams 1
	write_results $SC "xrdp 0.9.21 security_layer=tls; xfreerdp /v:$SRV /sec:tls /cert:ignore, stopped (SIGTERM) after 5 s: client FIN, xrdp answers with a TLS alert, client RST" \
		"$(client_said $SC 'Caught signal' 1) (no error before the lab stopped it)"
}

sc_success_nla() {
	begin success-nla
	start_shadow $SC /sec:nla "/sam-file:$WORK/sam"
	capture_start $SC
	run_client $SC 6 "${XF_CRED[@]}" /d:$NLA_DOMAIN /sec:nla /cert:ignore
	capture_stop
	stop_servers
	local cc sh auth last
	cc=$(fx "$S_CC && rdp.negReq.selectedProtocol==2")
	sh=$(ft "tls.handshake.type==2")
	auth=$(ft "ntlmssp.messagetype==3")
	last=$(last "$(ft "$S_FROM_SRV && tls.app_data")")
	need "$(ft 'rdp.pduType2==0x28')" "FontMap in the decrypted session"
	conn 1 none success medium "$(join "$cc" "$sh" "$auth" "$last")" \
		"NLA: X.224 selected HYBRID, TLS 1.3, CredSSP/NTLM completed, then session data; the client ended it after 6 s"
	need_streams 1
	write_results $SC "freerdp-shadow-cli /sec:nla /sam-file:(alice in RDPTLAB) under Xvfb; xfreerdp /v:$SRV /u:$NLA_USER /p:*** /d:$NLA_DOMAIN /sec:nla /cert:ignore, stopped after 6 s" \
		"$(client_said $SC 'Caught signal' 1) (no error before the lab stopped it)"
}

sc_success_rdp() {
	begin success-rdp
	# -auth: the shadow server would otherwise check the Client Info credentials with PAM.
	start_shadow $SC /sec:rdp -auth
	capture_start $SC
	run_client $SC 5 /sec:rdp /cert:ignore
	capture_stop
	stop_servers
	local cr cc sd fast
	cr=$(fx "$S_CR")
	cc=$(fx "$S_CC")
	sd=$(fx "t125.connect_response_element")
	fast=$(last "$(fx "$S_FROM_SRV && tcp.len>0")")
	need "$sd" "MCS Connect Response"
	[ -z "$(fx "rdp.negReq.requestedProtocols")" ] || { say "CHECK FAILED: CR has RDP_NEG_REQ"; CHECK_OK=0; }
	conn 1 none success medium "$(join "$cr" "$cc" "$sd" "$fast")" \
		"Standard RDP Security (128-bit RC4): legacy X.224 request, MCS/GCC in clear, then encrypted session data; the client ended it after 5 s"
	need_streams 1
	write_results $SC "freerdp-shadow-cli /sec:rdp -auth under Xvfb; xfreerdp /v:$SRV /sec:rdp /cert:ignore (no credentials; a legacy X.224 request without RDP_NEG_REQ), stopped after 5 s" \
		"$(client_said $SC 'Caught signal' 1) (no error before the lab stopped it)"
}

sc_xrdp_rdp_mac_error() {
	begin xrdp-rdp-mac-error
	start_xrdp $SC security_layer=rdp
	capture_start $SC
	run_client $SC 5 /sec:rdp /cert:ignore
	capture_stop
	stop_servers
	local dpum fin info
	dpum=$(first "$(fx "t124.disconnectProviderUltimatum_element")")
	fin=$(first "$(fx "tcp.flags.fin==1 && $S_FROM_SRV")")
	info=$(last "$(fx "$S_FROM_CLI && tcp.len>0 && frame.number < ${dpum:-0}")")
	need "$dpum" "DPUM from xrdp"
	conn 1 security server_denied high "$(join "$info" "$dpum" "$fin")" \
		"MCS Disconnect Provider Ultimatum (rn-user-requested) and FIN right after the client's Security Exchange and encrypted Client Info (xrdp log: MAC checksum error)"
	need_streams 1
	write_results $SC "xrdp 0.9.21 security_layer=rdp crypt_level=high; xfreerdp /v:$SRV /sec:rdp /cert:ignore. xrdp rejects FreeRDP 2.11's Client Info MAC (its log: 'MAC checksum error for non-FIPS PDU') and disconnects" \
		"$(client_said $SC 'ERRINFO_LOGOFF_BY_USER \(' 1)"
}

# ---------------------------------------------------------------- X.224 negotiation
# neg_scenario NAME CODE CAUSE SERVERARGS -- CLIENTARGS
neg_failure_expect() { # CODE CAUSE DETAIL
	local cc
	cc=$(fx "$S_CC && rdp.negFailure.failureCode==$1")
	need "$cc" "RDP_NEG_FAILURE code $1"
	conn 1 x224 "$2" high "$(join "$(fx "$S_CR")" "$cc")" "$3"
	need_streams 1
}

sc_neg_ssl_required() {
	begin neg-ssl-required
	start_shadow $SC /sec:tls
	capture_start $SC
	run_client $SC 10 "${XF_CRED[@]}" /sec:rdp /cert:ignore
	capture_stop
	stop_servers
	neg_failure_expect 1 ssl_required_by_server \
		"legacy request (no RDP_NEG_REQ, Standard RDP Security only) answered by RDP_NEG_FAILURE SSL_REQUIRED_BY_SERVER (1)"
	write_results $SC "freerdp-shadow-cli /sec:tls; xfreerdp /v:$SRV /u:$NLA_USER /p:*** /sec:rdp /cert:ignore" \
		"$(client_said $SC 'SSL_REQUIRED|Negotiation Failure' 2)"
}

sc_neg_ssl_not_allowed() {
	begin neg-ssl-not-allowed
	start_shadow $SC /sec:rdp
	capture_start $SC
	run_client $SC 10 "${XF_CRED[@]}" /sec:tls /cert:ignore
	capture_stop
	stop_servers
	neg_failure_expect 2 ssl_not_allowed_by_server \
		"client requested SSL only; server answered RDP_NEG_FAILURE SSL_NOT_ALLOWED_BY_SERVER (2)"
	write_results $SC "freerdp-shadow-cli /sec:rdp; xfreerdp /v:$SRV /u:$NLA_USER /p:*** /sec:tls /cert:ignore" \
		"$(client_said $SC 'SSL_NOT_ALLOWED|Negotiation Failure' 2)"
}

sc_xrdp_rdp_only_tls_client() {
	begin xrdp-rdp-only-tls-client
	start_xrdp $SC security_layer=rdp
	capture_start $SC
	run_client $SC 10 "${XF_CRED[@]}" /sec:tls /cert:ignore
	capture_stop
	stop_servers
	local cc
	cc=$(fx "$S_CC && rdp.negReq.selectedProtocol==0")
	need "$cc" "RDP_NEG_RSP selecting PROTOCOL_RDP"
	conn 1 x224 protocol_mismatch high "$(join "$(fx "$S_CR")" "$cc" "$(first "$(fx "tcp.flags.fin==1 && $S_FROM_CLI")")")" \
		"client requested SSL only; xrdp answered RDP_NEG_RSP selecting PROTOCOL_RDP (0), which the client did not offer; the client closed at once"
	need_streams 1
	write_results $SC "xrdp 0.9.21 security_layer=rdp; xfreerdp /v:$SRV /u:$NLA_USER /p:*** /sec:tls /cert:ignore. xrdp never sends RDP_NEG_FAILURE: it selects RDP" \
		"$(client_said $SC 'Negotiation Failure' 1)"
}

sc_neg_hybrid_required() {
	begin neg-hybrid-required
	start_shadow $SC /sec:nla "/sam-file:$WORK/sam"
	capture_start $SC
	run_client $SC 10 "${XF_CRED[@]}" /sec:tls /cert:ignore
	capture_stop
	stop_servers
	neg_failure_expect 5 hybrid_required_by_server \
		"client requested SSL only; server answered RDP_NEG_FAILURE HYBRID_REQUIRED_BY_SERVER (5)"
	write_results $SC "freerdp-shadow-cli /sec:nla /sam-file:...; xfreerdp /v:$SRV /u:$NLA_USER /p:*** /sec:tls /cert:ignore" \
		"$(client_said $SC 'HYBRID_REQUIRED|Negotiation Failure' 2)"
}

sc_nla_not_offered() {
	begin nla-not-offered
	start_xrdp $SC security_layer=negotiate
	capture_start $SC
	run_client $SC 10 "${XF_CRED[@]}" /sec:nla /cert:ignore
	capture_stop
	stop_servers
	local cr cc fin
	cr=$(fx "$S_CR && rdp.negReq.requestedProtocols==3")
	cc=$(fx "$S_CC && rdp.negReq.selectedProtocol==1")
	fin=$(first "$(fx "tcp.flags.fin==1 && $S_FROM_CLI")")
	need "$cr" "CR requesting SSL|HYBRID"
	need "$cc" "CC selecting SSL"
	conn 1 x224 protocol_mismatch medium "$(join "$cr" "$cc" "$fin")" \
		"client requested HYBRID|SSL (NLA required); the server selected SSL (no NLA) and the client closed at once"
	need_streams 1
	write_results $SC "xrdp 0.9.21 security_layer=negotiate (no NLA); xfreerdp /v:$SRV /u:$NLA_USER /p:*** /sec:nla /cert:ignore. After the client's FIN, xrdp sends a plaintext TLS alert (decode_error) and the client resets" \
		"$(client_said $SC 'Negotiation Failure' 1)"
}

# ---------------------------------------------------------------- TLS handshake
sc_tls_old_server() {
	begin tls-old-server
	start_xrdp $SC security_layer=tls "ssl_protocols=TLSv1, TLSv1.1" "tls_ciphers=DEFAULT:@SECLEVEL=0"
	capture_start $SC
	run_client $SC 10 "${XF_CRED[@]}" /sec:tls /cert:ignore +enforce-tlsv1_2
	capture_stop
	stop_servers
	local ch sh al
	ch=$(ft "tls.handshake.type==1")
	sh=$(ft "tls.handshake.type==2 && tls.handshake.version==0x0302")
	al=$(ft "$S_FROM_CLI && tls.alert_message.desc==70")
	need "$sh" "ServerHello TLS 1.1"
	need "$al" "client protocol_version alert"
	conn 1 tls version_mismatch high "$(join "$ch" "$sh" "$al")" \
		"ClientHello offered TLS 1.2 only; server answered TLS 1.1; client sent fatal alert protocol_version (70)"
	need_streams 1
	write_results $SC "xrdp 0.9.21 security_layer=tls ssl_protocols=TLSv1, TLSv1.1 tls_ciphers=DEFAULT:@SECLEVEL=0; xfreerdp /v:$SRV /u:$NLA_USER /p:*** /sec:tls /cert:ignore +enforce-tlsv1_2. After the alert xrdp sends a plaintext MCS DPUM; the client resets" \
		"$(client_said $SC 'ERRCONNECT' 1)"
}

sc_tls13_only_server() {
	begin tls13-only-server
	start_xrdp $SC security_layer=tls "ssl_protocols=TLSv1.3"
	CLIENT_ENV=(RDPT_TLS_MAX=1.2)
	capture_start $SC
	run_client $SC 10 "${XF_CRED[@]}" /sec:tls /cert:ignore
	capture_stop
	stop_servers
	local ch al
	ch=$(ft "tls.handshake.type==1 && !tls.handshake.extensions.supported_version")
	al=$(ft "$S_FROM_SRV && tls.alert_message.desc==70")
	need "$ch" "ClientHello without supported_versions (TLS 1.2 max)"
	need "$al" "server protocol_version alert"
	conn 1 tls version_mismatch high "$(join "$ch" "$al")" \
		"ClientHello offered at most TLS 1.2 (no supported_versions extension); TLS 1.3-only server sent fatal alert protocol_version (70)"
	need_streams 1
	write_results $SC "xrdp 0.9.21 security_layer=tls ssl_protocols=TLSv1.3; xfreerdp /v:$SRV /u:$NLA_USER /p:*** /sec:tls /cert:ignore with its TLS maximum capped at 1.2 by the lab's preload (RDPT_TLS_MAX=1.2, SSL_set_max_proto_version). After the alert xrdp sends a plaintext MCS DPUM; the client resets" \
		"$(client_said $SC 'ERRCONNECT' 1)"
}

sc_tls_cipher_mismatch() {
	begin tls-cipher-mismatch
	start_xrdp $SC security_layer=tls "ssl_protocols=TLSv1.2" "tls_ciphers=ECDHE-RSA-AES256-GCM-SHA384"
	capture_start $SC
	run_client $SC 10 "${XF_CRED[@]}" /sec:tls /cert:ignore /tls-ciphers:AES128-SHA
	capture_stop
	stop_servers
	local ch al
	ch=$(ft "tls.handshake.type==1")
	al=$(ft "$S_FROM_SRV && tls.alert_message.desc==40")
	need "$al" "server handshake_failure alert"
	conn 1 tls cipher_mismatch high "$(join "$ch" "$al")" \
		"ClientHello offered TLS 1.2 suite AES128-SHA (and TLS 1.3 suites); the TLS 1.2-only server accepts only ECDHE-RSA-AES256-GCM-SHA384 and sent fatal alert handshake_failure (40)"
	need_streams 1
	write_results $SC "xrdp 0.9.21 security_layer=tls ssl_protocols=TLSv1.2 tls_ciphers=ECDHE-RSA-AES256-GCM-SHA384; xfreerdp /v:$SRV /u:$NLA_USER /p:*** /sec:tls /cert:ignore /tls-ciphers:AES128-SHA. After the alert xrdp sends a plaintext MCS DPUM; the client resets" \
		"$(client_said $SC 'ERRCONNECT' 1)"
}

# cert_scenario CERT PROTOCOLS: xrdp with that certificate, client /cert:deny trusting the lab CA.
cert_scenario() {
	start_xrdp $SC security_layer=tls "ssl_protocols=$2" "certificate=$WORK/pki/$1.pem" \
		"key_file=$WORK/pki/$1.key"
	capture_start $SC
	run_client $SC 10 "${XF_CRED[@]}" /sec:tls /cert:deny
	capture_stop
	stop_servers
}
cert_expect12() { # DETAIL
	local cert fin alert
	cert=$(ft "tls.handshake.type==11")
	alert=$(first "$(ft "$S_FROM_CLI && tls.record.content_type==21")")
	fin=$(first "$(fx "tcp.flags.fin==1 && $S_FROM_CLI")")
	need "$cert" "Certificate message"
	need "$alert" "client alert record"
	[ -z "$(ft "$S_FROM_CLI && tls.record.content_type==23")" ] ||
		{ say "CHECK FAILED: client sent application data"; CHECK_OK=0; }
	conn 1 tls cert_rejected medium "$(join "$cert" "$alert" "$fin")" "$1"
	need_streams 1
}
CERT_MADE="xrdp 0.9.21 security_layer=tls with a lab certificate; xfreerdp /v:$SRV /u:$NLA_USER /p:*** /sec:tls /cert:deny with the lab CA in SSL_CERT_FILE"
sc_cert_self_signed() {
	begin cert-self-signed
	cert_scenario selfsigned TLSv1.2
	cert_expect12 "certificate self-signed (CN=$SRV, not issued by a trusted CA); the client finished the TLS 1.2 handshake, then sent an encrypted alert record (close_notify) and FIN without any application data"
	write_results $SC "$CERT_MADE (self-signed CN=$SRV), ssl_protocols=TLSv1.2" \
		"$(client_said $SC 'verification failure|not trusted' 2)"
}
sc_cert_expired() {
	begin cert-expired
	cert_scenario expired TLSv1.2
	cert_expect12 "certificate expired (CN=$SRV, valid 2020-01-01 to 2021-01-01, issued by the lab CA); the client finished the TLS 1.2 handshake, then sent an encrypted alert record (close_notify) and FIN without any application data"
	write_results $SC "$CERT_MADE (CA-signed CN=$SRV, expired 2021-01-01), ssl_protocols=TLSv1.2" \
		"$(client_said $SC 'verification failure|not trusted' 2)"
}
sc_cert_wrong_name() {
	begin cert-wrong-name
	cert_scenario wrongname TLSv1.2
	cert_expect12 "certificate name mismatch (CN and SAN rdp.other.example, client connected to $SRV; issued by the lab CA); the client finished the TLS 1.2 handshake, then sent an encrypted alert record (close_notify) and FIN without any application data"
	write_results $SC "$CERT_MADE (CA-signed for rdp.other.example), ssl_protocols=TLSv1.2" \
		"$(client_said $SC 'NAME MISMATCH|not trusted' 2)"
}
sc_cert_self_signed_tls13() {
	begin cert-self-signed-tls13
	cert_scenario selfsigned TLSv1.3
	local sh cfin fin rst
	sh=$(ft "tls.handshake.type==2")
	cfin=$(first "$(ft "$S_FROM_CLI && tls.app_data")") # client Finished (encrypted)
	fin=$(first "$(fx "tcp.flags.fin==1 && $S_FROM_CLI")")
	rst=$(first "$(fx "tcp.flags.reset==1 && $S_FROM_CLI")")
	need "$fin" "client FIN"
	need "$(ft 'tls.alert_message.desc==0')" "client close_notify (decrypted)"
	conn 1 tls cert_rejected low "$(join "$sh" "$fin" "$rst")" \
		"TLS 1.3: the certificate is encrypted; the client finished the handshake, then sent one short encrypted record (close_notify), FIN and RST without any application data; the reason (self-signed) is only in the client's log or with the key log"
	need_streams 1
	write_results $SC "$CERT_MADE (self-signed CN=$SRV), ssl_protocols=TLSv1.3" \
		"$(client_said $SC 'verification failure|not trusted' 2)"
}

# ---------------------------------------------------------------- NLA
nla_fail_expect() { # DETAIL
	local s n=0 auth alert fin
	for s in $(streams); do
		n=$((n + 1))
		auth=$(ft "tcp.stream==$s && ntlmssp.messagetype==3")
		alert=$(first "$(ft "tcp.stream==$s && $S_FROM_SRV && tls.alert_message")")
		fin=$(first "$(fx "tcp.stream==$s && tcp.flags.fin==1 && $S_FROM_SRV")")
		need "$auth" "NTLM AUTHENTICATE in conn $n"
		need "$alert" "server alert in conn $n"
		conn $n nla auth_failed medium "$(join "$auth" "$alert" "$fin")" "$1"
	done
	need_streams 2
}
sc_nla_wrong_password() {
	begin nla-wrong-password
	start_shadow $SC /sec:nla "/sam-file:$WORK/sam"
	capture_start $SC
	run_client $SC 10 /u:$NLA_USER /p:Wrong-Pass-9 /d:$NLA_DOMAIN /sec:nla /cert:ignore
	capture_stop
	stop_servers
	nla_fail_expect "CredSSP: the server closed (encrypted close_notify, FIN) right after the client's NTLM AUTHENTICATE for RDPTLAB\\\\alice; no CredSSP errorCode is sent (FreeRDP server); wrong password"
	write_results $SC "freerdp-shadow-cli /sec:nla /sam-file:...; xfreerdp /v:$SRV /u:$NLA_USER /p:(wrong) /d:$NLA_DOMAIN /sec:nla /cert:ignore (it tries twice). Server log: SEC_E_MESSAGE_ALTERED / client authentication failure" \
		"$(client_said $SC 'ERRCONNECT|system error' 2)"
}
sc_nla_unknown_user() {
	begin nla-unknown-user
	start_shadow $SC /sec:nla "/sam-file:$WORK/sam"
	capture_start $SC
	run_client $SC 10 /u:mallory /p:$NLA_PASS /d:$NLA_DOMAIN /sec:nla /cert:ignore
	capture_stop
	stop_servers
	nla_fail_expect "CredSSP: the server closed (encrypted close_notify, FIN) right after the client's NTLM AUTHENTICATE for RDPTLAB\\\\mallory; no CredSSP errorCode is sent (FreeRDP server); user not in the SAM file"
	write_results $SC "freerdp-shadow-cli /sec:nla /sam-file:... (no user mallory); xfreerdp /v:$SRV /u:mallory /p:*** /d:$NLA_DOMAIN /sec:nla /cert:ignore (it tries twice)" \
		"$(client_said $SC 'ERRCONNECT|system error' 2)"
}

# ---------------------------------------------------------------- middleboxes
sc_reset_tls_nft() {
	begin reset-tls-nft
	start_xrdp $SC security_layer=tls
	nft_router "chain rdptfwd { type filter hook forward priority 0; policy accept;
		tcp dport 3389 @ih,0,8 0x16 @ih,40,8 0x01 reject with tcp reset; }"
	capture_start $SC
	run_client $SC 10 "${XF_CRED[@]}" /sec:tls /cert:ignore
	capture_stop
	stop_servers
	local ch rst
	ch=$(ft "tls.handshake.type==1")
	rst=$(fx "tcp.flags.reset==1 && $S_FROM_SRV && ip.ttl==64")
	need "$rst" "RST with TTL 64"
	conn 1 tls reset_injected medium "$(join "$(fx "tcp.flags.syn==1 && tcp.flags.ack==1")" "$ch" "$rst")" \
		"RST 0.05 ms after the ClientHello claims to come from $SRV but has TTL 64 and IP ID 0 while the server's own packets arrive with TTL 63; the ClientHello never reached the server"
	need_streams 1
	write_results $SC "xrdp 0.9.21 security_layer=tls; nftables in the router: tcp dport 3389 @ih,0,8 0x16 @ih,40,8 0x01 reject with tcp reset (drops the ClientHello, resets the client only); xfreerdp /v:$SRV /u:$NLA_USER /p:*** /sec:tls /cert:ignore" \
		"$(client_said $SC 'ERRCONNECT' 1)"
}

sc_reset_x224_nft() {
	begin reset-x224-nft
	start_xrdp $SC security_layer=tls
	nft_router "chain rdptfwd { type filter hook forward priority 0; policy accept;
		tcp dport 3389 @ih,0,8 0x03 @ih,40,8 0xe0 reject with tcp reset; }"
	capture_start $SC
	run_client $SC 10 "${XF_CRED[@]}" /sec:tls /cert:ignore
	capture_stop
	stop_servers
	local s n=0 rst
	for s in $(streams); do
		n=$((n + 1))
		rst=$(fx "tcp.stream==$s && tcp.flags.reset==1 && $S_FROM_SRV && ip.ttl==64")
		need "$rst" "RST with TTL 64 in conn $n"
		conn $n x224 reset_injected medium "$(join "$(fx "tcp.stream==$s && tcp.flags.syn==1 && tcp.flags.ack==1")" "$(fx "tcp.stream==$s && $S_CR")" "$rst")" \
			"RST right after the X.224 Connection Request claims to come from $SRV but has TTL 64 and IP ID 0 while the server's SYN/ACK had TTL 63; the request never reached the server"
	done
	need_streams 2
	write_results $SC "xrdp 0.9.21 security_layer=tls; nftables in the router: tcp dport 3389 @ih,0,8 0x03 @ih,40,8 0xe0 reject with tcp reset; xfreerdp /v:$SRV /u:$NLA_USER /p:*** /sec:tls /cert:ignore (it tries twice)" \
		"$(client_said $SC 'system error|ERRCONNECT' 2)"
}

sc_reset_tls_proxy() {
	begin reset-tls-proxy
	start_xrdp $SC security_layer=tls
	start_proxy $SC reset-tls
	capture_start $SC
	run_client $SC 10 "${XF_CRED[@]}" /sec:tls /cert:ignore
	capture_stop
	stop_servers
	local ch rst
	ch=$(ft "tls.handshake.type==1")
	rst=$(fx "tcp.flags.reset==1 && $S_FROM_SRV")
	need "$rst" "RST"
	need "$(fx "tcp.flags.syn==1 && tcp.flags.ack==1 && ip.ttl==64")" "SYN/ACK from the proxy (TTL 64)"
	conn 1 tls reset_by_server low "$(join "$ch" "$rst")" \
		"RST/ACK 0.1 ms after the ClientHello, no ServerHello; every packet from $SRV (SYN/ACK, CC, RST) has TTL 64 and comes from the same TCP stack, so this capture cannot tell a TCP-terminating middlebox (the truth here) from the server"
	need_streams 1
	write_results $SC "xrdp 0.9.21 security_layer=tls behind a transparent proxy in the router (nft redirect to python3 samples/lab/peers.py proxy 3390 reset-tls: relays X.224, then closes both sockets with SO_LINGER 0 on the ClientHello); xfreerdp /v:$SRV /u:$NLA_USER /p:*** /sec:tls /cert:ignore" \
		"$(client_said $SC 'ERRCONNECT' 1)"
}

sc_reset_x224_proxy() {
	begin reset-x224-proxy
	start_xrdp $SC security_layer=tls
	start_proxy $SC reset-x224
	capture_start $SC
	run_client $SC 10 "${XF_CRED[@]}" /sec:tls /cert:ignore
	capture_stop
	stop_servers
	local s n=0 rst
	for s in $(streams); do
		n=$((n + 1))
		rst=$(fx "tcp.stream==$s && tcp.flags.reset==1 && $S_FROM_SRV")
		need "$rst" "RST in conn $n"
		conn $n x224 reset_by_server low "$(join "$(fx "tcp.stream==$s && $S_CR")" "$rst")" \
			"RST/ACK 2 ms after the X.224 Connection Request, no Connection Confirm; all packets from $SRV come from one TCP stack (TTL 64), so the capture cannot tell the TCP-terminating middlebox (the truth here) from the server"
	done
	need_streams 2
	write_results $SC "xrdp 0.9.21 security_layer=tls behind a transparent proxy in the router (peers.py proxy 3390 reset-x224: closes both sockets with SO_LINGER 0 on the X.224 CR); xfreerdp /v:$SRV /u:$NLA_USER /p:*** /sec:tls /cert:ignore (it tries twice)" \
		"$(client_said $SC 'system error|ERRCONNECT' 2)"
}

# ---------------------------------------------------------------- MCS
sc_mcs_close() {
	begin mcs-close
	start_xrdp $SC security_layer=tls
	capture_start $SC
	run_client $SC 10 "${XF_CRED[@]}" /sec:rdp /cert:ignore
	capture_stop
	stop_servers
	local s n=0 ci dpum rst
	for s in $(streams); do
		n=$((n + 1))
		ci=$(fx "tcp.stream==$s && t125.connect_initial_element")
		dpum=$(fx "tcp.stream==$s && t124.disconnectProviderUltimatum_element")
		rst=$(first "$(fx "tcp.stream==$s && tcp.flags.reset==1 && $S_FROM_SRV")")
		need "$dpum" "DPUM in conn $n"
		conn $n mcs server_denied high "$(join "$(fx "tcp.stream==$s && $S_CC")" "$ci" "$dpum" "$rst")" \
			"legacy X.224 request answered by a plain Connection Confirm; the MCS Connect Initial got MCS Disconnect Provider Ultimatum then RST from the server (TLS-only server refusing Standard RDP Security)"
	done
	need_streams 2
	write_results $SC "xrdp 0.9.21 security_layer=tls; xfreerdp /v:$SRV /u:$NLA_USER /p:*** /sec:rdp /cert:ignore (legacy X.224 request without RDP_NEG_REQ; it tries twice)" \
		"$(client_said $SC 'mcs_recv|ERRCONNECT' 2)"
}

# ---------------------------------------------------------------- capture-side defects
sc_mid_connection() {
	begin mid-connection
	success_tls_capture
	local full=$WORK/$SC.full.pcap
	mv "$PCAP" "$full"
	# Cut the first 20 packets: TCP, X.224 and TLS handshakes and the start of MCS.
	editcap -r "$full" "$PCAP" 21-1000000 >/dev/null 2>&1 || die "editcap failed"
	local first_data last_srv
	first_data=$(first "$(fx "tcp.len>0")")
	last_srv=$(last "$(ft "$S_FROM_SRV && tls.app_data")")
	[ -z "$(fx "tcp.flags.syn==1")$(ft "tls.handshake")" ] ||
		{ say "CHECK FAILED: handshake left in the cut capture"; CHECK_OK=0; }
	conn 1 session capture_incomplete medium "$(join "$first_data" "$last_srv")" \
		"the capture starts mid-connection (no SYN, no X.224, no TLS handshake): TLS application data both ways, then the client closes; the setup is not in the capture"
	need_streams 1
	write_results $SC "success-tls made again (xrdp security_layer=tls; xfreerdp /sec:tls /cert:ignore, stopped after 5 s), then editcap -r full.pcap mid-connection.pcap 21-1000000: the first 20 packets (TCP, X.224, TLS handshakes and the start of MCS) removed" \
		"$(client_said $SC 'Caught signal' 1) (no error before the lab stopped it)"
}

sc_lost_segments() {
	begin lost-segments
	success_tls_capture
	local full=$WORK/$SC.full.pcap
	mv "$PCAP" "$full"
	local fm srv drop
	PCAP=$full
	fm=$(first "$(ft 'rdp.pduType2==0x28')")
	need "$fm" "FontMap"
	srv=$(fx "$S_FROM_SRV && tcp.len>0 && frame.number > ${fm:-0}")
	drop="$(nth "$srv" 2) $(nth "$srv" 3) $(nth "$srv" 6)"
	need "$(nth "$srv" 6)" "at least 6 server data segments after the FontMap"
	PCAP=$WORK/$SC.pcap
	# shellcheck disable=SC2086
	editcap "$full" "$PCAP" $drop >/dev/null 2>&1 || die "editcap failed"
	local cc sh last
	cc=$(fx "$S_CC && rdp.negReq.selectedProtocol==1")
	sh=$(ft "tls.handshake.type==2")
	last=$(last "$(ft "$S_FROM_SRV && tls.app_data")")
	local lost
	lost=$(fx "tcp.analysis.lost_segment || tcp.analysis.ack_lost_segment")
	need "$lost" "tshark sees the gaps"
	conn 1 none success medium "$(join "$cc" "$sh" "$lost" "$last")" \
		"successful TLS session; the capture lost 3 server segments after connection finalization (the client ACKs data the capture never saw, and nothing is retransmitted: capture-side loss)"
	need_streams 1
	write_results $SC "success-tls made again (xrdp security_layer=tls; xfreerdp /sec:tls /cert:ignore, stopped after 5 s), then editcap removed 3 server data segments after the FontMap (packets $(echo $drop | tr ' ' ',') of the full capture), as a lossy span port would" \
		"$(client_said $SC 'Caught signal' 1) (no error before the lab stopped it)"
}

# ---------------------------------------------------------------- report safety
# Strings from the wire that attack a report: markup that would run in a browser, quotes that
# would end an attribute, control characters (a terminal escape sequence, BEL). They travel in the
# X.224 cookie (the user name, MS-RDPBCGR 2.2.1.1), the client name of the MCS GCC Client Core
# Data (2.2.1.3.2; in the clear only with Standard RDP Security) and the server certificate's
# subject (in the clear in the TLS 1.2 Certificate message). The verdicts are ordinary successes;
# what the sample tests is that every report shows these strings as text and nothing runs.
HOSTILE_USER='<img src=x onerror=alert(1)>'
HOSTILE_HOST='<script>alert(1)</script>'
sc_hostile_strings() {
	begin hostile-strings
	# -subj: '/' separates RDNs, so the one in </script> and </b> is escaped.
	local subj
	subj="/O=\"quoted\" & 'single' <b>bold<\/b>/OU=$(printf 'ctl\001\033[31mred\033[0m\007end')/CN=<script>alert(1)<\/script>"
	(cd "$WORK/pki" && openssl req -x509 -newkey rsa:2048 -nodes -keyout hostile.key \
		-out hostile.pem -days 3650 -utf8 -subj "$subj" 2>/dev/null) ||
		die "hostile certificate generation failed"
	capture_start $SC
	# 1: Standard RDP Security, so the client name is in the clear.
	start_shadow $SC /sec:rdp -auth
	run_client $SC-rdp 5 "/u:$HOSTILE_USER" /p:x "/client-hostname:$HOSTILE_HOST" /sec:rdp \
		/cert:ignore
	stop_servers
	# 2: TLS 1.2 with the hostile certificate; a user name with quotes and control characters.
	start_xrdp $SC security_layer=tls ssl_protocols=TLSv1.2 "certificate=$WORK/pki/hostile.pem" \
		"key_file=$WORK/pki/hostile.key"
	# No password: xrdp then shows its login screen (with one it would try to log the user in).
	run_client $SC 5 "/u:$(printf '"q'"'"'&\033[2J\001x')" /sec:tls /cert:ignore
	capture_stop
	stop_servers
	local s1 s2 cr cc sd fast sh last
	s1=$(streams | sed -n 1p)
	s2=$(streams | sed -n 2p)
	need "$(fx "tcp.stream==$s1 && rdp.rt_cookie contains \"<img\"")" "hostile cookie in conn 1"
	need "$(fx "tcp.stream==$s1 && rdp.client.name contains \"<script>\"")" "hostile client name in conn 1"
	need "$(ft "tcp.stream==$s2 && tls.handshake.type==11 && frame contains \"<script>alert(1)</script>\"")" \
		"hostile certificate subject in conn 2"
	cr=$(fx "tcp.stream==$s1 && $S_CR")
	cc=$(fx "tcp.stream==$s1 && $S_CC")
	sd=$(fx "tcp.stream==$s1 && t125.connect_response_element")
	fast=$(last "$(fx "tcp.stream==$s1 && $S_FROM_SRV && tcp.len>0")")
	need "$sd" "MCS Connect Response in conn 1"
	conn 1 none success medium "$(join "$cr" "$cc" "$sd" "$fast")" \
		"Standard RDP Security session; cookie and client name carry markup; the client ended it after 5 s"
	cc=$(fx "tcp.stream==$s2 && $S_CC && rdp.negReq.selectedProtocol==1")
	sh=$(ft "tcp.stream==$s2 && tls.handshake.type==2")
	last=$(last "$(ft "tcp.stream==$s2 && $S_FROM_SRV && tls.app_data")")
	need "$(ft "tcp.stream==$s2 && rdp.pduType2==0x28")" "FontMap in conn 2 (decrypted)"
	conn 2 none success medium "$(join "$cc" "$sh" "$last")" \
		"TLS 1.2 session with a certificate whose subject carries markup, quotes and control characters; the client ended it after 5 s"
	need_streams 2
	write_results $SC "freerdp-shadow-cli /sec:rdp -auth; xfreerdp /v:$SRV /sec:rdp /cert:ignore /u:\`$HOSTILE_USER\` /client-hostname:\`$HOSTILE_HOST\`, stopped after 5 s; then xrdp 0.9.21 security_layer=tls ssl_protocols=TLSv1.2 with a self-signed certificate \`O=\"quoted\" & 'single' <b>bold</b>, OU=ctl\\x01\\x1b[31mred\\x1b[0m\\x07end, CN=$HOSTILE_HOST\`; xfreerdp /v:$SRV /sec:tls /cert:ignore /u:(quote, apostrophe, ampersand, ESC [2J, \\x01), stopped after 5 s" \
		"$(client_said $SC 'Caught signal' 1) (no error before the lab stopped it)"
}

# ---------------------------------------------------------------- who sent the reset (issue 5)
# Captured on both sides: the client's veth (NAME.pcap, as every sample) and, at the same time,
# the server's own veth (NAME-server.pcap), so that `rdptriage -r NAME.pcap -r NAME-server.pcap`
# can tell a reset the server sent from one it never sent. The .expect is for the client side
# alone (what e2e checks); tests/unit/test_rst_origin.c checks the pair.

SCAP_PID=
# capture_server_start NAME: tcpdump on the server's veth, into $WORK/NAME-server.pcap.
capture_server_start() {
	local pcap=$WORK/$1-server.pcap
	rm -f "$pcap"
	bg $NS_S "$WORK/$1.server-tcpdump.log" tcpdump -i $IF_S -n -s 0 -U -w "$pcap" 'tcp port 3389 or icmp'
	SCAP_PID=$LASTPID
	for _ in $(seq 50); do grep -q 'listening on' "$WORK/$1.server-tcpdump.log" && return 0; sleep 0.1; done
	die "server-side tcpdump did not start"
}
capture_server_stop() {
	stop "$SCAP_PID"
	SCAP_PID=
}
# write_server_side NAME: keep the server-side capture beside the sample (only when the
# scenario's checks passed and write_results wrote the sample).
write_server_side() {
	[ "$CHECK_OK" = 1 ] || return 0
	cp "$WORK/$1-server.pcap" "$SAMPLES/$1-server.pcap"
	say "$1-server.pcap: $("${TSHARK[@]}" -r "$SAMPLES/$1-server.pcap" 2>/dev/null | wc -l) packets (server side)"
}

# A listener that reads the client's X.224 Connection Request and closes with SO_LINGER 0: the
# server host's own TCP stack resets the connection (a genuine server reset).
RESET_LISTENER_PY='
import socket, struct
ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("0.0.0.0", 3389))
ls.listen(16)
while True:
    c, addr = ls.accept()
    c.recv(65536)
    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    c.close()
'

sc_reset_x224_server() {
	begin reset-x224-server
	bg $NS_S "$WORK/$SC.server.out" python3 -c "$RESET_LISTENER_PY"
	SERVER_PIDS+=("$LASTPID")
	wait_listen $NS_S 3389 || die "resetting listener did not start"
	capture_server_start $SC
	capture_start $SC
	run_client $SC 10 "${XF_CRED[@]}" /sec:tls /cert:ignore
	capture_stop
	capture_server_stop
	stop_servers
	local s n=0 rst srv
	for s in $(streams); do
		n=$((n + 1))
		rst=$(fx "tcp.stream==$s && tcp.flags.reset==1 && $S_FROM_SRV && ip.ttl==63")
		need "$rst" "RST with the server's TTL 63 in conn $n"
		conn $n x224 reset_by_server low "$(join "$(fx "tcp.stream==$s && $S_CR")" "$rst")" \
			"RST/ACK from the server's own stack (TTL 63 like its SYN/ACK, IP ID and TCP timestamps continuing its own) right after the X.224 Connection Request; from the client side alone a TCP-terminating device cannot be ruled out (the server-side capture shows the server sending it)"
	done
	PCAP=$WORK/$SC-server.pcap
	srv=$(fx "tcp.flags.reset==1 && $S_FROM_SRV && ip.ttl==64")
	PCAP=$WORK/$SC.pcap
	need "$srv" "RST leaving the server in the server-side capture"
	need_streams 2
	write_results $SC "python3 listener in the server namespace (reads the X.224 Connection Request, closes with SO_LINGER 0: the server's own RST); xfreerdp /v:$SRV /u:$NLA_USER /p:*** /sec:tls /cert:ignore (it tries twice); captured on the client's and the server's veth (reset-x224-server-server.pcap)" \
		"$(client_said $SC 'system error|ERRCONNECT' 2)"
	write_server_side $SC
}

sc_reset_tls_proxy_both() {
	begin reset-tls-proxy-both
	start_xrdp $SC security_layer=tls
	start_proxy $SC reset-tls
	capture_server_start $SC
	capture_start $SC
	run_client $SC 10 "${XF_CRED[@]}" /sec:tls /cert:ignore
	capture_stop
	capture_server_stop
	stop_servers
	local ch rst srv
	ch=$(ft "tls.handshake.type==1")
	rst=$(fx "tcp.flags.reset==1 && $S_FROM_SRV")
	need "$rst" "RST"
	need "$(fx "tcp.flags.syn==1 && tcp.flags.ack==1 && ip.ttl==64")" "SYN/ACK from the proxy (TTL 64)"
	conn 1 tls reset_by_server low "$(join "$ch" "$rst")" \
		"RST/ACK right after the ClientHello; every packet from $SRV has TTL 64 from one TCP stack, so the client side alone cannot tell the TCP-terminating proxy (the truth here) from the server; the server-side capture shows the proxy's own connection to the server, no ClientHello, no RST from the server and a RST to the server"
	PCAP=$WORK/$SC-server.pcap
	need "$(fx "tcp.flags.reset==1 && ip.src==$ROUTER_IP2")" "RST from the proxy to the server in the server-side capture"
	srv=$(fx "tcp.flags.reset==1 && $S_FROM_SRV")
	[ -z "$srv" ] || need "" "no RST from the server in the server-side capture"
	PCAP=$WORK/$SC.pcap
	need_streams 1
	write_results $SC "reset-tls-proxy made again (xrdp 0.9.21 security_layer=tls behind peers.py proxy 3390 reset-tls in the router); xfreerdp /v:$SRV /u:$NLA_USER /p:*** /sec:tls /cert:ignore; captured on the client's and the server's veth (reset-tls-proxy-both-server.pcap)" \
		"$(client_said $SC 'ERRCONNECT' 1)"
	write_server_side $SC
}

sc_reset_tls_nft_ttl63() {
	begin reset-tls-nft-ttl63
	start_xrdp $SC security_layer=tls
	# The reject of reset-tls-nft, and the router's own RSTs sent with the TTL the server's
	# packets arrive with (63), as middleboxes that copy the server's TTL do.
	nft_router "chain rdptfwd { type filter hook forward priority 0; policy accept;
		tcp dport 3389 @ih,0,8 0x16 @ih,40,8 0x01 reject with tcp reset; }
	chain rdptout { type filter hook output priority 0; policy accept;
		ip saddr $SRV tcp flags & rst == rst ip ttl set 63; }"
	capture_server_start $SC
	capture_start $SC
	run_client $SC 10 "${XF_CRED[@]}" /sec:tls /cert:ignore
	capture_stop
	capture_server_stop
	stop_servers
	local ch rst
	ch=$(ft "tls.handshake.type==1")
	rst=$(fx "tcp.flags.reset==1 && $S_FROM_SRV && ip.ttl==63 && ip.id==0")
	need "$rst" "RST with TTL 63 and IP ID 0"
	need "$(fx "$S_FROM_SRV && tcp.len>0 && ip.id!=0")" "server packets with a non-zero IP ID"
	conn 1 tls reset_by_server low "$(join "$ch" "$rst")" \
		"RST right after the ClientHello with the server's TTL 63; only its IP ID 0 (the server numbers its packets) points to the router that forged it, which a Linux server's socketless RST shares, so the client side alone cannot decide; the server-side capture shows no ClientHello and no RST from the server"
	PCAP=$WORK/$SC-server.pcap
	[ -z "$(fx "tcp.flags.reset==1")" ] || need "" "no RST at all in the server-side capture"
	PCAP=$WORK/$SC.pcap
	need_streams 1
	write_results $SC "xrdp 0.9.21 security_layer=tls; nftables in the router: the reject of reset-tls-nft plus an output rule ip saddr $SRV tcp flags & rst == rst ip ttl set 63 (the forged RST copies the server's TTL); xfreerdp /v:$SRV /u:$NLA_USER /p:*** /sec:tls /cert:ignore; captured on the client's and the server's veth (reset-tls-nft-ttl63-server.pcap)" \
		"$(client_said $SC 'ERRCONNECT' 1)"
	write_server_side $SC
}

# ---------------------------------------------------------------- redirection (issue 7)
# No peer in the lab sends a Server Redirection PDU (an RD Connection Broker does; FreeRDP 2's
# servers never call freerdp_peer_send_server_redirection_pdu), so a scripted broker
# (lab/broker.py, Python's ssl module) takes the client through the connection sequence over TLS
# up to licensing (STATUS_VALID_CLIENT) and then sends the Enhanced Security Server Redirection
# PDU (MS-RDPBCGR 2.2.13.3.1) naming a second address of the server namespace, where xrdp
# listens. The real xfreerdp following it to the real xrdp is the proof that the bytes are right;
# its debug log of the fields it read (core.redirection) is the ground truth quoted in the
# .expect. The redirection is only readable with the TLS secrets, and e2e runs without a key
# log: the sample is a pcapng with the client's secrets injected (editcap --inject-secrets, a
# Decryption Secrets Block, as in the awakecoding captures), redirected.pcapng; the .keys file
# holds the same secrets.
REDIR_TARGET=10.33.2.3
sc_redirected() {
	begin redirected
	ip -n $NS_S addr add $REDIR_TARGET/24 dev $IF_S || die "cannot add $REDIR_TARGET"
	start_xrdp $SC security_layer=tls "ssl_protocols=TLSv1.2, TLSv1.3" "port=tcp://$REDIR_TARGET:3389"
	bg $NS_S "$WORK/$SC.broker.out" python3 "$LABDIR/broker.py" $SRV 3389 "$WORK/pki/good.pem" \
		"$WORK/pki/good.key" $REDIR_TARGET
	SERVER_PIDS+=("$LASTPID")
	local ok=0
	for _ in $(seq 50); do
		ip netns exec $NS_S ss -Hltn "src $SRV and sport = :3389" | grep -q . && { ok=1; break; }
		sleep 0.1
	done
	[ $ok = 1 ] || die "broker did not listen (see $WORK/$SC.broker.out)"
	capture_start $SC
	# WLog's file appender: its debug lines reach the disk even when the lab stops the client
	# (the console appender's stdout buffer is lost with it).
	CLIENT_ENV=(WLOG_APPENDER=FILE "WLOG_FILEAPPENDER_OUTPUT_FILE_PATH=$WORK"
		"WLOG_FILEAPPENDER_OUTPUT_FILE_NAME=$SC.wlog")
	run_client $SC 6 /sec:tls /cert:ignore /log-filters:com.freerdp.core.redirection:DEBUG
	[ -s "$WORK/$SC.wlog" ] && cat "$WORK/$SC.wlog" >>"$WORK/$SC.client.log"
	capture_stop
	stop_servers
	ip -n $NS_S addr del $REDIR_TARGET/24 dev $IF_S
	local s1 s2 cc1 lic redir fin1 cc2 sh2 fm last
	s1=$(streams | sed -n 1p)
	s2=$(streams | sed -n 2p)
	cc1=$(fx "tcp.stream==$s1 && $S_CC && rdp.negReq.selectedProtocol==1")
	lic=$(ft "tcp.stream==$s1 && rdp.errorCode==7")
	redir=$(ft "tcp.stream==$s1 && $S_FROM_SRV && rdp.pduType.type==0xa")
	fin1=$(first "$(fx "tcp.stream==$s1 && tcp.flags.fin==1 && $S_FROM_CLI")")
	need "$redir" "Server Redirection PDU in conn 1 (decrypted)"
	need "$(fx "tcp.stream==$s2 && $S_SYN && ip.dst==$REDIR_TARGET")" "conn 2 to $REDIR_TARGET"
	need "$(grep -F "connecting to peer $REDIR_TARGET" "$WORK/$SC.client.log")" \
		"the client's log line about connecting to $REDIR_TARGET"
	conn 1 activation redirected high "$(join "$cc1" "$lic" "$redir" "$fin1")" \
		"TLS; licensing done (STATUS_VALID_CLIENT), then instead of a Demand Active a Server Redirection PDU: SessionID 7, TargetNetAddress $REDIR_TARGET, UserName alice, Domain $NLA_DOMAIN, TargetNetBiosName RDSH-LAB2, TargetNetAddresses [$REDIR_TARGET]; the client closes and connects there"
	cc2=$(fx "tcp.stream==$s2 && $S_CC && rdp.negReq.selectedProtocol==1")
	sh2=$(ft "tcp.stream==$s2 && tls.handshake.type==2")
	fm=$(ft "tcp.stream==$s2 && rdp.pduType2==0x28")
	last=$(last "$(ft "tcp.stream==$s2 && ip.src==$REDIR_TARGET && tls.app_data")")
	need "$lic" "licensing STATUS_VALID_CLIENT in conn 1"
	need "$fm" "FontMap in conn 2 (decrypted)"
	conn 2 none success high "$(join "$cc2" "$sh2" "$fm" "$last")" \
		"the redirected connection to xrdp at $REDIR_TARGET: TLS, connection finalization (FontMap), xrdp login screen; the client ended it when the lab stopped it"
	need_streams 2
	# The sample carries its secrets (a Decryption Secrets Block), so that e2e sees the
	# redirection without a key log.
	editcap --inject-secrets "tls,$WORK/$SC.keys" "$PCAP" "$WORK/$SC.pcapng" ||
		need "" "editcap --inject-secrets"
	local plain=$PCAP
	PCAP=$WORK/$SC.pcapng
	write_results $SC "python3 samples/lab/broker.py (a scripted broker: X.224 selects SSL, TLS, MCS/GCC, channel joins, licensing STATUS_VALID_CLIENT, then the Enhanced Security Server Redirection PDU to $REDIR_TARGET) on $SRV; xrdp 0.9.21 security_layer=tls on $REDIR_TARGET; xfreerdp /v:$SRV /sec:tls /cert:ignore /log-filters:com.freerdp.core.redirection:DEBUG, stopped after 6 s; secrets injected with editcap --inject-secrets (redirected.pcapng)" \
		"$(client_said $SC 'redirection\] - (flags:|TargetNetBiosName|TargetNetAddresses\[0\])|connecting to peer' 5)"
	PCAP=$plain
	# write_results stores every capture as NAME.pcap; this one is a pcapng with secrets.
	if [ "$CHECK_OK" = 1 ]; then
		mv -f "$SAMPLES/$SC.pcap" "$SAMPLES/$SC.pcapng"
	fi
}
