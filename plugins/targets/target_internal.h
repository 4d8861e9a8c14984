/* Internals shared by the files of the targets plugin. Names carry the
 * n2d2_tgt_ prefix because with N2D2_STATIC_PLUGINS every plugin is linked
 * into one executable. */
#ifndef N2D2_TARGET_INTERNAL_H
#define N2D2_TARGET_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "n2d2/n2d2.h"

/* ---- labels → classes (target_mapping.c) ---- */

/* class_of values that are not a class: */
#define N2D2_TGT_IGNORE (-1)    /* no error, not counted (`* -1`, `x -1`) */
#define N2D2_TGT_UNMAPPED (-2)  /* the mapping file has no rule for it */
#define N2D2_TGT_OVERFLOW (-3)  /* default mapping: more labels than outputs */

typedef struct n2d2_tgt_mapping {
    size_t n_outputs;     /* output channels of the cell */
    size_t n_classes;     /* n_outputs, or 2 for a single (binary) output */
    size_t n_labels;      /* database labels known at creation */
    char **label_names;   /* copies, [n_labels] */
    int *class_of;        /* [n_labels] class or one of the codes above */
    int *rule_line;       /* [n_labels] mapping-file line that set it, 0 = none */
    int invalid_class;    /* class of label -1 (`*` line), default IGNORE */
    int invalid_line;
    char *file;           /* mapping file as opened, NULL for the default */
} n2d2_tgt_mapping;

/* Default mapping (path NULL or ""): label id i → class i. Otherwise parse
 * the LabelsMapping file (format in README.md). `key_where` ("net.ini:12")
 * prefixes errors about the file itself; errors inside it name file:line.
 * create_missing: names absent from the database are accepted. */
n2d2_status n2d2_tgt_mapping_init(n2d2_tgt_mapping *m, const n2d2_database *db,
                                  size_t n_outputs, const char *path, const char *key_where,
                                  int create_missing);
void n2d2_tgt_mapping_free(n2d2_tgt_mapping *m);
/* Class of a label, or an error naming the label when it has none
 * (UNMAPPED, OVERFLOW, id unknown). *cls may be N2D2_TGT_IGNORE. */
n2d2_status n2d2_tgt_mapping_class(const n2d2_tgt_mapping *m, int label, const char *section,
                                   int *cls);
/* Display name of a class: the first label mapped to it, "+N" when N more
 * share it, "class<k>" when none; spaces become '_' unless `raw`. Writes into
 * buf. */
const char *n2d2_tgt_class_name(const n2d2_tgt_mapping *m, size_t cls, int raw, char *buf,
                                size_t size);
/* labels_mapping.log.dat body: "name id class" per label. */
void n2d2_tgt_mapping_log(const n2d2_tgt_mapping *m, FILE *f);
/* 1 when `name` matches wildcard `pattern` (`*` one or more characters,
 * `+` exactly one). */
int n2d2_tgt_wildcard_match(const char *pattern, const char *name);

/* ---- confusion matrix and metrics (target_confusion.c) ---- */

typedef struct n2d2_tgt_confusion {
    size_t k;      /* classes */
    uint64_t *m;   /* [k*k], row = actual, column = estimated */
} n2d2_tgt_confusion;

typedef struct n2d2_tgt_counts {
    double tp, fp, fn, tn;
} n2d2_tgt_counts;

typedef enum n2d2_tgt_metric {
    N2D2_TGT_SENSITIVITY = 0,
    N2D2_TGT_SPECIFICITY,
    N2D2_TGT_PRECISION,
    N2D2_TGT_NPV,
    N2D2_TGT_MISS_RATE,
    N2D2_TGT_FALL_OUT,
    N2D2_TGT_FDR,
    N2D2_TGT_FOR,
    N2D2_TGT_ACCURACY,
    N2D2_TGT_F1,
    N2D2_TGT_INFORMEDNESS,
    N2D2_TGT_MARKEDNESS,
    N2D2_TGT_METRIC_COUNT
} n2d2_tgt_metric;

n2d2_status n2d2_tgt_confusion_init(n2d2_tgt_confusion *c, size_t k);
void n2d2_tgt_confusion_free(n2d2_tgt_confusion *c);
void n2d2_tgt_confusion_clear(n2d2_tgt_confusion *c);
static inline void n2d2_tgt_confusion_add(n2d2_tgt_confusion *c, size_t actual, size_t estimated)
{
    c->m[actual * c->k + estimated]++;
}
uint64_t n2d2_tgt_confusion_total(const n2d2_tgt_confusion *c);
uint64_t n2d2_tgt_confusion_correct(const n2d2_tgt_confusion *c);
/* One-vs-rest counts of class `cls`. */
n2d2_tgt_counts n2d2_tgt_class_counts(const n2d2_tgt_confusion *c, size_t cls);
/* Sum of the per-class counts (N2D2's "raw figure aggregating all the
 * classes", manual ch. 4.1). */
n2d2_tgt_counts n2d2_tgt_aggregate_counts(const n2d2_tgt_confusion *c);
/* 1 when the class occurs as actual or estimated. */
int n2d2_tgt_class_present(const n2d2_tgt_confusion *c, size_t cls);
/* Metric of one-vs-rest counts; 0 when its denominator is 0. */
double n2d2_tgt_metric_value(n2d2_tgt_metric metric, const n2d2_tgt_counts *n);
/* Mean of the metric over the present classes (0 when none). */
double n2d2_tgt_metric_average(n2d2_tgt_metric metric, const n2d2_tgt_confusion *c);
const char *n2d2_tgt_metric_name(n2d2_tgt_metric metric);
/* "Sensitivity" → aggregate; "AverageSensitivity" → per-class mean.
 * Case-insensitive. 1 when known. */
int n2d2_tgt_metric_parse(const char *name, n2d2_tgt_metric *metric, int *average);

/* ---- reports (target_report.c) ---- */

typedef n2d2_status (*n2d2_tgt_writer)(FILE *f, const void *ctx);
/* Write dir/name through a temporary file of the same directory renamed
 * over it, so readers never see a half-written report. */
n2d2_status n2d2_tgt_write_atomic(const char *dir, const char *name, n2d2_tgt_writer fn,
                                  const void *ctx);

typedef struct n2d2_tgt_report_data {
    const char *section;
    const char *set_name;
    const n2d2_tgt_mapping *map;
    const n2d2_tgt_confusion *cm;
    uint64_t topn_ok, counted;
    unsigned top_n;
} n2d2_tgt_report_data;

n2d2_status n2d2_tgt_write_matrix_dat(FILE *f, const void *report_data);
n2d2_status n2d2_tgt_write_matrix_csv(FILE *f, const void *report_data);
n2d2_status n2d2_tgt_write_score_dat(FILE *f, const void *report_data);
n2d2_status n2d2_tgt_write_mapping_log(FILE *f, const void *report_data);

/* "learning", "validation", "test", "unpartitioned": N2D2's file names. */
const char *n2d2_tgt_set_file_name(n2d2_set set);

/* ---- pixel-wise labels (target_pixel.c) ---- */

typedef struct n2d2_tgt_pixel_params {
    size_t c, hw;              /* output channels, pixels per channel */
    double target_value, default_value, threshold;
    unsigned top_n;
    int cross_entropy;
} n2d2_tgt_pixel_params;

/* Classes of the h x w output pixels from an lh x lw label map: majority
 * label of each macro-pixel, `weak` (WeakTarget, -2 = none) yielding to any
 * other label; -1 (N2D2_TGT_IGNORE) for ignored pixels. */
n2d2_status n2d2_tgt_pixel_classes(const n2d2_tgt_mapping *m, const int32_t *map, size_t lh,
                                   size_t lw, size_t h, size_t w, int weak, const char *section,
                                   int *cls);
/* One item, y and g {C, hw}: per pixel target, gradient (0 for ignored
 * pixels), loss (returned, summed over the pixels) and statistics;
 * *valid = pixels counted. */
double n2d2_tgt_pixel_item(const n2d2_tgt_pixel_params *p, const double *y, const int *cls,
                           double *g, n2d2_tgt_confusion *cm, uint64_t *topn_ok,
                           uint64_t *counted, size_t *valid);

/* ---- the ops of Target / TargetScore (target_score.c) ---- */

extern const n2d2_target_ops n2d2_tgt_score_ops;

#endif
