/* LSTM, model Frame: a CPU long short-term memory layer with cuDNN's
 * semantics (manual 22.14, checklist §12.10), several layers, optionally
 * bidirectional, trained by back-propagation through time. Keys, shapes
 * and per-batch buffers; the arithmetic is in lstm_kernels_impl.h and the
 * decisions are in README.md. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lstm.h"

#include "../common/blas.h"
#include "../common/cells_common.h"

enum { INPUT_LINEAR = 0, INPUT_SKIP = 1, INPUT_0 = 2, INPUT_1 = 3 }; /* order of InputMode */

#define LSTM_FILLER(name, help) {name, N2D2_PARAM_STRING, NULL, NULL, 0, 0, 0, help}

static const n2d2_param_spec lstm_params[] = {
    {"SeqLength", N2D2_PARAM_UINT, NULL, NULL, 1, 1e9, N2D2_PARAM_REQUIRED | N2D2_PARAM_RANGE,
     "sequence length T: each sample holds T steps of InputDim values"},
    {"BatchSize", N2D2_PARAM_UINT, NULL, NULL, 1, 1e9, N2D2_PARAM_REQUIRED | N2D2_PARAM_RANGE,
     "most sequences per batch (rows of the initial states Hx / Cx)"},
    {"InputDim", N2D2_PARAM_UINT, NULL, NULL, 1, 1e9, N2D2_PARAM_REQUIRED | N2D2_PARAM_RANGE,
     "values per step of a sequence"},
    {"HiddenSize", N2D2_PARAM_UINT, NULL, NULL, 1, 1e9, N2D2_PARAM_REQUIRED | N2D2_PARAM_RANGE,
     "size of the hidden and cell states (output per direction)"},
    {"NumberLayers", N2D2_PARAM_UINT, "1", NULL, 1, 1e6, N2D2_PARAM_RANGE,
     "stacked layers (N2D2's key; the manual does not list it)"},
    {"NbLayers", N2D2_PARAM_UINT, NULL, NULL, 1, 1e6, N2D2_PARAM_RANGE, "alias of NumberLayers"},
    {"SingleBackpropFeeding", N2D2_PARAM_BOOL, "1", NULL, 0, 0, 0,
     "1: output the last step only {D H, 1, 1}; 0: the whole sequence {SeqLength, D H, 1}"},
    {"Bidirectional", N2D2_PARAM_BOOL, "0", NULL, 0, 0, 0,
     "a second direction runs from the last step to the first (D = 2)"},
    LSTM_FILLER("AllGatesWeightsFiller", "filler of every gate's input and recurrent weights "
                                         "(absent: N(0, 0.05), .Mean/.StdDev)"),
    LSTM_FILLER("AllGatesBiasFiller", "filler of every gate's biases (absent: N(0, 0.05))"),
    LSTM_FILLER("WeightsInputGateFiller", "input gate weights (over AllGatesWeightsFiller)"),
    LSTM_FILLER("WeightsForgetGateFiller", "forget gate weights (over AllGatesWeightsFiller)"),
    LSTM_FILLER("WeightsCellGateFiller",
                "cell gate (new memory) weights (over AllGatesWeightsFiller)"),
    LSTM_FILLER("WeightsOutputGateFiller", "output gate weights (over AllGatesWeightsFiller)"),
    LSTM_FILLER("BiasInputGateFiller", "input gate biases, both sides (over AllGatesBiasFiller)"),
    LSTM_FILLER("BiasRecurrentForgetGateFiller",
                "recurrent-side forget gate bias (over AllGatesBiasFiller)"),
    LSTM_FILLER("BiasPreviousLayerForgetGateFiller",
                "input-side forget gate bias (over AllGatesBiasFiller)"),
    LSTM_FILLER("BiasCellGateFiller", "cell gate biases, both sides (over AllGatesBiasFiller)"),
    LSTM_FILLER("BiasOutputGateFiller", "output gate biases, both sides (over AllGatesBiasFiller)"),
    LSTM_FILLER("HxFiller",
                "initial hidden states {layers x directions, BatchSize, HiddenSize} (absent: 0)"),
    LSTM_FILLER("CxFiller",
                "initial cell states {layers x directions, BatchSize, HiddenSize} (absent: 0)"),
    {"Solvers", N2D2_PARAM_STRING, "SGD", NULL, 0, 0, 0,
     "solver of the weights and biases; options as Solvers.<key>"},
    {"WeightsSolver", N2D2_PARAM_STRING, NULL, NULL, 0, 0, 0,
     "solver of the flat weights [Solvers]; options as WeightsSolver.<key> (take precedence)"},
    {"Dropout", N2D2_PARAM_FLOAT, "0.0", NULL, 0, 1, N2D2_PARAM_RANGE,
     "probability of dropping each input value of layers 2.. while learning (cuDNN)"},
    {"InputMode", N2D2_PARAM_ENUM, "Linear", "Linear|Skip|0|1", 0, 0, 0,
     "Linear: W x_t; Skip: x_t feeds the gates as is (InputDim = HiddenSize). 0/1 are refused: "
     "the manual and N2D2 disagree on their meaning"},
    {"Algo", N2D2_PARAM_UINT, "0", NULL, 0, 2, N2D2_PARAM_RANGE,
     "cuDNN algorithm: 0 STANDARD (1 STATIC, 2 DYNAMIC: not implemented yet)"},
};

static void lstm_destroy(void *state)
{
    lstm_state *s = state;
    if (!s)
        return;
    free(s->blocks);
    n2d2_tensor_release(s->w);
    n2d2_tensor_release(s->dw);
    n2d2_tensor_release(s->hx);
    n2d2_tensor_release(s->cx);
    n2d2_cells_scratch_free(&s->buf, &s->buf_cap);
    free(s->mask);
    free(s);
}

static n2d2_status read_layers(const n2d2_params *p, size_t *layers)
{
    const uint64_t a = n2d2_params_uint(p, "NumberLayers"), b = n2d2_params_uint(p, "NbLayers");
    if (n2d2_params_given(p, "NbLayers") && n2d2_params_given(p, "NumberLayers") && a != b)
        return n2d2_params_error(p, "NbLayers", N2D2_ERR_INVAL, "contradicts NumberLayers (%s)",
                                 n2d2_params_where(p, "NumberLayers"));
    *layers = (size_t)(n2d2_params_given(p, "NbLayers") ? b : a);
    return N2D2_OK;
}

static n2d2_status lstm_create(n2d2_cell *cell, const n2d2_params *p, void **state)
{
    n2d2_status st = n2d2_cells_check_dtype(cell);
    if (st != N2D2_OK)
        return st;
    const int mode = n2d2_params_enum(p, "InputMode");
    if (mode == INPUT_0 || mode == INPUT_1)
        return n2d2_params_error(p, "InputMode", N2D2_ERR_INVAL,
                                 "ambiguous value %s: the manual reads 1 as 'skip the input "
                                 "multiplication' while N2D2 reads 1 as linear and 0 as skip; write "
                                 "InputMode=Linear or InputMode=Skip",
                                 n2d2_params_string(p, "InputMode"));
    if (n2d2_params_uint(p, "Algo") != 0)
        return n2d2_params_error(p, "Algo", N2D2_ERR_NOT_IMPLEMENTED,
                                 "Algo=%u is not implemented yet (only 0, STANDARD)",
                                 (unsigned)n2d2_params_uint(p, "Algo"));
    const double dropout = n2d2_params_float(p, "Dropout");
    if (dropout >= 1.0)
        return n2d2_params_error(p, "Dropout", N2D2_ERR_RANGE,
                                 "must be below 1 (it is the probability of dropping a value)");
    size_t layers = 1;
    st = read_layers(p, &layers);
    if (st != N2D2_OK)
        return st;
    lstm_state *s = calloc(1, sizeof *s);
    if (!s)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    s->T = (size_t)n2d2_params_uint(p, "SeqLength");
    s->batch_max = (size_t)n2d2_params_uint(p, "BatchSize");
    s->idim = (size_t)n2d2_params_uint(p, "InputDim");
    s->H = (size_t)n2d2_params_uint(p, "HiddenSize");
    s->L = layers;
    s->D = n2d2_params_bool(p, "Bidirectional") ? 2 : 1;
    s->single = n2d2_params_bool(p, "SingleBackpropFeeding");
    s->skip_input = mode == INPUT_SKIP;
    s->dropout = dropout;
    if (s->skip_input && s->idim != s->H) {
        lstm_destroy(s);
        return n2d2_params_error(p, "InputMode", N2D2_ERR_INVAL,
                                 "Skip needs InputDim (%zu) equal to HiddenSize (%zu)",
                                 (size_t)n2d2_params_uint(p, "InputDim"),
                                 (size_t)n2d2_params_uint(p, "HiddenSize"));
    }
    *state = s;
    return N2D2_OK;
}

/* Largest extent handed to BLAS or used as an index: every buffer must fit. */
static int too_large(const lstm_state *s)
{
    const double big = (double)N2D2_CELLS_BLAS_MAX, DH = (double)(s->D * s->H);
    const double in = (double)(s->idim > s->D * s->H ? s->idim : s->D * s->H);
    const double rows = (double)s->T * (double)s->batch_max;
    return rows * 4.0 * (double)s->H * (double)(s->L * s->D) > big || rows * in > big ||
           4.0 * (double)s->H * in > big || rows * DH * (double)s->L > big;
}

static n2d2_status lstm_infer(n2d2_cell *cell, void *state, const n2d2_shape *in, size_t n_in,
                              n2d2_shape *out)
{
    (void)n_in;
    lstm_state *s = state;
    if (n2d2_shape_numel(in) != s->T * s->idim) {
        char buf[128];
        return n2d2_cell_error(cell, N2D2_ERR_INVAL,
                               "input of shape %s has %zu values per sample; SeqLength x InputDim "
                               "= %zu x %zu = %zu expected (one sequence per sample, step-major)",
                               n2d2_shape_str(in->dims, in->ndim, buf, sizeof buf),
                               n2d2_shape_numel(in), s->T, s->idim, s->T * s->idim);
    }
    if (too_large(s))
        return n2d2_cell_error(cell, N2D2_ERR_UNSUPPORTED,
                               "LSTM buffers exceed the BLAS index range");
    out->ndim = 3;
    out->dims[0] = s->single ? s->D * s->H : s->T;
    out->dims[1] = s->single ? 1 : s->D * s->H;
    out->dims[2] = 1;
    return N2D2_OK;
}

static n2d2_status lstm_initialize(n2d2_cell *cell, void *state)
{
    lstm_state *s = state;
    const size_t H = s->H, LD = s->L * s->D;
    s->blocks = calloc(LD, sizeof *s->blocks);
    if (!s->blocks)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    size_t at = 0;
    for (size_t q = 0; q < LD; ++q) { /* W, R, bW, bR of each pseudo-layer in turn */
        lstm_block *b = &s->blocks[q];
        b->in = q < s->D ? s->idim : s->D * H;
        b->has_w = !(s->skip_input && q < s->D);
        b->w = at;
        at += b->has_w ? 4 * H * b->in : 0;
        b->r = at;
        at += 4 * H * H;
        b->bw = at;
        at += 4 * H;
        b->br = at;
        at += 4 * H;
    }
    s->n_weights = at;
    const n2d2_dtype dt = n2d2_cell_dtype(cell);
    const size_t state_dims[3] = {LD, s->batch_max, H};
    n2d2_status st = n2d2_tensor_new(dt, 1, &s->n_weights, &s->w);
    if (st == N2D2_OK)
        st = n2d2_tensor_new(dt, 1, &s->n_weights, &s->dw);
    if (st == N2D2_OK)
        st = n2d2_tensor_new(dt, 3, state_dims, &s->hx);
    if (st == N2D2_OK)
        st = n2d2_tensor_new(dt, 3, state_dims, &s->cx);
    if (st == N2D2_OK)
        st = n2d2_lstm_fill(cell, s);
    if (st == N2D2_OK)
        st = n2d2_cell_declare_param(cell, "weights", s->w, s->dw, "WeightsSolver");
    return st;
}

/* Lay the per-batch buffers out for `batch` sequences (offsets depend on
 * it), growing the storage when needed. */
static n2d2_status layout(lstm_state *s, n2d2_dtype dt, size_t batch)
{
    const size_t T = s->T, H = s->H, DH = s->D * H, TN = T * batch, LD = s->L * s->D;
    const size_t g = s->idim > DH ? s->idim : DH;
    const size_t counts[10] = {TN * s->idim,    s->L * TN * DH,
                               s->dropout > 0 ? (s->L - 1) * TN * DH : 0,
                               LD * TN * 4 * H, LD * TN * H, TN * 4 * H, TN * g, TN * g,
                               batch * H,       batch * H};
    const size_t elem = n2d2_dtype_size(dt);
    size_t offsets[10], total = 0;
    for (int i = 0; i < 10; ++i) {
        offsets[i] = total;
        total += (counts[i] * elem + 63) / 64 * 64;
    }
    void *before = s->buf;
    n2d2_status st = n2d2_cells_scratch(&s->buf, &s->buf_cap, total);
    if (st != N2D2_OK)
        return st;
    if (s->buf != before || batch != s->cap_batch)
        s->cache_valid = 0; /* what a learning forward left there is gone */
    void **ptrs[10] = {&s->x0, &s->y, &s->xin, &s->gates, &s->cells, &s->da, &s->ga, &s->gb,
                       &s->dh, &s->dc};
    for (int i = 0; i < 10; ++i)
        *ptrs[i] = (char *)s->buf + offsets[i];
    s->cap_batch = batch;
    return N2D2_OK;
}

static n2d2_status lstm_reserve(n2d2_cell *cell, void *state, size_t batch)
{
    lstm_state *s = state;
    if (batch > s->batch_max)
        return n2d2_cell_error(cell, N2D2_ERR_INVAL,
                               "batches of %zu sequences, BatchSize is %zu (the rows of the "
                               "initial states)",
                               batch, s->batch_max);
    return layout(s, n2d2_cell_dtype(cell), batch);
}

/* One dropout mask over the inputs of layers 2.. for this batch. */
static n2d2_status draw_mask(n2d2_cell *cell, lstm_state *s, size_t batch)
{
    const size_t n = (s->L - 1) * s->T * batch * s->D * s->H;
    if (n > s->mask_cap) {
        unsigned char *grown = realloc(s->mask, n);
        if (!grown)
            return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
        s->mask = grown;
        s->mask_cap = n;
    }
    n2d2_rng *rng = n2d2_cell_rng(cell, N2D2_RNG_DROPOUT);
    for (size_t i = 0; i < n; ++i)
        s->mask[i] = !n2d2_rng_bernoulli(rng, s->dropout);
    return N2D2_OK;
}

static n2d2_status lstm_forward(n2d2_cell *cell, void *state, const n2d2_tensor *const *in,
                                size_t n_in, n2d2_tensor *out, int training)
{
    lstm_state *s = state;
    const size_t batch = n2d2_tensor_dim(out, 0);
    const n2d2_dtype dt = n2d2_tensor_dtype(out);
    n2d2_status st = n2d2_cells_check_inputs(cell, in, n_in, out);
    if (st == N2D2_OK)
        st = lstm_reserve(cell, s, batch);
    s->dropout_active = training && s->dropout > 0 && s->L > 1;
    if (st == N2D2_OK && s->dropout_active)
        st = draw_mask(cell, s, batch);
    if (st != N2D2_OK)
        return st;
    if (dt == N2D2_FLOAT64)
        n2d2_lstm_forward_f64(s, n2d2_tensor_cdata(in[0]), n2d2_tensor_data(out), batch);
    else
        n2d2_lstm_forward_f32(s, n2d2_tensor_cdata(in[0]), n2d2_tensor_data(out), batch);
    s->cache_valid = training;
    s->cache_batch = batch;
    return N2D2_OK;
}

static n2d2_status lstm_backward(n2d2_cell *cell, void *state, const n2d2_tensor *const *in,
                                 size_t n_in, const n2d2_tensor *out, const n2d2_tensor *gout,
                                 n2d2_tensor *const *gin, const int *accumulate)
{
    (void)in;
    (void)n_in;
    lstm_state *s = state;
    const size_t batch = n2d2_tensor_dim(out, 0);
    if (!s->cache_valid || s->cache_batch != batch)
        return n2d2_cell_error(cell, N2D2_ERR_INVAL,
                               "backward without a learning forward pass of the same batch");
    if (n2d2_tensor_dtype(out) == N2D2_FLOAT64)
        n2d2_lstm_backward_f64(s, n2d2_tensor_cdata(gout), gin[0] ? n2d2_tensor_data(gin[0]) : NULL,
                               accumulate[0], batch);
    else
        n2d2_lstm_backward_f32(s, n2d2_tensor_cdata(gout), gin[0] ? n2d2_tensor_data(gin[0]) : NULL,
                               accumulate[0], batch);
    return N2D2_OK;
}

/* Multiply-adds per sequence: every step of every pseudo-layer. */
static uint64_t lstm_macs(n2d2_cell *cell, void *state)
{
    (void)cell;
    const lstm_state *s = state;
    uint64_t per_step = 0;
    for (size_t q = 0; s->blocks && q < s->L * s->D; ++q)
        per_step += 4 * (uint64_t)s->H * ((s->blocks[q].has_w ? s->blocks[q].in : 0) + s->H);
    return per_step * s->T;
}

static const n2d2_cell_ops lstm_ops = {
    .struct_size = sizeof(n2d2_cell_ops),
    .create = lstm_create,
    .infer = lstm_infer,
    .initialize = lstm_initialize,
    .reserve = lstm_reserve,
    .forward = lstm_forward,
    .backward = lstm_backward,
    .destroy = lstm_destroy,
    .macs = lstm_macs,
};

static const n2d2_feature lstm_feature = {
    .struct_size = sizeof(n2d2_feature),
    .kind = N2D2_KIND_CELL,
    .name = "LSTM",
    .model = "Frame",
    .help = "LSTM with cuDNN's gates (i, f, g, o), stacked and bidirectional, trained through time",
    .params = lstm_params,
    .n_params = N2D2_CELLS_COUNT_OF(lstm_params),
    .ops = &lstm_ops,
};

static n2d2_status register_lstm(n2d2_registry *reg)
{
    return n2d2_registry_add(reg, &lstm_feature);
}

N2D2_PLUGIN_DEFINE(cell_lstm, "1.0.0", "CECILL-C", "LSTM cell, model Frame (CPU)", register_lstm,
                   NULL)
