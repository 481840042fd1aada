/* status_names.c - see status_names.h. */
#include "status_names.h"

#include <stdio.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const status_name *find(const status_name *t, size_t n, uint32_t code)
{
    for (size_t i = 0; i < n; i++)
        if (t[i].code == code)
            return &t[i];
    return NULL;
}

/* NTSTATUS values a server puts in the TSRequest errorCode ([MS-ERREF]
 * 2.3.1; the list FreeRDP's nla.c maps, PROTOCOL-FACTS d.9). */
static const status_name ntstatus[] = {
    { 0x00000000, "STATUS_SUCCESS", "success", NULL },
    { 0xC0000022, "STATUS_ACCESS_DENIED", "access denied",
      "The account is not allowed to log on to this server: check its membership of Remote "
      "Desktop Users (or Administrators) and the server's access policy." },
    { 0xC000005E, "STATUS_NO_LOGON_SERVERS", "no domain controller was available to check the logon",
      "The server cannot reach a domain controller: check its DNS settings, its network path to "
      "the DCs and the DCs themselves." },
    { 0xC0000064, "STATUS_NO_SUCH_USER", "the user name does not exist",
      "Check the user name and the domain (a local account needs the server's name or '.' as "
      "the domain)." },
    { 0xC000006A, "STATUS_WRONG_PASSWORD", "the password is wrong",
      "Re-enter the password; clear stale credentials saved in the client." },
    { 0xC000006D, "STATUS_LOGON_FAILURE", "the user name or password is incorrect",
      "Check the user name, domain and password (and saved credentials in the client); for a "
      "local account use SERVER\\user." },
    { 0xC000006E, "STATUS_ACCOUNT_RESTRICTION",
      "account restrictions prevent this logon (Protected Users, blank password, or a logon "
      "restriction)",
      "Protected Users cannot use NTLM: connect by the server's DNS name with a reachable KDC so "
      "Kerberos is used. Blank passwords cannot log on over the network. Check the account's "
      "logon restrictions." },
    { 0xC000006F, "STATUS_INVALID_LOGON_HOURS", "the account may not log on at this time",
      "The account's logon hours exclude now: change them in the directory." },
    { 0xC0000070, "STATUS_INVALID_WORKSTATION", "the account may not log on from this workstation",
      "The account's 'Log On To' list excludes the server: add it or clear the restriction." },
    { 0xC0000071, "STATUS_PASSWORD_EXPIRED", "the password has expired",
      "Change the password (NLA cannot change it during logon): use another session, a "
      "password-change portal, or have an administrator reset it." },
    { 0xC0000072, "STATUS_ACCOUNT_DISABLED", "the account is disabled",
      "Enable the account in the directory (or use another one)." },
    { 0xC0000133, "STATUS_TIME_DIFFERENCE_AT_DC", "the clocks of the server and the domain controller differ too much",
      "Synchronize the clocks (Kerberos allows 5 minutes by default)." },
    { 0xC000015B, "STATUS_LOGON_TYPE_NOT_GRANTED",
      "the user has not been granted the right to log on through Remote Desktop Services",
      "Add the user to Remote Desktop Users or grant 'Allow log on through Remote Desktop "
      "Services'; check that 'Deny log on through Remote Desktop Services' does not apply." },
    { 0xC000018D, "STATUS_TRUSTED_RELATIONSHIP_FAILURE", "the trust between the server and the domain failed",
      "Repair the server's domain membership (Test-ComputerSecureChannel -Repair, or rejoin)." },
    { 0xC0000193, "STATUS_ACCOUNT_EXPIRED", "the account has expired",
      "Extend the account's expiry date in the directory." },
    { 0xC0000224, "STATUS_PASSWORD_MUST_CHANGE", "the password must be changed before the first logon",
      "Change the password first (NLA cannot do it during logon), or clear 'User must change "
      "password at next logon'." },
    { 0xC0000234, "STATUS_ACCOUNT_LOCKED_OUT", "the account is locked out after too many failed logons",
      "Wait for the lockout to expire or have an administrator unlock it; find what keeps "
      "sending a wrong password (saved credentials, a mapped drive, a service)." },
    { 0xC00002FA, "STATUS_SMARTCARD_LOGON_REQUIRED", "the account must log on with a smart card",
      "Log on with the smart card (the account has 'Smart card is required for interactive "
      "logon')." },
    { 0xC0000388, "STATUS_DOWNGRADE_DETECTED", "a security downgrade was detected",
      "Something between client and server altered the negotiation; check for TLS-inspecting "
      "middleboxes and mismatched authentication policies." },
    { 0xC0000413, "STATUS_AUTHENTICATION_FIREWALL_FAILED",
      "the account is not allowed to authenticate to this server across a trust (selective authentication)",
      "Grant the user 'Allowed to authenticate' on the server's computer object in the trusting "
      "domain." },
};

/* SSPI HRESULTs ([MS-ERREF] 2.1.1; winerror.h). */
static const status_name hresults[] = {
    { 0x80090301, "SEC_E_INVALID_HANDLE", "the security handle is invalid", NULL },
    { 0x80090302, "SEC_E_UNSUPPORTED_FUNCTION", "the requested security function is not supported",
      "NTLM may be disabled by policy ('Restrict NTLM'), or Restricted Admin / Remote "
      "Credential Guard was asked for, which need Kerberos: connect by the server's DNS name "
      "with a reachable KDC, or change the policy." },
    { 0x80090303, "SEC_E_TARGET_UNKNOWN", "the target (service principal) is unknown",
      "Connect by the server's registered DNS name; check its TERMSRV SPN." },
    { 0x80090304, "SEC_E_INTERNAL_ERROR", "the Local Security Authority cannot be contacted or failed",
      "Look at the server's System and Security event logs (LSA, SChannel) for the cause." },
    { 0x80090305, "SEC_E_SECPKG_NOT_FOUND", "the requested security package does not exist", NULL },
    { 0x80090308, "SEC_E_INVALID_TOKEN", "the token supplied to the function is invalid",
      "The peers disagree on the CredSSP/SPNEGO exchange: update both sides (CredSSP version)." },
    { 0x8009030C, "SEC_E_LOGON_DENIED", "the logon attempt failed",
      "Check the user name, domain and password." },
    { 0x8009030D, "SEC_E_UNKNOWN_CREDENTIALS", "the credentials supplied to the package were not recognized",
      "Check the user name format (DOMAIN\\user or user@domain)." },
    { 0x8009030E, "SEC_E_NO_CREDENTIALS", "no credentials are available in the security package",
      "Supply credentials explicitly (saved or delegated credentials are missing or not allowed "
      "by policy)." },
    { 0x8009030F, "SEC_E_MESSAGE_ALTERED", "the message or signature supplied for verification has been altered",
      "With NTLM this usually means the password was wrong (the session keys differ); check "
      "the credentials." },
    { 0x80090311, "SEC_E_NO_AUTHENTICATING_AUTHORITY", "no authority could be contacted for authentication",
      "No domain controller (KDC) could be reached: check DNS and the path to the DCs, or "
      "configure a KDC proxy." },
    { 0x80090322, "SEC_E_WRONG_PRINCIPAL", "the target principal name is incorrect",
      "Connect by the name the server's Kerberos SPN is registered for (not an IP address or "
      "alias), or register the alias." },
    { 0x80090324, "SEC_E_TIME_SKEW", "the clocks of client and server differ too much",
      "Synchronize the clocks (Kerberos allows 5 minutes by default)." },
    { 0x80090325, "SEC_E_UNTRUSTED_ROOT", "the certificate chain was issued by an untrusted authority",
      "Trust the issuing CA on the verifying side or use a certificate from a trusted CA." },
    { 0x80090326, "SEC_E_ILLEGAL_MESSAGE", "the message received was unexpected or badly formatted",
      "A protocol mismatch between the peers (TLS or CredSSP); compare their versions and "
      "settings." },
    { 0x80090328, "SEC_E_CERT_EXPIRED", "the certificate has expired", "Renew the certificate." },
    { 0x80090331, "SEC_E_ALGORITHM_MISMATCH", "the client and server have no common algorithm",
      "Enable a common TLS version and cipher suite on both sides." },
    { 0x80090346, "SEC_E_BAD_BINDINGS", "the client's channel bindings do not match",
      "A TLS-intercepting middlebox between client and server breaks channel binding." },
    { 0x80090350, "SEC_E_DOWNGRADE_DETECTED", "a security downgrade was detected",
      "Something altered the negotiation; check for middleboxes and mismatched policies." },
};

const status_name *status_ntstatus(uint32_t code)
{
    return find(ntstatus, N(ntstatus), code);
}

const status_name *status_hresult(uint32_t code)
{
    return find(hresults, N(hresults), code);
}

const status_name *status_credssp_error(uint32_t code)
{
    const status_name *s = status_ntstatus(code);
    return s ? s : status_hresult(code);
}

const char *status_credssp_error_kind(uint32_t code)
{
    /* NTSTATUS: Sev(2) C N Facility Code, errors have Sev = 11 ([MS-ERREF]
     * 2.3); HRESULT: S R C N X Facility Code, failures have S = 1 (2.1). */
    if ((code & 0xC0000000u) == 0xC0000000u || status_ntstatus(code))
        return "NTSTATUS";
    if (code & 0x80000000u)
        return "HRESULT";
    return "code";
}

/* Set Error Info PDU errorInfo (MS-RDPBCGR 2.2.5.1.1; names as in FreeRDP
 * include/freerdp/error.h). */
static const status_name errinfo[] = {
    { 0x00000000, "ERRINFO_SUCCESS", "no error", NULL },
    { 0x00000001, "ERRINFO_RPC_INITIATED_DISCONNECT",
      "an administrative tool on the server disconnected the session", NULL },
    { 0x00000002, "ERRINFO_RPC_INITIATED_LOGOFF",
      "an administrative tool on the server logged the session off", NULL },
    { 0x00000003, "ERRINFO_IDLE_TIMEOUT", "the server's idle session limit was reached",
      "Raise the idle session limit (Group Policy: Session Time Limits) if it is too short." },
    { 0x00000004, "ERRINFO_LOGON_TIMEOUT", "the server's active session limit was reached",
      "Raise the active session limit (Group Policy: Session Time Limits) if it is too short." },
    { 0x00000005, "ERRINFO_DISCONNECTED_BY_OTHER_CONNECTION",
      "another connection took over the session",
      "Another client logged on as the same user; allow more than one session per user if "
      "both are wanted." },
    { 0x00000006, "ERRINFO_OUT_OF_MEMORY", "the server ran out of memory",
      "Free memory on the server or reduce the number of sessions." },
    { 0x00000007, "ERRINFO_SERVER_DENIED_CONNECTION", "the server denied the connection",
      "Check that Remote Desktop is allowed for this user, the server's connection limit (one "
      "session on a workstation; RDS licensing on a server) and its TerminalServices event "
      "logs." },
    { 0x00000009, "ERRINFO_SERVER_INSUFFICIENT_PRIVILEGES",
      "the user does not have the right to log on through Remote Desktop Services",
      "Add the user to Remote Desktop Users or grant 'Allow log on through Remote Desktop "
      "Services'; check 'Deny log on through Remote Desktop Services'." },
    { 0x0000000A, "ERRINFO_SERVER_FRESH_CREDENTIALS_REQUIRED",
      "the server refuses saved credentials and wants them typed",
      "Enter the credentials at the prompt (policy 'Always prompt for password upon connection')." },
    { 0x0000000B, "ERRINFO_RPC_INITIATED_DISCONNECT_BY_USER",
      "the user disconnected the session with an administrative tool (normal end)", NULL },
    { 0x0000000C, "ERRINFO_LOGOFF_BY_USER", "the user logged off (normal end)", NULL },
    { 0x0000000F, "ERRINFO_CLOSE_STACK_ON_DRIVER_NOT_READY", "the server's display driver was not ready",
      "Retry; if it persists, restart the server's Remote Desktop Services." },
    { 0x00000010, "ERRINFO_SERVER_DWM_CRASH", "the Desktop Window Manager crashed on the server",
      "Look at the server's Application event log for the crash." },
    { 0x00000011, "ERRINFO_CLOSE_STACK_ON_DRIVER_FAILURE", "the server's display driver failed to start",
      "Look at the server's event logs; update or reinstall its display drivers." },
    { 0x00000012, "ERRINFO_CLOSE_STACK_ON_DRIVER_IFACE_FAILURE",
      "the server's display driver started but the session stack could not use it",
      "Look at the server's event logs; update its display drivers." },
    { 0x00000017, "ERRINFO_SERVER_WINLOGON_CRASH", "Winlogon crashed on the server",
      "Look at the server's Application event log for the crash." },
    { 0x00000018, "ERRINFO_SERVER_CSRSS_CRASH", "CSRSS crashed on the server",
      "Look at the server's Application event log for the crash." },
    /* Licensing (MS-RDPBCGR 2.2.5.1.1, [MS-RDPELE]). */
    { 0x00000100, "ERRINFO_LICENSE_INTERNAL", "an internal error in the server's licensing protocol",
      "Look at the server's TerminalServices-Licensing events." },
    { 0x00000101, "ERRINFO_LICENSE_NO_LICENSE_SERVER", "no Remote Desktop license server was available",
      "Configure a reachable RD license server for the session host (and check its grace "
      "period)." },
    { 0x00000102, "ERRINFO_LICENSE_NO_LICENSE", "no client access license is available for this client",
      "Install RDS CALs on the license server (or check the licensing mode: per user or per "
      "device)." },
    { 0x00000103, "ERRINFO_LICENSE_BAD_CLIENT_MSG", "the server got an invalid licensing message from the client",
      "Delete the client's stored license (MSLicensing registry key on Windows) and retry." },
    { 0x00000104, "ERRINFO_LICENSE_HWID_DOESNT_MATCH_LICENSE",
      "the client's stored license does not match its hardware ID",
      "Delete the client's stored license and retry." },
    { 0x00000105, "ERRINFO_LICENSE_BAD_CLIENT_LICENSE", "the client's license is invalid",
      "Delete the client's stored license and retry." },
    { 0x00000106, "ERRINFO_LICENSE_CANT_FINISH_PROTOCOL", "the licensing protocol could not complete (network problem)",
      "Retry; check the path between client and server." },
    { 0x00000107, "ERRINFO_LICENSE_CLIENT_ENDED_PROTOCOL", "the client ended the licensing protocol early", NULL },
    { 0x00000108, "ERRINFO_LICENSE_BAD_CLIENT_ENCRYPTION", "a licensing message was incorrectly encrypted",
      "Delete the client's stored license and retry." },
    { 0x00000109, "ERRINFO_LICENSE_CANT_UPGRADE_LICENSE", "the client's license could not be upgraded or renewed",
      "Check the license server's available CALs." },
    { 0x0000010A, "ERRINFO_LICENSE_NO_REMOTE_CONNECTIONS",
      "the remote computer is not licensed to accept remote connections",
      "Activate the RD license server and install CALs, or reduce to the two administrative "
      "sessions." },
    /* Connection broker (MS-RDPBCGR 2.2.5.1.1). */
    { 0x00000400, "ERRINFO_CB_DESTINATION_NOT_FOUND", "the broker found no target endpoint for the session",
      "Check the collection / pool configuration in the Connection Broker." },
    { 0x00000402, "ERRINFO_CB_LOADING_DESTINATION", "the target endpoint disconnected while loading", NULL },
    { 0x00000404, "ERRINFO_CB_REDIRECTING_TO_DESTINATION", "an error occurred while redirecting to the target", NULL },
    { 0x00000405, "ERRINFO_CB_SESSION_ONLINE_VM_WAKE", "the target virtual machine could not be woken", NULL },
    { 0x00000406, "ERRINFO_CB_SESSION_ONLINE_VM_BOOT", "the target virtual machine could not be started", NULL },
    { 0x00000407, "ERRINFO_CB_SESSION_ONLINE_VM_NO_DNS", "the target virtual machine has no IP address in DNS", NULL },
    { 0x00000408, "ERRINFO_CB_DESTINATION_POOL_NOT_FREE", "no free endpoint in the pool", NULL },
    { 0x00000409, "ERRINFO_CB_CONNECTION_CANCELLED", "the connection was cancelled", NULL },
    { 0x00000410, "ERRINFO_CB_CONNECTION_ERROR_INVALID_SETTINGS", "the routing settings in the client's request are invalid", NULL },
    { 0x00000411, "ERRINFO_CB_SESSION_ONLINE_VM_BOOT_TIMEOUT", "the target virtual machine took too long to start", NULL },
    { 0x00000412, "ERRINFO_CB_SESSION_ONLINE_VM_SESSMON_FAILED", "session monitoring failed on the target virtual machine", NULL },
    /* Protocol errors: the server rejected something the client sent. */
    { 0x000010C9, "ERRINFO_UNKNOWN_DATA_PDU_TYPE", "unknown pduType2 in a Share Data Header", NULL },
    { 0x000010CA, "ERRINFO_UNKNOWN_PDU_TYPE", "unknown pduType in a Share Control Header", NULL },
    { 0x000010CB, "ERRINFO_DATA_PDU_SEQUENCE", "a data PDU arrived out of sequence", NULL },
    { 0x000010CD, "ERRINFO_CONTROL_PDU_SEQUENCE", "a Control PDU arrived out of sequence", NULL },
    { 0x000010CE, "ERRINFO_INVALID_CONTROL_PDU_ACTION", "a Control PDU had an invalid action", NULL },
    { 0x000010CF, "ERRINFO_INVALID_INPUT_PDU_TYPE", "an input event had an invalid type", NULL },
    { 0x000010D0, "ERRINFO_INVALID_INPUT_PDU_MOUSE", "a mouse event had invalid flags", NULL },
    { 0x000010D1, "ERRINFO_INVALID_REFRESH_RECT_PDU", "an invalid Refresh Rect PDU", NULL },
    { 0x000010D2, "ERRINFO_CREATE_USER_DATA_FAILED", "the server could not build the GCC Conference Create Response user data", NULL },
    { 0x000010D3, "ERRINFO_CONNECT_FAILED", "connection of the session stack failed on the server",
      "Look at the server's TerminalServices event logs." },
    { 0x000010D4, "ERRINFO_CONFIRM_ACTIVE_HAS_WRONG_SHAREID", "the Confirm Active PDU had the wrong shareId", NULL },
    { 0x000010D5, "ERRINFO_CONFIRM_ACTIVE_HAS_WRONG_ORIGINATOR", "the Confirm Active PDU had the wrong originatorId", NULL },
    { 0x000010DA, "ERRINFO_PERSISTENT_KEY_PDU_BAD_LENGTH", "a Persistent Key List PDU was too short", NULL },
    { 0x000010DB, "ERRINFO_PERSISTENT_KEY_PDU_ILLEGAL_FIRST", "a Persistent Key List PDU was marked first out of order", NULL },
    { 0x000010DC, "ERRINFO_PERSISTENT_KEY_PDU_TOO_MANY_TOTAL_KEYS", "too many persistent cache keys in total", NULL },
    { 0x000010DD, "ERRINFO_PERSISTENT_KEY_PDU_TOO_MANY_CACHE_KEYS", "too many persistent keys for one cache", NULL },
    { 0x000010DE, "ERRINFO_INPUT_PDU_BAD_LENGTH", "an input PDU was too short", NULL },
    { 0x000010DF, "ERRINFO_BITMAP_CACHE_ERROR_PDU_BAD_LENGTH", "a Bitmap Cache Error PDU was too short", NULL },
    { 0x000010E0, "ERRINFO_SECURITY_DATA_TOO_SHORT", "the client's security data was too short", NULL },
    { 0x000010E1, "ERRINFO_VCHANNEL_DATA_TOO_SHORT", "virtual channel data was too short", NULL },
    { 0x000010E2, "ERRINFO_SHARE_DATA_TOO_SHORT", "share data was too short", NULL },
    { 0x000010E3, "ERRINFO_BAD_SUPPRESS_OUTPUT_PDU", "an invalid Suppress Output PDU", NULL },
    { 0x000010E5, "ERRINFO_CONFIRM_ACTIVE_PDU_TOO_SHORT", "the Confirm Active PDU was too short", NULL },
    { 0x000010E7, "ERRINFO_CAPABILITY_SET_TOO_SMALL", "a capability set was too small", NULL },
    { 0x000010E8, "ERRINFO_CAPABILITY_SET_TOO_LARGE", "a capability set was too large", NULL },
    { 0x000010E9, "ERRINFO_NO_CURSOR_CACHE", "the client supports neither cursor cache size", NULL },
    { 0x000010EA, "ERRINFO_BAD_CAPABILITIES", "the client's capabilities were rejected", NULL },
    { 0x000010EC, "ERRINFO_VIRTUAL_CHANNEL_DECOMPRESSION", "virtual channel data could not be decompressed", NULL },
    { 0x000010ED, "ERRINFO_INVALID_VC_COMPRESSION_TYPE", "an invalid virtual channel compression type", NULL },
    { 0x000010EF, "ERRINFO_INVALID_CHANNEL_ID", "an invalid channel ID", NULL },
    { 0x000010F0, "ERRINFO_VCHANNELS_TOO_MANY", "the client requested too many static virtual channels",
      "Disable some redirections (drives, printers, clipboard, ...) in the client." },
    { 0x000010F3, "ERRINFO_REMOTEAPP_NOT_ENABLED", "RemoteApp is not enabled on the server", NULL },
    { 0x000010F4, "ERRINFO_CACHE_CAP_NOT_SET", "the client sent no Bitmap Cache capability set", NULL },
    { 0x000010F5, "ERRINFO_BITMAP_CACHE_ERROR_PDU_BAD_LENGTH2", "a Bitmap Cache Error PDU had a bad length", NULL },
    { 0x000010F6, "ERRINFO_OFFSCREEN_CACHE_ERROR_PDU_BAD_LENGTH", "an Offscreen Cache Error PDU had a bad length", NULL },
    { 0x000010F7, "ERRINFO_DRAWNINEGRID_CACHE_ERROR_PDU_BAD_LENGTH", "a DrawNineGrid Cache Error PDU had a bad length", NULL },
    { 0x000010F8, "ERRINFO_GDIPLUS_PDU_BAD_LENGTH", "a GDI+ Error PDU had a bad length", NULL },
    { 0x00001129, "ERRINFO_BAD_MONITOR_DATA", "the client's monitor layout data was invalid", NULL },
    { 0x0000112A, "ERRINFO_VC_DECOMPRESSED_REASSEMBLE_FAILED", "reassembly of decompressed virtual channel data failed", NULL },
    { 0x0000112B, "ERRINFO_VC_DATA_TOO_LONG", "virtual channel data was too long", NULL },
    { 0x0000112C, "ERRINFO_BAD_FRAME_ACK_DATA", "invalid frame acknowledgement data", NULL },
    { 0x0000112D, "ERRINFO_GRAPHICS_MODE_NOT_SUPPORTED", "the requested graphics mode is not supported",
      "Lower the colour depth or resolution in the client." },
    { 0x0000112E, "ERRINFO_GRAPHICS_SUBSYSTEM_RESET_FAILED", "the server's graphics subsystem could not be reset", NULL },
    { 0x0000112F, "ERRINFO_GRAPHICS_SUBSYSTEM_FAILED", "the server's graphics subsystem failed", NULL },
    { 0x00001130, "ERRINFO_TIMEZONE_KEY_NAME_LENGTH_TOO_SHORT", "the time zone key name was too short", NULL },
    { 0x00001131, "ERRINFO_TIMEZONE_KEY_NAME_LENGTH_TOO_LONG", "the time zone key name was too long", NULL },
    { 0x00001132, "ERRINFO_DYNAMIC_DST_DISABLED_FIELD_MISSING", "the dynamic DST disabled field was missing", NULL },
    { 0x00001133, "ERRINFO_VC_DECODING_ERROR", "virtual channel data could not be decoded", NULL },
    { 0x00001134, "ERRINFO_VIRTUALDESKTOPTOOLARGE", "the requested virtual desktop is too large",
      "Use fewer or smaller monitors in the client." },
    { 0x00001135, "ERRINFO_MONITORGEOMETRYVALIDATIONFAILED", "the monitor layout failed validation", NULL },
    { 0x00001136, "ERRINFO_INVALIDMONITORCOUNT", "too many monitors", "Use fewer monitors in the client." },
    /* Standard RDP Security (MS-RDPBCGR 5.3). */
    { 0x00001191, "ERRINFO_UPDATE_SESSION_KEY_FAILED", "the session key update failed", NULL },
    { 0x00001192, "ERRINFO_DECRYPT_FAILED", "the server could not decrypt the client's data",
      "The peers disagree on Standard RDP Security: use TLS or NLA instead." },
    { 0x00001193, "ERRINFO_ENCRYPT_FAILED", "the server could not encrypt data", NULL },
    { 0x00001194, "ERRINFO_ENCRYPTION_PACKAGE_MISMATCH", "the client's encryption method does not match the server's",
      "Check the server's encryption level (FIPS requires FIPS on the client) or use TLS/NLA." },
    { 0x00001195, "ERRINFO_DECRYPT_FAILED2", "the server could not decrypt the client's data (unencrypted data where encryption was required)", NULL },
    { 0x00001196, "ERRINFO_PEER_DISCONNECTED", "the peer disconnected", NULL },
};

const status_name *status_errinfo(uint32_t code)
{
    return find(errinfo, N(errinfo), code);
}

const char *status_errinfo_category(uint32_t code)
{
    if (code == 0)
        return "success";
    if (code <= 0x0C)
        return code == 0x6 || code == 0x7 || code == 0x9 || code == 0xA ? "server" : "disconnect";
    if (code <= 0xFF)
        return "server";
    if (code <= 0x10A)
        return "licensing";
    if (code >= 0x400 && code <= 0x412)
        return "broker";
    if (code >= 0x10C9 && code <= 0x1136)
        return "protocol";
    if (code >= 0x1191 && code <= 0x1196)
        return "security";
    return "unknown";
}

int status_errinfo_is_informational(uint32_t code)
{
    switch (code) {
    case 0x0: case 0x1: case 0x2: case 0x3: case 0x4: case 0x5: case 0xB: case 0xC:
        return 1;
    default:
        return 0;
    }
}

/* LICENSE_ERROR_MESSAGE dwErrorCode (MS-RDPBCGR 2.2.1.12.1.3). */
static const status_name license_errors[] = {
    { 0x00000001, "ERR_INVALID_SERVER_CERTIFICATE", "the server's licensing certificate is invalid", NULL },
    { 0x00000002, "ERR_NO_LICENSE", "the client has no license", NULL },
    { 0x00000003, "ERR_INVALID_MAC", "a licensing message had a bad MAC", NULL },
    { 0x00000004, "ERR_INVALID_SCOPE", "the license scope is invalid", NULL },
    { 0x00000006, "ERR_NO_LICENSE_SERVER", "no license server is available",
      "Configure a reachable RD license server for the session host." },
    { 0x00000007, "STATUS_VALID_CLIENT", "the client is licensed (the normal end of licensing, not an error)", NULL },
    { 0x00000008, "ERR_INVALID_CLIENT", "the client is invalid", NULL },
    { 0x0000000B, "ERR_INVALID_PRODUCTID", "the product ID is invalid", NULL },
    { 0x0000000C, "ERR_INVALID_MESSAGE_LEN", "a licensing message had an invalid length", NULL },
};

const status_name *status_license_error(uint32_t code)
{
    return find(license_errors, N(license_errors), code);
}

const char *status_license_state_transition_name(uint32_t code)
{
    /* dwStateTransition (MS-RDPBCGR 2.2.1.12.1.3). */
    switch (code) {
    case 1: return "ST_TOTAL_ABORT";
    case 2: return "ST_NO_TRANSITION";
    case 3: return "ST_RESET_PHASE_TO_START";
    case 4: return "ST_RESEND_LAST_MESSAGE";
    default: return NULL;
    }
}

/* Server Status Info PDU statusCode (MS-RDPBCGR 2.2.5.2). */
static const status_name server_status[] = {
    { 0x00000401, "TS_STATUS_FINDING_DESTINATION", "the broker is looking for the destination", NULL },
    { 0x00000402, "TS_STATUS_LOADING_DESTINATION", "the destination is loading", NULL },
    { 0x00000403, "TS_STATUS_BRINGING_SESSION_ONLINE", "the session is being brought online", NULL },
    { 0x00000404, "TS_STATUS_REDIRECTING_TO_DESTINATION", "redirecting to the destination", NULL },
    { 0x00000501, "TS_STATUS_VM_LOADING", "the virtual machine is loading", NULL },
    { 0x00000502, "TS_STATUS_VM_WAKING", "the virtual machine is waking", NULL },
    { 0x00000503, "TS_STATUS_VM_STARTING", "the virtual machine is starting", NULL },
    { 0x00000504, "TS_STATUS_VM_STARTING_MONITORING", "monitoring of the virtual machine is starting", NULL },
    { 0x00000505, "TS_STATUS_VM_RETRYING_MONITORING", "monitoring of the virtual machine is being retried", NULL },
};

const status_name *status_server_status(uint32_t code)
{
    return find(server_status, N(server_status), code);
}

/* Early User Authorization Result PDU authzResult (MS-RDPBCGR 2.2.10.2). */
static const status_name early_user_auth[] = {
    { 0x00000000, "AUTHZ_SUCCESS", "the user is authorized to log on", NULL },
    { 0x00000005, "AUTHZ_ACCESS_DENIED", "the user is not authorized to log on to this server",
      "The credentials were valid but the account may not use Remote Desktop here: add it to "
      "Remote Desktop Users or grant 'Allow log on through Remote Desktop Services'." },
};

const status_name *status_early_user_auth(uint32_t code)
{
    return find(early_user_auth, N(early_user_auth), code);
}

void status_str(const status_name *s, uint32_t code, char *buf, size_t buflen)
{
    if (!buf || buflen == 0)
        return;
    if (s)
        snprintf(buf, buflen, "%s (0x%08X)", s->name, code);
    else
        snprintf(buf, buflen, "0x%08X", code);
}
