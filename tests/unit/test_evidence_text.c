/* test_evidence_text.c - without the XML and HTML reports, evidence is not
 * formatted (verdict_set_evidence_text, analyzer/verdict.h): the verdicts
 * stay the same (phase, cause, confidence, summary, detail, the deciding
 * packet, the evidence packets and their order) and only the evidence text
 * is empty. Real lab captures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "analysis.h"

#include <stdio.h>
#include <string.h>

#ifndef RDPT_SOURCE_DIR
#define RDPT_SOURCE_DIR "."
#endif

static void analyse(const char *sample, analysis *a)
{
    char path[512], err[512];
    snprintf(path, sizeof path, "%s/samples/%s", RDPT_SOURCE_DIR, sample);
    analysis_init(a);
    capture_source *src = capture_open_file(path, NULL, err, sizeof err);
    assert_non_null(src);
    assert_true(analysis_read(a, src, sample, false));
    capture_close(src);
    assert_non_null(a->first);
}

static void same_verdicts_without_text(const char *sample)
{
    analysis with, without;
    verdict_set_evidence_text(true);
    analyse(sample, &with);
    verdict_set_evidence_text(false);
    analyse(sample, &without);
    verdict_set_evidence_text(true);
    unsigned texts = 0;
    const connection *x = with.first, *y = without.first;
    for (; x && y; x = x->order_next, y = y->order_next) {
        assert_int_equal(x->v.phase, y->v.phase);
        assert_int_equal(x->v.cause, y->v.cause);
        assert_int_equal(x->v.confidence, y->v.confidence);
        assert_string_equal(x->v.summary, y->v.summary);
        assert_string_equal(x->v.detail, y->v.detail);
        assert_int_equal(x->v.key.packet, y->v.key.packet);
        assert_int_equal(x->v.n_evidence, y->v.n_evidence);
        for (unsigned i = 0; i < x->v.n_evidence; i++) {
            assert_int_equal(x->v.evidence[i].ref.packet, y->v.evidence[i].ref.packet);
            assert_string_equal(y->v.evidence[i].text, "");
            texts += x->v.evidence[i].text[0] != '\0';
        }
    }
    assert_null(x);
    assert_null(y);
    assert_true(texts > 0); /* with text on, the evidence was written */
    analysis_free(&with);
    analysis_free(&without);
}

static void test_verdicts_do_not_depend_on_evidence_text(void **state)
{
    (void)state;
    same_verdicts_without_text("mcs-close.pcap");
    same_verdicts_without_text("reset-x224-server.pcap");
    same_verdicts_without_text("cert-expired.pcap");
    same_verdicts_without_text("no-answer.pcap");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_verdicts_do_not_depend_on_evidence_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
