/* Softmax, model Frame (manual 22.20, decisions A56).
 *
 * At each position of each sample, over the channels (or over each group
 * of GroupSize consecutive channels): b_i = exp(a_i - m) / sum_j exp(a_j - m)
 * with m the largest a_j (for stability). Backward:
 *   WithLoss=0  da_i = b_i (db_i - sum_j b_j db_j)
 *   WithLoss=1  da_i = db_i: the target already wrote d(loss)/d(a) = b - t
 *               for the cross-entropy loss L = -sum_j t_j log b_j.
 * Inputs of any shape: dims[0] are the channels, the rest are positions. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "n2d2/n2d2.h"

#include "../common/cells_common.h"

typedef struct softmax_state {
    size_t nb_outputs, group_size;
    int with_loss;
    size_t channels, positions;
    void *scratch; /* per thread: 2 x positions */
    size_t scratch_cap;
    int threads;
} softmax_state;

static const n2d2_param_spec softmax_params[] = {
    {"NbOutputs", N2D2_PARAM_UINT, NULL, NULL, 1, 1e9, N2D2_PARAM_REQUIRED | N2D2_PARAM_RANGE,
     "number of outputs (= input channels)"},
    {"WithLoss", N2D2_PARAM_BOOL, "0", NULL, 0, 0, 0,
     "fused with the cross-entropy loss: backward passes the output gradient unchanged"},
    {"GroupSize", N2D2_PARAM_UINT, "0", NULL, 0, 1e9, N2D2_PARAM_RANGE,
     "softmax over groups of this many consecutive channels (0 = all; must divide NbOutputs)"},
};

static n2d2_status softmax_create(n2d2_cell *cell, const n2d2_params *p, void **state)
{
    n2d2_status st = n2d2_cells_check_dtype(cell);
    if (st != N2D2_OK)
        return st;
    size_t n_out = (size_t)n2d2_params_uint(p, "NbOutputs");
    size_t group = (size_t)n2d2_params_uint(p, "GroupSize");
    if (group && n_out % group)
        return n2d2_params_error(p, "GroupSize", N2D2_ERR_INVAL, "%zu does not divide NbOutputs=%zu",
                                 group, n_out);
    softmax_state *s = calloc(1, sizeof *s);
    if (!s)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    s->nb_outputs = n_out;
    s->group_size = group ? group : n_out;
    s->with_loss = n2d2_params_bool(p, "WithLoss");
    /* backward then takes grad_output as (y - t) of the cross-entropy: tell
     * the kernel, so that gradient checking uses that loss */
    if (s->with_loss)
        n2d2_cell_set_output_loss(cell, N2D2_LOSS_SOFTMAX_CROSS_ENTROPY);
    *state = s;
    return N2D2_OK;
}

static n2d2_status softmax_infer(n2d2_cell *cell, void *state, const n2d2_shape *in, size_t n_in,
                                 n2d2_shape *out)
{
    (void)n_in;
    softmax_state *s = state;
    if (in->dims[0] != s->nb_outputs)
        return n2d2_params_error(n2d2_cell_params(cell), "NbOutputs", N2D2_ERR_SHAPE,
                                 "%zu, but the input of [%s] has %zu channels: they must be equal",
                                 s->nb_outputs, n2d2_cell_name(cell), in->dims[0]);
    s->channels = in->dims[0];
    s->positions = n2d2_shape_numel(in) / s->channels;
    *out = *in;
    return N2D2_OK;
}

static n2d2_status softmax_scratch(softmax_state *s, n2d2_dtype dt)
{
    s->threads = n2d2_cells_max_threads();
    return n2d2_cells_scratch(&s->scratch, &s->scratch_cap,
                              (size_t)s->threads * 2 * s->positions * n2d2_dtype_size(dt));
}

static n2d2_status softmax_reserve(n2d2_cell *cell, void *state, size_t batch)
{
    (void)batch;
    return softmax_scratch(state, n2d2_cell_dtype(cell));
}

/* One (sample, group) block: G channels of P positions, channel stride P. */
#define SOFTMAX_FORWARD(REAL, EXP)                                                                \
    do {                                                                                          \
        const REAL *x = n2d2_tensor_cdata(in[0]);                                                 \
        REAL *y = n2d2_tensor_data(out);                                                          \
        REAL *scratch = s->scratch;                                                               \
        N2D2_CELLS_PRAGMA(omp parallel for schedule(static) if(blocks * G * P > 4096) num_threads(nt)) \
        for (size_t blk = 0; blk < blocks; ++blk) {                                               \
            const REAL *xb = x + blk * G * P;                                                     \
            REAL *yb = y + blk * G * P;                                                           \
            REAL *mx = scratch + (size_t)n2d2_cells_thread_index() * 2 * P, *sum = mx + P;        \
            for (size_t p = 0; p < P; ++p) {                                                      \
                mx[p] = xb[p];                                                                    \
                sum[p] = 0;                                                                       \
            }                                                                                     \
            for (size_t c = 1; c < G; ++c)                                                        \
                for (size_t p = 0; p < P; ++p)                                                    \
                    mx[p] = xb[c * P + p] > mx[p] ? xb[c * P + p] : mx[p];                        \
            for (size_t c = 0; c < G; ++c)                                                        \
                for (size_t p = 0; p < P; ++p) {                                                  \
                    REAL e = EXP(xb[c * P + p] - mx[p]);                                          \
                    yb[c * P + p] = e;                                                            \
                    sum[p] += e;                                                                  \
                }                                                                                 \
            for (size_t p = 0; p < P; ++p)                                                        \
                sum[p] = 1 / sum[p];                                                              \
            for (size_t c = 0; c < G; ++c)                                                        \
                for (size_t p = 0; p < P; ++p)                                                    \
                    yb[c * P + p] *= sum[p];                                                      \
        }                                                                                         \
    } while (0)

static n2d2_status softmax_forward(n2d2_cell *cell, void *state, const n2d2_tensor *const *in,
                                   size_t n_in, n2d2_tensor *out, int training)
{
    (void)training;
    softmax_state *s = state;
    const n2d2_dtype dt = n2d2_tensor_dtype(out);
    n2d2_status st = n2d2_cells_check_inputs(cell, in, n_in, out);
    if (st == N2D2_OK)
        st = softmax_scratch(s, dt);
    if (st != N2D2_OK)
        return st;
    const size_t G = s->group_size, P = s->positions;
    const size_t blocks = n2d2_tensor_dim(out, 0) * (s->channels / G);
    const int nt = s->threads;
    (void)nt;
    if (dt == N2D2_FLOAT64)
        SOFTMAX_FORWARD(double, exp);
    else
        SOFTMAX_FORWARD(float, expf);
    return N2D2_OK;
}

#define SOFTMAX_BACKWARD(REAL)                                                                    \
    do {                                                                                          \
        const REAL *y = n2d2_tensor_cdata(out), *dy = n2d2_tensor_cdata(gout);                    \
        REAL *dx = n2d2_tensor_data(gin[0]);                                                      \
        REAL *scratch = s->scratch;                                                               \
        N2D2_CELLS_PRAGMA(omp parallel for schedule(static) if(blocks * G * P > 4096) num_threads(nt)) \
        for (size_t blk = 0; blk < blocks; ++blk) {                                               \
            const REAL *yb = y + blk * G * P, *db = dy + blk * G * P;                             \
            REAL *xb = dx + blk * G * P;                                                          \
            REAL *dot = scratch + (size_t)n2d2_cells_thread_index() * 2 * P;                      \
            for (size_t p = 0; p < P; ++p)                                                        \
                dot[p] = 0;                                                                       \
            for (size_t c = 0; c < G; ++c)                                                        \
                for (size_t p = 0; p < P; ++p)                                                    \
                    dot[p] += yb[c * P + p] * db[c * P + p];                                      \
            for (size_t c = 0; c < G; ++c)                                                        \
                for (size_t p = 0; p < P; ++p) {                                                  \
                    REAL g = yb[c * P + p] * (db[c * P + p] - dot[p]);                            \
                    xb[c * P + p] = accumulate[0] ? xb[c * P + p] + g : g;                        \
                }                                                                                 \
        }                                                                                         \
    } while (0)

#define PASS_THROUGH(REAL)                                                                        \
    do {                                                                                          \
        const REAL *dy = n2d2_tensor_cdata(gout);                                                 \
        REAL *dx = n2d2_tensor_data(gin[0]);                                                      \
        const size_t n = n2d2_tensor_numel(gout);                                                 \
        if (accumulate[0])                                                                        \
            for (size_t i = 0; i < n; ++i)                                                        \
                dx[i] += dy[i];                                                                   \
        else                                                                                      \
            memcpy(dx, dy, n * sizeof(REAL));                                                     \
    } while (0)

static n2d2_status softmax_backward(n2d2_cell *cell, void *state, const n2d2_tensor *const *in,
                                    size_t n_in, const n2d2_tensor *out, const n2d2_tensor *gout,
                                    n2d2_tensor *const *gin, const int *accumulate)
{
    (void)in;
    (void)n_in;
    softmax_state *s = state;
    if (!gin[0])
        return N2D2_OK;
    const n2d2_dtype dt = n2d2_tensor_dtype(out);
    if (s->with_loss) {
        if (dt == N2D2_FLOAT64)
            PASS_THROUGH(double);
        else
            PASS_THROUGH(float);
        return N2D2_OK;
    }
    n2d2_status st = softmax_scratch(s, dt);
    if (st != N2D2_OK)
        return n2d2_error_prefix("[%s]", n2d2_cell_name(cell));
    const size_t G = s->group_size, P = s->positions;
    const size_t blocks = n2d2_tensor_dim(out, 0) * (s->channels / G);
    const int nt = s->threads;
    (void)nt;
    if (dt == N2D2_FLOAT64)
        SOFTMAX_BACKWARD(double);
    else
        SOFTMAX_BACKWARD(float);
    return N2D2_OK;
}

static void softmax_destroy(void *state)
{
    softmax_state *s = state;
    if (!s)
        return;
    n2d2_cells_scratch_free(&s->scratch, &s->scratch_cap);
    free(s);
}

/* One exponential and one scaling per value, per sample. */
static uint64_t softmax_macs(n2d2_cell *cell, void *state)
{
    (void)cell;
    const softmax_state *s = state;
    return (uint64_t)s->channels * s->positions;
}

static const n2d2_cell_ops softmax_ops = {
    .struct_size = sizeof(n2d2_cell_ops),
    .create = softmax_create,
    .infer = softmax_infer,
    .reserve = softmax_reserve,
    .forward = softmax_forward,
    .backward = softmax_backward,
    .destroy = softmax_destroy,
    .macs = softmax_macs,
};

static const n2d2_feature softmax_feature = {
    .struct_size = sizeof(n2d2_feature),
    .kind = N2D2_KIND_CELL,
    .name = "Softmax",
    .model = "Frame",
    .help = "softmax over channels (optionally fused with the cross-entropy loss)",
    .params = softmax_params,
    .n_params = N2D2_CELLS_COUNT_OF(softmax_params),
    .ops = &softmax_ops,
};

static n2d2_status register_softmax(n2d2_registry *reg)
{
    return n2d2_registry_add(reg, &softmax_feature);
}

N2D2_PLUGIN_DEFINE(cell_softmax, "1.0.0", "CECILL-C", "Softmax cell, model Frame (CPU)",
                   register_softmax, NULL)
