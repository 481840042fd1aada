/* retries.c - a sentence on each side of a retry (see retries.h): on the
 * first connection what the client did next and how that went, on the retry
 * what it changed. The verdicts themselves are not changed.
 */
#include "retries.h"

#include "x224.h"

#include <stdlib.h>
#include <string.h>

/* What the client asked for in its X.224 request, in words. */
static void offered(const connection *c, char *buf, size_t buflen)
{
    if (!c->has_cr) {
        rt_fmt(buf, buflen, "an unknown security protocol");
        return;
    }
    if (!c->cr.has_neg_req || c->cr.requested_protocols == PROTOCOL_RDP) {
        rt_fmt(buf, buflen, "Standard RDP Security");
        return;
    }
    char p[64];
    x224_protocols_str(c->cr.requested_protocols, p, sizeof p);
    bool nla = (c->cr.requested_protocols & (PROTOCOL_HYBRID | PROTOCOL_HYBRID_EX)) != 0;
    rt_fmt(buf, buflen, "%s%s", p, nla ? " (with NLA)" : " (without NLA)");
}

static void outcome(const connection *c, char *buf, size_t buflen)
{
    if (!verdict_is_failure(&c->v))
        rt_fmt(buf, buflen, "succeeded");
    else
        rt_fmt(buf, buflen, "failed too (%s in phase %s)", verdict_cause_name(c->v.cause),
               verdict_phase_name(c->v.phase));
}

static void append(verdict *v, const char *text)
{
    size_t n = strlen(v->summary);
    if (n + 2 >= sizeof v->summary)
        return;
    rt_fmt(v->summary + n, sizeof v->summary - n, "%s%s", n ? " " : "", text);
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
    offered(c, r->offered, sizeof r->offered);
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
    char now[96], out[96], text[VERDICT_TEXT];
    offered(retry, now, sizeof now);
    outcome(retry, out, sizeof out);
    const char *why = first_failure(first->cause);
    bool changed = strcmp(first->offered, now) != 0;
    double gap = (double)rt_time_diff_us(retry->start.ts, first->end) / 1e6;
    if (gap < 0)
        gap = 0;
    if (why)
        rt_fmt(fwd, fwdlen, "Retry chain: %s; the client retried %.1f s later in "
               "connection %u%s%s, which %s.", why, gap, retry->id,
               changed ? " offering " : " with the same settings", changed ? now : "", out);
    else
        rt_fmt(fwd, fwdlen, "The client retried %.1f s later in connection %u%s%s, which "
               "%s.", gap, retry->id, changed ? " offering " : " with the same settings",
               changed ? now : "", out);
    if (changed)
        rt_fmt(text, sizeof text, "Retry chain: connection %u offered %s and %s; this attempt "
               "offered %s instead.", first->id, first->offered,
               why ? why : "failed", now);
    else
        rt_fmt(text, sizeof text, "Retry chain: connection %u failed (%s); the client tried "
               "again with the same settings.", first->id,
               verdict_cause_name(first->cause));
    append(&retry->v, text);
}

static void ring_push(retry_ring *ring, const connection *c, connection *keep)
{
    record_of(c, keep, &ring->r[ring->n % RETRIES_LOOKBACK]);
    ring->n++;
}

uint32_t retries_link(retry_ring *ring, connection *c, bool keep, char *fwd, size_t fwdlen)
{
    if (fwdlen)
        fwd[0] = '\0';
    const retry_record *prev = NULL;
    uint32_t key = group_key(c);
    unsigned k = ring->n < RETRIES_LOOKBACK ? ring->n : RETRIES_LOOKBACK;
    for (unsigned i = 0; i < k && !prev; i++) {
        const retry_record *o = &ring->r[(ring->n - 1 - i) % RETRIES_LOOKBACK];
        if (o->key == key && o->failed && o->id < c->id && rt_addr_eq(&o->client, &c->client) &&
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
            rt_fmt(fwd, fwdlen, "%s", text);
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
