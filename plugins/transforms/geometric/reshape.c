/* ReshapeTransformation (manual 21.5.28): same values, new {C, H, W}.
 * NbChannels 0 keeps the channel count; NbCols 0 is computed from the
 * element count (which must then divide); a given NbCols must match. A
 * pixel-wise label map is reshaped to NbRows x cols when its element count
 * allows it, and refused otherwise (it could not follow the data). */
#include <stdlib.h>

#include "geo_util.h"

#define WHO "ReshapeTransformation"

static const n2d2_param_spec reshape_params[] = {
    {"NbRows", N2D2_PARAM_UINT, NULL, NULL, 1, 1e9, N2D2_PARAM_REQUIRED | N2D2_PARAM_RANGE,
     "new number of rows"},
    {"NbCols", N2D2_PARAM_UINT, "0", NULL, 0, 1e9, N2D2_PARAM_RANGE,
     "new number of columns (0: computed)"},
    {"NbChannels", N2D2_PARAM_UINT, "0", NULL, 0, 1e9, N2D2_PARAM_RANGE,
     "new number of channels (0: unchanged)"},
};

typedef struct reshape {
    size_t rows, cols, channels;
} reshape;

static n2d2_status reshape_create(const n2d2_params *p, void **state)
{
    reshape *r = malloc(sizeof *r);
    if (!r)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    r->rows = (size_t)n2d2_params_uint(p, "NbRows");
    r->cols = (size_t)n2d2_params_uint(p, "NbCols");
    r->channels = (size_t)n2d2_params_uint(p, "NbChannels");
    *state = r;
    return N2D2_OK;
}

static n2d2_status new_dims(const reshape *r, const size_t *in, size_t *out)
{
    size_t n = in[0] * in[1] * in[2];
    size_t c = r->channels ? r->channels : in[0];
    if (c * r->rows == 0 || n % (c * r->rows) != 0)
        return n2d2_error(N2D2_ERR_SHAPE,
                          WHO
                          ": %zux%zux%zu data (%zu values) cannot be reshaped to %zu channel(s) "
                          "of %zu row(s)",
                          in[0], in[1], in[2], n, c, r->rows);
    size_t cols = n / (c * r->rows);
    if (r->cols && cols != r->cols)
        return n2d2_error(N2D2_ERR_SHAPE,
                          WHO ": %zux%zux%zu data (%zu values) cannot be reshaped to %zux%zux%zu",
                          in[0], in[1], in[2], n, c, r->rows, r->cols);
    out[0] = c;
    out[1] = r->rows;
    out[2] = cols;
    return N2D2_OK;
}

static n2d2_status reshape_to(n2d2_tensor **t, const size_t *dims)
{
    n2d2_tensor *out;
    n2d2_status st = n2d2_tensor_reshape(*t, 3, dims, &out);
    if (st != N2D2_OK)
        return st;
    n2d2_tensor_release(*t);
    *t = out;
    return N2D2_OK;
}

static n2d2_status reshape_apply(void *state, n2d2_tensor **data, n2d2_tensor **labels, int *label,
                                 n2d2_set set, n2d2_rng *rng)
{
    (void)label;
    (void)set;
    (void)rng;
    const reshape *r = state;
    n2d2_status st = tf_check(*data, WHO);
    if (st != N2D2_OK)
        return st;
    size_t dims[3];
    st = new_dims(r, n2d2_tensor_dims(*data), dims);
    if (st != N2D2_OK)
        return st;
    size_t ldims[3] = {1, dims[1], dims[2]};
    if (*labels && n2d2_tensor_numel(*labels) != dims[1] * dims[2])
        return n2d2_error(N2D2_ERR_SHAPE,
                          WHO ": the pixel-wise label map (%zu values) cannot follow the data "
                          "reshaped to %zux%zu", n2d2_tensor_numel(*labels), dims[1], dims[2]);
    st = reshape_to(data, dims);
    if (st == N2D2_OK && *labels)
        st = reshape_to(labels, ldims);
    return st;
}

static n2d2_status reshape_shape(void *state, const n2d2_shape *in, n2d2_shape *out)
{
    if (in->ndim != 3)
        return N2D2_ERR_UNSUPPORTED;
    *out = *in;
    n2d2_status st = new_dims(state, in->dims, out->dims);
    return st;
}

static const n2d2_transform_ops reshape_ops = {
    sizeof(n2d2_transform_ops), 0, reshape_create, reshape_apply, reshape_shape, free, {0}};

const n2d2_feature geo_reshape_feature = {
    sizeof(n2d2_feature), N2D2_KIND_TRANSFORM, "ReshapeTransformation", NULL,
    "reshape the data to NbChannels x NbRows x NbCols", reshape_params,
    TF_COUNT_OF(reshape_params), &reshape_ops, 0, {0}};
