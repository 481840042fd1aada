/* layer_tls.c - a direction's bytes after a negotiation that selected a
 * TLS-based protocol (SSL, HYBRID, HYBRID_EX, RDSTLS, RDSAAD), or a stream
 * that simply is TLS: record headers are read (RFC 5246 6.2.1, RFC 8446 5.1),
 * counted by content type and put in the timeline; record bodies are skipped.
 */
#include "layers.h"

#include "tpkt.h"

#include <string.h>

static void record_tls(connection *c, direction dir, const uint8_t *hdr, uint32_t total,
                       const pkt_ref *ref)
{
    conn_dir *d = &c->dir[dir];
    uint8_t type = hdr[0];
    switch (type) {
    case 20:
        if (d->tls_ccs++ == 0)
            d->tls_ccs_ref = *ref;
        break;
    case 21:
        if (d->tls_alert++ == 0)
            d->tls_first_alert = *ref;
        break;
    case 22: d->tls_handshake++; break;
    case 23:
        if (d->tls_appdata++ == 0)
            d->tls_first_appdata = *ref;
        break;
    default: break;
    }
    if (d->secure_pdus < CONN_TIMELINE_SECURE_EVENTS || type == 21)
        timeline_add(&c->tl, EV_TLS_RECORD, dir, ref, total - 5, type);
}

void layer_tls_bytes(connection *c, direction dir, const uint8_t *p, size_t len,
                     const pkt_ref *ref)
{
    conn_dir *d = &c->dir[dir];
    if (d->resyncing) {
        size_t at = conn_find_resync(STREAM_TLS, p, len);
        if (at == len)
            return; /* still lost: these bytes cannot be framed */
        d->resyncing = false;
        d->resyncs++;
        d->skip = 0;
        d->hdr_len = 0;
        p += at;
        len -= at;
    }
    while (len > 0 && d->state == STREAM_TLS) {
        if (d->skip > 0) {
            size_t n = d->skip < len ? (size_t)d->skip : len;
            d->skip -= n;
            p += n;
            len -= n;
            continue;
        }
        /* Collect the 5-byte record header. */
        size_t n = 5u - d->hdr_len < len ? 5u - d->hdr_len : len;
        memcpy(d->hdr + d->hdr_len, p, n);
        d->hdr_len = (uint8_t)(d->hdr_len + n);
        p += n;
        len -= n;
        frame_info fi = rdp_frame_probe(d->hdr, d->hdr_len, 0);
        if (fi.kind == FRAME_NEED_MORE)
            continue;
        if (fi.kind != FRAME_TLS) {
            conn_layer_malformed(c, dir, LAYER_TLS, ref,
                                 fi.kind == FRAME_INVALID ? fi.problem
                                                          : "not a TLS record where one was expected");
            break;
        }
        record_tls(c, dir, d->hdr, fi.length, ref);
        d->secure_pdus++;
        d->secure_bytes += fi.length;
        d->skip = fi.length - d->hdr_len; /* a TLS record is never shorter than its header */
        d->hdr_len = 0;
    }
    conn_maybe_stop_payload(c);
}
