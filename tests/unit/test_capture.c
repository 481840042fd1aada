/* test_capture.c - reading pcap (micro- and nanosecond) and pcapng files
 * written to a temporary directory, packet numbering under a BPF filter,
 * truncated and non-capture files, and the public captures when present.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "capture.h"
#include "decode.h"

#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef RDPT_SHARED_DIR
#define RDPT_SHARED_DIR "" /* CMake defines it; without it the public captures are skipped */
#endif

/* ---- temporary directory ------------------------------------------------ */

static char tmpdir[64];

static int setup_dir(void **state)
{
    (void)state;
    rt_fmt(tmpdir, sizeof tmpdir, "/tmp/rdpt_capture_XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static const char *const TMP_FILES[] = { "us.pcap",   "ns.pcap",     "ns.pcapng",  "us.pcapng",
                                         "trunc.pcap", "trunchdr.pcap", "text.txt", "filter.pcap",
                                         "dlt.pcap",  "empty.pcap",    "big.pcap" };

static void tmp_path(char *buf, size_t len, const char *name)
{
    rt_fmt(buf, len, "%s/%s", tmpdir, name);
}

static int teardown_dir(void **state)
{
    (void)state;
    char p[128];
    for (size_t i = 0; i < sizeof TMP_FILES / sizeof TMP_FILES[0]; i++) {
        tmp_path(p, sizeof p, TMP_FILES[i]);
        unlink(p);
    }
    return rmdir(tmpdir);
}

/* ---- frames and writers ------------------------------------------------- */

static void put16(uint8_t *b, uint16_t v)
{
    b[0] = (uint8_t)(v >> 8);
    b[1] = (uint8_t)v;
}

static void le16(uint8_t *b, uint16_t v)
{
    b[0] = (uint8_t)v;
    b[1] = (uint8_t)(v >> 8);
}

static void le32(uint8_t *b, uint32_t v)
{
    le16(b, (uint16_t)v);
    le16(b + 2, (uint16_t)(v >> 16));
}

/* Ethernet / IPv4 / TCP (proto 6) or UDP (17) from port 50000+i to dport,
 * with paylen bytes of payload. Returns the frame length. */
static size_t make_frame(uint8_t *f, uint8_t proto, uint16_t dport, unsigned i, size_t paylen)
{
    size_t l4 = proto == 6 ? 20 : 8;
    memset(f, 0, 14 + 20 + l4 + paylen);
    memcpy(f, "\x00\x15\x5d\x01\x02\x03\x00\x0c\x29\xaa\xbb\xcc", 12);
    put16(f + 12, 0x0800);
    uint8_t *ip = f + 14;
    ip[0] = 0x45;
    put16(ip + 2, (uint16_t)(20 + l4 + paylen));
    ip[8] = 64;
    ip[9] = proto;
    memcpy(ip + 12, "\x0a\x00\x00\x05\x0a\x00\x00\x09", 8);
    uint8_t *t = ip + 20;
    put16(t, (uint16_t)(50000 + i));
    put16(t + 2, dport);
    if (proto == 6) {
        t[12] = 0x50;
        t[13] = 0x18;
    } else {
        put16(t + 4, (uint16_t)(8 + paylen));
    }
    for (size_t k = 0; k < paylen; k++)
        t[l4 + k] = (uint8_t)(i + k);
    return 14 + 20 + l4 + paylen;
}

/* Writes frames through libpcap's own writer (microsecond pcap). */
static void write_pcap_us(const char *path, const uint8_t (*frames)[128], const size_t *lens,
                          unsigned n)
{
    pcap_t *dead = pcap_open_dead(DLT_EN10MB, 65535);
    assert_non_null(dead);
    pcap_dumper_t *dump = pcap_dump_open(dead, path);
    assert_non_null(dump);
    for (unsigned i = 0; i < n; i++) {
        struct pcap_pkthdr h;
        memset(&h, 0, sizeof h);
        h.ts.tv_sec = 1700000000 + (time_t)i;
        h.ts.tv_usec = 123456 + (suseconds_t)i;
        h.caplen = (bpf_u_int32)lens[i];
        h.len = (bpf_u_int32)lens[i];
        pcap_dump((u_char *)dump, &h, frames[i]);
    }
    pcap_dump_close(dump);
    pcap_close(dead);
}

static void write_file(const char *path, const uint8_t *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

/* A little-endian pcap written by hand: magic 0xa1b23c4d marks nanosecond
 * timestamps (pcap-savefile(5)); linktype is the LINKTYPE_ value. */
static size_t build_pcap_ns(uint8_t *out, uint32_t linktype, const uint8_t *frame, size_t len,
                            unsigned count)
{
    size_t off = 0;
    le32(out, 0xa1b23c4d);
    le16(out + 4, 2);
    le16(out + 6, 4);
    le32(out + 8, 0);
    le32(out + 12, 0);
    le32(out + 16, 65535);
    le32(out + 20, linktype);
    off = 24;
    for (unsigned i = 0; i < count; i++) {
        le32(out + off, 1700000000u + i);
        le32(out + off + 4, 123456789u + i);
        le32(out + off + 8, (uint32_t)len);
        le32(out + off + 12, (uint32_t)len + 100); /* snapped: 100 bytes not kept */
        memcpy(out + off + 16, frame, len);
        off += 16 + len;
    }
    return off;
}

/* A minimal pcapng (pcapng spec, draft-ietf-opsawg-pcapng): Section Header
 * Block, Interface Description Block (with if_tsresol when tsresol != 6),
 * then one Enhanced Packet Block per frame, little-endian. */
static size_t build_pcapng(uint8_t *out, uint8_t tsresol, const uint8_t (*frames)[128],
                           const size_t *lens, unsigned n, const uint64_t *ts)
{
    size_t off = 0;
    /* SHB */
    le32(out, 0x0A0D0D0A);
    le32(out + 4, 28);
    le32(out + 8, 0x1A2B3C4D);
    le16(out + 12, 1);
    le16(out + 14, 0);
    le32(out + 16, 0xFFFFFFFF); /* section length unknown */
    le32(out + 20, 0xFFFFFFFF);
    le32(out + 24, 28);
    off = 28;
    /* IDB */
    size_t idb = off;
    le32(out + off, 1);
    le16(out + off + 8, 1); /* LINKTYPE_ETHERNET */
    le16(out + off + 10, 0);
    le32(out + off + 12, 262144);
    off += 16;
    if (tsresol != 6) {
        le16(out + off, 9); /* if_tsresol */
        le16(out + off + 2, 1);
        out[off + 4] = tsresol;
        out[off + 5] = out[off + 6] = out[off + 7] = 0;
        off += 8;
        le32(out + off, 0); /* opt_endofopt */
        off += 4;
    }
    le32(out + off, (uint32_t)(off + 4 - idb));
    off += 4;
    le32(out + idb + 4, (uint32_t)(off - idb));
    /* EPBs */
    for (unsigned i = 0; i < n; i++) {
        size_t pad = (4 - lens[i] % 4) % 4;
        uint32_t blen = (uint32_t)(32 + lens[i] + pad);
        le32(out + off, 6);
        le32(out + off + 4, blen);
        le32(out + off + 8, 0);
        le32(out + off + 12, (uint32_t)(ts[i] >> 32));
        le32(out + off + 16, (uint32_t)ts[i]);
        le32(out + off + 20, (uint32_t)lens[i]);
        le32(out + off + 24, (uint32_t)lens[i]);
        memcpy(out + off + 28, frames[i], lens[i]);
        memset(out + off + 28 + lens[i], 0, pad);
        le32(out + off + 28 + lens[i] + pad, blen);
        off += blen;
    }
    return off;
}

static capture_source *open_ok(const char *path, const char *bpf)
{
    char err[512] = "";
    capture_source *src = capture_open_file(path, bpf, err, sizeof err);
    if (!src)
        fail_msg("open %s: %s", path, err);
    return src;
}

/* ---- tests -------------------------------------------------------------- */

static void test_pcap_microseconds(void **state)
{
    (void)state;
    uint8_t frames[3][128];
    size_t lens[3];
    for (unsigned i = 0; i < 3; i++)
        lens[i] = make_frame(frames[i], 6, 3389, i, 10 * i);
    char path[128];
    tmp_path(path, sizeof path, "us.pcap");
    write_pcap_us(path, (const uint8_t(*)[128])frames, lens, 3);

    capture_source *src = open_ok(path, NULL);
    assert_false(capture_is_live(src));
    assert_int_equal(capture_linktype(src), DLT_EN10MB);
    assert_string_equal(capture_linktype_name(src), "EN10MB");
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(capture_file_size(src), (uint64_t)st.st_size);
    assert_int_equal(capture_file_offset(src), 24); /* past the file header */

    capture_frame fr;
    for (unsigned i = 0; i < 3; i++) {
        assert_int_equal(capture_next(src, &fr), CAPTURE_FRAME);
        assert_int_equal(fr.number, i + 1);
        assert_int_equal(fr.ts.sec, 1700000000 + i);
        assert_int_equal(fr.ts.nsec, (123456 + i) * 1000);
        assert_int_equal(fr.caplen, lens[i]);
        assert_int_equal(fr.wirelen, lens[i]);
        assert_memory_equal(fr.data, frames[i], lens[i]);
    }
    assert_int_equal(capture_next(src, &fr), CAPTURE_END);
    assert_int_equal(capture_next(src, &fr), CAPTURE_END);
    assert_int_equal(capture_file_offset(src), (uint64_t)st.st_size);
    assert_string_equal(capture_error(src), "");
    capture_stats stats;
    capture_get_stats(src, &stats);
    assert_false(stats.valid);
    capture_close(src);
}

static void test_pcap_nanoseconds(void **state)
{
    (void)state;
    uint8_t frame[128], file[1024];
    size_t len = make_frame(frame, 6, 3389, 0, 4);
    size_t n = build_pcap_ns(file, 1, frame, len, 2);
    char path[128];
    tmp_path(path, sizeof path, "ns.pcap");
    write_file(path, file, n);

    capture_source *src = open_ok(path, "");
    capture_frame fr;
    for (unsigned i = 0; i < 2; i++) {
        assert_int_equal(capture_next(src, &fr), CAPTURE_FRAME);
        assert_int_equal(fr.number, i + 1);
        assert_int_equal(fr.ts.sec, 1700000000 + i);
        assert_int_equal(fr.ts.nsec, 123456789 + i);
        assert_int_equal(fr.caplen, len);
        assert_int_equal(fr.wirelen, len + 100);
    }
    assert_int_equal(capture_next(src, &fr), CAPTURE_END);
    capture_close(src);
}

static void test_pcapng(void **state)
{
    (void)state;
    uint8_t frames[2][128], file[1024];
    size_t lens[2];
    lens[0] = make_frame(frames[0], 6, 3389, 0, 0);
    lens[1] = make_frame(frames[1], 6, 3389, 1, 7); /* not a multiple of 4: padded */
    char path[128];

    /* if_tsresol 9: nanosecond units. */
    const uint64_t ts_ns[2] = { 1700000000123456789ull, 1700000001000000001ull };
    size_t n = build_pcapng(file, 9, (const uint8_t(*)[128])frames, lens, 2, ts_ns);
    tmp_path(path, sizeof path, "ns.pcapng");
    write_file(path, file, n);
    capture_source *src = open_ok(path, NULL);
    assert_int_equal(capture_linktype(src), DLT_EN10MB);
    capture_frame fr;
    assert_int_equal(capture_next(src, &fr), CAPTURE_FRAME);
    assert_int_equal(fr.number, 1);
    assert_int_equal(fr.ts.sec, 1700000000);
    assert_int_equal(fr.ts.nsec, 123456789);
    assert_memory_equal(fr.data, frames[0], lens[0]);
    assert_int_equal(capture_next(src, &fr), CAPTURE_FRAME);
    assert_int_equal(fr.number, 2);
    assert_int_equal(fr.ts.sec, 1700000001);
    assert_int_equal(fr.ts.nsec, 1);
    assert_int_equal(fr.caplen, lens[1]);
    assert_memory_equal(fr.data, frames[1], lens[1]);
    assert_int_equal(capture_next(src, &fr), CAPTURE_END);
    capture_close(src);

    /* No if_tsresol: microsecond units, scaled to nanoseconds. */
    const uint64_t ts_us[2] = { 1700000000654321ull, 1700000002000001ull };
    n = build_pcapng(file, 6, (const uint8_t(*)[128])frames, lens, 2, ts_us);
    tmp_path(path, sizeof path, "us.pcapng");
    write_file(path, file, n);
    src = open_ok(path, NULL);
    assert_int_equal(capture_next(src, &fr), CAPTURE_FRAME);
    assert_int_equal(fr.ts.sec, 1700000000);
    assert_int_equal(fr.ts.nsec, 654321000);
    assert_int_equal(capture_next(src, &fr), CAPTURE_FRAME);
    assert_int_equal(fr.number, 2);
    assert_int_equal(fr.ts.sec, 1700000002);
    assert_int_equal(fr.ts.nsec, 1000);
    assert_int_equal(capture_next(src, &fr), CAPTURE_END);
    capture_close(src);
}

/* Cuts a 3-frame pcap so that frame 3 cannot be read: frames 1 and 2 come
 * back, then one CAPTURE_ERROR naming the file and packet 3, then the end. */
static void check_truncated(const char *name, size_t cut_from_end)
{
    uint8_t frames[3][128];
    size_t lens[3];
    for (unsigned i = 0; i < 3; i++)
        lens[i] = make_frame(frames[i], 6, 3389, i, 20);
    char path[128];
    tmp_path(path, sizeof path, name);
    write_pcap_us(path, (const uint8_t(*)[128])frames, lens, 3);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(truncate(path, st.st_size - (off_t)cut_from_end), 0);

    capture_source *src = open_ok(path, NULL);
    capture_frame fr;
    assert_int_equal(capture_next(src, &fr), CAPTURE_FRAME);
    assert_int_equal(fr.number, 1);
    assert_int_equal(capture_next(src, &fr), CAPTURE_FRAME);
    assert_int_equal(fr.number, 2);
    assert_memory_equal(fr.data, frames[1], lens[1]);
    assert_int_equal(capture_next(src, &fr), CAPTURE_ERROR);
    const char *msg = capture_error(src);
    if (!strstr(msg, path) || !strstr(msg, "packet 3 could not be read") ||
        !strstr(msg, "uses the 2 packets before it") || !strstr(msg, "truncated"))
        fail_msg("unexpected message: %s", msg);
    assert_int_equal(capture_next(src, &fr), CAPTURE_END);
    assert_int_equal(capture_next(src, &fr), CAPTURE_END);
    capture_close(src);
}

static void test_truncated_file(void **state)
{
    (void)state;
    check_truncated("trunc.pcap", 10);                 /* inside frame 3's data */
    check_truncated("trunchdr.pcap", 14 + 20 + 20 + 20 + 6); /* inside its record header */
}

static void test_not_a_capture(void **state)
{
    (void)state;
    char path[128], err[512];
    tmp_path(path, sizeof path, "text.txt");
    const char *text = "This is not a capture file, just some text.\n";
    write_file(path, (const uint8_t *)text, strlen(text));
    err[0] = '\0';
    assert_null(capture_open_file(path, NULL, err, sizeof err));
    assert_non_null(strstr(err, path));
    assert_non_null(strstr(err, "not a capture file"));

    tmp_path(path, sizeof path, "empty.pcap");
    write_file(path, (const uint8_t *)"", 0);
    err[0] = '\0';
    assert_null(capture_open_file(path, NULL, err, sizeof err));
    assert_non_null(strstr(err, path));
    assert_non_null(strstr(err, "empty"));

    tmp_path(path, sizeof path, "missing.pcap");
    err[0] = '\0';
    assert_null(capture_open_file(path, NULL, err, sizeof err));
    assert_non_null(strstr(err, path));
    assert_non_null(strstr(err, "No such file"));

    err[0] = '\0';
    assert_null(capture_open_file(tmpdir, NULL, err, sizeof err));
    assert_non_null(strstr(err, tmpdir));
    assert_non_null(strstr(err, "directory"));
}

static void test_filter_keeps_numbering(void **state)
{
    (void)state;
    uint8_t frames[4][128];
    size_t lens[4];
    lens[0] = make_frame(frames[0], 6, 3389, 0, 0);
    lens[1] = make_frame(frames[1], 17, 3389, 1, 8); /* UDP: filtered out */
    lens[2] = make_frame(frames[2], 6, 3389, 2, 5);
    lens[3] = make_frame(frames[3], 6, 443, 3, 5);   /* other port: filtered out */
    char path[128];
    tmp_path(path, sizeof path, "filter.pcap");
    write_pcap_us(path, (const uint8_t(*)[128])frames, lens, 4);

    capture_source *src = open_ok(path, "tcp port 3389");
    capture_frame fr;
    assert_int_equal(capture_next(src, &fr), CAPTURE_FRAME);
    assert_int_equal(fr.number, 1);
    assert_int_equal(capture_next(src, &fr), CAPTURE_FRAME);
    assert_int_equal(fr.number, 3);
    assert_memory_equal(fr.data, frames[2], lens[2]);
    assert_int_equal(capture_next(src, &fr), CAPTURE_END);
    capture_close(src);

    /* Without a filter all four come back. */
    src = open_ok(path, NULL);
    unsigned count = 0;
    while (capture_next(src, &fr) == CAPTURE_FRAME)
        assert_int_equal(fr.number, ++count);
    assert_int_equal(count, 4);
    capture_close(src);

    /* An invalid filter: NULL, with the file and libpcap's reason. */
    char err[512] = "";
    assert_null(capture_open_file(path, "tcp port nonsense-port-name", err, sizeof err));
    assert_non_null(strstr(err, path));
    assert_non_null(strstr(err, "filter"));
}

static void test_break_and_unknown_linktype(void **state)
{
    (void)state;
    uint8_t frame[128], file[1024];
    size_t len = make_frame(frame, 6, 3389, 0, 0);
    /* LINKTYPE 65000: no name known to libpcap. */
    size_t n = build_pcap_ns(file, 65000, frame, len, 3);
    char path[128];
    tmp_path(path, sizeof path, "dlt.pcap");
    write_file(path, file, n);

    capture_source *src = open_ok(path, NULL);
    assert_int_equal(capture_linktype(src), 65000);
    assert_string_equal(capture_linktype_name(src), "DLT 65000");
    capture_frame fr;
    assert_int_equal(capture_next(src, &fr), CAPTURE_FRAME);
    decoded_packet d;
    assert_int_equal(decode_packet(capture_linktype(src), fr.data, fr.caplen, fr.wirelen, &d, NULL),
                     DECODE_UNSUPPORTED);
    capture_break(src);
    assert_int_equal(capture_next(src, &fr), CAPTURE_END);
    capture_close(src);
}

static void test_live_bad_interface(void **state)
{
    (void)state;
    char err[512] = "";
    assert_null(capture_open_live("rdpt-no-such-if0", NULL, err, sizeof err));
    assert_non_null(strstr(err, "rdpt-no-such-if0"));
    err[0] = '\0';
    assert_null(capture_open_live("", NULL, err, sizeof err));
    assert_true(strlen(err) > 0);
}

/* ---- public captures ---------------------------------------------------- */

static void check_public_capture(const char *rel, int linktype, unsigned frames, bool vlan)
{
    char path[512];
    rt_fmt(path, sizeof path, "%s/captures/%s", RDPT_SHARED_DIR, rel);
    if (access(path, R_OK) != 0)
        skip();
    capture_source *src = open_ok(path, NULL);
    assert_int_equal(capture_linktype(src), linktype);
    capture_frame fr;
    unsigned count = 0;
    rt_time prev = { 0, 0 };
    while (capture_next(src, &fr) == CAPTURE_FRAME) {
        count++;
        assert_int_equal(fr.number, count);
        assert_true(rt_time_cmp(fr.ts, prev) >= 0);
        prev = fr.ts;
        decoded_packet d;
        const char *why = "";
        decode_status st = decode_packet(linktype, fr.data, fr.caplen, fr.wirelen, &d, &why);
        if (st != DECODE_OK)
            fail_msg("%s frame %u: status %d (%s)", rel, count, st, why);
        assert_int_equal(d.kind, DECODED_TCP);
        assert_true(d.tcp.sport == 3389 || d.tcp.dport == 3389);
        assert_true(d.tcp.payload_caplen <= d.tcp.payload_len);
        assert_int_equal(d.vlan_count > 0, vlan);
        const uint16_t port = 3389;
        assert_true(decode_may_matter(linktype, fr.data, fr.caplen, &port, 1));
    }
    assert_string_equal(capture_error(src), "");
    assert_int_equal(count, frames);
    capture_close(src);
}

static void test_public_ndpi_rdp(void **state)
{
    (void)state;
    check_public_capture("ndpi/rdp.pcap", DLT_NULL, 20, false);
}

static void test_public_ndpi_rdp_over_tls(void **state)
{
    (void)state;
    check_public_capture("ndpi/rdp_over_tls.pcap", DLT_EN10MB, 19, true);
}

static void test_public_awakecoding_pcapng(void **state)
{
    (void)state;
    check_public_capture("awakecoding-wireshark-rdp/rdp-no-nla-rejected1.pcapng", DLT_EN10MB, 6,
                         false);
}

/* A file several times larger than the stdio buffer capture.c gives it
 * (512 KiB): every frame comes back whole and in order across the buffer
 * boundaries, and the offset ends at the file's size. */
static void test_large_file(void **state)
{
    (void)state;
    enum { N = 12000 };
    char path[128];
    tmp_path(path, sizeof path, "big.pcap");
    pcap_t *dead = pcap_open_dead(DLT_EN10MB, 65535);
    assert_non_null(dead);
    pcap_dumper_t *dump = pcap_dump_open(dead, path);
    assert_non_null(dump);
    uint8_t f[1600];
    for (unsigned i = 0; i < N; i++) {
        size_t len = make_frame(f, 6, 3389, i, (i * 37) % 1400);
        struct pcap_pkthdr h;
        memset(&h, 0, sizeof h);
        h.ts.tv_sec = 1700000000 + (time_t)i;
        h.caplen = h.len = (bpf_u_int32)len;
        pcap_dump((u_char *)dump, &h, f);
    }
    pcap_dump_close(dump);
    pcap_close(dead);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_true(st.st_size > 3 * 512 * 1024);

    capture_source *src = open_ok(path, NULL);
    capture_frame fr;
    for (unsigned i = 0; i < N; i++) {
        assert_int_equal(capture_next(src, &fr), CAPTURE_FRAME);
        assert_int_equal(fr.number, i + 1);
        assert_int_equal(fr.ts.sec, 1700000000 + i);
        size_t len = make_frame(f, 6, 3389, i, (i * 37) % 1400);
        assert_int_equal(fr.caplen, len);
        assert_memory_equal(fr.data, f, len);
    }
    assert_int_equal(capture_next(src, &fr), CAPTURE_END);
    assert_int_equal(capture_file_offset(src), (uint64_t)st.st_size);
    capture_close(src);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pcap_microseconds),
        cmocka_unit_test(test_pcap_nanoseconds),
        cmocka_unit_test(test_pcapng),
        cmocka_unit_test(test_truncated_file),
        cmocka_unit_test(test_large_file),
        cmocka_unit_test(test_not_a_capture),
        cmocka_unit_test(test_filter_keeps_numbering),
        cmocka_unit_test(test_break_and_unknown_linktype),
        cmocka_unit_test(test_live_bad_interface),
        cmocka_unit_test(test_public_ndpi_rdp),
        cmocka_unit_test(test_public_ndpi_rdp_over_tls),
        cmocka_unit_test(test_public_awakecoding_pcapng),
    };
    return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
