/* retries.c - a sentence on each side of a retry (see retries.h): on the
 * first connection what the client did next and how that went, on the retry
 * what it changed. The verdicts themselves are not changed.
 */
#include "retries.h"

#include "x224.h"

#include <string.h>

#define RETRY_LOOKBACK 256

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

/* Why the first attempt failed, in a few words that name the chain. */
static const char *first_failure(const connection *c)
{
    switch (c->v.cause) {
    case CAUSE_SSL_NOT_ALLOWED_BY_SERVER: return "the server refused TLS (SSL_NOT_ALLOWED_BY_SERVER)";
    case CAUSE_SSL_REQUIRED_BY_SERVER: return "the server required TLS (SSL_REQUIRED_BY_SERVER)";
    case CAUSE_HYBRID_REQUIRED_BY_SERVER: return "the server required NLA (HYBRID_REQUIRED_BY_SERVER)";
    case CAUSE_AUTH_FAILED: return "Network Level Authentication failed";
    case CAUSE_PROTOCOL_MISMATCH: return "the security protocols did not match";
    case CAUSE_SERVER_DENIED: return "the server refused the connection";
    default: return NULL;
    }
}

static void append(verdict *v, const char *text)
{
    size_t n = strlen(v->summary);
    if (n + 2 >= sizeof v->summary)
        return;
    rt_fmt(v->summary + n, sizeof v->summary - n, "%s%s", n ? " " : "", text);
}

static void explain(connection *first, connection *retry)
{
    char was[96], now[96], out[96], text[VERDICT_TEXT];
    offered(first, was, sizeof was);
    offered(retry, now, sizeof now);
    outcome(retry, out, sizeof out);
    const char *why = first_failure(first);
    bool changed = strcmp(was, now) != 0;
    double gap = (double)rt_time_diff_us(retry->start.ts, first->end.ts) / 1e6;
    if (gap < 0)
        gap = 0;
    if (why)
        rt_fmt(text, sizeof text, "Retry chain: %s; the client retried %.1f s later in "
               "connection %u%s%s, which %s.", why, gap, retry->id,
               changed ? " offering " : " with the same settings", changed ? now : "", out);
    else
        rt_fmt(text, sizeof text, "The client retried %.1f s later in connection %u%s%s, which "
               "%s.", gap, retry->id, changed ? " offering " : " with the same settings",
               changed ? now : "", out);
    append(&first->v, text);
    if (changed)
        rt_fmt(text, sizeof text, "Retry chain: connection %u offered %s and %s; this attempt "
               "offered %s instead.", first->id, was,
               why ? why : "failed", now);
    else
        rt_fmt(text, sizeof text, "Retry chain: connection %u failed (%s); the client tried "
               "again with the same settings.", first->id,
               verdict_cause_name(first->v.cause));
    append(&retry->v, text);
}

void retries_explain(connection *first)
{
    connection *recent[RETRY_LOOKBACK];
    unsigned n = 0;
    for (connection *c = first; c; c = c->order_next) {
        if (c->retry_of) {
            unsigned k = n < RETRY_LOOKBACK ? n : RETRY_LOOKBACK;
            for (unsigned i = 0; i < k; i++) {
                connection *o = recent[(n - 1 - i) % RETRY_LOOKBACK];
                if (o->id == c->retry_of) {
                    explain(o, c);
                    break;
                }
            }
        }
        recent[n % RETRY_LOOKBACK] = c;
        n++;
    }
}
