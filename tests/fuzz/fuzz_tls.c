/* fuzz_tls.c - the TLS handshake dissector (dissectors/tls.h): the record
 * layer of one direction, fed as connection.c feeds it, and the message
 * parsers on every message it hands over; or, by the selector, one parser
 * on the input as a message body.
 *
 * Input: byte 0 selects: 0-3 tls_parse_client_hello / server_hello /
 * certificate / server_key_exchange (byte 1 picks the key exchange) on the
 * rest; anything else drives a tls_stream: byte 1 seeds the sizes of the
 * pieces each record body is handed over in (as TCP segments cut them),
 * bit 0 of byte 0 says whether the stream ends with a lost segment; the
 * rest is the byte stream of records. Record headers are checked by
 * rdp_frame_probe() first, as connection.c's framer does.
 *
 * Besides the sanitizers, it checks what tls.h promises: lists within their
 * caps, strings terminated and printable, certificate ranges inside the
 * message, handshake messages no longer than TLS_HS_MAX, a problem sentence
 * for every malformed item.
 */
#include "fuzz.h"
#include "tls.h"
#include "tpkt.h"

#include <string.h>

static void check_text(const char *s, size_t cap)
{
    size_t n = strnlen(s, cap);
    FUZZ_CHECK(n < cap);
    for (size_t i = 0; i < n; i++)
        FUZZ_CHECK((unsigned char)s[i] >= 0x20 && (unsigned char)s[i] <= 0x7E);
}

static void parse_message(uint8_t type, const uint8_t *body, size_t len, tls_kx kx)
{
    switch (type) {
    case TLS_HS_CLIENT_HELLO: {
        tls_client_hello ch;
        memset(&ch, 0xA5, sizeof ch);
        tls_status st = tls_parse_client_hello(body, len, &ch);
        FUZZ_CHECK(st == TLS_OK || st == TLS_TRUNCATED || st == TLS_MALFORMED);
        FUZZ_CHECK(ch.session_id_len <= sizeof ch.session_id);
        FUZZ_CHECK(ch.n_suites <= TLS_MAX_SUITES);
        FUZZ_CHECK(ch.n_extensions <= TLS_MAX_EXTENSIONS);
        FUZZ_CHECK(ch.n_versions <= TLS_MAX_VERSIONS);
        FUZZ_CHECK(ch.n_groups <= TLS_MAX_GROUPS);
        FUZZ_CHECK(ch.n_point_formats <= TLS_MAX_POINT_FORMATS);
        FUZZ_CHECK(ch.n_sigalgs <= TLS_MAX_SIGALGS);
        FUZZ_CHECK(ch.n_key_shares <= TLS_MAX_KEY_SHARES);
        FUZZ_CHECK(ch.n_alpn <= TLS_MAX_ALPN);
        check_text(ch.sni, sizeof ch.sni);
        for (unsigned i = 0; i < ch.n_alpn; i++)
            check_text(ch.alpn[i], sizeof ch.alpn[i]);
        break;
    }
    case TLS_HS_SERVER_HELLO: {
        tls_server_hello sh;
        memset(&sh, 0xA5, sizeof sh);
        tls_status st = tls_parse_server_hello(body, len, &sh);
        FUZZ_CHECK(st == TLS_OK || st == TLS_TRUNCATED || st == TLS_MALFORMED);
        FUZZ_CHECK(sh.session_id_len <= sizeof sh.session_id);
        FUZZ_CHECK(sh.n_extensions <= TLS_MAX_EXTENSIONS);
        check_text(sh.alpn, sizeof sh.alpn);
        break;
    }
    case TLS_HS_CERTIFICATE: {
        tls_cert_list cl;
        memset(&cl, 0xA5, sizeof cl);
        if (tls_parse_certificate(body, len, &cl) == TLS_OK) {
            FUZZ_CHECK(cl.n_certs <= TLS_MAX_CERTS);
            for (unsigned i = 0; i < cl.n_certs; i++)
                FUZZ_CHECK(cl.offset[i] <= len && cl.len[i] <= len - cl.offset[i]);
        }
        break;
    }
    case TLS_HS_SERVER_KEY_EXCHANGE: {
        tls_server_kx sk;
        tls_status st = tls_parse_server_key_exchange(body, len, kx, &sk);
        FUZZ_CHECK(st == TLS_OK || st == TLS_TRUNCATED || st == TLS_MALFORMED);
        break;
    }
    default:
        break;
    }
}

typedef struct {
    unsigned items;
} stream_ctx;

static void on_item(void *ctx, const tls_item *it)
{
    stream_ctx *s = ctx;
    s->items++;
    switch (it->kind) {
    case TLS_ITEM_HANDSHAKE:
        FUZZ_CHECK(it->body_len <= TLS_HS_MAX);
        FUZZ_CHECK(it->body_len == 0 || it->body != NULL);
        parse_message(it->hs_type, it->body, it->body_len, TLS_KX_ECDHE);
        parse_message(it->hs_type, it->body, it->body_len, TLS_KX_DHE);
        break;
    case TLS_ITEM_HANDSHAKE_CAPPED:
        FUZZ_CHECK(it->body_len > TLS_HS_MAX);
        break;
    case TLS_ITEM_MALFORMED:
        FUZZ_CHECK(it->problem != NULL && it->problem[0] != '\0');
        break;
    default:
        break;
    }
}

static void drive_stream(const uint8_t *p, size_t n, uint8_t seed, bool lose_at_end)
{
    tls_stream s;
    stream_ctx ctx = { 0 };
    tls_stream_init(&s);
    uint32_t rng = 0x9E3779B9u ^ seed;
    size_t pos = 0;
    while (pos + TLS_RECORD_HEADER_LEN <= n) {
        frame_info fi = rdp_frame_probe(p + pos, n - pos, 0);
        if (fi.kind != FRAME_TLS)
            break; /* the framer would stop this direction here */
        uint8_t hdr[TLS_RECORD_HEADER_LEN];
        memcpy(hdr, p + pos, sizeof hdr);
        tls_stream_record(&s, hdr, on_item, &ctx);
        pos += TLS_RECORD_HEADER_LEN;
        size_t left = fi.length - TLS_RECORD_HEADER_LEN;
        while (left > 0 && pos < n) {
            rng = rng * 1103515245u + 12345u;
            size_t piece = 1 + (rng >> 16) % 1460;
            if (piece > left)
                piece = left;
            if (piece > n - pos)
                piece = n - pos;
            /* Each piece in a buffer of exactly its size. */
            uint8_t *copy = malloc(piece);
            if (!copy)
                break;
            memcpy(copy, p + pos, piece);
            tls_stream_data(&s, copy, piece, on_item, &ctx);
            free(copy);
            pos += piece;
            left -= piece;
        }
    }
    if (lose_at_end)
        tls_stream_lost(&s);
    tls_stream_free(&s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    uint8_t sel = data[0];
    const uint8_t *p = data + 2;
    size_t n = size - 2;
    /* Message bodies in a buffer of exactly their size. */
    uint8_t *body = malloc(n ? n : 1);
    if (!body)
        return 0;
    memcpy(body, p, n);
    static const tls_kx kxs[] = { TLS_KX_UNKNOWN, TLS_KX_RSA, TLS_KX_DHE, TLS_KX_ECDHE,
                                  TLS_KX_TLS13,   TLS_KX_OTHER, TLS_KX_NONE };
    switch (sel) {
    case 0: parse_message(TLS_HS_CLIENT_HELLO, body, n, TLS_KX_UNKNOWN); break;
    case 1: parse_message(TLS_HS_SERVER_HELLO, body, n, TLS_KX_UNKNOWN); break;
    case 2: parse_message(TLS_HS_CERTIFICATE, body, n, TLS_KX_UNKNOWN); break;
    case 3:
        parse_message(TLS_HS_SERVER_KEY_EXCHANGE, body, n, kxs[data[1] % (sizeof kxs / sizeof kxs[0])]);
        break;
    default: drive_stream(body, n, data[1], sel & 1); break;
    }
    free(body);
    return 0;
}
