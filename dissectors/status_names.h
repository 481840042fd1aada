/* status_names.h - names, one-line meanings and (for the codes users meet)
 * remedies of the status codes an RDP server sends inside TLS:
 *  - NTSTATUS values in a CredSSP TSRequest errorCode ([MS-CSSP] 2.2.1,
 *    values from [MS-ERREF] 2.3.1);
 *  - SSPI HRESULTs (SEC_E_*) in the same field ([MS-ERREF] 2.1.1);
 *  - Set Error Info PDU errorInfo codes (MS-RDPBCGR 2.2.5.1.1; names as in
 *    FreeRDP include/freerdp/error.h), licensing range 0x100-0x10A included;
 *  - licensing error codes and state transitions of LICENSE_ERROR_MESSAGE
 *    (MS-RDPBCGR 2.2.1.12.1.3, [MS-RDPELE]);
 *  - Server Status Info codes (MS-RDPBCGR 2.2.5.2);
 *  - Early User Authorization Result (MS-RDPBCGR 2.2.10.2).
 *
 * Lookups never fail: an unknown code gives NULL and the caller prints the
 * number (status_str does both). Returned strings are static.
 */
#ifndef RDPT_STATUS_NAMES_H
#define RDPT_STATUS_NAMES_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint32_t code;
    const char *name;     /* "STATUS_LOGON_FAILURE" */
    const char *meaning;  /* one line: what the server is saying */
    const char *remedy;   /* what to check or change; NULL when there is nothing to do */
} status_name;

const status_name *status_ntstatus(uint32_t code);
const status_name *status_hresult(uint32_t code);
/* A CredSSP errorCode: NTSTATUS or HRESULT, whichever table knows it. */
const status_name *status_credssp_error(uint32_t code);
/* "NTSTATUS" (severity bits 11 with the customer bit clear, or a known
 * NTSTATUS), "HRESULT" (severity bit set, 0x8xxxxxxx) or "code". */
const char *status_credssp_error_kind(uint32_t code);

const status_name *status_errinfo(uint32_t code);
/* A category for an ERRINFO code: "success", "disconnect", "server",
 * "licensing", "broker", "protocol", "security" or "unknown". */
const char *status_errinfo_category(uint32_t code);
/* Whether the ERRINFO code reports a normal end (logoff, disconnect by the
 * user or an administrator, idle limits) rather than a refusal or error. */
int status_errinfo_is_informational(uint32_t code);

const status_name *status_license_error(uint32_t code);
const char *status_license_state_transition_name(uint32_t code);
const status_name *status_server_status(uint32_t code);
const status_name *status_early_user_auth(uint32_t code);

/* "NAME (0xXXXXXXXX)" or "0xXXXXXXXX". */
void status_str(const status_name *s, uint32_t code, char *buf, size_t buflen);

#endif
