/* retries.c - a sentence on each side of a retry (see retries.h): on the
 * first connection what the client did next and how that went, on the retry
 * what it changed. The verdicts themselves are not changed.
 */
#include "retries.h"
#include "textfmt.h"

#include "x224.h"

#include <stdlib.h>
#include <string.h>

/* What the client asked for in its X.224 request, in words. */
static void offered(const retry_record *r, char *buf, size_t buflen)
{
    if (!r->has_cr) {
        text_fmt(buf, buflen, "an unknown security protocol");
        return;
    }
    if (!r->has_neg_req || r->requested_protocols == PROTOCOL_RDP) {
        text_fmt(buf, buflen, "Standard RDP Security");
        return;
    }
    char p[64];
    x224_protocols_str(r->requested_protocols, p, sizeof p);
    bool nla = (r->requested_protocols & (PROTOCOL_HYBRID | PROTOCOL_HYBRID_EX)) != 0;
    text_fmt(buf, buflen, "%s%s", p, nla ? " (with NLA)" : " (without NLA)");
}

static void outcome(const connection *c, char *buf, size_t buflen)
{
    if (!verdict_is_failure(&c->v))
        text_fmt(buf, buflen, "succeeded");
    else
        text_fmt(buf, buflen, "failed too (%s in phase %s)", verdict_cause_name(c->v.cause),
               verdict_phase_name(c->v.phase));
}

static void append(verdict *v, const char *text)
{
    size_t n = strlen(v->summary);
    if (n + 2 >= sizeof v->summary)
        return;
    text_fmt(v->summary + n, sizeof v->summary - n, "%s%s", n ? " " : "", text);
}

/* FNV-1a over what makes two connections the same client->server group. */
static uint32_t group_key(const connection *c)
{
    uint32_t h = 2166136261u;
    unsigned nc = c->client.family == 6 ? 16 : 4, ns = c->server.family == 6 ? 16 : 4;
    for (unsigned i = 0; i < nc; i++) /* the bytes rt_addr_eq compares */
        h = (h ^ c->client.a[i]) * 16777619u;
    for (unsigned i = 0; i < ns; i++)
        h = (h ^ c->server.a[i]) * 16777619u;
    h = (h ^ (c->server_port & 0xff)) * 16777619u;
    return (h ^ (c->server_port >> 8)) * 16777619u;
}

static void record_of(const connection *c, connection *keep, retry_record *r)
{
    r->id = c->id;
    r->key = group_key(c);
    r->client = c->client;
    r->server = c->server;
    r->server_port = c->server_port;
    r->end = c->end.ts;
    r->failed = verdict_is_failure(&c->v) != 0;
    r->cause = c->v.cause;
    r->phase = c->v.phase;
    r->has_cr = c->has_cr;
    r->has_neg_req = c->has_cr && c->cr.has_neg_req;
    r->requested_protocols = c->has_cr ? c->cr.requested_protocols : 0;
    r->conn = keep;
}

/* Why the first attempt failed, in a few words that name the chain. */
static const char *first_failure(verdict_cause cause)
{
    switch (cause) {
    case CAUSE_SSL_NOT_ALLOWED_BY_SERVER: return "the server refused TLS (SSL_NOT_ALLOWED_BY_SERVER)";
    case CAUSE_SSL_REQUIRED_BY_SERVER: return "the server required TLS (SSL_REQUIRED_BY_SERVER)";
    case CAUSE_HYBRID_REQUIRED_BY_SERVER: return "the server required NLA (HYBRID_REQUIRED_BY_SERVER)";
    case CAUSE_AUTH_FAILED: return "Network Level Authentication failed";
    case CAUSE_PROTOCOL_MISMATCH: return "the security protocols did not match";
    case CAUSE_SERVER_DENIED: return "the server refused the connection";
    default: return NULL;
    }
}

/* Appends the retry's sentence to it and writes the first's into fwd. */
static void explain(const retry_record *first, connection *retry, char *fwd, size_t fwdlen)
{
    char before[96], now[96], out[96], text[VERDICT_TEXT];
    retry_record rr;
    record_of(retry, NULL, &rr);
    offered(first, before, sizeof before);
    offered(&rr, now, sizeof now);
    outcome(retry, out, sizeof out);
    const char *why = first_failure(first->cause);
    bool changed = strcmp(before, now) != 0;
    double gap = (double)rt_time_diff_us(retry->start.ts, first->end) / 1e6;
    if (gap < 0)
        gap = 0;
    if (why)
        text_fmt(fwd, fwdlen, "Retry chain: %s; the client retried %.1f s later in "
               "connection %u%s%s, which %s.", why, gap, retry->id,
               changed ? " offering " : " with the same settings", changed ? now : "", out);
    else
        text_fmt(fwd, fwdlen, "The client retried %.1f s later in connection %u%s%s, which "
               "%s.", gap, retry->id, changed ? " offering " : " with the same settings",
               changed ? now : "", out);
    if (changed)
        text_fmt(text, sizeof text, "Retry chain: connection %u offered %s and %s; this attempt "
               "offered %s instead.", first->id, before,
               why ? why : "failed", now);
    else
        text_fmt(text, sizeof text, "Retry chain: connection %u failed (%s); the client tried "
               "again with the same settings.", first->id,
               verdict_cause_name(first->cause));
    append(&retry->v, text);
}

static void ring_push(retry_ring *ring, const connection *c, connection *keep)
{
    retry_record *r = &ring->r[ring->n % RETRIES_LOOKBACK];
    record_of(c, keep, r);
    unsigned *head = &ring->head[r->key % RETRIES_BUCKETS];
    r->prev_seq = *head;
    ring->n++;
    *head = ring->n;
}

uint32_t retries_link(retry_ring *ring, connection *c, bool keep, char *fwd, size_t fwdlen)
{
    if (fwdlen)
        fwd[0] = '\0';
    const retry_record *prev = NULL;
    uint32_t key = group_key(c);
    /* Newest first, the records of key's bucket still in the ring. */
    for (unsigned s = ring->head[key % RETRIES_BUCKETS];
         s != 0 && ring->n - s < RETRIES_LOOKBACK && !prev;) {
        const retry_record *o = &ring->r[(s - 1) % RETRIES_LOOKBACK];
        s = o->prev_seq;
        if (o->key != key)
            continue;
        if (o->failed && o->id < c->id && rt_addr_eq(&o->client, &c->client) &&
            rt_addr_eq(&o->server, &c->server) && o->server_port == c->server_port) {
            int64_t gap = rt_time_diff_us(c->start.ts, o->end);
            if (gap >= -1000000LL && gap <= RETRIES_WINDOW_US)
                prev = o;
        }
    }
    uint32_t first_id = 0;
    if (prev) {
        c->retry_of = prev->id;
        first_id = prev->id;
        char text[VERDICT_TEXT];
        explain(prev, c, text, sizeof text);
        if (prev->conn)
            append(&prev->conn->v, text);
        else
            text_fmt(fwd, fwdlen, "%s", text);
    }
    ring_push(ring, c, keep ? c : NULL);
    return first_id;
}

void retries_restate(connection *retry, const connection *first)
{
    retry_record r;
    record_of(first, NULL, &r);
    char fwd[VERDICT_TEXT];
    explain(&r, retry, fwd, sizeof fwd);
}
