/* Every -valid-metric figure on a hand-built 3-class confusion matrix,
 * per class, averaged over the classes and on the summed counts, against
 * values computed by hand (fractions written out below). */
#include <check.h>
#include <math.h>
#include <stdlib.h>

#include "target_internal.h"
#include "check_run.h"

#define EPS 1e-12

/*            estimated A  B  C
 * actual A             5  2  1     row 8, column A = 6
 * actual B             1  6  1     row 8, column B = 10
 * actual C             0  2  7     row 9, column C = 9      total 25
 * A: TP 5 FN 3 FP 1 TN 16;  B: TP 6 FN 2 FP 4 TN 13;  C: TP 7 FN 2 FP 2 TN 14 */
static const uint64_t matrix[9] = {5, 2, 1, 1, 6, 1, 0, 2, 7};

static void build(n2d2_tgt_confusion *c)
{
    ck_assert_int_eq(n2d2_tgt_confusion_init(c, 3), N2D2_OK);
    for (size_t i = 0; i < 3; ++i)
        for (size_t j = 0; j < 3; ++j)
            for (uint64_t n = 0; n < matrix[i * 3 + j]; ++n)
                n2d2_tgt_confusion_add(c, i, j);
}

/* expected[class][metric], in the order of n2d2_tgt_metric */
static const double expected[3][N2D2_TGT_METRIC_COUNT] = {
    {5.0 / 8, 16.0 / 17, 5.0 / 6, 16.0 / 19, 3.0 / 8, 1.0 / 17, 1.0 / 6, 3.0 / 19, 21.0 / 25,
     10.0 / 14, 5.0 / 8 + 16.0 / 17 - 1, 5.0 / 6 + 16.0 / 19 - 1},
    {6.0 / 8, 13.0 / 17, 6.0 / 10, 13.0 / 15, 2.0 / 8, 4.0 / 17, 4.0 / 10, 2.0 / 15, 19.0 / 25,
     12.0 / 18, 6.0 / 8 + 13.0 / 17 - 1, 6.0 / 10 + 13.0 / 15 - 1},
    {7.0 / 9, 14.0 / 16, 7.0 / 9, 14.0 / 16, 2.0 / 9, 2.0 / 16, 2.0 / 9, 2.0 / 16, 21.0 / 25,
     14.0 / 18, 7.0 / 9 + 14.0 / 16 - 1, 7.0 / 9 + 14.0 / 16 - 1},
};

START_TEST(counts_per_class)
{
    n2d2_tgt_confusion c;
    build(&c);
    ck_assert_uint_eq(n2d2_tgt_confusion_total(&c), 25);
    ck_assert_uint_eq(n2d2_tgt_confusion_correct(&c), 18);
    const double want[3][4] = {{5, 1, 3, 16}, {6, 4, 2, 13}, {7, 2, 2, 14}}; /* tp fp fn tn */
    for (size_t k = 0; k < 3; ++k) {
        n2d2_tgt_counts n = n2d2_tgt_class_counts(&c, k);
        ck_assert_double_eq(n.tp, want[k][0]);
        ck_assert_double_eq(n.fp, want[k][1]);
        ck_assert_double_eq(n.fn, want[k][2]);
        ck_assert_double_eq(n.tn, want[k][3]);
    }
    n2d2_tgt_counts sum = n2d2_tgt_aggregate_counts(&c);
    ck_assert_double_eq(sum.tp, 18);
    ck_assert_double_eq(sum.fp, 7);
    ck_assert_double_eq(sum.fn, 7);
    ck_assert_double_eq(sum.tn, 43);
    n2d2_tgt_confusion_free(&c);
}
END_TEST

START_TEST(every_metric_per_class)
{
    n2d2_tgt_confusion c;
    build(&c);
    for (size_t k = 0; k < 3; ++k) {
        n2d2_tgt_counts n = n2d2_tgt_class_counts(&c, k);
        for (int m = 0; m < N2D2_TGT_METRIC_COUNT; ++m)
            ck_assert_msg(fabs(n2d2_tgt_metric_value((n2d2_tgt_metric)m, &n) - expected[k][m]) < EPS,
                          "class %zu %s: got %.15g want %.15g", k,
                          n2d2_tgt_metric_name((n2d2_tgt_metric)m),
                          n2d2_tgt_metric_value((n2d2_tgt_metric)m, &n), expected[k][m]);
    }
    n2d2_tgt_confusion_free(&c);
}
END_TEST

START_TEST(average_and_aggregate)
{
    n2d2_tgt_confusion c;
    build(&c);
    for (int m = 0; m < N2D2_TGT_METRIC_COUNT; ++m) {
        double mean = (expected[0][m] + expected[1][m] + expected[2][m]) / 3.0;
        ck_assert_double_eq_tol(n2d2_tgt_metric_average((n2d2_tgt_metric)m, &c), mean, EPS);
    }
    /* summed counts TP 18 FP 7 FN 7 TN 43 */
    const double agg[N2D2_TGT_METRIC_COUNT] = {
        18.0 / 25, 43.0 / 50, 18.0 / 25, 43.0 / 50, 7.0 / 25, 7.0 / 50, 7.0 / 25, 7.0 / 50,
        61.0 / 75, 36.0 / 50, 18.0 / 25 + 43.0 / 50 - 1, 18.0 / 25 + 43.0 / 50 - 1};
    n2d2_tgt_counts sum = n2d2_tgt_aggregate_counts(&c);
    for (int m = 0; m < N2D2_TGT_METRIC_COUNT; ++m)
        ck_assert_double_eq_tol(n2d2_tgt_metric_value((n2d2_tgt_metric)m, &sum), agg[m], EPS);
    n2d2_tgt_confusion_free(&c);
}
END_TEST

START_TEST(absent_class_and_empty_matrix)
{
    n2d2_tgt_confusion c;
    ck_assert_int_eq(n2d2_tgt_confusion_init(&c, 3), N2D2_OK);
    for (int m = 0; m < N2D2_TGT_METRIC_COUNT; ++m)
        ck_assert_double_eq(n2d2_tgt_metric_average((n2d2_tgt_metric)m, &c), 0.0);
    /* class 2 never actual nor estimated: left out of the average */
    n2d2_tgt_confusion_add(&c, 0, 0);
    n2d2_tgt_confusion_add(&c, 1, 0);
    ck_assert(!n2d2_tgt_class_present(&c, 2));
    ck_assert(n2d2_tgt_class_present(&c, 1));
    /* Sensitivity: class 0 = 1/1, class 1 = 0/1 → mean 0.5 */
    ck_assert_double_eq_tol(n2d2_tgt_metric_average(N2D2_TGT_SENSITIVITY, &c), 0.5, EPS);
    /* Precision: class 0 = 1/2, class 1 = 0/0 → 0 → mean 0.25 */
    ck_assert_double_eq_tol(n2d2_tgt_metric_average(N2D2_TGT_PRECISION, &c), 0.25, EPS);
    n2d2_tgt_confusion_clear(&c);
    ck_assert_uint_eq(n2d2_tgt_confusion_total(&c), 0);
    n2d2_tgt_confusion_free(&c);
}
END_TEST

START_TEST(metric_names)
{
    n2d2_tgt_metric m;
    int avg;
    ck_assert(n2d2_tgt_metric_parse("Sensitivity", &m, &avg));
    ck_assert_int_eq(m, N2D2_TGT_SENSITIVITY);
    ck_assert_int_eq(avg, 0);
    ck_assert(n2d2_tgt_metric_parse("f1score", &m, &avg));
    ck_assert_int_eq(m, N2D2_TGT_F1);
    ck_assert(n2d2_tgt_metric_parse("AverageNegativePredictiveValue", &m, &avg));
    ck_assert_int_eq(m, N2D2_TGT_NPV);
    ck_assert_int_eq(avg, 1);
    ck_assert(!n2d2_tgt_metric_parse("Average", &m, &avg));
    ck_assert(!n2d2_tgt_metric_parse("Recall", &m, &avg));
    ck_assert(!n2d2_tgt_metric_parse("", &m, &avg));
    const char *all[] = {"Sensitivity", "Specificity", "Precision", "NegativePredictiveValue",
                         "MissRate", "FallOut", "FalseDiscoveryRate", "FalseOmissionRate",
                         "Accuracy", "F1Score", "Informedness", "Markedness"};
    for (int i = 0; i < 12; ++i) {
        ck_assert(n2d2_tgt_metric_parse(all[i], &m, &avg));
        ck_assert_int_eq(m, i);
        ck_assert_str_eq(n2d2_tgt_metric_name(m), all[i]);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("target_metrics");
    TCase *tc = tcase_create("metrics");
    tcase_add_test(tc, counts_per_class);
    tcase_add_test(tc, every_metric_per_class);
    tcase_add_test(tc, average_and_aggregate);
    tcase_add_test(tc, absent_class_and_empty_matrix);
    tcase_add_test(tc, metric_names);
    suite_add_tcase(s, tc);
    return n2d2_check_run(s);
}
