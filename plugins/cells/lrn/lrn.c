/* LRN, model Frame: local response normalisation across channels on the
 * CPU (manual 22.13, checklist §12.9, A50).
 *
 *   b_i = a_i / (K + Alpha sum_{j = max(0, i - N/2)}^{min(C - 1, i + N/2)} a_j^2)^Beta
 *
 * at every position, N/2 rounded down, Alpha used as given (not divided by
 * N as in Caffe). Backward is exact: with s_i the denominator base,
 *   da_m = db_m s_m^-Beta - 2 Alpha Beta a_m sum_{i : |i - m| <= N/2} db_i a_i s_i^(-Beta-1).
 * The bases are recomputed from the input in backward (nothing is kept
 * between passes). */
#include <stdlib.h>

#include "lrn.h"

#include "../common/cells_common.h"
#include "../common/channels.h"

static const n2d2_param_spec lrn_params[] = {
    {"NbOutputs", N2D2_PARAM_UINT, NULL, NULL, 1, 1e9, N2D2_PARAM_REQUIRED | N2D2_PARAM_RANGE,
     "number of output channels (must equal the input channels)"},
    {"N", N2D2_PARAM_UINT, "5", NULL, 1, 1e9, N2D2_PARAM_RANGE,
     "normalisation window in channels: i - N/2 .. i + N/2 (A50)"},
    {"Alpha", N2D2_PARAM_FLOAT, "1.0e-4", NULL, 0, 1e300, N2D2_PARAM_RANGE,
     "variance scaling alpha (not divided by N, A50)"},
    {"Beta", N2D2_PARAM_FLOAT, "0.75", NULL, 0, 0, 0, "power beta"},
    {"K", N2D2_PARAM_FLOAT, "2.0", NULL, 0, 0, 0, "constant k of the denominator (> 0)"},
};

static void lrn_destroy(void *state)
{
    lrn_state *s = state;
    if (!s)
        return;
    n2d2_cells_scratch_free(&s->scratch, &s->scratch_cap);
    free(s);
}

static n2d2_status lrn_create(n2d2_cell *cell, const n2d2_params *p, void **state)
{
    n2d2_status st = n2d2_cells_check_dtype(cell);
    if (st != N2D2_OK)
        return st;
    /* k > 0 and alpha >= 0 keep the base of the power positive. */
    if (!(n2d2_params_float(p, "K") > 0))
        return n2d2_params_error(p, "K", N2D2_ERR_RANGE, "must be positive, got %g",
                                 n2d2_params_float(p, "K"));
    lrn_state *s = calloc(1, sizeof *s);
    if (!s)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    s->n = (size_t)n2d2_params_uint(p, "N");
    s->alpha = n2d2_params_float(p, "Alpha");
    s->beta = n2d2_params_float(p, "Beta");
    s->k = n2d2_params_float(p, "K");
    *state = s;
    return N2D2_OK;
}

static n2d2_status lrn_infer(n2d2_cell *cell, void *state, const n2d2_shape *in, size_t n_in,
                             n2d2_shape *out)
{
    (void)n_in;
    lrn_state *s = state;
    if (in->ndim < 1)
        return n2d2_cell_error(cell, N2D2_ERR_SHAPE, "input without channels");
    n2d2_status st = n2d2_cells_check_same_channels(cell, in->dims[0]);
    if (st != N2D2_OK)
        return st;
    s->channels = in->dims[0];
    s->positions = n2d2_shape_numel(in) / (s->channels ? s->channels : 1);
    *out = *in;
    return N2D2_OK;
}

static n2d2_status lrn_reserve(n2d2_cell *cell, void *state, size_t batch)
{
    (void)batch;
    return n2d2_lrn_reserve_scratch(state, n2d2_cell_dtype(cell));
}

static n2d2_status lrn_forward(n2d2_cell *cell, void *state, const n2d2_tensor *const *in,
                               size_t n_in, n2d2_tensor *out, int training)
{
    (void)training;
    n2d2_status st = n2d2_cells_check_inputs(cell, in, n_in, out);
    if (st == N2D2_OK)
        st = n2d2_lrn_reserve_scratch(state, n2d2_tensor_dtype(out));
    if (st != N2D2_OK)
        return st;
    const size_t batch = n2d2_tensor_dim(out, 0);
    if (n2d2_tensor_dtype(out) == N2D2_FLOAT64)
        n2d2_lrn_forward_f64(state, n2d2_tensor_cdata(in[0]), n2d2_tensor_data(out), batch);
    else
        n2d2_lrn_forward_f32(state, n2d2_tensor_cdata(in[0]), n2d2_tensor_data(out), batch);
    return N2D2_OK;
}

static n2d2_status lrn_backward(n2d2_cell *cell, void *state, const n2d2_tensor *const *in,
                                size_t n_in, const n2d2_tensor *out, const n2d2_tensor *gout,
                                n2d2_tensor *const *gin, const int *accumulate)
{
    if (!gin[0])
        return N2D2_OK;
    n2d2_status st = n2d2_cells_check_inputs(cell, in, n_in, out);
    if (st == N2D2_OK)
        st = n2d2_lrn_reserve_scratch(state, n2d2_tensor_dtype(out));
    if (st != N2D2_OK)
        return st;
    const size_t batch = n2d2_tensor_dim(out, 0);
    if (n2d2_tensor_dtype(out) == N2D2_FLOAT64)
        n2d2_lrn_backward_f64(state, n2d2_tensor_cdata(in[0]), n2d2_tensor_cdata(gout),
                              n2d2_tensor_data(gin[0]), accumulate[0], batch);
    else
        n2d2_lrn_backward_f32(state, n2d2_tensor_cdata(in[0]), n2d2_tensor_cdata(gout),
                              n2d2_tensor_data(gin[0]), accumulate[0], batch);
    return N2D2_OK;
}

/* Multiply-adds per sample: the window sum of squares of every value. */
static uint64_t lrn_macs(n2d2_cell *cell, void *state)
{
    (void)cell;
    const lrn_state *s = state;
    return (uint64_t)s->channels * s->positions * (s->n / 2 * 2 + 1);
}

static const n2d2_cell_ops lrn_ops = {
    .struct_size = sizeof(n2d2_cell_ops),
    .create = lrn_create,
    .infer = lrn_infer,
    .reserve = lrn_reserve,
    .forward = lrn_forward,
    .backward = lrn_backward,
    .destroy = lrn_destroy,
    .macs = lrn_macs,
};

static const n2d2_feature lrn_feature = {
    .struct_size = sizeof(n2d2_feature),
    .kind = N2D2_KIND_CELL,
    .name = "LRN",
    .model = "Frame",
    .help = "local response normalisation across channels",
    .params = lrn_params,
    .n_params = N2D2_CELLS_COUNT_OF(lrn_params),
    .ops = &lrn_ops,
};

static n2d2_status register_lrn(n2d2_registry *reg)
{
    return n2d2_registry_add(reg, &lrn_feature);
}

N2D2_PLUGIN_DEFINE(cell_lrn, "1.0.0", "CECILL-C", "LRN cell, model Frame (CPU)", register_lrn, NULL)
