/* gen_capture.c - builds a large benchmark capture from the project's
 * samples, the way a span port sees a busy network: every sample connection
 * copied many times under fresh client/server addresses and client ports,
 * the copies interleaved in time (each copy keeps its own packet timing, so
 * its verdict stays the same), and mixed with non-RDP traffic that carries
 * most of the bytes.
 *
 *   gen_capture OUT.pcap SIZE_MB [CONNECTIONS] SAMPLE.pcap...
 *
 * SIZE_MB: stop when the file reaches this size. CONNECTIONS: stop earlier
 * when this many RDP connections were written (0: no limit). Only Ethernet
 * IPv4 samples are used. Filler traffic is TCP to port 443 with 1400-byte
 * payloads, FILLER_RATIO bytes for each RDP byte.
 */
#include <pcap/pcap.h>

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PACKETS 4096
#define CONCURRENT 64
/* Non-RDP bytes per RDP byte (80% of the file). */
#define FILLER_RATIO 4
/* Samples with whole sessions are large; a span port sees far more short
 * failed attempts than long sessions, so a large sample is copied only on
 * every SESSION_EVERY-th round. */
#define LARGE_SAMPLE_BYTES (16 * 1024)
#define SESSION_EVERY 16

typedef struct {
    uint32_t len;
    int64_t rel_us;       /* time since the sample connection's first packet */
    uint8_t *data;
} packet;

typedef struct {
    packet *p;
    unsigned n;
    uint32_t client, server;   /* the sample's addresses (network order bytes as uint32) */
    uint16_t client_port;
    unsigned connections;      /* TCP connections in the sample */
    uint64_t bytes;
} sample;

typedef struct {
    const sample *s;
    unsigned next;
    int64_t start_us;
    uint32_t client, server;
    uint16_t port_base;
} copy;

static uint32_t rd32(const uint8_t *p) { return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3]; }
static void wr32(uint8_t *p, uint32_t v) { p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = (uint8_t)v; }
static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static void wr16(uint8_t *p, uint16_t v) { p[0] = v >> 8; p[1] = (uint8_t)v; }

static void ip_checksum(uint8_t *ip)
{
    unsigned ihl = (ip[0] & 0x0f) * 4u;
    ip[10] = ip[11] = 0;
    uint32_t sum = 0;
    for (unsigned i = 0; i < ihl; i += 2)
        sum += rd16(ip + i);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    wr16(ip + 10, (uint16_t)~sum);
}

static bool load_sample(const char *path, sample *s)
{
    char err[PCAP_ERRBUF_SIZE];
    pcap_t *pc = pcap_open_offline(path, err);
    if (!pc) {
        fprintf(stderr, "gen_capture: %s\n", err);
        return false;
    }
    memset(s, 0, sizeof *s);
    if (pcap_datalink(pc) != DLT_EN10MB) {
        pcap_close(pc);
        return false;
    }
    s->p = calloc(MAX_PACKETS, sizeof *s->p);
    struct pcap_pkthdr *h;
    const u_char *d;
    int64_t t0 = 0;
    uint16_t syn_ports[64];
    unsigned n_syn_ports = 0;
    while (pcap_next_ex(pc, &h, &d) == 1 && s->n < MAX_PACKETS) {
        if (h->caplen < 34 || rd16(d + 12) != 0x0800)
            continue;
        int64_t t = (int64_t)h->ts.tv_sec * 1000000 + h->ts.tv_usec;
        if (s->n == 0) {
            t0 = t;
            /* The first packet comes from the client in every sample but
             * mid-connection ones; either way its addresses name the pair. */
            s->client = rd32(d + 26);
            s->server = rd32(d + 30);
        }
        /* Count connections by the distinct ports of their SYNs. */
        const uint8_t *ip = d + 14;
        unsigned ihl = (ip[0] & 0x0f) * 4u;
        if (ip[9] == 6 && h->caplen >= 14 + ihl + 14 && (ip[ihl + 13] & 0x12) == 0x02) {
            uint16_t sp = rd16(ip + ihl);
            bool seen = false;
            for (unsigned k = 0; k < n_syn_ports; k++)
                seen |= syn_ports[k] == sp;
            if (!seen && n_syn_ports < 64) {
                syn_ports[n_syn_ports++] = sp;
                s->connections++;
            }
        }
        packet *p = &s->p[s->n++];
        p->len = h->caplen;
        s->bytes += h->caplen;
        p->rel_us = t - t0;
        p->data = malloc(h->caplen);
        memcpy(p->data, d, h->caplen);
    }
    pcap_close(pc);
    if (s->connections == 0)
        s->connections = 1;
    return s->n > 0;
}

/* Rewrites one address of the sample's pair into the copy's. */
static uint32_t map_addr(const copy *c, uint32_t a)
{
    if (a == c->s->client)
        return c->client;
    if (a == c->s->server)
        return c->server;
    return a ^ (c->client & 0x00ffff00u); /* a router: moved along with the copy */
}

static uint16_t map_port(const copy *c, uint16_t port)
{
    return port == 3389 ? port : (uint16_t)(c->port_base + (port % 997));
}

static void write_packet(pcap_dumper_t *out, const copy *c, const packet *p, int64_t now_us,
                         uint64_t *bytes)
{
    static uint8_t buf[70000];
    memcpy(buf, p->data, p->len);
    uint8_t *ip = buf + 14;
    unsigned ihl = (ip[0] & 0x0f) * 4u;
    wr32(ip + 12, map_addr(c, rd32(ip + 12)));
    wr32(ip + 16, map_addr(c, rd32(ip + 16)));
    if (ip[9] == 6 && p->len >= 14 + ihl + 4) {
        uint8_t *tcp = ip + ihl;
        wr16(tcp, map_port(c, rd16(tcp)));
        wr16(tcp + 2, map_port(c, rd16(tcp + 2)));
    } else if (ip[9] == 1 && p->len >= 14 + ihl + 8 + 20 + 4) {
        /* ICMP error: rewrite the quoted header too. */
        uint8_t *in = ip + ihl + 8;
        unsigned ihl2 = (in[0] & 0x0f) * 4u;
        wr32(in + 12, map_addr(c, rd32(in + 12)));
        wr32(in + 16, map_addr(c, rd32(in + 16)));
        if (p->len >= 14 + ihl + 8 + ihl2 + 4) {
            wr16(in + ihl2, map_port(c, rd16(in + ihl2)));
            wr16(in + ihl2 + 2, map_port(c, rd16(in + ihl2 + 2)));
        }
    }
    ip_checksum(ip);
    struct pcap_pkthdr h;
    h.ts.tv_sec = now_us / 1000000;
    h.ts.tv_usec = now_us % 1000000;
    h.caplen = h.len = p->len;
    pcap_dump((u_char *)out, &h, buf);
    *bytes += p->len + 16;
}

static void write_filler(pcap_dumper_t *out, uint64_t n, int64_t now_us, uint64_t *bytes)
{
    static uint8_t f[14 + 20 + 20 + 1400];
    static uint32_t seq;
    memset(f, 0, 14);
    f[12] = 0x08;
    uint8_t *ip = f + 14;
    ip[0] = 0x45;
    wr16(ip + 2, 20 + 20 + 1400);
    ip[8] = 64;
    ip[9] = 6;
    wr32(ip + 12, 0xc0a80000u | (uint32_t)(n % 251 + 1));
    wr32(ip + 16, 0xc0a80100u | (uint32_t)(n % 241 + 1));
    uint8_t *tcp = ip + 20;
    wr16(tcp, (uint16_t)(20000 + n % 30000));
    wr16(tcp + 2, 443);
    wr32(tcp + 4, seq += 1400);
    tcp[12] = 0x50;
    tcp[13] = 0x18;
    ip_checksum(ip);
    struct pcap_pkthdr h;
    h.ts.tv_sec = now_us / 1000000;
    h.ts.tv_usec = now_us % 1000000;
    h.caplen = h.len = sizeof f;
    pcap_dump((u_char *)out, &h, f);
    *bytes += sizeof f + 16;
}

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: gen_capture OUT.pcap SIZE_MB CONNECTIONS SAMPLE.pcap...\n");
        return 2;
    }
    uint64_t limit = strtoull(argv[2], NULL, 10) * 1024 * 1024;
    uint64_t max_conns = strtoull(argv[3], NULL, 10);
    unsigned ns = 0;
    sample *samples = calloc((size_t)argc, sizeof *samples);
    for (int i = 4; i < argc; i++)
        if (load_sample(argv[i], &samples[ns]))
            ns++;
    if (ns == 0) {
        fprintf(stderr, "gen_capture: no usable samples\n");
        return 2;
    }
    pcap_t *dead = pcap_open_dead(DLT_EN10MB, 262144);
    pcap_dumper_t *out = pcap_dump_open(dead, argv[1]);
    if (!out) {
        fprintf(stderr, "gen_capture: %s\n", pcap_geterr(dead));
        return 2;
    }
    copy active[CONCURRENT];
    unsigned n_active = 0;
    uint64_t round = 0;
    uint64_t bytes = 24, rdp_bytes = 0, filler_bytes = 0, conns = 0, copies = 0, fillers = 0;
    int64_t clock_us = 1700000000LL * 1000000;
    srand(1);
    bool stop = false;
    while (!stop || n_active > 0) {
        /* Keep CONCURRENT copies open; each starts shortly after the last. */
        while (!stop && n_active < CONCURRENT) {
            const sample *pick = &samples[round % ns];
            round++;
            if (pick->bytes > LARGE_SAMPLE_BYTES && (round / ns) % SESSION_EVERY != 0)
                continue;
            copy *c = &active[n_active++];
            c->s = pick;
            c->next = 0;
            c->start_us = clock_us + (int64_t)(rand() % 20000);
            uint32_t k = (uint32_t)copies;
            c->client = 0x0a000000u | ((k * 7u) & 0x00ffffffu) | 1u;
            c->server = 0xac100000u | (k & 0x000fffffu);
            c->port_base = (uint16_t)(1024 + (k * 131u) % 60000u);
            copies++;
            conns += c->s->connections;
            if (max_conns && conns >= max_conns)
                stop = true;
        }
        /* Emit the earliest next packet among the open copies. */
        unsigned best = 0;
        int64_t best_t = INT64_MAX;
        for (unsigned i = 0; i < n_active; i++) {
            int64_t t = active[i].start_us + active[i].s->p[active[i].next].rel_us;
            if (t < best_t) {
                best_t = t;
                best = i;
            }
        }
        copy *c = &active[best];
        if (best_t > clock_us)
            clock_us = best_t;
        uint64_t before = bytes;
        write_packet(out, c, &c->s->p[c->next], clock_us, &bytes);
        rdp_bytes += bytes - before;
        while (filler_bytes < rdp_bytes * FILLER_RATIO) {
            before = bytes;
            write_filler(out, fillers++, clock_us, &bytes);
            filler_bytes += bytes - before;
        }
        if (++c->next == c->s->n)
            active[best] = active[--n_active];
        if (bytes >= limit)
            stop = true;
    }
    pcap_dump_close(out);
    pcap_close(dead);
    printf("wrote %s: %.1f MiB, %llu RDP connections (%llu copies of %u samples), %.0f%% non-RDP bytes\n",
           argv[1], (double)bytes / 1048576.0, (unsigned long long)conns,
           (unsigned long long)copies, ns, 100.0 * (double)filler_bytes / (double)bytes);
    return 0;
}
