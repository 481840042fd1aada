/* keylog.h - TLS secrets in the NSS key-log format (the SSLKEYLOGFILE lines
 * Wireshark, OpenSSL, NSS, FreeRDP and browsers write), keyed by the 32-byte
 * client random, so that each captured connection finds its own secrets
 * (pyrdp #221: several connections in one capture).
 *
 * Format (NSS "Key Log Format"; RFC 9850 draft-ietf-tls-keylogfile): one
 * "LABEL <64 hex client random> <hex secret>" per line; '#' starts a
 * comment. Labels understood:
 *   CLIENT_RANDOM                     the TLS <= 1.2 master secret (48 bytes)
 *   CLIENT_EARLY_TRAFFIC_SECRET       TLS 1.3 (RFC 8446 7.1)
 *   CLIENT_HANDSHAKE_TRAFFIC_SECRET   TLS 1.3
 *   SERVER_HANDSHAKE_TRAFFIC_SECRET   TLS 1.3
 *   CLIENT_TRAFFIC_SECRET_0           TLS 1.3 (first application secret)
 *   SERVER_TRAFFIC_SECRET_0           TLS 1.3
 *   EARLY_EXPORTER_SECRET, EXPORTER_SECRET  TLS 1.3 (kept, not needed to decrypt)
 * Other labels (RSA, the TLS 1.3 "_N" updates, unknown ones) are counted as
 * ignored; a malformed line is counted as bad; neither stops the parse.
 *
 * Bounds: at most KEYLOG_MAX_ENTRIES client randoms (reaching it sets
 * `capped`), a line longer than KEYLOG_MAX_LINE is bad, a secret longer than
 * KEYLOG_SECRET_MAX bytes is bad. A later line for the same client random and
 * label replaces the earlier one (the last word wins, as in Wireshark). The
 * keylog owns its entries (keylog_free).
 */
#ifndef RDPT_KEYLOG_H
#define RDPT_KEYLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KEYLOG_RANDOM_LEN 32
#define KEYLOG_SECRET_MAX 64        /* SHA-512 size; TLS uses 48 at most today */
#define KEYLOG_MAX_ENTRIES 16384
#define KEYLOG_MAX_LINE 1024
#define KEYLOG_MAX_FILE (64u * 1024u * 1024u) /* a key-log file larger than this is refused */

typedef enum {
    KEYLOG_MASTER_SECRET = 0,            /* CLIENT_RANDOM */
    KEYLOG_CLIENT_EARLY_TRAFFIC,
    KEYLOG_CLIENT_HANDSHAKE_TRAFFIC,
    KEYLOG_SERVER_HANDSHAKE_TRAFFIC,
    KEYLOG_CLIENT_TRAFFIC_0,
    KEYLOG_SERVER_TRAFFIC_0,
    KEYLOG_EARLY_EXPORTER,
    KEYLOG_EXPORTER,
    KEYLOG_LABEL_COUNT
} keylog_label;

typedef struct {
    uint8_t client_random[KEYLOG_RANDOM_LEN];
    uint8_t secret_len[KEYLOG_LABEL_COUNT];  /* 0: this label was not seen */
    uint8_t secret[KEYLOG_LABEL_COUNT][KEYLOG_SECRET_MAX];
} keylog_entry;

typedef struct {
    keylog_entry *entries;   /* owned */
    size_t count, alloc;
    size_t lines_used;       /* lines that set a secret */
    size_t lines_ignored;    /* comments, blank lines, labels not used here */
    size_t lines_bad;        /* malformed lines (bad hex, wrong lengths, too long) */
    bool capped;             /* KEYLOG_MAX_ENTRIES reached: later randoms were dropped */
    bool out_of_memory;
} keylog;

void keylog_init(keylog *k);
void keylog_free(keylog *k);

/* The label's keyword ("CLIENT_RANDOM", ...), or NULL for an invalid label. */
const char *keylog_label_name(keylog_label label);

/* Parses key-log text (any number of lines, '\n' or "\r\n"); the last line
 * needs no newline. Returns the number of secrets it set. */
size_t keylog_add_text(keylog *k, const uint8_t *text, size_t len);

/* Reads a key-log file. Returns 0 on success; -1 with a message in err
 * (naming the file) when it cannot be read or is larger than KEYLOG_MAX_FILE. */
int keylog_load_file(keylog *k, const char *path, char *err, size_t errlen);

/* The secrets for this client random, or NULL. The pointer stays valid until
 * the next keylog_add_text/keylog_load_file/keylog_free. */
const keylog_entry *keylog_find(const keylog *k, const uint8_t client_random[KEYLOG_RANDOM_LEN]);

/* Whether the entry holds what decryption needs: the master secret (TLS <=
 * 1.2), or both application traffic secrets (TLS 1.3). */
bool keylog_entry_has_tls12(const keylog_entry *e);
bool keylog_entry_has_tls13(const keylog_entry *e);

#endif
