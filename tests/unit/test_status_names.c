/* test_status_names.c - the status code tables (status_names.c): NTSTATUS and SSPI
 * HRESULTs of CredSSP, ERRINFO, licensing, Server Status Info, Early User Authorization.
 * Values are those of [MS-ERREF], MS-RDPBCGR 2.2.5.1.1 / 2.2.1.12.1.3 / 2.2.5.2 / 2.2.10.2
 * and FreeRDP include/freerdp/error.h, as listed in PROTOCOL-FACTS d.5-d.9.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "status_names.h"

static void test_ntstatus(void **state)
{
    (void)state;
    /* Every NTSTATUS of PROTOCOL-FACTS d.9. */
    static const struct { uint32_t code; const char *name; } want[] = {
        { 0xC000006D, "STATUS_LOGON_FAILURE" },        { 0xC000006A, "STATUS_WRONG_PASSWORD" },
        { 0xC0000064, "STATUS_NO_SUCH_USER" },         { 0xC000006E, "STATUS_ACCOUNT_RESTRICTION" },
        { 0xC000006F, "STATUS_INVALID_LOGON_HOURS" },  { 0xC0000070, "STATUS_INVALID_WORKSTATION" },
        { 0xC0000071, "STATUS_PASSWORD_EXPIRED" },     { 0xC0000072, "STATUS_ACCOUNT_DISABLED" },
        { 0xC0000193, "STATUS_ACCOUNT_EXPIRED" },      { 0xC0000224, "STATUS_PASSWORD_MUST_CHANGE" },
        { 0xC0000234, "STATUS_ACCOUNT_LOCKED_OUT" },   { 0xC000015B, "STATUS_LOGON_TYPE_NOT_GRANTED" },
        { 0xC0000022, "STATUS_ACCESS_DENIED" },        { 0xC000005E, "STATUS_NO_LOGON_SERVERS" },
        { 0xC0000133, "STATUS_TIME_DIFFERENCE_AT_DC" },
        { 0xC000018D, "STATUS_TRUSTED_RELATIONSHIP_FAILURE" },
        { 0xC00002FA, "STATUS_SMARTCARD_LOGON_REQUIRED" },
        { 0xC0000388, "STATUS_DOWNGRADE_DETECTED" },
        { 0xC0000413, "STATUS_AUTHENTICATION_FIREWALL_FAILED" },
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const status_name *s = status_ntstatus(want[i].code);
        assert_non_null(s);
        assert_string_equal(s->name, want[i].name);
        assert_true(strlen(s->meaning) > 5);
        assert_non_null(s->remedy); /* every failure a user meets says what to do */
        assert_string_equal(status_credssp_error_kind(want[i].code), "NTSTATUS");
    }
    assert_null(status_ntstatus(0xC0001234));
    assert_non_null(strstr(status_ntstatus(0xC000006E)->remedy, "Protected Users"));
    assert_non_null(strstr(status_ntstatus(0xC0000234)->remedy, "unlock"));
    assert_non_null(strstr(status_ntstatus(0xC0000071)->remedy, "Change the password"));
}

static void test_hresult(void **state)
{
    (void)state;
    static const struct { uint32_t code; const char *name; } want[] = {
        { 0x80090302, "SEC_E_UNSUPPORTED_FUNCTION" }, { 0x80090304, "SEC_E_INTERNAL_ERROR" },
        { 0x80090308, "SEC_E_INVALID_TOKEN" },        { 0x8009030C, "SEC_E_LOGON_DENIED" },
        { 0x8009030E, "SEC_E_NO_CREDENTIALS" },       { 0x8009030F, "SEC_E_MESSAGE_ALTERED" },
        { 0x80090311, "SEC_E_NO_AUTHENTICATING_AUTHORITY" },
        { 0x80090322, "SEC_E_WRONG_PRINCIPAL" },      { 0x80090324, "SEC_E_TIME_SKEW" },
        { 0x80090325, "SEC_E_UNTRUSTED_ROOT" },       { 0x80090326, "SEC_E_ILLEGAL_MESSAGE" },
        { 0x80090328, "SEC_E_CERT_EXPIRED" },         { 0x80090331, "SEC_E_ALGORITHM_MISMATCH" },
        { 0x80090350, "SEC_E_DOWNGRADE_DETECTED" },
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const status_name *s = status_hresult(want[i].code);
        assert_non_null(s);
        assert_string_equal(s->name, want[i].name);
        assert_ptr_equal(status_credssp_error(want[i].code), s);
        assert_string_equal(status_credssp_error_kind(want[i].code), "HRESULT");
    }
    const status_name *s = status_hresult(0x80090302);
    assert_non_null(strstr(s->remedy, "NTLM"));
    assert_non_null(strstr(s->remedy, "Restricted Admin"));
    assert_null(status_credssp_error(0x12345678));
    assert_string_equal(status_credssp_error_kind(0x12345678), "code");
}

static void test_errinfo(void **state)
{
    (void)state;
    const status_name *s = status_errinfo(0x7);
    assert_non_null(s);
    assert_string_equal(s->name, "ERRINFO_SERVER_DENIED_CONNECTION");
    assert_string_equal(s->meaning, "the server denied the connection");
    assert_non_null(s->remedy);
    assert_string_equal(status_errinfo_category(0x7), "server");
    assert_false(status_errinfo_is_informational(0x7));

    s = status_errinfo(0x9);
    assert_string_equal(s->name, "ERRINFO_SERVER_INSUFFICIENT_PRIVILEGES");
    assert_non_null(strstr(s->remedy, "Remote Desktop Users"));

    /* The awakecoding successes end with 0xB or 0xC: normal ends, no remedy. */
    s = status_errinfo(0xB);
    assert_string_equal(s->name, "ERRINFO_RPC_INITIATED_DISCONNECT_BY_USER");
    assert_null(s->remedy);
    assert_true(status_errinfo_is_informational(0xB));
    s = status_errinfo(0xC);
    assert_string_equal(s->name, "ERRINFO_LOGOFF_BY_USER");
    assert_true(status_errinfo_is_informational(0xC));
    assert_string_equal(status_errinfo_category(0xC), "disconnect");

    /* Licensing 0x100..0x10A, every one named. */
    for (uint32_t c = 0x100; c <= 0x10A; c++) {
        s = status_errinfo(c);
        assert_non_null(s);
        assert_non_null(strstr(s->name, "ERRINFO_LICENSE_"));
        assert_string_equal(status_errinfo_category(c), "licensing");
    }
    assert_string_equal(status_errinfo(0x10A)->meaning,
                        "the remote computer is not licensed to accept remote connections");
    /* Broker, protocol, security ranges. */
    assert_string_equal(status_errinfo(0x400)->name, "ERRINFO_CB_DESTINATION_NOT_FOUND");
    assert_string_equal(status_errinfo_category(0x409), "broker");
    assert_string_equal(status_errinfo(0x10CA)->name, "ERRINFO_UNKNOWN_PDU_TYPE");
    assert_string_equal(status_errinfo(0x10D3)->name, "ERRINFO_CONNECT_FAILED");
    assert_string_equal(status_errinfo(0x112D)->name, "ERRINFO_GRAPHICS_MODE_NOT_SUPPORTED");
    assert_string_equal(status_errinfo_category(0x10E0), "protocol");
    assert_string_equal(status_errinfo(0x1194)->name, "ERRINFO_ENCRYPTION_PACKAGE_MISMATCH");
    assert_string_equal(status_errinfo_category(0x1196), "security");
    assert_null(status_errinfo(0x8));
    assert_null(status_errinfo(0xFFFFFFFF));
    assert_string_equal(status_errinfo_category(0xFFFFFFFF), "unknown");
    assert_string_equal(status_errinfo_category(0), "success");
}

static void test_licensing_and_status(void **state)
{
    (void)state;
    /* STATUS_VALID_CLIENT is the normal end of licensing, not an error (d.5). */
    const status_name *s = status_license_error(0x7);
    assert_string_equal(s->name, "STATUS_VALID_CLIENT");
    assert_null(s->remedy);
    assert_string_equal(status_license_error(0x6)->name, "ERR_NO_LICENSE_SERVER");
    assert_string_equal(status_license_error(0xC)->name, "ERR_INVALID_MESSAGE_LEN");
    assert_null(status_license_error(0x5));
    assert_string_equal(status_license_state_transition_name(2), "ST_NO_TRANSITION");
    assert_string_equal(status_license_state_transition_name(1), "ST_TOTAL_ABORT");
    assert_null(status_license_state_transition_name(5));
    assert_string_equal(status_server_status(0x404)->name, "TS_STATUS_REDIRECTING_TO_DESTINATION");
    assert_string_equal(status_server_status(0x505)->name, "TS_STATUS_VM_RETRYING_MONITORING");
    assert_null(status_server_status(0x400));
    assert_null(status_early_user_auth(1));
}

static void test_str(void **state)
{
    (void)state;
    char buf[64];
    status_str(status_ntstatus(0xC000006D), 0xC000006D, buf, sizeof buf);
    assert_string_equal(buf, "STATUS_LOGON_FAILURE (0xC000006D)");
    status_str(NULL, 0x1234, buf, sizeof buf);
    assert_string_equal(buf, "0x00001234");
    char tiny[8];
    status_str(status_ntstatus(0xC000006D), 0xC000006D, tiny, sizeof tiny);
    assert_int_equal(strlen(tiny), 7);
    status_str(NULL, 1, NULL, 0); /* no buffer: nothing happens */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ntstatus),
        cmocka_unit_test(test_hresult),
        cmocka_unit_test(test_errinfo),
        cmocka_unit_test(test_licensing_and_status),
        cmocka_unit_test(test_str),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
