/* Report files of a target (formats in README.md), each written to a
 * temporary file of the destination directory and renamed over the final
 * name, so a reader sees the old report or the new one, never a torn one. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "target_internal.h"

const char *n2d2_tgt_set_file_name(n2d2_set set)
{
    switch (set) {
    case N2D2_SET_LEARN:
        return "learning";
    case N2D2_SET_VALIDATION:
        return "validation";
    case N2D2_SET_TEST:
        return "test";
    default:
        return "unpartitioned";
    }
}

n2d2_status n2d2_tgt_write_atomic(const char *dir, const char *name, n2d2_tgt_writer fn,
                                  const void *ctx)
{
    size_t len = strlen(dir) + strlen(name) + 16;
    char *final = malloc(len), *tmp = malloc(len);
    if (!final || !tmp) {
        free(final);
        free(tmp);
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    }
    snprintf(final, len, "%s/%s", dir, name);
    snprintf(tmp, len, "%s/.%s.XXXXXX", dir, name);
    n2d2_status st = N2D2_OK;
    int fd = mkstemp(tmp);
    FILE *f = NULL;
    if (fd < 0) {
        st = n2d2_error(N2D2_ERR_IO, "cannot create a report in '%s': %s", dir, strerror(errno));
        goto out;
    }
    (void)fchmod(fd, 0644); /* mkstemp makes 0600; reports are for everyone */
    f = fdopen(fd, "w");
    if (!f) {
        st = n2d2_error(N2D2_ERR_IO, "%s: %s", tmp, strerror(errno));
        close(fd);
        goto fail;
    }
    st = fn(f, ctx);
    if (st == N2D2_OK && (fflush(f) != 0 || ferror(f)))
        st = n2d2_error(N2D2_ERR_IO, "cannot write '%s': %s", final, strerror(errno));
    if (fclose(f) != 0 && st == N2D2_OK)
        st = n2d2_error(N2D2_ERR_IO, "cannot write '%s': %s", final, strerror(errno));
    if (st != N2D2_OK)
        goto fail;
    if (rename(tmp, final) != 0) {
        st = n2d2_error(N2D2_ERR_IO, "cannot rename '%s' to '%s': %s", tmp, final,
                        strerror(errno));
        goto fail;
    }
    goto out;
fail:
    unlink(tmp);
out:
    free(final);
    free(tmp);
    return st;
}

/* Spaces in label names are kept only where the format can hold them
 * (CSV). */
static const char *class_name_as(const n2d2_tgt_report_data *d, size_t k, int raw, char *buf,
                                 size_t size)
{
    return n2d2_tgt_class_name(d->map, k, raw, buf, size);
}

static const char *class_name(const n2d2_tgt_report_data *d, size_t k, char *buf, size_t size)
{
    return class_name_as(d, k, 0, buf, size);
}

static double rate(uint64_t num, uint64_t den)
{
    return den ? (double)num / (double)den : 0.0;
}

static void header(FILE *f, const n2d2_tgt_report_data *d, const char *what)
{
    fprintf(f, "# %s, set %s: %s\n", d->section, d->set_name, what);
    fprintf(f, "# counted %llu, recognition rate %.9g (top-%u)\n", (unsigned long long)d->counted,
            rate(d->topn_ok, d->counted), d->top_n);
}

n2d2_status n2d2_tgt_write_matrix_dat(FILE *f, const void *report_data)
{
    const n2d2_tgt_report_data *d = report_data;
    const n2d2_tgt_confusion *c = d->cm;
    char buf[256];
    header(f, d, "rows = actual class, columns = estimated class");
    fprintf(f, "Actual\\Estimated");
    for (size_t j = 0; j < c->k; ++j)
        fprintf(f, " %s", class_name(d, j, buf, sizeof buf));
    fputc('\n', f);
    for (size_t i = 0; i < c->k; ++i) {
        fprintf(f, "%s", class_name(d, i, buf, sizeof buf));
        for (size_t j = 0; j < c->k; ++j)
            fprintf(f, " %llu", (unsigned long long)c->m[i * c->k + j]);
        fputc('\n', f);
    }
    return N2D2_OK;
}

/* RFC 4180 field: quoted when it holds a comma, a quote or a newline. */
static void csv_field(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\n\r")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; ++s) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

n2d2_status n2d2_tgt_write_matrix_csv(FILE *f, const void *report_data)
{
    const n2d2_tgt_report_data *d = report_data;
    const n2d2_tgt_confusion *c = d->cm;
    char buf[256];
    fputs("Actual\\Estimated", f);
    for (size_t j = 0; j < c->k; ++j) {
        fputc(',', f);
        csv_field(f, class_name_as(d, j, 1, buf, sizeof buf));
    }
    fputc('\n', f);
    for (size_t i = 0; i < c->k; ++i) {
        csv_field(f, class_name_as(d, i, 1, buf, sizeof buf));
        for (size_t j = 0; j < c->k; ++j)
            fprintf(f, ",%llu", (unsigned long long)c->m[i * c->k + j]);
        fputc('\n', f);
    }
    return N2D2_OK;
}

static void metric_row(FILE *f, const n2d2_tgt_counts *n)
{
    for (int m = 0; m < N2D2_TGT_METRIC_COUNT; ++m)
        fprintf(f, " %.9g", n2d2_tgt_metric_value((n2d2_tgt_metric)m, n));
    fputc('\n', f);
}

n2d2_status n2d2_tgt_write_score_dat(FILE *f, const void *report_data)
{
    const n2d2_tgt_report_data *d = report_data;
    const n2d2_tgt_confusion *c = d->cm;
    char buf[256];
    header(f, d,
           "one-vs-rest metrics per class; Average = mean over the classes that occur, "
           "Aggregate = metrics of the counts summed over the classes (the -valid-metric figure)");
    fprintf(f, "Class Name TP FP FN TN");
    for (int m = 0; m < N2D2_TGT_METRIC_COUNT; ++m)
        fprintf(f, " %s", n2d2_tgt_metric_name((n2d2_tgt_metric)m));
    fputc('\n', f);
    for (size_t i = 0; i < c->k; ++i) {
        n2d2_tgt_counts n = n2d2_tgt_class_counts(c, i);
        fprintf(f, "%zu %s %.0f %.0f %.0f %.0f", i, class_name(d, i, buf, sizeof buf), n.tp, n.fp,
                n.fn, n.tn);
        metric_row(f, &n);
    }
    fprintf(f, "Average - - - - -");
    for (int m = 0; m < N2D2_TGT_METRIC_COUNT; ++m)
        fprintf(f, " %.9g", n2d2_tgt_metric_average((n2d2_tgt_metric)m, c));
    fputc('\n', f);
    n2d2_tgt_counts sum = n2d2_tgt_aggregate_counts(c);
    fprintf(f, "Aggregate - %.0f %.0f %.0f %.0f", sum.tp, sum.fp, sum.fn, sum.tn);
    metric_row(f, &sum);
    return N2D2_OK;
}

n2d2_status n2d2_tgt_write_mapping_log(FILE *f, const void *report_data)
{
    const n2d2_tgt_report_data *d = report_data;
    n2d2_tgt_mapping_log(d->map, f);
    return N2D2_OK;
}
