/* layer_rdp.c - a direction's bytes after a negotiation that selected
 * Standard RDP Security (or a legacy one without negotiation): slow-path
 * TPKT PDUs and fast-path PDUs (MS-RDPBCGR 2.2.9.1.2) are framed, counted and
 * put in the timeline; their contents are skipped.
 */
#include "layers.h"

#include "tpkt.h"

#include <string.h>

void layer_rdp_bytes(connection *c, direction dir, const uint8_t *p, size_t len,
                     const pkt_ref *ref)
{
    conn_dir *d = &c->dir[dir];
    if (d->resyncing) {
        size_t at = conn_find_resync(STREAM_RDP, p, len);
        if (at == len)
            return;
        d->resyncing = false;
        d->resyncs++;
        d->skip = 0;
        d->hdr_len = 0;
        p += at;
        len -= at;
    }
    while (len > 0 && d->state == STREAM_RDP) {
        if (d->skip > 0) {
            size_t n = d->skip < len ? (size_t)d->skip : len;
            d->skip -= n;
            p += n;
            len -= n;
            continue;
        }
        /* Collect up to 5 header bytes: enough for TPKT (4) and fast-path (2-3). */
        size_t n = 5u - d->hdr_len < len ? 5u - d->hdr_len : len;
        memcpy(d->hdr + d->hdr_len, p, n);
        d->hdr_len = (uint8_t)(d->hdr_len + n);
        p += n;
        len -= n;
        frame_info fi = rdp_frame_probe(d->hdr, d->hdr_len, 1);
        if (fi.kind == FRAME_NEED_MORE)
            continue;
        if (fi.kind != FRAME_TPKT && fi.kind != FRAME_FASTPATH) {
            conn_layer_malformed(c, dir, LAYER_RDP, ref,
                                 fi.kind == FRAME_INVALID ? fi.problem
                                                          : "not an RDP PDU where one was expected");
            break;
        }
        if (d->secure_pdus < CONN_TIMELINE_SECURE_EVENTS)
            timeline_add(&c->tl, EV_PAYLOAD, dir, ref, fi.length,
                         fi.kind == FRAME_FASTPATH ? LAYER_FASTPATH : LAYER_RDP);
        d->secure_pdus++;
        d->secure_bytes += fi.length;
        if (fi.length >= d->hdr_len) {
            /* The header bytes already consumed count towards the PDU. */
            d->skip = fi.length - d->hdr_len;
            d->hdr_len = 0;
        } else {
            /* A PDU shorter than the collected header (a tiny fast-path
             * input): the remaining header bytes start the next one. */
            uint8_t left = (uint8_t)(d->hdr_len - fi.length);
            memmove(d->hdr, d->hdr + fi.length, left);
            d->hdr_len = left;
        }
    }
    conn_maybe_stop_payload(c);
}
