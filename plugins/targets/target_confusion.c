/* Confusion matrix (rows = actual class, columns = estimated class) and
 * the one-vs-rest metrics of -valid-metric, per class, averaged over the
 * classes, and on the counts summed over the classes. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "target_internal.h"

n2d2_status n2d2_tgt_confusion_init(n2d2_tgt_confusion *c, size_t k)
{
    c->k = k;
    c->m = calloc(k > 0 ? k * k : 1, sizeof *c->m);
    return c->m ? N2D2_OK : n2d2_error(N2D2_ERR_NOMEM, "out of memory");
}

void n2d2_tgt_confusion_free(n2d2_tgt_confusion *c)
{
    free(c->m);
    c->m = NULL;
    c->k = 0;
}

void n2d2_tgt_confusion_clear(n2d2_tgt_confusion *c)
{
    memset(c->m, 0, c->k * c->k * sizeof *c->m);
}

uint64_t n2d2_tgt_confusion_total(const n2d2_tgt_confusion *c)
{
    uint64_t t = 0;
    for (size_t i = 0; i < c->k * c->k; ++i)
        t += c->m[i];
    return t;
}

uint64_t n2d2_tgt_confusion_correct(const n2d2_tgt_confusion *c)
{
    uint64_t t = 0;
    for (size_t i = 0; i < c->k; ++i)
        t += c->m[i * c->k + i];
    return t;
}

n2d2_tgt_counts n2d2_tgt_class_counts(const n2d2_tgt_confusion *c, size_t cls)
{
    uint64_t row = 0, col = 0;
    for (size_t j = 0; j < c->k; ++j) {
        row += c->m[cls * c->k + j];
        col += c->m[j * c->k + cls];
    }
    uint64_t tp = c->m[cls * c->k + cls];
    uint64_t total = n2d2_tgt_confusion_total(c);
    n2d2_tgt_counts n;
    n.tp = (double)tp;
    n.fn = (double)(row - tp);
    n.fp = (double)(col - tp);
    n.tn = (double)(total - row - col + tp);
    return n;
}

n2d2_tgt_counts n2d2_tgt_aggregate_counts(const n2d2_tgt_confusion *c)
{
    n2d2_tgt_counts sum = {0, 0, 0, 0};
    for (size_t i = 0; i < c->k; ++i) {
        n2d2_tgt_counts n = n2d2_tgt_class_counts(c, i);
        sum.tp += n.tp;
        sum.fp += n.fp;
        sum.fn += n.fn;
        sum.tn += n.tn;
    }
    return sum;
}

int n2d2_tgt_class_present(const n2d2_tgt_confusion *c, size_t cls)
{
    for (size_t j = 0; j < c->k; ++j)
        if (c->m[cls * c->k + j] || c->m[j * c->k + cls])
            return 1;
    return 0;
}

static double ratio(double num, double den)
{
    return den > 0.0 ? num / den : 0.0;
}

double n2d2_tgt_metric_value(n2d2_tgt_metric metric, const n2d2_tgt_counts *n)
{
    switch (metric) {
    case N2D2_TGT_SENSITIVITY:
        return ratio(n->tp, n->tp + n->fn);
    case N2D2_TGT_SPECIFICITY:
        return ratio(n->tn, n->tn + n->fp);
    case N2D2_TGT_PRECISION:
        return ratio(n->tp, n->tp + n->fp);
    case N2D2_TGT_NPV:
        return ratio(n->tn, n->tn + n->fn);
    case N2D2_TGT_MISS_RATE:
        return ratio(n->fn, n->fn + n->tp);
    case N2D2_TGT_FALL_OUT:
        return ratio(n->fp, n->fp + n->tn);
    case N2D2_TGT_FDR:
        return ratio(n->fp, n->fp + n->tp);
    case N2D2_TGT_FOR:
        return ratio(n->fn, n->fn + n->tn);
    case N2D2_TGT_ACCURACY:
        return ratio(n->tp + n->tn, n->tp + n->tn + n->fp + n->fn);
    case N2D2_TGT_F1:
        return ratio(2.0 * n->tp, 2.0 * n->tp + n->fp + n->fn);
    case N2D2_TGT_INFORMEDNESS:
        return n2d2_tgt_metric_value(N2D2_TGT_SENSITIVITY, n) +
               n2d2_tgt_metric_value(N2D2_TGT_SPECIFICITY, n) - 1.0;
    case N2D2_TGT_MARKEDNESS:
        return n2d2_tgt_metric_value(N2D2_TGT_PRECISION, n) +
               n2d2_tgt_metric_value(N2D2_TGT_NPV, n) - 1.0;
    case N2D2_TGT_METRIC_COUNT:
        break;
    }
    return 0.0;
}

double n2d2_tgt_metric_average(n2d2_tgt_metric metric, const n2d2_tgt_confusion *c)
{
    double sum = 0.0;
    size_t n = 0;
    for (size_t i = 0; i < c->k; ++i) {
        if (!n2d2_tgt_class_present(c, i))
            continue;
        n2d2_tgt_counts counts = n2d2_tgt_class_counts(c, i);
        sum += n2d2_tgt_metric_value(metric, &counts);
        ++n;
    }
    return n ? sum / (double)n : 0.0;
}

static const char *const metric_names[N2D2_TGT_METRIC_COUNT] = {
    "Sensitivity",       "Specificity",       "Precision", "NegativePredictiveValue",
    "MissRate",          "FallOut",           "FalseDiscoveryRate", "FalseOmissionRate",
    "Accuracy",          "F1Score",           "Informedness", "Markedness",
};

const char *n2d2_tgt_metric_name(n2d2_tgt_metric metric)
{
    return (unsigned)metric < N2D2_TGT_METRIC_COUNT ? metric_names[metric] : "?";
}

int n2d2_tgt_metric_parse(const char *name, n2d2_tgt_metric *metric, int *average)
{
    *average = 0;
    if (strncasecmp(name, "Average", 7) == 0 && name[7]) {
        *average = 1;
        name += 7;
    }
    for (int i = 0; i < N2D2_TGT_METRIC_COUNT; ++i)
        if (strcasecmp(name, metric_names[i]) == 0) {
            *metric = (n2d2_tgt_metric)i;
            return 1;
        }
    return 0;
}
