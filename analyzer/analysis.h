/* analysis.h - one run of rdptriage: the inputs read, the connections found
 * and their verdicts, and the problems met on the way. This is the model the
 * reports read; they never see packets.
 */
#ifndef RDPT_ANALYSIS_H
#define RDPT_ANALYSIS_H

#include "capture.h"
#include "common.h"
#include "connection.h"

#include <stdbool.h>
#include <stdint.h>

#define ANALYSIS_MAX_PORTS 16
#define ANALYSIS_MAX_INPUTS 64
#define ANALYSIS_MAX_MESSAGES 64
#define ANALYSIS_DEFAULT_MAX_CONNECTIONS 50000u  /* at once: each costs about 15 KiB while followed */
#define ANALYSIS_PROGRESS_FRAMES 8192u

/* One input: a file or an interface. */
typedef struct {
    char name[512];             /* path or interface */
    bool live;
    char linktype[48];
    uint64_t packets;           /* frames read */
    uint64_t bytes;             /* bytes on the wire */
    uint64_t relevant;          /* frames on an RDP port or quoting one */
    uint64_t snaplen_cut;       /* frames shorter than on the wire where it mattered */
    uint64_t undecodable;       /* frames on an RDP port that could not be decoded */
    rt_time first, last;
    bool opened;                /* could be opened at all */
    bool read_error;            /* reading stopped early */
    char error[512];            /* why it could not be opened or read to the end */
    capture_stats stats;        /* kernel drops (live) */
} analysis_input;

typedef enum { MSG_WARNING, MSG_ERROR } message_level;

typedef struct {
    message_level level;
    char text[512];
} analysis_message;

typedef struct {
    /* settings */
    uint16_t ports[ANALYSIS_MAX_PORTS];
    unsigned n_ports;
    uint32_t max_connections;
    size_t max_buffered;        /* reassembly cap per direction */
    const char *ca_file;        /* --ca-file: CA certificates for TLS chain validation (NULL: none) */
    const char *keylog_file;    /* --keylog: NSS key log to decrypt TLS (NULL: none; issue 7) */
    const char *rsa_key_file;   /* --rsa-key: the server's RSA private key, PEM (NULL: none) */
    /* Progress while reading (NULL: none): called every ANALYSIS_PROGRESS_FRAMES frames with
     * the file offset, the file size (0 when live) and the connections found so far in this
     * run. The callee decides whether to show anything; it must be cheap. */
    void (*progress)(void *ctx, uint64_t offset, uint64_t size, uint32_t connections);
    void *progress_ctx;
    /* Called once per connection as soon as its verdict is known: when it
     * is retired from the flow table (closed and quiet, or idle for long),
     * or at the end of its input. Live mode prints each verdict here. */
    void (*on_connection)(void *ctx, const connection *c);
    void *on_connection_ctx;
    /* Keep every connection in first/last after it is reported (needed to
     * match connections across inputs, cross_capture.c, and by tests).
     * Otherwise each connection is freed right after on_connection: memory
     * stays flat however long the capture (issue 9). analysis_init sets it;
     * the CLI clears it when it streams the reports (report.h). */
    bool keep_connections;
    /* Files: read ahead and diagnose/report on threads of their own
     * (frame_queue.h, retire_stage.h). The reports are the same either way;
     * analysis_init sets it. */
    bool threads;
    /* A connection retired earlier (first_id, already passed to
     * on_connection and, unless kept, freed) was retried by a later one: the
     * sentence that belongs at the end of its summary (retries.h). NULL: the
     * sentence is appended to the kept connection's summary instead (and is
     * lost when connections are not kept). */
    void (*on_retry_note)(void *ctx, uint32_t first_id, const char *sentence);
    struct retry_ring_s *retries_state;  /* internal (analysis.c) */
    /* inputs */
    analysis_input inputs[ANALYSIS_MAX_INPUTS];
    unsigned n_inputs;
    /* results, in order of first packet */
    connection *first, *last;
    uint32_t n_connections;
    uint32_t n_failures;        /* connections retired so far whose verdict is a failure */
    bool connection_cap_reached;
    uint64_t connections_not_tracked;  /* SYNs ignored because of the cap */
    analysis_message messages[ANALYSIS_MAX_MESSAGES];
    unsigned n_messages;
    unsigned messages_dropped;
} analysis;

void analysis_init(analysis *a);
/* Adds a port (3389 is there from the start). Returns false if full. */
bool analysis_add_port(analysis *a, uint16_t port);
/* Records a message (also printed to stderr by the CLI). */
void analysis_message_add(analysis *a, message_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Reads one input to its end (or until stopped) and diagnoses every connection
 * of it. Returns false only when the input could not be opened. */
bool analysis_read(analysis *a, capture_source *src, const char *name, bool live);
/* Counts: connections, and those whose verdict is a failure. */
uint32_t analysis_failures(const analysis *a);
void analysis_free(analysis *a);

#endif
