/* pcapng_dsb.h - the Decryption Secrets Blocks of a pcapng file.
 *
 * libpcap reads the packets of a pcapng file but does not expose its
 * Decryption Secrets Blocks (pcapng draft, "Decryption Secrets Block",
 * block type 0x0000000A), in which Wireshark's editcap --inject-secrets and
 * several capture tools store TLS key logs (secrets type 0x544c534b "TLSK",
 * NSS key-log text). This small walker reads the blocks of a file, one
 * header at a time, and hands each DSB's payload to a callback.
 *
 * Structure (draft-ietf-opsawg-pcapng 4, 4.1, 4.7): every block is
 * type(4) total_length(4) body total_length(4), lengths a multiple of 4 and
 * at least 12; a Section Header Block (0x0A0D0D0A) starts each section and
 * its byte-order magic 0x1A2B3C4D sets the byte order of the blocks that
 * follow; a DSB body is secrets_type(4) secrets_length(4) data, padded to 4.
 *
 * Bounds: a block longer than PCAPNG_MAX_BLOCK stops the walk (recorded as
 * malformed); only DSBs are read into memory (at most PCAPNG_DSB_MAX bytes
 * each, at most PCAPNG_DSB_MAX_COUNT of them, PCAPNG_DSB_MAX_TOTAL in all;
 * beyond that `capped` is set); other blocks are skipped with fseek. A file
 * that is not pcapng (a classic pcap) yields 0 DSBs and not_pcapng.
 */
#ifndef RDPT_PCAPNG_DSB_H
#define RDPT_PCAPNG_DSB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define PCAPNG_BT_SHB 0x0A0D0D0Au
#define PCAPNG_BT_DSB 0x0000000Au
#define PCAPNG_BYTE_ORDER_MAGIC 0x1A2B3C4Du
#define PCAPNG_SECRETS_TLS 0x544C534Bu    /* "TLSK": NSS key log */
#define PCAPNG_SECRETS_WIREGUARD 0x57474B4Cu /* "WGKL" */

#define PCAPNG_MAX_BLOCK (256u * 1024u * 1024u)
#define PCAPNG_DSB_MAX (16u * 1024u * 1024u)
#define PCAPNG_DSB_MAX_TOTAL (64u * 1024u * 1024u)
#define PCAPNG_DSB_MAX_COUNT 1024

typedef struct {
    bool not_pcapng;        /* the file does not start with a Section Header Block */
    bool malformed;         /* a block length lied; the walk stopped there */
    bool capped;            /* a DSB over a cap was skipped */
    bool big_endian;        /* byte order of the last section */
    uint64_t blocks;        /* blocks seen */
    uint32_t sections;
    uint32_t dsbs;          /* DSBs handed to the callback */
    uint32_t dsbs_tls;      /* ... of secrets type TLSK */
    char problem[160];      /* what was malformed, with the file offset */
} pcapng_dsb_stats;

/* Called with each DSB: its secrets type and payload (valid only during the
 * call). Return false to stop the walk. */
typedef bool (*pcapng_dsb_fn)(void *ctx, uint32_t secrets_type, const uint8_t *data, size_t len);

/* Walks an open stream from its current position. Returns 0 when the walk
 * ended at end of file or by the callback, -1 on a read error; a malformed
 * or non-pcapng file still returns 0 (see stats). */
int pcapng_dsb_walk(FILE *f, pcapng_dsb_fn fn, void *ctx, pcapng_dsb_stats *stats);
/* The same for a file by name; -1 when it cannot be opened. */
int pcapng_dsb_read_file(const char *path, pcapng_dsb_fn fn, void *ctx, pcapng_dsb_stats *stats);

#endif
