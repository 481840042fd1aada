/* retries.c - a sentence on each side of a retry (see retries.h): on the
 * first connection what the client did next and how that went, on the retry
 * what it changed. The verdicts themselves are not changed.
 */
#include "retries.h"
#include "textfmt.h"

#include "x224.h"

#include <arpa/inet.h>
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
static uint32_t key_of(const rt_addr *client, const rt_addr *server, uint16_t server_port)
{
    uint32_t h = 2166136261u;
    unsigned nc = client->family == 6 ? 16 : 4, ns = server->family == 6 ? 16 : 4;
    for (unsigned i = 0; i < nc; i++) /* the bytes rt_addr_eq compares */
        h = (h ^ client->a[i]) * 16777619u;
    for (unsigned i = 0; i < ns; i++)
        h = (h ^ server->a[i]) * 16777619u;
    h = (h ^ (server_port & 0xff)) * 16777619u;
    return (h ^ (server_port >> 8)) * 16777619u;
}

static uint32_t group_key(const connection *c)
{
    return key_of(&c->client, &c->server, c->server_port);
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
    r->redirect = false;
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

static retry_record *ring_add(retry_ring *ring, const connection *c, connection *keep)
{
    retry_record *r = &ring->r[ring->n % RETRIES_LOOKBACK];
    record_of(c, keep, r);
    return r;
}

/* The record just filled by ring_add joins the ring under its key. */
static void ring_commit(retry_ring *ring, retry_record *r)
{
    unsigned *head = &ring->head[r->key % RETRIES_BUCKETS];
    r->prev_seq = *head;
    ring->n++;
    *head = ring->n;
}

/* A redirected connection also leaves a record per target address it read
 * (TargetNetAddress, TargetNetAddresses; names are not resolved), keyed as
 * the client's connection to that target on the same port would be. */
static void push_targets(retry_ring *ring, const connection *c, connection *keep)
{
    const rdp_facts *f = &c->rdp;
    if (c->v.cause != CAUSE_REDIRECTED || !f->redirection_read)
        return;
    const redir_packet *p = &f->redirection;
    rt_addr seen[REDIR_ADDRS_MAX + 1];
    unsigned n = 0;
    for (unsigned i = 0; i <= REDIR_ADDRS_MAX && i <= p->addresses_kept; i++) {
        const char *text = i == 0 ? p->target_net_address : p->addresses[i - 1];
        rt_addr t;
        memset(&t, 0, sizeof t);
        if (inet_pton(AF_INET, text, t.a) == 1)
            t.family = 4;
        else if (inet_pton(AF_INET6, text, t.a) == 1)
            t.family = 6;
        else
            continue;
        bool dup = rt_addr_eq(&t, &c->server);
        for (unsigned k = 0; k < n && !dup; k++)
            dup = rt_addr_eq(&t, &seen[k]);
        if (dup)
            continue;
        seen[n++] = t;
        retry_record *r = ring_add(ring, c, keep);
        r->server = t;
        r->key = key_of(&c->client, &t, c->server_port);
        r->redirect = true;
        ring_commit(ring, r);
    }
}

/* Only a failed connection can be the attempt a later one retries (and a
 * redirection counts as one): the others would only push it out of the
 * ring sooner. */
static void ring_push(retry_ring *ring, const connection *c, connection *keep)
{
    if (!verdict_is_failure(&c->v))
        return;
    push_targets(ring, c, keep);
    ring_commit(ring, ring_add(ring, c, keep));
}

/* The follow-up's own sentence. */
static void append_follows(connection *c)
{
    char text[VERDICT_TEXT];
    text_fmt(text, sizeof text, "It follows the Server Redirection in connection %u.",
             c->follows_redirect_of);
    append(&c->v, text);
}

/* c follows the Server Redirection of connection r->id: a sentence on each. */
static void explain_redirect(const retry_record *r, connection *c, char *fwd, size_t fwdlen)
{
    char out[96], target[64];
    outcome(c, out, sizeof out);
    text_endpoint(&c->server, c->server_port, target, sizeof target);
    double gap = (double)rt_time_diff_us(c->start.ts, r->end) / 1e6;
    if (gap < 0)
        gap = 0;
    text_fmt(fwd, fwdlen, "The client followed the redirection %.1f s later in connection %u "
             "to %s, which %s.", gap, c->id, target, out);
    c->follows_redirect_of = r->id;
    append_follows(c);
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
        first_id = prev->id;
        char text[VERDICT_TEXT];
        if (prev->redirect) {
            explain_redirect(prev, c, text, sizeof text);
        } else {
            c->retry_of = prev->id;
            explain(prev, c, text, sizeof text);
        }
        if (prev->conn)
            append(&prev->conn->v, text);
        else
            text_fmt(fwd, fwdlen, "%s", text);
    }
    ring_push(ring, c, keep ? c : NULL);
    return first_id;
}

void retries_restate_redirect(connection *c)
{
    if (c->follows_redirect_of)
        append_follows(c);
}

void retries_restate(connection *retry, const connection *first)
{
    retry_record r;
    record_of(first, NULL, &r);
    char fwd[VERDICT_TEXT];
    explain(&r, retry, fwd, sizeof fwd);
}
