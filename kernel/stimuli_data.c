/* <sp>.StimuliData* sections (manual ch. 20): statistics of the stimuli of
 * some sets after the static transformations declared above the section,
 * before the implicit [0, 1] conversion. They publish
 * [<section>]_GlobalValue.mean/.stdDev/.minVal/.maxVal so that a later
 * transformation can normalise with them, and log the report of manual
 * lines 5720-5728 when LogSizeRange/LogValueRange ask for it. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "n2d2/log.h"
#include "stimuli_internal.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

static const n2d2_param_spec data_schema[] = {
    {"ApplyTo", N2D2_PARAM_ENUM, "All", SP_APPLY_TO_VALUES, 0, 0, 0,
     "stimuli sets the statistics are computed on"},
    {"LogSizeRange", N2D2_PARAM_BOOL, "0", NULL, 0, 0, 0, "report the width/height/channels ranges"},
    {"LogValueRange", N2D2_PARAM_BOOL, "0", NULL, 0, 0, 0, "report the value range, mean and std-dev"},
    {"MeanData", N2D2_PARAM_BOOL, "0", NULL, 0, 0, 0,
     "compute the mean image (_MeanData); not implemented yet"},
};

typedef struct data_stats {
    size_t count;
    size_t min_dims[3], max_dims[3];
    double min, max, sum, sum_sq;
    size_t values;
} data_stats;

static void accumulate(data_stats *s, const n2d2_tensor *t)
{
    const size_t *d = n2d2_tensor_dims(t);
    for (int k = 0; k < 3; ++k) {
        if (s->count == 0 || d[k] < s->min_dims[k])
            s->min_dims[k] = d[k];
        if (s->count == 0 || d[k] > s->max_dims[k])
            s->max_dims[k] = d[k];
    }
    s->count++;
    size_t n = n2d2_tensor_numel(t);
    const void *data = n2d2_tensor_cdata(t);
    n2d2_dtype dt = n2d2_tensor_dtype(t);
    for (size_t i = 0; i < n; ++i) {
        double v = dt == N2D2_UINT8     ? ((const uint8_t *)data)[i]
                   : dt == N2D2_FLOAT32 ? ((const float *)data)[i]
                   : dt == N2D2_FLOAT64 ? ((const double *)data)[i]
                                        : n2d2_tensor_get(t, i);
        if (v < s->min)
            s->min = v;
        if (v > s->max)
            s->max = v;
        s->sum += v;
        s->sum_sq += v * v;
    }
    s->values += n;
}

static n2d2_status publish(n2d2_stimuli *sp, const char *section, const char *key, double v)
{
    char text[64];
    snprintf(text, sizeof text, "%.17g", v);
    return n2d2_ini_set_generated(sp->ini, section, key, text);
}

n2d2_status sp_stimuli_data(n2d2_stimuli *sp, n2d2_ini_section *sec)
{
    const char *name = n2d2_ini_section_name(sec);
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
    if (n2d2_params_bool(p, "MeanData"))
        return n2d2_params_error(p, "MeanData", N2D2_ERR_NOT_IMPLEMENTED,
                                 "the mean image (_MeanData) is not implemented yet");
    unsigned mask = sp_apply_to_mask(n2d2_params_enum(p, "ApplyTo"));
    data_stats s = {.min = DBL_MAX, .max = -DBL_MAX};
    for (int set = 0; set < N2D2_SET_COUNT && st == N2D2_OK; ++set) {
        if (!(mask & SP_SET_BIT(set)))
            continue;
        size_t n = n2d2_database_set_count(sp->db, (n2d2_set)set);
        for (size_t i = 0; i < n && st == N2D2_OK; ++i) {
            n2d2_tensor *t;
            int label;
            st = sp_read_static(sp, n2d2_database_set_at(sp->db, (n2d2_set)set, i), (n2d2_set)set,
                                &sp->global_static, &t, &label);
            if (st == N2D2_OK)
                accumulate(&s, t);
            n2d2_tensor_release(t);
        }
    }
    if (st != N2D2_OK) {
        n2d2_error_prefix("[%s]", name);
        return st;
    }
    if (s.values == 0)
        return n2d2_error_at(N2D2_ERR_INVAL, n2d2_ini_section_where(sec), 0,
                             "[%s]: no stimulus in the sets of ApplyTo=%s", name,
                             n2d2_params_string(p, "ApplyTo"));
    double mean = s.sum / (double)s.values;
    double var = s.sum_sq / (double)s.values - mean * mean;
    double std = var > 0 ? sqrt(var) : 0.0;
    st = publish(sp, name, "_GlobalValue.mean", mean);
    if (st == N2D2_OK)
        st = publish(sp, name, "_GlobalValue.stdDev", std);
    if (st == N2D2_OK)
        st = publish(sp, name, "_GlobalValue.minVal", s.min);
    if (st == N2D2_OK)
        st = publish(sp, name, "_GlobalValue.maxVal", s.max);
    if (st != N2D2_OK)
        return st;
    if (n2d2_params_bool(p, "LogSizeRange") || n2d2_params_bool(p, "LogValueRange"))
        n2d2_log_info("%s data:\nNumber of stimuli: %zu", name, s.count);
    if (n2d2_params_bool(p, "LogSizeRange"))
        n2d2_log_info("Data width range: [%zu, %zu]\nData height range: [%zu, %zu]\n"
                      "Data channels range: [%zu, %zu]",
                      s.min_dims[2], s.max_dims[2], s.min_dims[1], s.max_dims[1], s.min_dims[0],
                      s.max_dims[0]);
    if (n2d2_params_bool(p, "LogValueRange"))
        n2d2_log_info("Value range: [%g, %g]\nValue mean: %g\nValue std. dev.: %g", s.min, s.max,
                      mean, std);
    return N2D2_OK;
}
