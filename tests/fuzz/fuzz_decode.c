/* fuzz_decode.c - decode_packet() and decode_may_matter() (analyzer/decode.h)
 * on hostile frames of every link type rdptriage reads.
 *
 * Input: byte 0 picks the link type (table below); byte 1 bits 0-6 say how
 * many bytes the frame claims to have had on the wire beyond the captured
 * ones (x 64), bit 7 adds a second RDP port; the rest is the frame.
 *
 * Besides the sanitizers, it checks what decode.h promises: pointers into
 * the frame stay inside the captured bytes, counts stay inside their
 * arrays, every failure has a reason, and decode_may_matter() has no false
 * negatives (a frame that decodes to TCP on an RDP port, or to an ICMP
 * error, must pass the cheap pre-filter, or analysis.c would lose it).
 */
#include "decode.h"
#include "fuzz.h"

#include <pcap/dlt.h>
#include <string.h>

static const int linktypes[] = {
    DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_NULL, DLT_LOOP,
    DLT_RAW,    14 /* DLT_RAW on OpenBSD */,   DLT_IPV4, DLT_IPV6,
    DLT_IEEE802_11, /* unsupported: must be refused cleanly */
};
#define N_LINKTYPES (sizeof linktypes / sizeof linktypes[0])

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2 || size - 2 > UINT32_MAX / 2)
        return 0;
    int lt = linktypes[data[0] % N_LINKTYPES];
    uint16_t ports[2] = { 3389, 3390 };
    unsigned nports = (data[1] & 0x80) ? 2 : 1;
    const uint8_t *frame = data + 2;
    uint32_t caplen = (uint32_t)(size - 2);
    uint32_t wirelen = caplen + (uint32_t)(data[1] & 0x7F) * 64u;

    decoded_packet p;
    const char *why = NULL;
    decode_status st = decode_packet(lt, caplen ? frame : NULL, caplen, wirelen, &p, &why);
    bool may = decode_may_matter(lt, caplen ? frame : NULL, caplen, ports, nports);

    FUZZ_CHECK(p.vlan_count <= DECODE_MAX_VLAN);
    if (st != DECODE_OK) {
        FUZZ_CHECK(why != NULL && why[0] != '\0');
        return 0;
    }
    FUZZ_CHECK(p.src.family == 4 || p.src.family == 6);
    FUZZ_CHECK(p.dst.family == p.src.family);
    if (p.kind == DECODED_TCP) {
        FUZZ_CHECK(p.tcp.options_len <= sizeof p.tcp.options);
        FUZZ_CHECK(p.tcp.payload_caplen <= p.tcp.payload_len);
        if (p.tcp.payload_caplen > 0) {
            FUZZ_CHECK(p.tcp.payload >= frame);
            FUZZ_CHECK(p.tcp.payload + p.tcp.payload_caplen <= frame + caplen);
            /* Touch every byte: AddressSanitizer checks the range too. */
            volatile uint8_t sum = 0;
            for (uint32_t i = 0; i < p.tcp.payload_caplen; i++)
                sum = (uint8_t)(sum + p.tcp.payload[i]);
            (void)sum;
        }
        bool rdp = false;
        for (unsigned i = 0; i < nports; i++)
            rdp = rdp || p.tcp.sport == ports[i] || p.tcp.dport == ports[i];
        if (rdp)
            FUZZ_CHECK(may);
    } else {
        FUZZ_CHECK(p.kind == DECODED_ICMP_UNREACH);
        FUZZ_CHECK(p.icmp.inner_src.family == 4 || p.icmp.inner_src.family == 6);
        FUZZ_CHECK(may);
    }
    return 0;
}
