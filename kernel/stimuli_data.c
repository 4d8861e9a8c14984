/* <sp>.StimuliData* sections (manual ch. 20): statistics of the stimuli of
 * some sets after the static transformations declared above the section,
 * before the implicit [0, 1] conversion. They publish
 * [<section>]_GlobalValue.mean/.stdDev/.minVal/.maxVal so that a later
 * transformation can normalise with them, and log the report of manual
 * lines 5720-5728 when LogSizeRange/LogValueRange ask for it (plus one line
 * per channel for multi-channel data).
 *
 * MeanData=1 (manual 20.2) also computes the mean image (per channel and
 * pixel) and writes, in <dir>/<section>/ where <dir> is the generated value
 * [<sp>]_RunDir when the host published one (n2d2-run: its run folder) and
 * the working directory otherwise:
 *   meanData.bin      binary: "N2D2MAT1", then little-endian uint32 element
 *                     type (1 = float64), C, H, W; then C*H*W float64
 *                     little-endian, channel planes, rows top to bottom;
 *   meanData.txt      the same values as a text matrix, (C*H) rows of W
 *                     (what AffineTransformation reads);
 *   meanData.bin.png  a picture of it (min..max mapped to 0..255).
 * [<section>]_MeanData is the path of meanData.txt, so that the manual's
 * `FirstValue=[env.StimuliData-meanData]_MeanData` works. */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ini_impl.h"
#include "n2d2/image.h"
#include "n2d2/log.h"
#include "stimuli_internal.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

static const n2d2_param_spec data_schema[] = {
    {"ApplyTo", N2D2_PARAM_ENUM, "All", SP_APPLY_TO_VALUES, 0, 0, 0,
     "stimuli sets the statistics are computed on"},
    {"LogSizeRange", N2D2_PARAM_BOOL, "0", NULL, 0, 0, 0, "report the width/height/channels ranges"},
    {"LogValueRange", N2D2_PARAM_BOOL, "0", NULL, 0, 0, 0, "report the value range, mean and std-dev"},
    {"MeanData", N2D2_PARAM_BOOL, "0", NULL, 0, 0, 0,
     "compute the mean image: <section>/meanData.bin (+ .txt, .bin.png), _MeanData"},
};

typedef struct value_stats {
    double min, max, sum, sum_sq;
    size_t values;
} value_stats;

typedef struct data_stats {
    size_t count;
    size_t min_dims[3], max_dims[3];
    value_stats all;
    value_stats *channel; /* per channel while every stimulus has C channels */
    size_t n_channels;
    int channels_vary;
    double *mean_sum;     /* MeanData: per-element sums (first stimulus's dims) */
    size_t mean_dims[3];
} data_stats;

static void value_add(value_stats *s, double v)
{
    if (v < s->min)
        s->min = v;
    if (v > s->max)
        s->max = v;
    s->sum += v;
    s->sum_sq += v * v;
    s->values++;
}

static double element(const void *data, n2d2_dtype dt, const n2d2_tensor *t, size_t i)
{
    return dt == N2D2_UINT8     ? ((const uint8_t *)data)[i]
           : dt == N2D2_FLOAT32 ? ((const float *)data)[i]
           : dt == N2D2_FLOAT64 ? ((const double *)data)[i]
                                : n2d2_tensor_get(t, i);
}

static n2d2_status accumulate(data_stats *s, const n2d2_tensor *t, int mean_data, size_t index,
                              const n2d2_stimuli *sp)
{
    const size_t *d = n2d2_tensor_dims(t);
    if (s->count == 0) {
        s->n_channels = d[0];
        s->channel = calloc(d[0] ? d[0] : 1, sizeof *s->channel);
        if (!s->channel)
            return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
        for (size_t k = 0; k < d[0]; ++k)
            s->channel[k] = (value_stats){.min = DBL_MAX, .max = -DBL_MAX};
        if (mean_data) {
            memcpy(s->mean_dims, d, sizeof s->mean_dims);
            s->mean_sum = calloc(n2d2_tensor_numel(t) ? n2d2_tensor_numel(t) : 1,
                                 sizeof *s->mean_sum);
            if (!s->mean_sum)
                return n2d2_error(N2D2_ERR_NOMEM, "out of memory for the mean image");
        }
    }
    if (mean_data && memcmp(d, s->mean_dims, sizeof s->mean_dims) != 0)
        return n2d2_error(N2D2_ERR_SHAPE,
                          "MeanData needs stimuli of one size: stimulus %zu '%s' is %zux%zux%zu "
                          "(CxHxW), the first one %zux%zux%zu; resize them with a transformation "
                          "above this section",
                          index, n2d2_database_stimulus_name(sp->db, index), d[0], d[1], d[2],
                          s->mean_dims[0], s->mean_dims[1], s->mean_dims[2]);
    if (d[0] != s->n_channels)
        s->channels_vary = 1;
    for (int k = 0; k < 3; ++k) {
        if (s->count == 0 || d[k] < s->min_dims[k])
            s->min_dims[k] = d[k];
        if (s->count == 0 || d[k] > s->max_dims[k])
            s->max_dims[k] = d[k];
    }
    s->count++;
    size_t plane = d[1] * d[2];
    const void *data = n2d2_tensor_cdata(t);
    n2d2_dtype dt = n2d2_tensor_dtype(t);
    for (size_t c = 0; c < d[0]; ++c) {
        value_stats *cs = !s->channels_vary ? &s->channel[c] : NULL;
        for (size_t i = c * plane; i < (c + 1) * plane; ++i) {
            double v = element(data, dt, t, i);
            value_add(&s->all, v);
            if (cs)
                value_add(cs, v);
            if (s->mean_sum)
                s->mean_sum[i] += v;
        }
    }
    return N2D2_OK;
}

static n2d2_status publish(n2d2_stimuli *sp, const char *section, const char *key, double v)
{
    char text[64];
    snprintf(text, sizeof text, "%.17g", v);
    return n2d2_ini_set_generated(sp->ini, section, key, text);
}

static void mean_std(const value_stats *s, double *mean, double *std)
{
    *mean = s->sum / (double)s->values;
    double var = s->sum_sq / (double)s->values - *mean * *mean;
    *std = var > 0 ? sqrt(var) : 0.0;
}

static n2d2_status make_dir(const char *path)
{
    struct stat sb;
    if (mkdir(path, 0777) == 0 || (errno == EEXIST && stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)))
        return N2D2_OK;
    return n2d2_error(N2D2_ERR_IO, "cannot create the folder '%s': %s", path, strerror(errno));
}

static void put_le32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; ++i)
        p[i] = (unsigned char)(v >> (8 * i));
}

static n2d2_status write_bin(const char *path, const double *v, const size_t *dims)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return n2d2_error(N2D2_ERR_IO, "cannot create '%s': %s", path, strerror(errno));
    unsigned char head[24];
    memcpy(head, "N2D2MAT1", 8);
    put_le32(head + 8, 1);
    for (int k = 0; k < 3; ++k)
        put_le32(head + 12 + 4 * k, (uint32_t)dims[k]);
    int ok = fwrite(head, 1, sizeof head, f) == sizeof head;
    size_t n = dims[0] * dims[1] * dims[2];
    for (size_t i = 0; ok && i < n; ++i) {
        uint64_t bits;
        memcpy(&bits, &v[i], sizeof bits);
        unsigned char b[8];
        for (int k = 0; k < 8; ++k)
            b[k] = (unsigned char)(bits >> (8 * k));
        ok = fwrite(b, 1, 8, f) == 8;
    }
    if (fclose(f) != 0)
        ok = 0;
    return ok ? N2D2_OK : n2d2_error(N2D2_ERR_IO, "write error on '%s'", path);
}

static n2d2_status write_txt(const char *path, const double *v, const size_t *dims)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return n2d2_error(N2D2_ERR_IO, "cannot create '%s': %s", path, strerror(errno));
    int ok = 1;
    for (size_t r = 0; ok && r < dims[0] * dims[1]; ++r)
        for (size_t x = 0; ok && x < dims[2]; ++x)
            ok = fprintf(f, "%.17g%c", v[r * dims[2] + x], x + 1 == dims[2] ? '\n' : ' ') > 0;
    if (fclose(f) != 0)
        ok = 0;
    return ok ? N2D2_OK : n2d2_error(N2D2_ERR_IO, "write error on '%s'", path);
}

/* Write the mean image files and publish _MeanData. */
static n2d2_status write_mean(n2d2_stimuli *sp, const char *name, const data_stats *s)
{
    size_t n = s->mean_dims[0] * s->mean_dims[1] * s->mean_dims[2];
    n2d2_tensor *t;
    n2d2_status st = n2d2_tensor_new(N2D2_FLOAT64, 3, s->mean_dims, &t);
    if (st != N2D2_OK)
        return st;
    double *mean = n2d2_tensor_data(t);
    for (size_t i = 0; i < n; ++i)
        mean[i] = s->mean_sum[i] / (double)s->count;
    const ini_generated *g = ini_find_generated(sp->ini, sp->section, "_RunDir");
    const char *root = g && g->value[0] ? g->value : NULL;
    size_t len = (root ? strlen(root) + 1 : 0) + strlen(name) + 32;
    char *path = malloc(len);
    if (!path) {
        n2d2_tensor_release(t);
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    }
    snprintf(path, len, "%s%s%s", root ? root : "", root ? "/" : "", name);
    st = make_dir(path);
    size_t base = strlen(path);
    if (st == N2D2_OK) {
        memcpy(path + base, "/meanData.bin", 14);
        st = write_bin(path, mean, s->mean_dims);
    }
    if (st == N2D2_OK) {
        memcpy(path + base, "/meanData.bin.png", 18);
        st = n2d2_png_write_tensor(path, t);
    }
    if (st == N2D2_OK) {
        memcpy(path + base, "/meanData.txt", 14);
        st = write_txt(path, mean, s->mean_dims);
    }
    if (st == N2D2_OK)
        st = n2d2_ini_set_generated(sp->ini, name, "_MeanData", path);
    free(path);
    n2d2_tensor_release(t);
    return st;
}

static void log_report(const n2d2_params *p, const char *name, const data_stats *s)
{
    int size = n2d2_params_bool(p, "LogSizeRange"), value = n2d2_params_bool(p, "LogValueRange");
    if (size || value)
        n2d2_log_info("%s data:\nNumber of stimuli: %zu", name, s->count);
    if (size)
        n2d2_log_info("Data width range: [%zu, %zu]\nData height range: [%zu, %zu]\n"
                      "Data channels range: [%zu, %zu]",
                      s->min_dims[2], s->max_dims[2], s->min_dims[1], s->max_dims[1],
                      s->min_dims[0], s->max_dims[0]);
    if (!value)
        return;
    double mean, std;
    mean_std(&s->all, &mean, &std);
    n2d2_log_info("Value range: [%g, %g]\nValue mean: %g\nValue std. dev.: %g", s->all.min,
                  s->all.max, mean, std);
    if (s->channels_vary || s->n_channels < 2)
        return;
    for (size_t c = 0; c < s->n_channels; ++c) {
        mean_std(&s->channel[c], &mean, &std);
        n2d2_log_info("Channel %zu: value range: [%g, %g], mean: %g, std. dev.: %g", c,
                      s->channel[c].min, s->channel[c].max, mean, std);
    }
}

static n2d2_status analyse(n2d2_stimuli *sp, n2d2_ini_section *sec, const n2d2_params *p,
                           data_stats *s)
{
    const char *name = n2d2_ini_section_name(sec);
    int mean_data = n2d2_params_bool(p, "MeanData");
    unsigned mask = sp_apply_to_mask(n2d2_params_enum(p, "ApplyTo"));
    n2d2_status st = N2D2_OK;
    for (int set = 0; set < N2D2_SET_COUNT && st == N2D2_OK; ++set) {
        if (!(mask & SP_SET_BIT(set)) || sp_set_hidden(sp, set))
            continue;
        size_t n = n2d2_database_set_count(sp->db, (n2d2_set)set);
        for (size_t i = 0; i < n && st == N2D2_OK; ++i) {
            n2d2_tensor *t;
            int label;
            size_t index = n2d2_database_set_at(sp->db, (n2d2_set)set, i);
            st = sp_read_static(sp, index, (n2d2_set)set, &sp->global_static, &t, &label);
            if (st == N2D2_OK)
                st = accumulate(s, t, mean_data, index, sp);
            n2d2_tensor_release(t);
        }
    }
    if (st != N2D2_OK) {
        n2d2_error_prefix("[%s] (%s)", name, n2d2_ini_section_where(sec));
        return st;
    }
    if (s->all.values == 0)
        return n2d2_error_at(N2D2_ERR_INVAL, n2d2_ini_section_where(sec), 0,
                             "[%s]: no stimulus in the sets of ApplyTo=%s", name,
                             n2d2_params_string(p, "ApplyTo"));
    double mean, std;
    mean_std(&s->all, &mean, &std);
    st = publish(sp, name, "_GlobalValue.mean", mean);
    if (st == N2D2_OK)
        st = publish(sp, name, "_GlobalValue.stdDev", std);
    if (st == N2D2_OK)
        st = publish(sp, name, "_GlobalValue.minVal", s->all.min);
    if (st == N2D2_OK)
        st = publish(sp, name, "_GlobalValue.maxVal", s->all.max);
    if (st == N2D2_OK && mean_data) {
        st = write_mean(sp, name, s);
        if (st != N2D2_OK)
            n2d2_error_prefix("[%s] MeanData", name);
    }
    if (st == N2D2_OK)
        log_report(p, name, s);
    return st;
}

n2d2_status sp_stimuli_data(n2d2_stimuli *sp, n2d2_ini_section *sec)
{
    n2d2_params *p;
    n2d2_status st = n2d2_params_from_ini(sp->ini, &sec, 1, NULL, 0, data_schema,
                                          COUNT_OF(data_schema), &p);
    if (st != N2D2_OK)
        return st;
    n2d2_params **grown = realloc(sp->data_params, (sp->n_data_params + 1) * sizeof *grown);
    if (!grown) {
        n2d2_params_free(p);
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    }
    sp->data_params = grown;
    sp->data_params[sp->n_data_params++] = p;
    data_stats s = {.all = {.min = DBL_MAX, .max = -DBL_MAX}};
    st = analyse(sp, sec, p, &s);
    free(s.channel);
    free(s.mean_sum);
    return st;
}
