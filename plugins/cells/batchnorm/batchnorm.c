/* BatchNorm, model Frame (manual 22.6, checklist §12.2, decision A42).
 *
 * Per channel over the batch and every position:
 *   y = scale (x - mean) / sqrt(variance + Epsilon) + bias
 * Learning uses the batch mean and biased variance, and moves the running
 * statistics: running = m batch + (1 - m) running with the unbiased batch
 * variance, m = MovingAverageMomentum. Inference uses the running
 * statistics, and so does learning when m = 0 (frozen statistics: the
 * layer is then a fixed affine map, as when fine-tuning around a BatchNorm
 * that must not change, manual lines 2260-2270). Scales and biases are
 * learned (ScaleSolver / BiasSolver); the running mean and variance are
 * saved and loaded but are not learnable parameters. The activation is
 * applied by the kernel. */
#include <stdlib.h>
#include <string.h>

#include "batchnorm.h"

#include "../common/cells_common.h"
#include "../common/copy.h"

static const n2d2_param_spec batchnorm_params[] = {
    {"NbOutputs", N2D2_PARAM_UINT, NULL, NULL, 1, 1e9, N2D2_PARAM_RANGE,
     "number of channels: must equal the input channels (taken from the input when absent, "
     "as in sections inserted by InsertBatchNormAfterConv)"},
    {"ActivationFunction", N2D2_PARAM_STRING, "", NULL, 0, 0, 0,
     "activation of the output; none when empty"},
    {"ScalesSharing", N2D2_PARAM_STRING, "", NULL, 0, 0, 0,
     "share the scales with another layer (not implemented yet)"},
    {"BiasesSharing", N2D2_PARAM_STRING, "", NULL, 0, 0, 0,
     "share the biases with another layer (not implemented yet)"},
    {"MeansSharing", N2D2_PARAM_STRING, "", NULL, 0, 0, 0,
     "share the running means with another layer (not implemented yet)"},
    {"VariancesSharing", N2D2_PARAM_STRING, "", NULL, 0, 0, 0,
     "share the running variances with another layer (not implemented yet)"},
    {"Epsilon", N2D2_PARAM_FLOAT, "0.0", NULL, 0, 1e300, N2D2_PARAM_RANGE,
     "added to the variance before the square root; 0 = 1e-5 (A42)"},
    {"MovingAverageMomentum", N2D2_PARAM_FLOAT, "0.1", NULL, 0, 1, N2D2_PARAM_RANGE,
     "weight m of the batch in running = m batch + (1 - m) running; 0 freezes the statistics "
     "(learning then normalises with the running ones)"},
    {"Solvers", N2D2_PARAM_STRING, "SGD", NULL, 0, 0, 0,
     "solver type of the scales and biases; options as Solvers.<key>"},
    {"ScaleSolver", N2D2_PARAM_STRING, NULL, NULL, 0, 0, 0,
     "scales solver type [Solvers]; options as ScaleSolver.<key> (take precedence)"},
    {"BiasSolver", N2D2_PARAM_STRING, NULL, NULL, 0, 0, 0,
     "biases solver type [Solvers]; options as BiasSolver.<key> (take precedence)"},
};

static const char *const sharing_keys[] = {"ScalesSharing", "BiasesSharing", "MeansSharing",
                                           "VariancesSharing"};

typedef struct batchnorm_cell {
    batchnorm_state s;
    int learned;   /* the last forward was a learning one */
    size_t active; /* items its batch statistics covered */
} batchnorm_cell;

static void batchnorm_destroy(void *state)
{
    batchnorm_cell *b = state;
    if (!b)
        return;
    n2d2_tensor_release(b->s.scale);
    n2d2_tensor_release(b->s.bias);
    n2d2_tensor_release(b->s.dscale);
    n2d2_tensor_release(b->s.dbias);
    n2d2_tensor_release(b->s.mean);
    n2d2_tensor_release(b->s.variance);
    free(b->s.batch_mean);
    free(b->s.batch_inv);
    free(b);
}

static n2d2_status batchnorm_create(n2d2_cell *cell, const n2d2_params *p, void **state)
{
    n2d2_status st = n2d2_cells_check_dtype(cell);
    for (size_t i = 0; st == N2D2_OK && i < N2D2_CELLS_COUNT_OF(sharing_keys); ++i)
        st = n2d2_cells_reject_unimplemented(p, sharing_keys[i], "",
                                             "sharing BatchNorm parameters with another layer");
    if (st != N2D2_OK)
        return st;
    batchnorm_cell *b = calloc(1, sizeof *b);
    if (!b)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    double eps = n2d2_params_float(p, "Epsilon");
    b->s.epsilon = eps > 0.0 ? eps : 1e-5;
    b->s.momentum = n2d2_params_float(p, "MovingAverageMomentum");
    *state = b;
    return N2D2_OK;
}

static n2d2_status batchnorm_infer(n2d2_cell *cell, void *state, const n2d2_shape *in, size_t n_in,
                                   n2d2_shape *out)
{
    (void)n_in;
    batchnorm_cell *b = state;
    n2d2_status st = n2d2_cells_check_nb_outputs(cell, in->dims[0]);
    if (st != N2D2_OK)
        return st;
    b->s.channels = in->dims[0];
    b->s.positions = n2d2_shape_numel(in) / in->dims[0];
    *out = *in;
    return N2D2_OK;
}

static n2d2_status new_param(n2d2_dtype dt, size_t c, double value, n2d2_tensor **t)
{
    n2d2_status st = n2d2_tensor_new(dt, 1, &c, t);
    return st == N2D2_OK ? n2d2_tensor_fill(*t, value) : st;
}

static n2d2_status batchnorm_initialize(n2d2_cell *cell, void *state)
{
    batchnorm_state *s = &((batchnorm_cell *)state)->s;
    const n2d2_dtype dt = n2d2_cell_dtype(cell);
    const size_t C = s->channels;
    n2d2_status st = new_param(dt, C, 1.0, &s->scale);
    if (st == N2D2_OK)
        st = new_param(dt, C, 0.0, &s->bias);
    if (st == N2D2_OK)
        st = new_param(dt, C, 0.0, &s->dscale);
    if (st == N2D2_OK)
        st = new_param(dt, C, 0.0, &s->dbias);
    if (st == N2D2_OK)
        st = new_param(dt, C, 0.0, &s->mean);
    if (st == N2D2_OK)
        st = new_param(dt, C, 1.0, &s->variance);
    if (st != N2D2_OK)
        return st;
    s->batch_mean = calloc(C, sizeof *s->batch_mean);
    s->batch_inv = calloc(C, sizeof *s->batch_inv);
    if (!s->batch_mean || !s->batch_inv)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    st = n2d2_cell_declare_param(cell, "scales", s->scale, s->dscale, "ScaleSolver");
    if (st == N2D2_OK)
        st = n2d2_cell_declare_param(cell, "biases", s->bias, s->dbias, "BiasSolver");
    /* state, not parameters: saved and loaded, never counted nor updated */
    if (st == N2D2_OK)
        st = n2d2_cell_declare_param(cell, "means", s->mean, NULL, NULL);
    if (st == N2D2_OK)
        st = n2d2_cell_declare_param(cell, "variances", s->variance, NULL, NULL);
    return st;
}

static n2d2_status batchnorm_forward(n2d2_cell *cell, void *state, const n2d2_tensor *const *in,
                                     size_t n_in, n2d2_tensor *out, int training)
{
    batchnorm_cell *b = state;
    batchnorm_state *s = &b->s;
    n2d2_status st = n2d2_cells_check_inputs(cell, in, n_in, out);
    if (st != N2D2_OK)
        return st;
    const size_t batch = n2d2_tensor_dim(out, 0);
    const int with_batch = training && s->momentum > 0.0;
    const int f64 = n2d2_tensor_dtype(out) == N2D2_FLOAT64;
    /* batch statistics over the real items only; the padding items of a
     * last, partial batch get zeros (nothing reads them) */
    const size_t active = with_batch ? n2d2_cell_active_batch(cell, batch) : batch;
    if (active < batch) {
        const size_t item = n2d2_tensor_numel(out) / batch * n2d2_dtype_size(n2d2_tensor_dtype(out));
        memset((char *)n2d2_tensor_data(out) + active * item, 0, (batch - active) * item);
    }
    b->active = active;
    if (with_batch && f64)
        n2d2_batchnorm_learn_f64(s, n2d2_tensor_cdata(in[0]), n2d2_tensor_data(out), active);
    else if (with_batch)
        n2d2_batchnorm_learn_f32(s, n2d2_tensor_cdata(in[0]), n2d2_tensor_data(out), active);
    else if (f64)
        n2d2_batchnorm_fixed_f64(s, n2d2_tensor_cdata(in[0]), n2d2_tensor_data(out), batch);
    else
        n2d2_batchnorm_fixed_f32(s, n2d2_tensor_cdata(in[0]), n2d2_tensor_data(out), batch);
    s->batch_valid = with_batch;
    b->learned = training;
    return N2D2_OK;
}

static n2d2_status batchnorm_backward(n2d2_cell *cell, void *state, const n2d2_tensor *const *in,
                                      size_t n_in, const n2d2_tensor *out, const n2d2_tensor *gout,
                                      n2d2_tensor *const *gin, const int *accumulate)
{
    (void)n_in;
    batchnorm_cell *b = state;
    if (!b->learned)
        return n2d2_cell_error(cell, N2D2_ERR_INVAL,
                               "backward without a learning forward pass (batch statistics "
                               "unknown)");
    const size_t batch = n2d2_tensor_dim(out, 0);
    /* the items the forward pass counted; the padding gets no gradient */
    const size_t active = b->active && b->active < batch ? b->active : batch;
    if (gin[0] && active < batch && !accumulate[0]) {
        const size_t item = n2d2_tensor_numel(gin[0]) / batch * n2d2_dtype_size(n2d2_tensor_dtype(gin[0]));
        memset((char *)n2d2_tensor_data(gin[0]) + active * item, 0, (batch - active) * item);
    }
    if (n2d2_tensor_dtype(out) == N2D2_FLOAT64)
        n2d2_batchnorm_backward_f64(&b->s, n2d2_tensor_cdata(in[0]), n2d2_tensor_cdata(gout),
                                    gin[0] ? n2d2_tensor_data(gin[0]) : NULL, accumulate[0], active,
                                    b->s.batch_valid);
    else
        n2d2_batchnorm_backward_f32(&b->s, n2d2_tensor_cdata(in[0]), n2d2_tensor_cdata(gout),
                                    gin[0] ? n2d2_tensor_data(gin[0]) : NULL, accumulate[0], active,
                                    b->s.batch_valid);
    return N2D2_OK;
}

/* One multiply-add per value and sample. */
static uint64_t batchnorm_macs(n2d2_cell *cell, void *state)
{
    (void)cell;
    const batchnorm_cell *b = state;
    return (uint64_t)b->s.channels * b->s.positions;
}

static const n2d2_cell_ops batchnorm_ops = {
    .struct_size = sizeof(n2d2_cell_ops),
    .create = batchnorm_create,
    .infer = batchnorm_infer,
    .initialize = batchnorm_initialize,
    .forward = batchnorm_forward,
    .backward = batchnorm_backward,
    .destroy = batchnorm_destroy,
    .macs = batchnorm_macs,
};

static const n2d2_feature batchnorm_feature = {
    .struct_size = sizeof(n2d2_feature),
    .kind = N2D2_KIND_CELL,
    .name = "BatchNorm",
    .model = "Frame",
    .help = "batch normalisation per channel, learnable scale and bias",
    .params = batchnorm_params,
    .n_params = N2D2_CELLS_COUNT_OF(batchnorm_params),
    .ops = &batchnorm_ops,
};

static n2d2_status register_batchnorm(n2d2_registry *reg)
{
    return n2d2_registry_add(reg, &batchnorm_feature);
}

N2D2_PLUGIN_DEFINE(cell_batchnorm, "1.0.0", "CECILL-C", "BatchNorm cell, model Frame (CPU)",
                   register_batchnorm, NULL)
