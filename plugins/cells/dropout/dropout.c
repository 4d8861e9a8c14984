/* Dropout, model Frame (manual 22.9, decision A45: inverted dropout).
 *
 * Learning: each value is dropped with probability p = Dropout and the kept
 * ones are scaled by 1/(1 - p), so that inference is the identity. The mask
 * comes from the cell's N2D2_RNG_DROPOUT stream (reproducible for a seed)
 * and is kept for backward: dx = dy mask / (1 - p). */
#include <stdlib.h>
#include <string.h>

#include "n2d2/n2d2.h"

#include "../common/cells_common.h"

typedef struct dropout_state {
    size_t nb_outputs;
    double rate;
    unsigned char *mask; /* batch x sample size */
    size_t mask_cap;
    int mask_valid;      /* the last forward was a learning one */
} dropout_state;

static const n2d2_param_spec dropout_params[] = {
    {"NbOutputs", N2D2_PARAM_UINT, NULL, NULL, 1, 1e9, N2D2_PARAM_REQUIRED | N2D2_PARAM_RANGE,
     "number of outputs (= input channels)"},
    {"Dropout", N2D2_PARAM_FLOAT, "0.5", NULL, 0, 1, N2D2_PARAM_RANGE,
     "probability of dropping each value while learning (below 1; kept values are scaled "
     "by 1/(1 - Dropout))"},
};

static n2d2_status dropout_create(n2d2_cell *cell, const n2d2_params *p, void **state)
{
    n2d2_status st = n2d2_cells_check_dtype(cell);
    if (st != N2D2_OK)
        return st;
    double rate = n2d2_params_float(p, "Dropout");
    if (rate >= 1.0)
        return n2d2_params_error(p, "Dropout", N2D2_ERR_RANGE,
                                 "must be below 1 (1 would drop every value)");
    dropout_state *s = calloc(1, sizeof *s);
    if (!s)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    s->nb_outputs = (size_t)n2d2_params_uint(p, "NbOutputs");
    s->rate = rate;
    *state = s;
    return N2D2_OK;
}

static n2d2_status dropout_infer(n2d2_cell *cell, void *state, const n2d2_shape *in, size_t n_in,
                                 n2d2_shape *out)
{
    (void)n_in;
    dropout_state *s = state;
    if (in->dims[0] != s->nb_outputs)
        return n2d2_params_error(n2d2_cell_params(cell), "NbOutputs", N2D2_ERR_SHAPE,
                                 "%zu, but the input of [%s] has %zu channels: they must be equal",
                                 s->nb_outputs, n2d2_cell_name(cell), in->dims[0]);
    *out = *in;
    return N2D2_OK;
}

static n2d2_status reserve_mask(dropout_state *s, size_t n)
{
    if (n <= s->mask_cap)
        return N2D2_OK;
    unsigned char *grown = realloc(s->mask, n);
    if (!grown)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    s->mask = grown;
    s->mask_cap = n;
    s->mask_valid = 0;
    return N2D2_OK;
}

static n2d2_status dropout_reserve(n2d2_cell *cell, void *state, size_t batch)
{
    return reserve_mask(state, batch * n2d2_shape_numel(n2d2_cell_output_shape(cell)));
}

/* Two 32-bit draws per xoshiro output: keep when below (1 - p) 2^32. */
static void draw_mask(n2d2_rng *rng, unsigned char *mask, size_t n, double rate)
{
    const uint64_t keep = (uint64_t)((1.0 - rate) * 4294967296.0);
    size_t i = 0;
    for (; i + 1 < n; i += 2) {
        uint64_t r = n2d2_rng_u64(rng);
        mask[i] = (r & 0xffffffffu) < keep;
        mask[i + 1] = (r >> 32) < keep;
    }
    if (i < n)
        mask[i] = (n2d2_rng_u64(rng) & 0xffffffffu) < keep;
}

#define APPLY_MASK(REAL, src, dst, add)                                                           \
    do {                                                                                          \
        const REAL *a = (src);                                                                    \
        REAL *b = (dst);                                                                          \
        const REAL scale = (REAL)(1.0 / (1.0 - s->rate));                                         \
        const unsigned char *m = s->mask;                                                         \
        N2D2_CELLS_PRAGMA(omp parallel for schedule(static) if(n > 65536))                        \
        for (size_t i = 0; i < n; ++i) {                                                          \
            REAL v = m[i] ? a[i] * scale : 0;                                                     \
            b[i] = (add) ? b[i] + v : v;                                                          \
        }                                                                                         \
    } while (0)

static n2d2_status dropout_forward(n2d2_cell *cell, void *state, const n2d2_tensor *const *in,
                                   size_t n_in, n2d2_tensor *out, int training)
{
    dropout_state *s = state;
    n2d2_status st = n2d2_cells_check_inputs(cell, in, n_in, out);
    if (st != N2D2_OK)
        return st;
    const size_t n = n2d2_tensor_numel(out);
    s->mask_valid = 0;
    if (!training) {
        if (!n2d2_tensor_shares_storage(in[0], out))
            memcpy(n2d2_tensor_data(out), n2d2_tensor_cdata(in[0]), n2d2_tensor_nbytes(out));
        return N2D2_OK;
    }
    st = reserve_mask(s, n);
    if (st != N2D2_OK)
        return st;
    draw_mask(n2d2_cell_rng(cell, N2D2_RNG_DROPOUT), s->mask, n, s->rate);
    s->mask_valid = 1;
    if (n2d2_tensor_dtype(out) == N2D2_FLOAT64)
        APPLY_MASK(double, n2d2_tensor_cdata(in[0]), n2d2_tensor_data(out), 0);
    else
        APPLY_MASK(float, n2d2_tensor_cdata(in[0]), n2d2_tensor_data(out), 0);
    return N2D2_OK;
}

static n2d2_status dropout_backward(n2d2_cell *cell, void *state, const n2d2_tensor *const *in,
                                    size_t n_in, const n2d2_tensor *out, const n2d2_tensor *gout,
                                    n2d2_tensor *const *gin, const int *accumulate)
{
    (void)in;
    (void)n_in;
    dropout_state *s = state;
    if (!gin[0])
        return N2D2_OK;
    if (!s->mask_valid)
        return n2d2_cell_error(cell, N2D2_ERR_INVAL,
                               "backward without a learning forward pass (no dropout mask)");
    const size_t n = n2d2_tensor_numel(gout);
    if (n2d2_tensor_dtype(out) == N2D2_FLOAT64)
        APPLY_MASK(double, n2d2_tensor_cdata(gout), n2d2_tensor_data(gin[0]), accumulate[0]);
    else
        APPLY_MASK(float, n2d2_tensor_cdata(gout), n2d2_tensor_data(gin[0]), accumulate[0]);
    return N2D2_OK;
}

static void dropout_destroy(void *state)
{
    dropout_state *s = state;
    if (!s)
        return;
    free(s->mask);
    free(s);
}

/* The identity at inference: no arithmetic. */
static uint64_t dropout_macs(n2d2_cell *cell, void *state)
{
    (void)cell;
    (void)state;
    return 0;
}

static const n2d2_cell_ops dropout_ops = {
    .struct_size = sizeof(n2d2_cell_ops),
    .create = dropout_create,
    .infer = dropout_infer,
    .reserve = dropout_reserve,
    .forward = dropout_forward,
    .backward = dropout_backward,
    .destroy = dropout_destroy,
    .macs = dropout_macs,
};

static const n2d2_feature dropout_feature = {
    .struct_size = sizeof(n2d2_feature),
    .kind = N2D2_KIND_CELL,
    .name = "Dropout",
    .model = "Frame",
    .help = "inverted dropout while learning, identity for inference",
    .params = dropout_params,
    .n_params = N2D2_CELLS_COUNT_OF(dropout_params),
    .ops = &dropout_ops,
};

static n2d2_status register_dropout(n2d2_registry *reg)
{
    return n2d2_registry_add(reg, &dropout_feature);
}

N2D2_PLUGIN_DEFINE(cell_dropout, "1.0.0", "CECILL-C", "Dropout cell, model Frame (CPU)",
                   register_dropout, NULL)
