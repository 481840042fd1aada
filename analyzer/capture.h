/* capture.h - frames from a capture file (pcap or pcapng, micro- or
 * nanosecond timestamps) or from a live interface, through libpcap.
 *
 * A read error in the middle of a file (truncated file, corrupt record) ends
 * that file: capture_next() returns CAPTURE_ERROR once, with a message that
 * names the file and the number of the packet that could not be read, and
 * CAPTURE_END afterwards; the frames before it stay valid for the analysis.
 */
#ifndef RDPT_CAPTURE_H
#define RDPT_CAPTURE_H

#include "common.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct capture_source capture_source;

typedef struct {
    uint64_t number;      /* from 1, as Wireshark counts */
    rt_time ts;
    uint32_t caplen;
    uint32_t wirelen;
    const uint8_t *data;  /* valid until the next capture_next() */
} capture_frame;

/* CAPTURE_IDLE: live only, no packet came within the read timeout (100 ms):
 * the caller may do timed work (retire connections that are over) and call
 * again. */
typedef enum { CAPTURE_IDLE = 2, CAPTURE_FRAME = 1, CAPTURE_END = 0, CAPTURE_ERROR = -1 } capture_result;

typedef struct {
    uint64_t received;      /* pcap_stats ps_recv (live only) */
    uint64_t dropped;       /* ps_drop: dropped by the kernel */
    uint64_t if_dropped;    /* ps_ifdrop */
    bool valid;
} capture_stats;

/* Opens a file. bpf may be NULL or "" (no filter). On failure returns NULL
 * and writes a message naming the file into err. */
capture_source *capture_open_file(const char *path, const char *bpf, char *err, size_t errlen);
/* Opens an interface for live capture (promiscuous, snaplen 262144). */
capture_source *capture_open_live(const char *iface, const char *bpf, char *err, size_t errlen);

int capture_linktype(const capture_source *src);
const char *capture_linktype_name(const capture_source *src);
/* File size in bytes (0 when live) and the current read offset, for a progress line. */
uint64_t capture_file_size(const capture_source *src);
uint64_t capture_file_offset(const capture_source *src);
bool capture_is_live(const capture_source *src);
/* Read from standard input (-r -). */
bool capture_is_stdin(const capture_source *src);
/* How the input `path` of capture_open_file is named in messages and
 * reports: "-" is standard input. */
const char *capture_input_name(const char *path);
/* A pcapng file (not classic pcap, not live). */
bool capture_is_pcapng(const capture_source *src);

capture_result capture_next(capture_source *src, capture_frame *frame);
/* The message of the last CAPTURE_ERROR. */
const char *capture_error(const capture_source *src);
/* Asks a live capture (or a long file read) to stop: safe from a signal
 * handler, and seen by a thread reading the file (packet_queue.h). */
void capture_break(capture_source *src);
void capture_get_stats(capture_source *src, capture_stats *st);
void capture_close(capture_source *src);

#endif
