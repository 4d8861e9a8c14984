/* Small, exact cells used to test the kernel's graph and scheduler without
 * the real cell plugins: TestDense (fully connected, learnable, plain SGD in
 * its own update), TestScale (y = Factor * x) and TestSum (element-wise sum
 * of several inputs, N2D2_CELL_MULTI_INPUT). Float32 and Float64. */
#include <stdlib.h>
#include <string.h>

#include "n2d2/n2d2.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

static double get(const n2d2_tensor *t, size_t i) { return n2d2_tensor_get(t, i); }
static void set(n2d2_tensor *t, size_t i, double v) { n2d2_tensor_set(t, i, v); }

/* ---- TestDense ---- */

typedef struct dense {
    size_t n_in, n_out;
    int no_bias;
    double learning_rate;
    n2d2_tensor *w, *dw, *b, *db;
} dense;

static const n2d2_param_spec dense_params[] = {
    {"NbOutputs", N2D2_PARAM_UINT, NULL, NULL, 1, 1e9, N2D2_PARAM_REQUIRED | N2D2_PARAM_RANGE,
     "number of outputs"},
    {"NoBias", N2D2_PARAM_BOOL, "0", NULL, 0, 0, 0, "no bias"},
    {"LearningRate", N2D2_PARAM_FLOAT, "0.01", NULL, 0, 10, N2D2_PARAM_RANGE, "plain SGD step"},
    {"InitStdDev", N2D2_PARAM_FLOAT, "0.1", NULL, 0, 0, 0, "normal init std-dev"},
};

static n2d2_status dense_create(n2d2_cell *cell, const n2d2_params *p, void **state)
{
    (void)cell;
    dense *d = calloc(1, sizeof *d);
    if (!d)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    d->n_out = (size_t)n2d2_params_uint(p, "NbOutputs");
    d->no_bias = n2d2_params_bool(p, "NoBias");
    d->learning_rate = n2d2_params_float(p, "LearningRate");
    *state = d;
    return N2D2_OK;
}

static n2d2_status dense_infer(n2d2_cell *cell, void *state, const n2d2_shape *in, size_t n_in,
                               n2d2_shape *out)
{
    (void)cell;
    (void)n_in;
    dense *d = state;
    d->n_in = n2d2_shape_numel(in);
    out->ndim = 3;
    out->dims[0] = d->n_out;
    out->dims[1] = out->dims[2] = 1;
    return N2D2_OK;
}

static n2d2_status dense_initialize(n2d2_cell *cell, void *state)
{
    dense *d = state;
    size_t wdims[2] = {d->n_out, d->n_in};
    n2d2_dtype dt = n2d2_cell_dtype(cell);
    n2d2_status st = n2d2_tensor_new(dt, 2, wdims, &d->w);
    if (st == N2D2_OK)
        st = n2d2_tensor_new(dt, 2, wdims, &d->dw);
    if (st != N2D2_OK)
        return st;
    double stddev = n2d2_params_float(n2d2_cell_params(cell), "InitStdDev");
    n2d2_rng *rng = n2d2_cell_rng(cell, N2D2_RNG_FILLER);
    for (size_t i = 0; i < n2d2_tensor_numel(d->w); ++i)
        set(d->w, i, n2d2_rng_normal(rng, 0.0, stddev));
    st = n2d2_cell_declare_param(cell, "weights", d->w, d->dw, NULL);
    if (st != N2D2_OK || d->no_bias)
        return st;
    st = n2d2_tensor_new(dt, 1, &d->n_out, &d->b);
    if (st == N2D2_OK)
        st = n2d2_tensor_new(dt, 1, &d->n_out, &d->db);
    if (st == N2D2_OK)
        st = n2d2_cell_declare_param(cell, "biases", d->b, d->db, NULL);
    return st;
}

static n2d2_status dense_forward(n2d2_cell *cell, void *state, const n2d2_tensor *const *in,
                                 size_t n_in, n2d2_tensor *out, int training)
{
    (void)cell;
    (void)n_in;
    (void)training;
    dense *d = state;
    size_t batch = n2d2_tensor_dim(out, 0);
    for (size_t n = 0; n < batch; ++n)
        for (size_t o = 0; o < d->n_out; ++o) {
            double acc = d->b ? get(d->b, o) : 0.0;
            for (size_t i = 0; i < d->n_in; ++i)
                acc += get(d->w, o * d->n_in + i) * get(in[0], n * d->n_in + i);
            set(out, n * d->n_out + o, acc);
        }
    return N2D2_OK;
}

static n2d2_status dense_backward(n2d2_cell *cell, void *state, const n2d2_tensor *const *in,
                                  size_t n_in, const n2d2_tensor *out, const n2d2_tensor *gout,
                                  n2d2_tensor *const *gin, const int *accumulate)
{
    (void)cell;
    (void)n_in;
    dense *d = state;
    size_t batch = n2d2_tensor_dim(out, 0);
    n2d2_tensor_zero(d->dw);
    if (d->db)
        n2d2_tensor_zero(d->db);
    for (size_t n = 0; n < batch; ++n)
        for (size_t o = 0; o < d->n_out; ++o) {
            double g = get(gout, n * d->n_out + o);
            if (d->db)
                set(d->db, o, get(d->db, o) + g);
            for (size_t i = 0; i < d->n_in; ++i)
                set(d->dw, o * d->n_in + i, get(d->dw, o * d->n_in + i) + g * get(in[0], n * d->n_in + i));
        }
    if (!gin[0])
        return N2D2_OK;
    for (size_t n = 0; n < batch; ++n)
        for (size_t i = 0; i < d->n_in; ++i) {
            double acc = accumulate[0] ? get(gin[0], n * d->n_in + i) : 0.0;
            for (size_t o = 0; o < d->n_out; ++o)
                acc += get(d->w, o * d->n_in + i) * get(gout, n * d->n_out + o);
            set(gin[0], n * d->n_in + i, acc);
        }
    return N2D2_OK;
}

static n2d2_status dense_update(n2d2_cell *cell, void *state)
{
    (void)cell;
    dense *d = state;
    for (size_t i = 0; i < n2d2_tensor_numel(d->w); ++i)
        set(d->w, i, get(d->w, i) - d->learning_rate * get(d->dw, i));
    for (size_t i = 0; d->b && i < n2d2_tensor_numel(d->b); ++i)
        set(d->b, i, get(d->b, i) - d->learning_rate * get(d->db, i));
    return N2D2_OK;
}

static void dense_destroy(void *state)
{
    dense *d = state;
    if (!d)
        return;
    n2d2_tensor_release(d->w);
    n2d2_tensor_release(d->dw);
    n2d2_tensor_release(d->b);
    n2d2_tensor_release(d->db);
    free(d);
}

static uint64_t dense_macs(n2d2_cell *cell, void *state)
{
    (void)cell;
    const dense *d = state;
    return (uint64_t)d->n_in * d->n_out;
}

static const n2d2_cell_ops dense_ops = {
    .struct_size = sizeof(n2d2_cell_ops),
    .create = dense_create,
    .infer = dense_infer,
    .initialize = dense_initialize,
    .forward = dense_forward,
    .backward = dense_backward,
    .update = dense_update,
    .destroy = dense_destroy,
    .macs = dense_macs,
};

/* ---- TestScale ---- */

static const n2d2_param_spec scale_params[] = {
    {"Factor", N2D2_PARAM_FLOAT, "1.0", NULL, 0, 0, 0, "multiplier"},
};

static n2d2_status scale_create(n2d2_cell *cell, const n2d2_params *p, void **state)
{
    (void)cell;
    double *factor = malloc(sizeof *factor);
    if (!factor)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    *factor = n2d2_params_float(p, "Factor");
    *state = factor;
    return N2D2_OK;
}

static n2d2_status same_shape_infer(n2d2_cell *cell, void *state, const n2d2_shape *in, size_t n_in,
                                    n2d2_shape *out)
{
    (void)state;
    for (size_t i = 1; i < n_in; ++i)
        if (!n2d2_shape_equal(&in[0], &in[i]))
            return n2d2_cell_error(cell, N2D2_ERR_SHAPE, "inputs %s and %s differ in shape",
                                   n2d2_cell_input_name(cell, 0), n2d2_cell_input_name(cell, i));
    *out = in[0];
    return N2D2_OK;
}

static n2d2_status scale_forward(n2d2_cell *cell, void *state, const n2d2_tensor *const *in,
                                 size_t n_in, n2d2_tensor *out, int training)
{
    (void)cell;
    (void)n_in;
    (void)training;
    double f = *(double *)state;
    for (size_t i = 0; i < n2d2_tensor_numel(out); ++i)
        set(out, i, f * get(in[0], i));
    return N2D2_OK;
}

static n2d2_status scale_backward(n2d2_cell *cell, void *state, const n2d2_tensor *const *in,
                                  size_t n_in, const n2d2_tensor *out, const n2d2_tensor *gout,
                                  n2d2_tensor *const *gin, const int *accumulate)
{
    (void)cell;
    (void)in;
    (void)n_in;
    (void)out;
    double f = *(double *)state;
    for (size_t i = 0; gin[0] && i < n2d2_tensor_numel(gout); ++i)
        set(gin[0], i, (accumulate[0] ? get(gin[0], i) : 0.0) + f * get(gout, i));
    return N2D2_OK;
}

static const n2d2_cell_ops scale_ops = {
    .struct_size = sizeof(n2d2_cell_ops),
    .create = scale_create,
    .infer = same_shape_infer,
    .forward = scale_forward,
    .backward = scale_backward,
    .destroy = free,
};

/* ---- TestSum ---- */

static n2d2_status sum_create(n2d2_cell *cell, const n2d2_params *p, void **state)
{
    (void)cell;
    (void)p;
    *state = NULL;
    return N2D2_OK;
}

static n2d2_status sum_forward(n2d2_cell *cell, void *state, const n2d2_tensor *const *in,
                               size_t n_in, n2d2_tensor *out, int training)
{
    (void)cell;
    (void)state;
    (void)training;
    for (size_t i = 0; i < n2d2_tensor_numel(out); ++i) {
        double acc = 0.0;
        for (size_t k = 0; k < n_in; ++k)
            acc += get(in[k], i);
        set(out, i, acc);
    }
    return N2D2_OK;
}

static n2d2_status sum_backward(n2d2_cell *cell, void *state, const n2d2_tensor *const *in,
                                size_t n_in, const n2d2_tensor *out, const n2d2_tensor *gout,
                                n2d2_tensor *const *gin, const int *accumulate)
{
    (void)cell;
    (void)state;
    (void)in;
    (void)out;
    for (size_t k = 0; k < n_in; ++k)
        for (size_t i = 0; gin[k] && i < n2d2_tensor_numel(gout); ++i)
            set(gin[k], i, (accumulate[k] ? get(gin[k], i) : 0.0) + get(gout, i));
    return N2D2_OK;
}

static void no_destroy(void *state) { (void)state; }

static const n2d2_cell_ops sum_ops = {
    .struct_size = sizeof(n2d2_cell_ops),
    .flags = N2D2_CELL_MULTI_INPUT,
    .create = sum_create,
    .infer = same_shape_infer,
    .forward = sum_forward,
    .backward = sum_backward,
    .destroy = no_destroy,
};

/* ---- TestBroken: y = x^2 with a deliberately wrong backward (x instead
 * of 2x), so that gradient checking has something to catch. ---- */

static n2d2_status square_forward(n2d2_cell *cell, void *state, const n2d2_tensor *const *in,
                                  size_t n_in, n2d2_tensor *out, int training)
{
    (void)cell;
    (void)state;
    (void)n_in;
    (void)training;
    for (size_t i = 0; i < n2d2_tensor_numel(out); ++i)
        set(out, i, get(in[0], i) * get(in[0], i));
    return N2D2_OK;
}

static n2d2_status broken_backward(n2d2_cell *cell, void *state, const n2d2_tensor *const *in,
                                   size_t n_in, const n2d2_tensor *out, const n2d2_tensor *gout,
                                   n2d2_tensor *const *gin, const int *accumulate)
{
    (void)cell;
    (void)state;
    (void)n_in;
    (void)out;
    for (size_t i = 0; gin[0] && i < n2d2_tensor_numel(gout); ++i)
        set(gin[0], i, (accumulate[0] ? get(gin[0], i) : 0.0) + get(in[0], i) * get(gout, i));
    return N2D2_OK;
}

static const n2d2_cell_ops broken_ops = {
    .struct_size = sizeof(n2d2_cell_ops),
    .create = sum_create,
    .infer = same_shape_infer,
    .forward = square_forward,
    .backward = broken_backward,
    .destroy = no_destroy,
};

static const n2d2_feature features[] = {
    {sizeof(n2d2_feature), N2D2_KIND_CELL, "TestBroken", "Frame", "x^2 with a wrong gradient", NULL,
     0, &broken_ops, 0, {0}},
    {sizeof(n2d2_feature), N2D2_KIND_CELL, "TestDense", "Frame", "test fully-connected cell",
     dense_params, COUNT_OF(dense_params), &dense_ops, 0, {0}},
    {sizeof(n2d2_feature), N2D2_KIND_CELL, "TestScale", "Frame", "test scaling cell", scale_params,
     COUNT_OF(scale_params), &scale_ops, 0, {0}},
    {sizeof(n2d2_feature), N2D2_KIND_CELL, "TestSum", "Frame", "test element-wise sum", NULL, 0,
     &sum_ops, 0, {0}},
};

static n2d2_status register_testcells(n2d2_registry *reg)
{
    for (size_t i = 0; i < COUNT_OF(features); ++i) {
        n2d2_status st = n2d2_registry_add(reg, &features[i]);
        if (st != N2D2_OK)
            return st;
    }
    return N2D2_OK;
}

N2D2_PLUGIN_DEFINE(testcells, "1.0.0", "CECILL-C", "cells for kernel tests", register_testcells, NULL)
