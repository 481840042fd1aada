/* fuzz_credssp.c - the CredSSP (NLA) dissector (dissectors/credssp.h): the
 * TSRequest with the NTLM, Kerberos and SPNEGO tokens inside it, and the
 * Early User Authorization Result PDU. Its bytes come out of TLS, so they
 * are as hostile as any: decryption only says who sent them.
 *
 * Input: byte 0 selects: 0 a TSRequest (length, then parse), 1 a token
 * alone, 2 an Early User Authorization Result; the rest is the message.
 *
 * Besides the sanitizers, it checks what credssp.h promises: a length that
 * agrees with the parse, a TSRequest that fits in its bytes, the user and
 * domain names terminated and printable, names for every kind.
 */
#include "credssp.h"
#include "fuzz.h"

#include <string.h>

static void check_text(const char *s, size_t cap)
{
    size_t n = strnlen(s, cap);
    FUZZ_CHECK(n < cap);
    for (size_t i = 0; i < n; i++)
        FUZZ_CHECK((unsigned char)s[i] >= 0x20 && (unsigned char)s[i] <= 0x7E);
}

static void check_token(const credssp_token *t)
{
    check_text(t->ntlm_domain, sizeof t->ntlm_domain);
    check_text(t->ntlm_user, sizeof t->ntlm_user);
    FUZZ_CHECK(credssp_token_kind_name(t->kind) != NULL);
    FUZZ_CHECK(credssp_krb_kind_name(t->krb) != NULL);
    (void)credssp_ntlm_message_name(t->ntlm_type);   /* NULL allowed */
    (void)credssp_neg_state_name(t->neg_state);
    char buf[256];
    credssp_token_str(t, buf, sizeof buf);
    FUZZ_CHECK(strnlen(buf, sizeof buf) < sizeof buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const uint8_t *p = size > 1 ? data + 1 : NULL;
    size_t n = size - 1;
    switch (data[0] % 3) {
    case 0: {
        (void)credssp_looks_like_ts_request(p, n);
        size_t total = 0;
        credssp_status ls = credssp_pdu_length(p, n, &total);
        FUZZ_CHECK(ls == CREDSSP_OK || ls == CREDSSP_TRUNCATED || ls == CREDSSP_MALFORMED);
        credssp_ts_request req;
        memset(&req, 0xA5, sizeof req);
        credssp_status st = credssp_parse_ts_request(p, n, &req);
        FUZZ_CHECK(st == CREDSSP_OK || st == CREDSSP_TRUNCATED || st == CREDSSP_MALFORMED);
        if (st == CREDSSP_OK) {
            FUZZ_CHECK(req.pdu_len <= n);
            /* Whoever could parse it could also tell its length. */
            FUZZ_CHECK(ls == CREDSSP_OK && total == req.pdu_len);
            check_token(&req.token);
        }
        break;
    }
    case 1: {
        credssp_token t;
        memset(&t, 0xA5, sizeof t);
        credssp_classify_token(p, n, &t);
        check_token(&t);
        break;
    }
    default: {
        uint32_t result;
        (void)credssp_parse_early_user_auth(p, n, &result);
        break;
    }
    }
    return 0;
}
