/* See family_test_util.h. */
#include "family_test_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

typedef struct fam_dense {
    size_t n_in, n_out;
    int no_bias;
    n2d2_tensor *w, *dw, *b, *db;
} fam_dense;

static const n2d2_param_spec fam_dense_params[] = {
    {"NbOutputs", N2D2_PARAM_UINT, NULL, NULL, 1, 1e9, N2D2_PARAM_REQUIRED | N2D2_PARAM_RANGE,
     "number of outputs"},
    {"NoBias", N2D2_PARAM_BOOL, "0", NULL, 0, 0, 0, "no bias"},
    {"ActivationFunction", N2D2_PARAM_STRING, "", NULL, 0, 0, 0, "activation"},
    {"WeightsFiller", N2D2_PARAM_STRING, "ConstantFiller", NULL, 0, 0, 0, "weights filler"},
    {"BiasFiller", N2D2_PARAM_STRING, "ConstantFiller", NULL, 0, 0, 0, "bias filler"},
};

static n2d2_status fd_create(n2d2_cell *cell, const n2d2_params *p, void **state)
{
    (void)cell;
    fam_dense *d = calloc(1, sizeof *d);
    if (!d)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    d->n_out = (size_t)n2d2_params_uint(p, "NbOutputs");
    d->no_bias = n2d2_params_bool(p, "NoBias");
    *state = d;
    return N2D2_OK;
}

static n2d2_status fd_infer(n2d2_cell *cell, void *state, const n2d2_shape *in, size_t n_in,
                            n2d2_shape *out)
{
    (void)cell;
    (void)n_in;
    fam_dense *d = state;
    d->n_in = n2d2_shape_numel(in);
    out->ndim = 3;
    out->dims[0] = d->n_out;
    out->dims[1] = out->dims[2] = 1;
    return N2D2_OK;
}

static n2d2_status fd_initialize(n2d2_cell *cell, void *state)
{
    fam_dense *d = state;
    size_t wdims[2] = {d->n_out, d->n_in};
    n2d2_dtype dt = n2d2_cell_dtype(cell);
    n2d2_status st = n2d2_tensor_new(dt, 2, wdims, &d->w);
    if (st == N2D2_OK)
        st = n2d2_tensor_new(dt, 2, wdims, &d->dw);
    if (st == N2D2_OK)
        st = n2d2_cell_fill(cell, "WeightsFiller", "ConstantFiller", d->w, d->n_in, d->n_out);
    if (st == N2D2_OK)
        st = n2d2_cell_declare_param(cell, "weights", d->w, d->dw, "WeightsSolver");
    if (st != N2D2_OK || d->no_bias)
        return st;
    st = n2d2_tensor_new(dt, 1, &d->n_out, &d->b);
    if (st == N2D2_OK)
        st = n2d2_tensor_new(dt, 1, &d->n_out, &d->db);
    if (st == N2D2_OK)
        st = n2d2_cell_fill(cell, "BiasFiller", "ConstantFiller", d->b, d->n_in, d->n_out);
    if (st == N2D2_OK)
        st = n2d2_cell_declare_param(cell, "biases", d->b, d->db, "BiasSolver");
    return st;
}

static n2d2_status fd_forward(n2d2_cell *cell, void *state, const n2d2_tensor *const *in,
                              size_t n_in, n2d2_tensor *out, int training)
{
    (void)cell;
    (void)n_in;
    (void)training;
    fam_dense *d = state;
    size_t batch = n2d2_tensor_dim(out, 0);
    for (size_t n = 0; n < batch; ++n)
        for (size_t o = 0; o < d->n_out; ++o) {
            double acc = d->b ? n2d2_tensor_get(d->b, o) : 0.0;
            for (size_t i = 0; i < d->n_in; ++i)
                acc += n2d2_tensor_get(d->w, o * d->n_in + i) * n2d2_tensor_get(in[0], n * d->n_in + i);
            n2d2_tensor_set(out, n * d->n_out + o, acc);
        }
    return N2D2_OK;
}

static n2d2_status fd_backward(n2d2_cell *cell, void *state, const n2d2_tensor *const *in,
                               size_t n_in, const n2d2_tensor *out, const n2d2_tensor *gout,
                               n2d2_tensor *const *gin, const int *accumulate)
{
    (void)cell;
    (void)n_in;
    fam_dense *d = state;
    size_t batch = n2d2_tensor_dim(out, 0);
    n2d2_tensor_zero(d->dw);
    if (d->db)
        n2d2_tensor_zero(d->db);
    for (size_t n = 0; n < batch; ++n)
        for (size_t o = 0; o < d->n_out; ++o) {
            double g = n2d2_tensor_get(gout, n * d->n_out + o);
            if (d->db)
                n2d2_tensor_set(d->db, o, n2d2_tensor_get(d->db, o) + g);
            for (size_t i = 0; i < d->n_in; ++i) {
                size_t k = o * d->n_in + i;
                n2d2_tensor_set(d->dw, k, n2d2_tensor_get(d->dw, k) + g * n2d2_tensor_get(in[0], n * d->n_in + i));
            }
        }
    if (!gin[0])
        return N2D2_OK;
    for (size_t n = 0; n < batch; ++n)
        for (size_t i = 0; i < d->n_in; ++i) {
            double acc = accumulate[0] ? n2d2_tensor_get(gin[0], n * d->n_in + i) : 0.0;
            for (size_t o = 0; o < d->n_out; ++o)
                acc += n2d2_tensor_get(d->w, o * d->n_in + i) * n2d2_tensor_get(gout, n * d->n_out + o);
            n2d2_tensor_set(gin[0], n * d->n_in + i, acc);
        }
    return N2D2_OK;
}

static void fd_destroy(void *state)
{
    fam_dense *d = state;
    if (!d)
        return;
    n2d2_tensor_release(d->w);
    n2d2_tensor_release(d->dw);
    n2d2_tensor_release(d->b);
    n2d2_tensor_release(d->db);
    free(d);
}

static const n2d2_cell_ops fam_dense_ops = {
    .struct_size = sizeof(n2d2_cell_ops),
    .create = fd_create,
    .infer = fd_infer,
    .initialize = fd_initialize,
    .forward = fd_forward,
    .backward = fd_backward,
    .destroy = fd_destroy,
};

static const n2d2_feature fam_dense_feature = {
    sizeof(n2d2_feature), N2D2_KIND_CELL, "FamDense", "Frame",
    "test fully-connected cell using the kernel's fillers, activation and solvers",
    fam_dense_params, COUNT_OF(fam_dense_params), &fam_dense_ops, 0, {0}};

static n2d2_status register_family_testcell(n2d2_registry *reg)
{
    return n2d2_registry_add(reg, &fam_dense_feature);
}

N2D2_PLUGIN_DEFINE(family_testcell, "1.0.0", "CECILL-C", "FamDense test cell",
                   register_family_testcell, NULL)

n2d2_status fam_registry(n2d2_registry **reg)
{
    static const n2d2_static_plugin table[] = {
        N2D2_STATIC_PLUGIN(family_testcell), N2D2_STATIC_PLUGIN(fillers),
        N2D2_STATIC_PLUGIN(activations), N2D2_STATIC_PLUGIN(solvers)};
    n2d2_loader *loader;
    n2d2_status st = n2d2_registry_new(reg);
    if (st != N2D2_OK)
        return st;
    st = n2d2_loader_new(*reg, &loader);
    if (st == N2D2_OK) {
        st = n2d2_loader_preload(loader, table, COUNT_OF(table));
        n2d2_loader_free(loader); /* the registry outlives it */
    }
    if (st != N2D2_OK) {
        n2d2_registry_free(*reg);
        *reg = NULL;
    }
    return st;
}

n2d2_status fam_params(const n2d2_feature *feature, const char *prefix, const char *body,
                       n2d2_ini **ini, n2d2_params **params)
{
    size_t len = strlen(body) + 16;
    char *text = malloc(len);
    if (!text)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    snprintf(text, len, "[cell]\n%s", body);
    n2d2_status st = n2d2_ini_load_string(text, strlen(text), "test.ini", ini);
    free(text);
    if (st != N2D2_OK)
        return st;
    n2d2_ini_section *sec = n2d2_ini_find(*ini, "cell");
    const char *prefixes[] = {prefix};
    return n2d2_params_from_ini(*ini, &sec, 1, prefixes, 1, feature->params, feature->n_params,
                                params);
}

int fam_module_has(const char *plugin, n2d2_kind kind, const char *feature)
{
    const char *dir = getenv("N2D2_PLUGIN_PATH");
    if (!dir || !dir[0])
        return -1;
    char path[4096];
    snprintf(path, sizeof path, "%s/n2d2-%s.so", dir, plugin);
    if (access(path, R_OK) != 0)
        return -1;
    n2d2_registry *reg;
    n2d2_loader *loader;
    if (n2d2_registry_new(&reg) != N2D2_OK)
        return 0;
    int found = 0;
    if (n2d2_loader_new(reg, &loader) == N2D2_OK) {
        if (n2d2_loader_load_file(loader, path) == N2D2_OK)
            found = n2d2_registry_find(reg, kind, feature, NULL) != NULL;
        n2d2_loader_free(loader);
    }
    n2d2_registry_free(reg);
    return found;
}
