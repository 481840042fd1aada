/* verdict.c - the verdict vocabulary (../shared/VERDICTS.md) and, beside
 * each cause, its plain-words title and its remedy. Reports look these up;
 * rules may add specifics in the verdict's summary and evidence. */
#include "verdict.h"
#include "textfmt.h"

#include <stdarg.h>
#include <stdio.h>

static const char *const phase_names[PHASE_COUNT] = {
    "tcp", "x224", "tls", "nla", "mcs", "security", "licensing", "activation", "session", "none",
};

static const char *const phase_titles[PHASE_COUNT] = {
    "TCP connection set-up",
    "RDP security negotiation (X.224)",
    "TLS handshake",
    "Network Level Authentication (CredSSP)",
    "MCS/GCC connection set-up",
    "RDP security exchange and logon information",
    "Licensing",
    "Capability exchange and connection finalization",
    "Active session",
    "Completed",
};

typedef struct {
    const char *name;
    const char *title;
    const char *remedy;
} cause_info;

/* Causes per VERDICTS.md; `malformed` is an extension for a negotiation that
 * cannot be parsed (rdp-invalid-length.pcap), which no listed cause fits. */
static const cause_info causes[CAUSE_COUNT] = {
    [CAUSE_SUCCESS] = { "success", "The connection succeeded",
        "Nothing to change for this connection." },
    [CAUSE_NO_ANSWER] = { "no_answer", "Nothing answered the connection attempt",
        "Check that the server is up and reachable, that Remote Desktop is enabled and listening "
        "on this port (netstat -an | findstr 3389 on the server), and that no firewall between the "
        "client and the server (Windows Defender Firewall rule \"Remote Desktop - User Mode (TCP-In)\", "
        "network firewalls, security groups) silently drops TCP to this port." },
    [CAUSE_REFUSED] = { "refused", "The connection was refused",
        "Nothing accepted the connection on this port, or a firewall rejected it. On the server, "
        "check that Remote Desktop is enabled and the TermService service runs and listens on this "
        "port (netstat -an | findstr 3389; the port is in HKLM\\SYSTEM\\CurrentControlSet\\Control\\"
        "Terminal Server\\WinStations\\RDP-Tcp\\PortNumber). If an ICMP message or a different TTL "
        "shows a device on the path, check that device's rules." },
    [CAUSE_RESET_INJECTED] = { "reset_injected", "A device on the path reset the connection",
        "The reset did not come from the server. Look at endpoint-security products on both "
        "machines (exclusions for mstsc.exe and TCP 3389), IPS signatures for RDP (rules for "
        "CVE-2019-0708 are a known source), TLS-inspection policies and the firewalls between them." },
    [CAUSE_RESET_BY_SERVER] = { "reset_by_server", "The server reset the connection",
        "Look at the server's event logs at that time (System log: Schannel events 36874/36888; "
        "Applications and Services Logs > Microsoft > Windows > TerminalServices-* and RemoteDesktopServices-*). "
        "If the server cannot have sent it, capture on the server side too to rule out a device on the path." },
    [CAUSE_RESET_BY_CLIENT] = { "reset_by_client", "The client reset the connection",
        "The client aborted the connection. The client's own error message or log says why "
        "(certificate prompt cancelled, credentials, a timeout); check it at the time shown." },
    [CAUSE_CLOSED_BY_SERVER] = { "closed_by_server", "The server closed the connection",
        "The server ended the connection without saying why on the wire. Check the server's "
        "TerminalServices and Schannel event logs at that time." },
    [CAUSE_CLOSED_BY_CLIENT] = { "closed_by_client", "The client closed the connection",
        "The client ended the connection. Its own error message or log says why; check it at the "
        "time shown." },
    [CAUSE_SERVER_SILENT] = { "server_silent", "The server stopped answering",
        "The server accepted the connection but did not answer the client's last message. Check "
        "that the Remote Desktop service on the server is healthy (restart the TermService "
        "service), that the port really belongs to Remote Desktop, and that nothing on the path "
        "holds the traffic (a proxy or load balancer)." },
    [CAUSE_SSL_REQUIRED_BY_SERVER] = { "ssl_required_by_server",
        "The server requires TLS, the client offered only Standard RDP Security",
        "Let the client use TLS (mstsc does by default; for other clients enable TLS/NLA), or on "
        "the server set \"Require use of specific security layer for remote (RDP) connections\" to "
        "Negotiate (Group Policy: Computer Configuration > Administrative Templates > Windows "
        "Components > Remote Desktop Services > Remote Desktop Session Host > Security)." },
    [CAUSE_SSL_NOT_ALLOWED_BY_SERVER] = { "ssl_not_allowed_by_server",
        "The server allows only Standard RDP Security, the client asked for TLS",
        "The server is set to the RDP security layer only. Prefer enabling TLS on the server (set "
        "the security layer to Negotiate or SSL in the policy above and give it a certificate); "
        "clients that retry with Standard RDP Security will connect meanwhile, with weaker security." },
    [CAUSE_SSL_CERT_NOT_ON_SERVER] = { "ssl_cert_not_on_server",
        "The server has no usable certificate for TLS",
        "Give the Remote Desktop listener a valid certificate (Remote Desktop certificate in the "
        "computer's Remote Desktop store, or the SSLCertificateSHA1Hash setting), then restart the "
        "Remote Desktop Services service." },
    [CAUSE_INCONSISTENT_FLAGS] = { "inconsistent_flags",
        "The server rejected the client's security request as inconsistent",
        "The client offered an invalid combination of security protocols (for example enhanced "
        "NLA without NLA). Update or reconfigure the client." },
    [CAUSE_HYBRID_REQUIRED_BY_SERVER] = { "hybrid_required_by_server",
        "The server requires Network Level Authentication, the client did not offer it",
        "Enable NLA (CredSSP) on the client (mstsc does by default; for FreeRDP use /sec:nla; "
        "check that CredSSP is not disabled by policy), or, if appropriate, turn off \"Require user "
        "authentication for remote connections by using Network Level Authentication\" on the server." },
    [CAUSE_SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER] = { "ssl_with_user_auth_required_by_server",
        "The server requires TLS with a client certificate",
        "The server demands client-certificate authentication; give the client a certificate the "
        "server accepts, or relax the server's requirement." },
    [CAUSE_PROTOCOL_MISMATCH] = { "protocol_mismatch",
        "The server chose a security protocol the client did not offer",
        "Client and server disagree on the security layer. Align the server's security-layer "
        "policy with what the client offers; a server answering without negotiation is very old "
        "or not a Windows RDP server." },
    [CAUSE_NOT_RDP] = { "not_rdp", "The service on this port is not Remote Desktop",
        "Something other than Remote Desktop answers on this port. Check the port the client uses "
        "and what listens there on the server (netstat -abn), and port forwardings on the path." },
    [CAUSE_MALFORMED] = { "malformed", "The RDP negotiation was malformed",
        "One end sent a negotiation that does not follow the protocol. Update the sending "
        "software; if the bytes look random, something else is speaking on this port." },
    [CAUSE_VERSION_MISMATCH] = { "version_mismatch", "Client and server share no TLS version",
        "Enable TLS 1.2 on the server (Schannel registry keys under HKLM\\SYSTEM\\CurrentControlSet\\"
        "Control\\SecurityProviders\\SCHANNEL\\Protocols, and the TLS 1.2 update on Server 2008 R2) "
        "or allow the client's TLS versions." },
    [CAUSE_CIPHER_MISMATCH] = { "cipher_mismatch", "Client and server share no TLS cipher suite",
        "Align the cipher suites: on the server, the SSL Cipher Suite Order policy (Computer "
        "Configuration > Administrative Templates > Network > SSL Configuration Settings) or "
        "Enable-TlsCipherSuite; on hardened clients, their allowed suites." },
    [CAUSE_CERT_REJECTED] = { "cert_rejected", "The client refused the server's certificate",
        "Renew or replace the Remote Desktop certificate on the server (a certificate the client "
        "trusts, valid now, whose name matches the name the client connects to), then restart the "
        "Remote Desktop Services service; or make the client trust the server's certificate." },
    [CAUSE_TLS_ALERT] = { "tls_alert", "The TLS handshake failed with an alert",
        "Look up the alert in the detail; the sender's Schannel event (36888 on Windows) names it too." },
    [CAUSE_AUTH_FAILED] = { "auth_failed", "The credentials were refused",
        "Check the user name, password and account state (locked, expired, disabled, logon hours, "
        "Protected Users), and that the user may log on through Remote Desktop Services." },
    [CAUSE_ENCRYPTION_MISMATCH] = { "encryption_mismatch",
        "Client and server share no RDP encryption method",
        "Align the RDP encryption level (server policy \"Set client connection encryption level\"; "
        "FIPS mode on either end)." },
    [CAUSE_SERVER_DENIED] = { "server_denied", "The server denied the connection",
        "The server refused the session after the handshakes; the detail gives its reason. Check "
        "the user's right to log on through Remote Desktop Services and the server's session limits." },
    [CAUSE_LICENSING_ERROR] = { "licensing_error", "Remote Desktop licensing failed",
        "Check the RD Licensing configuration of the server (licensing mode, license server "
        "reachable, CALs available)." },
    [CAUSE_REDIRECTED] = { "redirected", "The server redirected the client elsewhere",
        "The connection was redirected (RD Connection Broker); look at the target named in the "
        "detail and at that host." },
    [CAUSE_CAPTURE_INCOMPLETE] = { "capture_incomplete",
        "The capture does not show how the connection ended",
        "The capture starts after the connection began or ends before its outcome. Capture again "
        "from before the client connects until after the error appears." },
};

const char *verdict_phase_name(verdict_phase p)
{
    return (unsigned)p < PHASE_COUNT ? phase_names[p] : "none";
}

const char *verdict_phase_title(verdict_phase p)
{
    return (unsigned)p < PHASE_COUNT ? phase_titles[p] : "Unknown";
}

const char *verdict_cause_name(verdict_cause c)
{
    return (unsigned)c < CAUSE_COUNT ? causes[c].name : "capture_incomplete";
}

const char *verdict_cause_title(verdict_cause c)
{
    return (unsigned)c < CAUSE_COUNT ? causes[c].title : "Unknown";
}

const char *verdict_cause_remedy(verdict_cause c)
{
    return (unsigned)c < CAUSE_COUNT ? causes[c].remedy : "";
}

const char *verdict_confidence_name(verdict_confidence c)
{
    switch (c) {
    case CONF_HIGH: return "high";
    case CONF_MEDIUM: return "medium";
    default: return "low";
    }
}

int verdict_is_failure(const verdict *v) { return v->cause != CAUSE_SUCCESS; }

void verdict_reset(verdict *v)
{
    v->phase = PHASE_TCP;
    v->cause = CAUSE_SUCCESS;
    v->confidence = CONF_HIGH;
    v->detail[0] = v->summary[0] = v->not_examined[0] = '\0';
    v->rule = NULL;
    v->key = (pkt_ref){ 0, { 0, 0 } };
    v->n_evidence = 0;
}

static bool evidence_text = true;

void verdict_set_evidence_text(bool on)
{
    evidence_text = on;
}

void verdict_add_evidence(verdict *v, const pkt_ref *ref, const char *fmt, ...)
{
    if (v->n_evidence >= VERDICT_MAX_EVIDENCE)
        return;
    verdict_evidence *e = &v->evidence[v->n_evidence++];
    e->ref = ref ? *ref : (pkt_ref){ 0, { 0, 0 } };
    if (!evidence_text) {
        e->text[0] = '\0';
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    int n = text_vfmt(e->text, sizeof e->text, fmt, ap);
    va_end(ap);
    if (n < 0)
        e->text[0] = '\0';
}
