/* Fc, model Frame: fully connected layer on the CPU (manual 22.12).
 *
 * The input of any shape is flattened per sample (I = C H W); weights are
 * {NbOutputs, I}. One GEMM per pass over the whole batch:
 *   forward   Y[N,O]  = X[N,I] W^T + b
 *   backward  dW[O,I] = dY^T X,  db = column sums of dY,  dX[N,I] = dY W.
 * DropConnect (A49: the value is the probability of KEEPING a weight, 1.0 =
 * off) draws one weight mask per training batch and scales kept weights by
 * 1/p (inverted, so inference uses W as is). */
#include <stdlib.h>
#include <string.h>

#include "n2d2/n2d2.h"

#include "../common/blas.h"
#include "../common/cells_common.h"
#include "../common/fill.h"
#include "../common/fold.h"

typedef struct fc_state {
    size_t n_in, n_out;
    int no_bias, back_propagate;
    double keep; /* DropConnect */
    n2d2_tensor *w, *dw, *b, *db;
    void *ones;             /* batch x 1 of ones, for bias sums by GEMV */
    size_t ones_cap;
    void *w_drop;           /* DropConnect: masked, scaled weights */
    size_t w_drop_cap;
    unsigned char *drop_mask;
    int drop_active;        /* the last forward used the mask */
} fc_state;

static const n2d2_param_spec fc_params[] = {
    {"NbOutputs", N2D2_PARAM_UINT, NULL, NULL, 1, 1e9, N2D2_PARAM_REQUIRED | N2D2_PARAM_RANGE,
     "number of output neurons"},
    N2D2_CELLS_FILLER_SPECS,
    {"ActivationFunction", N2D2_PARAM_STRING, "", NULL, 0, 0, 0,
     "activation of the output (Logistic, LogisticWithLoss, Rectifier, Softplus, TanhLeCun, "
     "Linear, Saturation, Tanh); none when empty (A33)"},
    {"NoBias", N2D2_PARAM_BOOL, "0", NULL, 0, 0, 0, "no bias"},
    {"BackPropagate", N2D2_PARAM_BOOL, "1", NULL, 0, 0, 0,
     "propagate the gradient to the input (0: the input gradient is zero)"},
    {"BackPropagation", N2D2_PARAM_BOOL, "1", NULL, 0, 0, 0, "alias of BackPropagate (A44)"},
    N2D2_CELLS_SOLVER_SPECS,
    {"DropConnect", N2D2_PARAM_FLOAT, "1.0", NULL, 0, 1, N2D2_PARAM_RANGE,
     "probability of keeping each weight during learning (1.0 = no DropConnect, A49)"},
    N2D2_CELLS_SPIKE_SPECS_COMMON,
    N2D2_CELLS_SPIKE_SPECS_FC_EXTRA,
};

static void fc_destroy(void *state);

static n2d2_status fc_create(n2d2_cell *cell, const n2d2_params *p, void **state)
{
    n2d2_status st = n2d2_cells_check_dtype(cell);
    if (st == N2D2_OK)
        st = n2d2_cells_reject_spike_keys(cell, p, n2d2_cells_spike_keys, n2d2_cells_spike_key_count);
    int a = n2d2_params_bool(p, "BackPropagate"), b = n2d2_params_bool(p, "BackPropagation");
    if (st == N2D2_OK && n2d2_params_given(p, "BackPropagate") &&
        n2d2_params_given(p, "BackPropagation") && a != b)
        st = n2d2_params_error(p, "BackPropagation", N2D2_ERR_INVAL, "contradicts BackPropagate (%s)",
                               n2d2_params_where(p, "BackPropagate"));
    double keep = n2d2_params_float(p, "DropConnect");
    if (st == N2D2_OK && keep <= 0.0)
        st = n2d2_params_error(p, "DropConnect", N2D2_ERR_RANGE,
                               "must be above 0 (it is the probability of keeping a weight)");
    if (st != N2D2_OK)
        return st;
    fc_state *s = calloc(1, sizeof *s);
    if (!s)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    s->n_out = (size_t)n2d2_params_uint(p, "NbOutputs");
    s->no_bias = n2d2_params_bool(p, "NoBias");
    s->back_propagate = n2d2_params_given(p, "BackPropagate") ? a : b;
    s->keep = keep;
    *state = s;
    return N2D2_OK;
}

static n2d2_status fc_infer(n2d2_cell *cell, void *state, const n2d2_shape *in, size_t n_in,
                            n2d2_shape *out)
{
    (void)n_in;
    fc_state *s = state;
    s->n_in = n2d2_shape_numel(in);
    if (s->n_in > N2D2_CELLS_BLAS_MAX || s->n_out > N2D2_CELLS_BLAS_MAX / s->n_in)
        return n2d2_cell_error(cell, N2D2_ERR_UNSUPPORTED, "%zu x %zu weights exceed the BLAS index range",
                               s->n_out, s->n_in);
    out->ndim = 3;
    out->dims[0] = s->n_out;
    out->dims[1] = out->dims[2] = 1;
    return N2D2_OK;
}

static n2d2_status fc_initialize(n2d2_cell *cell, void *state)
{
    fc_state *s = state;
    const n2d2_dtype dt = n2d2_cell_dtype(cell);
    size_t wdims[2] = {s->n_out, s->n_in};
    n2d2_status st = n2d2_tensor_new(dt, 2, wdims, &s->w);
    if (st == N2D2_OK)
        st = n2d2_tensor_new(dt, 2, wdims, &s->dw);
    if (st == N2D2_OK)
        st = n2d2_cells_fill(cell, "WeightsFiller", s->w, s->n_in, s->n_out);
    if (st == N2D2_OK)
        st = n2d2_cell_declare_param(cell, "weights", s->w, s->dw, "WeightsSolver");
    if (st == N2D2_OK && s->keep < 1.0) {
        s->drop_mask = malloc(s->n_out * s->n_in);
        if (!s->drop_mask)
            st = n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    }
    if (st != N2D2_OK || s->no_bias)
        return st;
    return n2d2_cells_new_bias(cell, dt, s->n_out, s->n_in, s->n_out, &s->b, &s->db);
}

static n2d2_status fc_scratch(fc_state *s, n2d2_dtype dt, size_t batch)
{
    const size_t elem = n2d2_dtype_size(dt);
    n2d2_status st = n2d2_cells_scratch(&s->ones, &s->ones_cap, batch * elem);
    if (st == N2D2_OK && s->keep < 1.0)
        st = n2d2_cells_scratch(&s->w_drop, &s->w_drop_cap, s->n_out * s->n_in * elem);
    if (st != N2D2_OK)
        return st;
    for (size_t i = 0; i < batch; ++i) {
        if (dt == N2D2_FLOAT64)
            ((double *)s->ones)[i] = 1.0;
        else
            ((float *)s->ones)[i] = 1.0f;
    }
    return N2D2_OK;
}

static n2d2_status fc_reserve(n2d2_cell *cell, void *state, size_t batch)
{
    return fc_scratch(state, n2d2_cell_dtype(cell), batch);
}

/* New DropConnect mask (one per batch) and the masked, scaled weights. */
static void draw_drop_connect(n2d2_cell *cell, fc_state *s, n2d2_dtype dt)
{
    n2d2_rng *rng = n2d2_cell_rng(cell, N2D2_RNG_DROPOUT);
    const size_t n = s->n_out * s->n_in;
    const uint64_t threshold = (uint64_t)(s->keep * 4294967296.0);
    const double scale = 1.0 / s->keep;
    for (size_t i = 0; i < n; i += 2) {
        uint64_t r = n2d2_rng_u64(rng);
        s->drop_mask[i] = (r & 0xffffffffu) < threshold;
        if (i + 1 < n)
            s->drop_mask[i + 1] = (r >> 32) < threshold;
    }
    if (dt == N2D2_FLOAT64) {
        const double *w = n2d2_tensor_cdata(s->w);
        double *wd = s->w_drop;
        for (size_t i = 0; i < n; ++i)
            wd[i] = s->drop_mask[i] ? w[i] * scale : 0.0;
    } else {
        const float *w = n2d2_tensor_cdata(s->w);
        float *wd = s->w_drop;
        for (size_t i = 0; i < n; ++i)
            wd[i] = s->drop_mask[i] ? (float)(w[i] * scale) : 0.0f;
    }
}

#define FC_FORWARD(REAL, GEMM)                                                                    \
    do {                                                                                          \
        const REAL *x = n2d2_tensor_cdata(in[0]);                                                 \
        const REAL *w = s->drop_active ? (const REAL *)s->w_drop : (const REAL *)n2d2_tensor_cdata(s->w); \
        REAL *y = n2d2_tensor_data(out);                                                          \
        REAL beta = 0;                                                                            \
        if (s->b) {                                                                               \
            const REAL *b = n2d2_tensor_cdata(s->b);                                              \
            for (size_t n = 0; n < batch; ++n)                                                    \
                memcpy(y + n * s->n_out, b, s->n_out * sizeof(REAL));                             \
            beta = 1;                                                                             \
        }                                                                                         \
        GEMM(0, 1, batch, s->n_out, s->n_in, 1, x, s->n_in, w, s->n_in, beta, y, s->n_out);       \
    } while (0)

static n2d2_status fc_forward(n2d2_cell *cell, void *state, const n2d2_tensor *const *in,
                              size_t n_in, n2d2_tensor *out, int training)
{
    fc_state *s = state;
    const n2d2_dtype dt = n2d2_tensor_dtype(out);
    const size_t batch = n2d2_tensor_dim(out, 0);
    n2d2_status st = n2d2_cells_check_inputs(cell, in, n_in, out);
    if (st == N2D2_OK)
        st = fc_scratch(s, dt, batch);
    if (st != N2D2_OK)
        return st;
    s->drop_active = training && s->keep < 1.0;
    if (s->drop_active)
        draw_drop_connect(cell, s, dt);
    if (dt == N2D2_FLOAT64)
        FC_FORWARD(double, n2d2_cells_gemm_f64);
    else
        FC_FORWARD(float, n2d2_cells_gemm_f32);
    return N2D2_OK;
}

/* dW = dY^T X (then masked and scaled under DropConnect), db = dY^T 1,
 * dX = dY W (accumulating when asked). */
#define FC_BACKWARD(REAL, GEMM, GEMV)                                                             \
    do {                                                                                          \
        const REAL *x = n2d2_tensor_cdata(in[0]);                                                 \
        const REAL *dy = n2d2_tensor_cdata(gout);                                                 \
        REAL *dw = n2d2_tensor_data(s->dw);                                                       \
        GEMM(1, 0, s->n_out, s->n_in, batch, 1, dy, s->n_out, x, s->n_in, 0, dw, s->n_in);        \
        if (s->drop_active) {                                                                     \
            const REAL scale = (REAL)(1.0 / s->keep);                                             \
            for (size_t i = 0; i < s->n_out * s->n_in; ++i)                                       \
                dw[i] = s->drop_mask[i] ? dw[i] * scale : 0;                                      \
        }                                                                                         \
        if (s->db)                                                                                \
            GEMV(CblasRowMajor, CblasTrans, (blasint)batch, (blasint)s->n_out, 1, dy,             \
                 (blasint)s->n_out, (const REAL *)s->ones, 1, 0, n2d2_tensor_data(s->db), 1);     \
        if (dx) {                                                                                 \
            const REAL *w = s->drop_active ? (const REAL *)s->w_drop                              \
                                           : (const REAL *)n2d2_tensor_cdata(s->w);               \
            GEMM(0, 0, batch, s->n_in, s->n_out, 1, dy, s->n_out, w, s->n_in,                     \
                 accumulate[0] ? 1 : 0, n2d2_tensor_data(dx), s->n_in);                           \
        }                                                                                         \
    } while (0)

static n2d2_status fc_backward(n2d2_cell *cell, void *state, const n2d2_tensor *const *in,
                               size_t n_in, const n2d2_tensor *out, const n2d2_tensor *gout,
                               n2d2_tensor *const *gin, const int *accumulate)
{
    fc_state *s = state;
    const n2d2_dtype dt = n2d2_tensor_dtype(out);
    const size_t batch = n2d2_tensor_dim(out, 0);
    n2d2_status st = n2d2_cells_check_inputs(cell, in, n_in, out);
    if (st == N2D2_OK)
        st = fc_scratch(s, dt, batch);
    if (st != N2D2_OK)
        return st;
    n2d2_tensor *dx = s->back_propagate ? gin[0] : NULL;
    if (!s->back_propagate)
        n2d2_cells_zero_unless_accumulate(gin, accumulate, 1);
    if (dt == N2D2_FLOAT64)
        FC_BACKWARD(double, n2d2_cells_gemm_f64, cblas_dgemv);
    else
        FC_BACKWARD(float, n2d2_cells_gemm_f32, cblas_sgemv);
    return N2D2_OK;
}

static void fc_destroy(void *state)
{
    fc_state *s = state;
    if (!s)
        return;
    n2d2_tensor_release(s->w);
    n2d2_tensor_release(s->dw);
    n2d2_tensor_release(s->b);
    n2d2_tensor_release(s->db);
    n2d2_cells_scratch_free(&s->ones, &s->ones_cap);
    n2d2_cells_scratch_free(&s->w_drop, &s->w_drop_cap);
    free(s->drop_mask);
    free(s);
}

static uint64_t fc_macs(n2d2_cell *cell, void *state)
{
    (void)cell;
    const fc_state *s = state;
    return (uint64_t)s->n_in * s->n_out;
}

/* BatchNorm fusion: scale each output's weight row, fold the shift into
 * the bias. */
static n2d2_status fc_fold_affine(n2d2_cell *cell, void *state, const double *scale,
                                  const double *shift, size_t n)
{
    fc_state *s = state;
    n2d2_status st = n2d2_cells_fold_affine(cell, s->w, &s->b, &s->db, scale, shift, n);
    if (st == N2D2_OK)
        s->no_bias = 0;
    return st;
}

static const n2d2_cell_ops fc_ops = {
    .struct_size = sizeof(n2d2_cell_ops),
    .create = fc_create,
    .infer = fc_infer,
    .initialize = fc_initialize,
    .reserve = fc_reserve,
    .forward = fc_forward,
    .backward = fc_backward,
    .destroy = fc_destroy,
    .macs = fc_macs,
    .fold_affine = fc_fold_affine,
};

static const n2d2_feature fc_feature = {
    .struct_size = sizeof(n2d2_feature),
    .kind = N2D2_KIND_CELL,
    .name = "Fc",
    .model = "Frame",
    .help = "fully connected layer (BLAS GEMM over the batch)",
    .params = fc_params,
    .n_params = N2D2_CELLS_COUNT_OF(fc_params),
    .ops = &fc_ops,
};

static n2d2_status register_fc(n2d2_registry *reg)
{
    return n2d2_registry_add(reg, &fc_feature);
}

N2D2_PLUGIN_DEFINE(cell_fc, "1.0.0", "CECILL-C", "Fc cell, model Frame (CPU)", register_fc, NULL)
