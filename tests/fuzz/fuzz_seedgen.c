/* fuzz_seedgen.c - writes seed inputs for the fuzz targets from the samples,
 * at test time (nothing generated is committed).
 *
 *   fuzz_seedgen frames OUTDIR FILE...
 *       every frame of each classic pcap FILE, as fuzz_decode input (link
 *       type selector byte, wire-length byte, frame); pcapng files are left
 *       to fuzz_capture.
 *   fuzz_seedgen hex OUTDIR PREFIX STRIP
 *       one seed per line of hex on standard input (tshark -e tcp.payload),
 *       with the PREFIX bytes (hex, or "-") put in front and the first STRIP
 *       bytes of the line left out.
 *
 * Seeds are named by a hash of their content, so the same bytes are written
 * once however many samples hold them.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FRAMES_PER_FILE 200
#define MAX_SEED 65536

static int write_seed(const char *dir, const uint8_t *p, size_t n)
{
    uint64_t h = 14695981039346656037ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 1099511628211ull;
    char path[4096];
    snprintf(path, sizeof path, "%s/%016llx", dir, (unsigned long long)h);
    FILE *f = fopen(path, "wb");
    if (!f) {
        perror(path);
        return -1;
    }
    size_t put = n ? fwrite(p, 1, n, f) : 0;
    int rc = fclose(f);
    return put == n && rc == 0 ? 0 : -1;
}

static uint32_t rd32(const uint8_t *p, int swap)
{
    return swap ? ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3]
                : ((uint32_t)p[3] << 24) | ((uint32_t)p[2] << 16) | ((uint32_t)p[1] << 8) | p[0];
}

/* The fuzz_decode selector for a pcap link type (see its table), or -1. */
static int selector(uint32_t linktype)
{
    switch (linktype) {
    case 1: return 0;      /* EN10MB */
    case 113: return 1;    /* LINUX_SLL */
    case 276: return 2;    /* LINUX_SLL2 */
    case 0: return 3;      /* NULL */
    case 108: return 4;    /* LOOP */
    case 101: return 5;    /* LINKTYPE_RAW */
    case 228: return 7;    /* IPV4 */
    case 229: return 8;    /* IPV6 */
    default: return -1;
    }
}

static int frames(const char *dir, const char *file)
{
    FILE *f = fopen(file, "rb");
    if (!f) {
        perror(file);
        return -1;
    }
    uint8_t gh[24];
    if (fread(gh, 1, 24, f) != 24) {
        fclose(f);
        return 0;
    }
    uint32_t magic = rd32(gh, 0);
    int swap;
    if (magic == 0xa1b2c3d4u || magic == 0xa1b23c4du)
        swap = 0;
    else if (magic == 0xd4c3b2a1u || magic == 0x4d3cb2a1u)
        swap = 1;
    else {
        fclose(f); /* pcapng or not a capture: not for this target */
        return 0;
    }
    int sel = selector(rd32(gh + 20, swap) & 0x0FFFFFFFu);
    if (sel < 0) {
        fclose(f);
        return 0;
    }
    static uint8_t buf[2 + MAX_SEED];
    for (int i = 0; i < MAX_FRAMES_PER_FILE; i++) {
        uint8_t rh[16];
        if (fread(rh, 1, 16, f) != 16)
            break;
        uint32_t caplen = rd32(rh + 8, swap), len = rd32(rh + 12, swap);
        if (caplen > MAX_SEED)
            break;
        if (fread(buf + 2, 1, caplen, f) != caplen)
            break;
        uint32_t extra = len > caplen ? (len - caplen + 63) / 64 : 0;
        buf[0] = (uint8_t)sel;
        buf[1] = (uint8_t)(extra > 0x7F ? 0x7F : extra);
        if (write_seed(dir, buf, 2 + caplen) != 0) {
            fclose(f);
            return -1;
        }
    }
    fclose(f);
    return 0;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = tolower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static int hex_lines(const char *dir, const char *prefix, size_t strip)
{
    static uint8_t seed[MAX_SEED];
    static char line[4 * MAX_SEED];
    size_t plen = 0;
    if (strcmp(prefix, "-") != 0)
        for (const char *p = prefix; p[0] && p[1] && plen < 8; p += 2)
            seed[plen++] = (uint8_t)(hexval(p[0]) * 16 + hexval(p[1]));
    while (fgets(line, sizeof line, stdin)) {
        size_t n = plen, skipped = 0;
        for (const char *p = line; p[0] && p[1] && n < MAX_SEED; p += 2) {
            int hi = hexval(p[0]), lo = hexval(p[1]);
            if (hi < 0 || lo < 0)
                break; /* end of the hex (a tab before another field, or the newline) */
            if (skipped < strip) {
                skipped++;
                continue;
            }
            seed[n++] = (uint8_t)(hi * 16 + lo);
        }
        if (n > plen && write_seed(dir, seed, n) != 0)
            return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 3 && strcmp(argv[1], "frames") == 0) {
        for (int i = 3; i < argc; i++)
            if (frames(argv[2], argv[i]) != 0)
                return 1;
        return 0;
    }
    if (argc == 5 && strcmp(argv[1], "hex") == 0)
        return hex_lines(argv[2], argv[3], (size_t)strtoul(argv[4], NULL, 10)) ? 1 : 0;
    fprintf(stderr, "usage: fuzz_seedgen frames OUTDIR FILE... | hex OUTDIR PREFIX STRIP\n");
    return 2;
}
