/* packet_queue.h - reading and decoding a capture file ahead of the packet
 * path.
 *
 * Reading a file through libpcap costs as much as a bare read loop (the
 * benchmark's floor): two copies of every byte, kernel to stdio to libpcap.
 * Decoding the link, IP and TCP headers costs about as much again. On a
 * machine with a second core both can overlap the analysis: the side thread
 * (side_thread.h) reads and decodes, and hands the results over in blocks;
 * the analysis takes them in the same order, with the same numbers (issue
 * 9).
 *
 * Most bytes of a span-port capture are not RDP: a frame that cannot matter
 * (decode_may_matter) crosses as its number, time and lengths only (the
 * counts and the clock of the analysis need every frame); a decoded one
 * crosses as its decoded_packet and its TCP payload, never its headers.
 *
 * Memory is bounded: PACKET_QUEUE_BLOCKS blocks of PACKET_QUEUE_BLOCK bytes
 * (packet_queue.c); none is filled while all are full.
 */
#ifndef RDPT_PACKET_QUEUE_H
#define RDPT_PACKET_QUEUE_H

#include "capture.h"
#include "decode.h"
#include "wakeup.h"

#include <stdbool.h>
#include <stdint.h>

/* One frame, read and decoded. */
typedef struct {
    uint64_t number;          /* from 1, as Wireshark counts */
    rt_time ts;
    uint32_t caplen, wirelen;
    bool skipped;             /* cannot matter: not on an RDP port (no decode result) */
    decode_status status;     /* otherwise: DECODE_OK, or why it could not be decoded */
    const char *why;          /* a static message when not DECODE_OK, or NULL */
    decoded_packet p;         /* DECODE_OK: its payload valid until the next item */
} packet_item;

/* What to read and what may matter. */
typedef struct {
    capture_source *src;
    int linktype;
    const uint16_t *ports;
    unsigned n_ports;
} packet_reader;

/* Reads and decodes the next frame on the calling thread (live captures);
 * returns as capture_next() does. */
capture_result packet_read(const packet_reader *r, packet_item *it);

typedef struct packet_queue packet_queue;

/* A queue over a file (NULL for a live capture, or without memory: the
 * caller then uses packet_read). The consumer pokes `wake` when it has
 * given blocks back. */
packet_queue *packet_queue_new(const packet_reader *r, wakeup *wake);

typedef enum {
    PACKET_QUEUE_FILLED, /* a block was read and handed over */
    PACKET_QUEUE_FULL,   /* no block is free, or one is being filled: wait for a poke */
    PACKET_QUEUE_DONE,   /* the input ended, or reading was stopped */
} packet_queue_fill_result;

/* Reads and decodes frames into the next free block, if there is one, and
 * hands it over; one caller at a time fills. The side thread calls it, and
 * packet_queue_next too when no block is ready and none is being filled. */
packet_queue_fill_result packet_queue_fill(packet_queue *q);

/* The next item, in order, valid until the next call. After CAPTURE_END or
 * CAPTURE_ERROR, CAPTURE_END. */
capture_result packet_queue_next(packet_queue *q, const packet_item **it);

/* About the file offset of the items taken so far (interpolated within a
 * block), for the progress line. */
uint64_t packet_queue_offset(const packet_queue *q);

/* No block is filled any more: waits for one being filled, so that the
 * reader's capture_source is the caller's again (capture_break() stops
 * reading too, with an end handed over). */
void packet_queue_stop(packet_queue *q);

/* Frees q, once the side thread no longer calls packet_queue_fill. */
void packet_queue_free(packet_queue *q);

#endif
