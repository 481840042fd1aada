/* pcapng_dsb.c - see pcapng_dsb.h. */
#include "pcapng_dsb.h"

#include <stdlib.h>
#include <string.h>

static uint32_t rd32(const uint8_t *p, bool big_endian)
{
    if (big_endian)
        return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
    return ((uint32_t)p[3] << 24) | ((uint32_t)p[2] << 16) | ((uint32_t)p[1] << 8) | p[0];
}

/* Skips n bytes forward; fseek where possible, reading otherwise (a pipe). */
static bool skip_bytes(FILE *f, uint64_t n)
{
    while (n > 0) {
        long step = n > 0x40000000u ? 0x40000000L : (long)n;
        if (fseek(f, step, SEEK_CUR) != 0) {
            uint8_t tmp[4096];
            size_t want = n > sizeof tmp ? sizeof tmp : (size_t)n;
            if (fread(tmp, 1, want, f) != want)
                return false;
            n -= want;
            continue;
        }
        n -= (uint64_t)step;
    }
    return true;
}

static void mark_malformed(pcapng_dsb_stats *st, uint64_t offset, const char *what)
{
    st->malformed = true;
    snprintf(st->problem, sizeof st->problem, "pcapng block at offset %llu: %s",
             (unsigned long long)offset, what);
}

int pcapng_dsb_walk(FILE *f, pcapng_dsb_fn fn, void *ctx, pcapng_dsb_stats *st)
{
    memset(st, 0, sizeof *st);
    bool be = false;
    bool in_section = false;
    uint64_t offset = 0;
    uint64_t dsb_total = 0;

    for (;;) {
        uint8_t hdr[12];
        size_t got = fread(hdr, 1, 8, f);
        if (got == 0 && feof(f))
            return 0;
        if (got != 8) {
            if (ferror(f))
                return -1;
            mark_malformed(st, offset, "truncated block header");
            return 0;
        }
        /* The SHB's type reads the same in both byte orders; its byte-order
         * magic, right after the length, decides how to read the length. */
        uint32_t type_le = rd32(hdr, false);
        if (type_le == PCAPNG_BT_SHB) {
            if (fread(hdr + 8, 1, 4, f) != 4) {
                mark_malformed(st, offset, "truncated section header");
                return 0;
            }
            uint32_t magic_le = rd32(hdr + 8, false);
            if (magic_le == PCAPNG_BYTE_ORDER_MAGIC)
                be = false;
            else if (rd32(hdr + 8, true) == PCAPNG_BYTE_ORDER_MAGIC)
                be = true;
            else {
                if (!in_section)
                    st->not_pcapng = true;
                else
                    mark_malformed(st, offset, "bad byte-order magic");
                return 0;
            }
            in_section = true;
            st->sections++;
            st->big_endian = be;
        } else if (!in_section) {
            st->not_pcapng = true;
            return 0;
        }
        uint32_t type = rd32(hdr, be);
        uint32_t total = rd32(hdr + 4, be);
        if (total < 12 || total % 4 != 0 || total > PCAPNG_MAX_BLOCK ||
            (type == PCAPNG_BT_SHB && total < 28)) {
            mark_malformed(st, offset, "bad block total length");
            return 0;
        }
        st->blocks++;
        uint8_t *pending = NULL;
        size_t pending_len = 0;
        uint32_t pending_type = 0;
        size_t consumed = type == PCAPNG_BT_SHB ? 12 : 8;

        if (type == PCAPNG_BT_DSB) {
            uint32_t body = total - 12;
            uint8_t dh[8];
            if (body < 8) {
                mark_malformed(st, offset, "Decryption Secrets Block shorter than its header");
                return 0;
            }
            if (fread(dh, 1, 8, f) != 8) {
                mark_malformed(st, offset, "truncated Decryption Secrets Block");
                return 0;
            }
            consumed += 8;
            uint32_t stype = rd32(dh, be);
            uint32_t slen = rd32(dh + 4, be);
            if (slen > body - 8) {
                mark_malformed(st, offset, "secrets length runs past the block");
                return 0;
            }
            if (slen > PCAPNG_DSB_MAX || st->dsbs >= PCAPNG_DSB_MAX_COUNT ||
                dsb_total + slen > PCAPNG_DSB_MAX_TOTAL) {
                st->capped = true;
            } else {
                uint8_t *data = malloc(slen ? slen : 1);
                if (!data)
                    return -1;
                if (fread(data, 1, slen, f) != slen) {
                    free(data);
                    mark_malformed(st, offset, "truncated secrets data");
                    return 0;
                }
                consumed += slen;
                pending = data;
                pending_len = slen;
                pending_type = stype;
            }
        }
        /* Skip the rest of the body up to the trailing length, then check
         * that the trailing copy agrees (a cheap guard against desync). */
        uint64_t rest = (uint64_t)total - 4 - consumed;
        const char *problem = NULL;
        uint8_t trail[4];
        if (!skip_bytes(f, rest))
            problem = "truncated block body";
        else if (fread(trail, 1, 4, f) != 4)
            problem = "truncated block trailer";
        else if (rd32(trail, be) != total)
            problem = "trailing block length differs from the leading one";
        if (problem) {
            free(pending);
            mark_malformed(st, offset, problem);
            return 0;
        }
        /* A DSB is handed over only once its whole block checked out. */
        if (pending) {
            dsb_total += pending_len;
            st->dsbs++;
            if (pending_type == PCAPNG_SECRETS_TLS)
                st->dsbs_tls++;
            bool go_on = fn ? fn(ctx, pending_type, pending, pending_len) : true;
            free(pending);
            if (!go_on)
                return 0;
        }
        offset += total;
    }
}

int pcapng_dsb_read_file(const char *path, pcapng_dsb_fn fn, void *ctx, pcapng_dsb_stats *st)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        memset(st, 0, sizeof *st);
        return -1;
    }
    int rc = pcapng_dsb_walk(f, fn, ctx, st);
    fclose(f);
    return rc;
}
