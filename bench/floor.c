/* floor.c - the floor of the benchmark: the least any libpcap-based tool can
 * do with a capture, a read loop that touches each packet's length. */
#include <pcap/pcap.h>

#include <stdint.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: floor FILE\n");
        return 2;
    }
    char err[PCAP_ERRBUF_SIZE];
    pcap_t *p = pcap_open_offline(argv[1], err);
    if (!p) {
        fprintf(stderr, "floor: %s\n", err);
        return 2;
    }
    struct pcap_pkthdr *h;
    const u_char *d;
    uint64_t packets = 0, bytes = 0, sum = 0;
    while (pcap_next_ex(p, &h, &d) == 1) {
        packets++;
        bytes += h->caplen;
        sum += h->caplen ? d[h->caplen - 1] : 0; /* touch the data */
    }
    pcap_close(p);
    printf("%llu packets, %llu bytes (%llu)\n", (unsigned long long)packets,
           (unsigned long long)bytes, (unsigned long long)(sum & 1));
    return 0;
}
