/* stream.c - the reports assembled from parts (report.h, report_parts.h).
 *
 * Each connection arrives once, as soon as its verdict is final, and may be
 * freed right after: its XML element, its line of text and (for the first
 * connections the page can show) its HTML section are serialized at once
 * into spools on disk. In memory stay only the totals, the index of the
 * spools (16 bytes a part), the rows of the HTML table (at most
 * html_max_rows() of each kind) and the retry links. At the end each
 * document is written around its parts in the order the connections
 * started, with what later connections told about earlier ones (a retry's
 * sentence, the links to it) spliced in.
 */
#include "report.h"
#include "textfmt.h"
#include "report_parts.h"

#include "atomic.h"
#include "spool.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* The ids of the connections whose sections are kept, of one kind (failed
 * or not): a max-heap of at most html_max_details() ids, so that the
 * sections kept are those of the first connections by id, the ones the
 * page shows, however late a connection ends. A section pushed out stays in
 * the spool unused. */
typedef struct {
    uint32_t *id;
    size_t n;
} id_heap;

static void heap_down(id_heap *h, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, big = i;
        if (l < h->n && h->id[l] > h->id[big])
            big = l;
        if (r < h->n && h->id[r] > h->id[big])
            big = r;
        if (big == i)
            return;
        uint32_t t = h->id[i];
        h->id[i] = h->id[big];
        h->id[big] = t;
        i = big;
    }
}

/* Whether id is among the `cap` lowest seen so far (it is then kept). */
static bool heap_offer(id_heap *h, size_t cap, uint32_t id)
{
    if (h->n < cap) {
        size_t i = h->n++;
        h->id[i] = id;
        while (i > 0 && h->id[(i - 1) / 2] < h->id[i]) { /* up */
            uint32_t t = h->id[i];
            h->id[i] = h->id[(i - 1) / 2];
            h->id[(i - 1) / 2] = t;
            i = (i - 1) / 2;
        }
        return true;
    }
    if (cap == 0 || id >= h->id[0])
        return false;
    h->id[0] = id; /* replaces the highest */
    heap_down(h, 0);
    return true;
}

enum { ROWS_FAILED = 0, ROWS_OK = 1 };

struct report_stream {
    report_outputs o;
    report_totals t;
    bool failed;                /* out of memory or a spool failed: the reports say so */
    int error;
    /* XML */
    xml_parts *xp;
    spool *xml;
    /* text */
    spool *text;
    text_widths tw;
    /* HTML */
    html_parts *hp;
    spool *details;
    id_heap detail_ids[2];
    report_row *rows[2];
    size_t n_rows[2], cap_rows[2];
    uint32_t (*links)[2];       /* (connection, its retry) */
    size_t n_links, cap_links;
    /* Retry sentences for connections already written (id: that connection). */
    spool *notes;
    /* The report files, when opened before the capture is read. */
    atomic_file *xml_file, *html_file;
};

void report_totals_add(report_totals *t, const connection *c)
{
    t->connections++;
    if (verdict_is_failure(&c->v))
        t->failures++;
    if ((unsigned)c->v.cause < CAUSE_COUNT)
        t->by_cause[c->v.cause]++;
    uint64_t g = (uint64_t)c->dir[0].reasm.gaps + c->dir[1].reasm.gaps;
    t->gaps += g;
    t->gap_bytes += c->dir[0].reasm.gap_bytes + c->dir[1].reasm.gap_bytes;
    t->gap_connections += g > 0;
    t->timeline_shortened += c->tl.dropped > 0;
}

static void stream_fail(report_stream *s, int err)
{
    if (!s->failed)
        s->error = err ? err : ENOMEM;
    s->failed = true;
}

report_stream *report_stream_new(const report_outputs *o)
{
    report_stream *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->o = *o;
    text_widths_init(&s->tw);
    bool ok = (s->notes = spool_new(NULL)) != NULL;
    if (ok && o->xml_path)
        ok = (s->xp = xml_parts_new()) && (s->xml = spool_new(o->xml_path));
    if (ok && o->html_path)
        ok = (s->hp = html_parts_new()) && (s->details = spool_new(o->html_path)) &&
             (s->detail_ids[0].id = calloc(html_max_details() + 1, sizeof(uint32_t))) &&
             (s->detail_ids[1].id = calloc(html_max_details() + 1, sizeof(uint32_t)));
    if (ok && o->text_out)
        ok = (s->text = spool_new(NULL)) != NULL;
    if (!ok) {
        report_stream_free(s);
        return NULL;
    }
    return s;
}

int report_stream_open(report_stream *s, char *err, size_t errlen)
{
    if (s->o.xml_path && !s->xml_file && !(s->xml_file = atomic_open(s->o.xml_path, err, errlen)))
        return -1;
    if (s->o.html_path && !s->html_file &&
        !(s->html_file = atomic_open(s->o.html_path, err, errlen)))
        return -1;
    return 0;
}

/* The file opened early, or now. */
static atomic_file *take_file(atomic_file **early, const char *path, char *err, size_t errlen)
{
    atomic_file *f = *early;
    *early = NULL;
    return f ? f : atomic_open(path, err, errlen);
}

void report_stream_free(report_stream *s)
{
    if (!s)
        return;
    atomic_abort(s->xml_file); /* not written: leave the targets as they were */
    atomic_abort(s->html_file);
    xml_parts_free(s->xp);
    html_parts_free(s->hp);
    spool_free(s->xml);
    spool_free(s->text);
    spool_free(s->details);
    spool_free(s->notes);
    for (int k = 0; k < 2; k++) {
        for (size_t i = 0; i < s->n_rows[k]; i++)
            free(s->rows[k][i].summary);
        free(s->rows[k]);
    }
    free(s->links);
    free(s->detail_ids[0].id);
    free(s->detail_ids[1].id);
    free(s);
}

static int row_cmp(const void *x, const void *y)
{
    const report_row *a = x, *b = y;
    return a->id < b->id ? -1 : a->id > b->id;
}

/* Keeps the `keep` rows with the lowest ids (the table lists connections in
 * the order they started). */
static void rows_trim(report_stream *s, int k, size_t keep)
{
    if (s->n_rows[k] <= keep)
        return;
    qsort(s->rows[k], s->n_rows[k], sizeof *s->rows[k], row_cmp);
    for (size_t i = keep; i < s->n_rows[k]; i++)
        free(s->rows[k][i].summary);
    s->n_rows[k] = keep;
}

static void add_row(report_stream *s, const connection *c)
{
    int k = verdict_is_failure(&c->v) ? ROWS_FAILED : ROWS_OK;
    size_t max = html_max_rows();
    if (s->n_rows[k] >= max + max / 4)
        rows_trim(s, k, max);
    if (s->n_rows[k] == s->cap_rows[k]) {
        size_t cap = s->cap_rows[k] ? s->cap_rows[k] * 2 : 256;
        report_row *r = realloc(s->rows[k], cap * sizeof *r);
        if (!r) {
            stream_fail(s, ENOMEM);
            return;
        }
        s->rows[k] = r;
        s->cap_rows[k] = cap;
    }
    report_row *r = &s->rows[k][s->n_rows[k]];
    memset(r, 0, sizeof *r);
    r->id = c->id;
    r->capture_index = c->capture_index;
    r->retry_of = c->retry_of;
    r->phase = c->v.phase;
    r->cause = c->v.cause;
    r->confidence = c->v.confidence;
    r->failed = k == ROWS_FAILED;
    text_endpoint(&c->client, c->client_port, r->client, sizeof r->client);
    text_endpoint(&c->server, c->server_port, r->server, sizeof r->server);
    r->summary = strdup(c->v.summary);
    if (!r->summary) {
        stream_fail(s, ENOMEM);
        return;
    }
    s->n_rows[k]++;
}

static void add_link(report_stream *s, uint32_t first, uint32_t retry)
{
    if (s->n_links == s->cap_links) {
        size_t cap = s->cap_links ? s->cap_links * 2 : 64;
        uint32_t (*l)[2] = realloc(s->links, cap * sizeof *l);
        if (!l) {
            stream_fail(s, ENOMEM);
            return;
        }
        s->links = l;
        s->cap_links = cap;
    }
    s->links[s->n_links][0] = first;
    s->links[s->n_links][1] = retry;
    s->n_links++;
}

void report_stream_connection(report_stream *s, const analysis *a, const connection *c)
{
    if (!s)
        return;
    report_totals_add(&s->t, c);
    size_t len, splice[2];
    if (s->xml && !s->failed) {
        const char *part = xml_parts_connection(s->xp, a, c, &len, &splice[0]);
        splice[1] = len;
        if (!part)
            stream_fail(s, ENOMEM);
        else if (!spool_add(s->xml, c->id, part, len, splice))
            stream_fail(s, spool_error(s->xml));
    }
    if (s->text && !s->failed) {
        char line[2400];
        len = text_line_fields(c, &s->tw, line, sizeof line);
        splice[0] = splice[1] = len;
        if (!spool_add(s->text, c->id, line, len, splice))
            stream_fail(s, spool_error(s->text));
    }
    if (s->details && !s->failed) {
        add_row(s, c);
        if (c->retry_of)
            add_link(s, c->retry_of, c->id);
        int k = verdict_is_failure(&c->v) ? ROWS_FAILED : ROWS_OK;
        if (heap_offer(&s->detail_ids[k], html_max_details(), c->id)) {
            const char *part = html_parts_connection(s->hp, a, c, &len, splice);
            if (!part)
                stream_fail(s, ENOMEM);
            else if (!spool_add(s->details, c->id, part, len, splice))
                stream_fail(s, spool_error(s->details));
        }
    }
}

void report_stream_retry_note(report_stream *s, uint32_t first_id, const char *sentence)
{
    if (!s || s->failed || !sentence || !sentence[0])
        return;
    size_t len = strlen(sentence), splice[2] = { len, len };
    if (!spool_add(s->notes, first_id, sentence, len, splice))
        stream_fail(s, spool_error(s->notes));
}

/* ------------------------------------------------------------ assembly */

/* Whether a retry sentence waits for id. */
static bool has_notes(report_stream *s, uint32_t id)
{
    size_t i = spool_find(s->notes, id);
    return i < spool_count(s->notes) && spool_id(s->notes, i) == id;
}

/* Writes the retry sentences for id, each after a space, escaped for XML
 * and HTML text (escape) or as they are (text: cleaned by text.c). */
static void write_notes(report_stream *s, atomic_file *f, uint32_t id)
{
    size_t len, sp[2];
    for (size_t i = spool_find(s->notes, id); i < spool_count(s->notes) &&
                                              spool_id(s->notes, i) == id; i++) {
        const char *note = spool_read(s->notes, i, &len, sp);
        if (!note)
            return;
        atomic_write(f, " ", 1);
        xml_escape_write(f, note);
    }
}

/* The notes for id joined in one string (the text line, a table row). */
static void notes_join(report_stream *s, uint32_t id, char *buf, size_t buflen)
{
    size_t used = 0, len, sp[2];
    buf[0] = '\0';
    for (size_t i = spool_find(s->notes, id); i < spool_count(s->notes) &&
                                              spool_id(s->notes, i) == id; i++) {
        const char *note = spool_read(s->notes, i, &len, sp);
        if (!note || used + 1 >= buflen)
            return;
        text_fmt(buf + used, buflen - used, "%s%s", used ? " " : "", note);
        used += strlen(buf + used);
    }
}

static bool write_xml_parts(void *ctx, atomic_file *f)
{
    report_stream *s = ctx;
    size_t len, sp[2];
    for (size_t i = 0; i < spool_count(s->xml); i++) {
        uint32_t id = spool_id(s->xml, i);
        /* Most parts go as they are, from the spool's file to the report's
         * without passing through here. */
        if (!has_notes(s, id)) {
            if (!spool_copy(s->xml, i, f))
                return false;
            continue;
        }
        const char *part = spool_read(s->xml, i, &len, sp);
        if (!part)
            return false;
        atomic_write(f, part, sp[0]);
        write_notes(s, f, id);
        atomic_write(f, part + sp[0], len - sp[0]);
    }
    return spool_error(s->notes) == 0;
}

static int finish_error(report_stream *s, atomic_file *f, const char *what, const char *path,
                        int spool_err, char *err, size_t errlen)
{
    int e = atomic_error(f) ? atomic_error(f) : spool_err ? spool_err : s->error;
    text_fmt(err, errlen, "cannot write %s report '%s': %s", what, path,
           e ? strerror(e) : "out of memory");
    atomic_abort(f);
    return -1;
}

int report_stream_xml(report_stream *s, const analysis *a, char *err, size_t errlen)
{
    if (!s->xml)
        return 0;
    spool_sort(s->xml);
    spool_sort(s->notes);
    atomic_file *f = take_file(&s->xml_file, s->o.xml_path, err, errlen);
    if (!f)
        return -1;
    bool ok = !s->failed && xml_document_write(a, &s->t, f, write_xml_parts, s);
    if (!ok || atomic_error(f) || spool_error(s->xml))
        return finish_error(s, f, "XML", s->o.xml_path, spool_error(s->xml), err, errlen);
    return atomic_commit(f, err, errlen);
}

/* The table: failures first, then the rest, each by id. */
typedef struct {
    report_stream *s;
    report_row *rows;
    size_t n;
} html_table_ctx;

static bool write_html_details(void *ctx, atomic_file *f)
{
    html_table_ctx *tc = ctx;
    report_stream *s = tc->s;
    size_t len, sp[2];
    for (size_t i = 0; i < tc->n && i < html_max_details(); i++) {
        const report_row *r = &tc->rows[i];
        if (!r->has_detail)
            continue;
        size_t k = spool_find(s->details, r->id);
        const char *part = spool_read(s->details, k, &len, sp);
        if (!part)
            return false;
        atomic_write(f, part, sp[0]);
        write_notes(s, f, r->id);
        atomic_write(f, part + sp[0], sp[1] - sp[0]);
        /* the links to this connection's retries (links sorted by first) */
        size_t lo = 0, hi = s->n_links;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (s->links[mid][0] < r->id)
                lo = mid + 1;
            else
                hi = mid;
        }
        uint32_t later[16];
        size_t nl = 0;
        for (size_t j = lo; j < s->n_links && s->links[j][0] == r->id && nl < 16; j++)
            later[nl++] = s->links[j][1];
        html_related_later(f, r->retry_of != 0, later, nl);
        atomic_write(f, part + sp[1], len - sp[1]);
    }
    return spool_error(s->notes) == 0;
}

static int link_cmp(const void *x, const void *y)
{
    const uint32_t *a = x, *b = y;
    if (a[0] != b[0])
        return a[0] < b[0] ? -1 : 1;
    return a[1] < b[1] ? -1 : a[1] > b[1];
}

int report_stream_html(report_stream *s, const analysis *a, char *err, size_t errlen)
{
    if (!s->details)
        return 0;
    size_t max = html_max_rows();
    rows_trim(s, ROWS_FAILED, max);
    rows_trim(s, ROWS_OK, max);
    for (int k = 0; k < 2; k++)
        if (s->n_rows[k])
            qsort(s->rows[k], s->n_rows[k], sizeof *s->rows[k], row_cmp);
    spool_sort(s->details);
    spool_sort(s->notes);
    if (s->n_links)
        qsort(s->links, s->n_links, sizeof *s->links, link_cmp);

    html_table_ctx tc = { s, NULL, 0 };
    size_t nf = s->n_rows[ROWS_FAILED] < max ? s->n_rows[ROWS_FAILED] : max;
    size_t no = s->n_rows[ROWS_OK] < max - nf ? s->n_rows[ROWS_OK] : max - nf;
    tc.rows = calloc(nf + no + 1, sizeof *tc.rows);
    if (!tc.rows)
        stream_fail(s, ENOMEM);
    else {
        if (nf)
            memcpy(tc.rows, s->rows[ROWS_FAILED], nf * sizeof *tc.rows);
        if (no)
            memcpy(tc.rows + nf, s->rows[ROWS_OK], no * sizeof *tc.rows);
        tc.n = nf + no;
    }
    /* Rows show the retry sentences too; a row links to a section only when
     * there is one. The summaries are the rows' own, extended in place. */
    for (size_t i = 0; i < tc.n; i++) {
        report_row *r = &tc.rows[i];
        size_t k = spool_find(s->details, r->id);
        r->has_detail = i < html_max_details() && k < spool_count(s->details) &&
                        spool_id(s->details, k) == r->id;
        char extra[VERDICT_TEXT * 2];
        notes_join(s, r->id, extra, sizeof extra);
        if (extra[0]) {
            size_t n = strlen(r->summary) + strlen(extra) + 2;
            char *joined = malloc(n);
            if (joined) {
                text_fmt(joined, n, "%s%s%s", r->summary, r->summary[0] ? " " : "", extra);
                free(r->summary);
                r->summary = joined;
                /* the row arrays own the strings: keep them pointing at it */
                if (i < nf)
                    s->rows[ROWS_FAILED][i].summary = joined;
                else
                    s->rows[ROWS_OK][i - nf].summary = joined;
            }
        }
    }
    atomic_file *f = take_file(&s->html_file, s->o.html_path, err, errlen);
    if (!f) {
        free(tc.rows);
        return -1;
    }
    bool ok = !s->failed && html_document_write(a, &s->t, tc.rows, tc.n, f, write_html_details, &tc);
    free(tc.rows);
    if (!ok || atomic_error(f) || spool_error(s->details))
        return finish_error(s, f, "HTML", s->o.html_path, spool_error(s->details), err, errlen);
    return atomic_commit(f, err, errlen);
}

void report_stream_text(report_stream *s)
{
    if (!s->text)
        return;
    FILE *out = s->o.text_out;
    spool_sort(s->text);
    spool_sort(s->notes);
    if (spool_count(s->text) > 0)
        text_header_print(out, s->o.color, &s->tw);
    size_t len, sp[2];
    for (size_t i = 0; i < spool_count(s->text); i++) {
        const char *line = spool_read(s->text, i, &len, sp);
        if (!line)
            break;
        char extra[VERDICT_TEXT * 2];
        notes_join(s, spool_id(s->text, i), extra, sizeof extra);
        text_line_print(out, s->o.color, &s->tw, line, extra);
    }
    if (spool_error(s->text) || s->failed)
        fprintf(out, "(the list above is incomplete: %s)\n",
                strerror(spool_error(s->text) ? spool_error(s->text) : s->error));
    text_total_print(out, s->o.color, s->t.connections, s->t.failures);
}

/* ------------------------------------------------------------ kept models */

static report_stream *stream_of(const analysis *a, const report_outputs *o)
{
    report_stream *s = report_stream_new(o);
    if (!s)
        return NULL;
    for (const connection *c = a->first; c; c = c->order_next)
        report_stream_connection(s, a, c);
    return s;
}

int report_xml(const analysis *a, const char *path, char *err, size_t errlen)
{
    report_outputs o = { .xml_path = path };
    report_stream *s = stream_of(a, &o);
    if (!s) {
        text_fmt(err, errlen, "cannot write XML report '%s': out of memory", path);
        return -1;
    }
    int rc = report_stream_xml(s, a, err, errlen);
    report_stream_free(s);
    return rc;
}

int report_html(const analysis *a, const char *path, char *err, size_t errlen)
{
    report_outputs o = { .html_path = path };
    report_stream *s = stream_of(a, &o);
    if (!s) {
        text_fmt(err, errlen, "cannot write HTML report '%s': out of memory", path ? path : "");
        return -1;
    }
    int rc = report_stream_html(s, a, err, errlen);
    report_stream_free(s);
    return rc;
}

void report_text(const analysis *a, FILE *out, bool color)
{
    report_outputs o = { .text_out = out, .color = color };
    report_stream *s = stream_of(a, &o);
    if (!s) {
        fprintf(out, "rdptriage: out of memory\n");
        return;
    }
    report_stream_text(s);
    report_stream_free(s);
}
