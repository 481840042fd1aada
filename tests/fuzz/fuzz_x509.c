/* fuzz_x509.c - a server certificate (dissectors/x509.h) as it comes out of
 * a TLS Certificate message: DER bytes from the wire, through OpenSSL, into
 * an x509_info, then the RFC 6125 name check.
 *
 * Input: the DER bytes. Besides the sanitizers, it checks what x509.h
 * promises: every string terminated inside its buffer and printable, the
 * SAN list within its cap, and a name check that answers for names made of
 * the certificate's own strings (with and without a trailing dot).
 */
#include "fuzz.h"
#include "x509.h"

#include <string.h>

static void check_text(const char *s, size_t cap)
{
    size_t n = strnlen(s, cap);
    FUZZ_CHECK(n < cap);
    for (size_t i = 0; i < n; i++)
        FUZZ_CHECK((unsigned char)s[i] >= 0x20 && (unsigned char)s[i] <= 0x7E);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    x509_info info;
    memset(&info, 0xA5, sizeof info);
    /* 2026-11-23, the project's sample date: any fixed time will do. */
    bool ok = x509_parse(size ? data : NULL, size, 1795392000, &info);
    FUZZ_CHECK(ok == info.parsed);
    if (!ok)
        return 0;
    check_text(info.subject, sizeof info.subject);
    check_text(info.issuer, sizeof info.issuer);
    check_text(info.common_name, sizeof info.common_name);
    check_text(info.key_type, sizeof info.key_type);
    check_text(info.key_curve, sizeof info.key_curve);
    check_text(info.signature_algorithm, sizeof info.signature_algorithm);
    check_text(info.eku_text, sizeof info.eku_text);
    check_text(info.sha256_hex, sizeof info.sha256_hex);
    FUZZ_CHECK(info.n_sans <= X509_MAX_SANS);
    for (unsigned i = 0; i < info.n_sans; i++) {
        check_text(info.sans[i].value, sizeof info.sans[i].value);
        (void)x509_matches_name(&info, info.sans[i].value);
    }
    char name[X509_SAN_TEXT + 2];
    snprintf(name, sizeof name, "%s.", info.common_name);
    (void)x509_matches_name(&info, info.common_name);
    (void)x509_matches_name(&info, name);
    (void)x509_matches_name(&info, "");
    (void)x509_matches_name(&info, "*.");
    return 0;
}
