/* ElemWise, model Frame (manual 22.10, checklist §12.6, decisions A46).
 *
 * Combines its inputs value by value (they are received separately and
 * must all have the same shape): Sum, AbsSum, EuclideanSum, Prod or Max.
 * Weights and Shifts hold one coefficient per input in Input= order
 * (CoeffMode=PerLayer, the manual's table), or one per input channel
 * (CoeffMode=PerChannel); a single value applies to every input. Weights
 * only act in Sum, AbsSum and EuclideanSum, Shifts in Sum and EuclideanSum:
 * a non-neutral value given for another operation is an error rather than
 * silently ignored. `Operation=Abs` (the manual's example, A46) is refused
 * with the list of valid operations; write AbsSum with one input. The
 * activation is applied by the kernel. */
#include <stdlib.h>

#include "elemwise.h"

#include "../common/cells_common.h"
#include "../common/copy.h"

static const n2d2_param_spec elemwise_params[] = {
    {"NbOutputs", N2D2_PARAM_UINT, NULL, NULL, 1, 1e9, N2D2_PARAM_REQUIRED | N2D2_PARAM_RANGE,
     "number of output channels (= the channels of every input)"},
    {"Operation", N2D2_PARAM_ENUM, "Sum", "Sum|AbsSum|EuclideanSum|Prod|Max", 0, 0, 0,
     "Sum: sum(w x + s); AbsSum: sum(w |x|); EuclideanSum: sqrt(sum((w x + s)^2)); "
     "Prod: product; Max: largest (A46: Abs is not an operation, use AbsSum)"},
    {"Weights", N2D2_PARAM_LIST, "1.0", NULL, 0, 0, 0,
     "weights w for Sum, AbsSum and EuclideanSum, in Input= order (see CoeffMode)"},
    {"Shifts", N2D2_PARAM_LIST, "0.0", NULL, 0, 0, 0,
     "shifts s for Sum and EuclideanSum, in Input= order (see CoeffMode)"},
    {"CoeffMode", N2D2_PARAM_ENUM, "PerLayer", "PerLayer|PerInput|PerChannel", 0, 0, 0,
     "PerLayer: one weight and shift per input (1 value = all inputs); PerChannel: one per input "
     "channel (C values for every input, or inputs x C); PerInput: not implemented yet"},
    {"ActivationFunction", N2D2_PARAM_STRING, "", NULL, 0, 0, 0,
     "activation of the output; none when empty"},
};

static const char *const operation_names[] = {"Sum", "AbsSum", "EuclideanSum", "Prod", "Max"};

static void elemwise_destroy(void *state)
{
    elemwise_state *s = state;
    if (!s)
        return;
    free(s->weights);
    free(s->shifts);
    n2d2_cells_scratch_free(&s->sum, &s->sum_cap);
    free(s);
}

/* All values of list `key` equal to `neutral`. */
static int list_is_neutral(const n2d2_params *p, const char *key, double neutral)
{
    double v[64];
    int n = n2d2_params_list(p, key, v, 64);
    for (int i = 0; i < n && i < 64; ++i)
        if (v[i] != neutral)
            return 0;
    return n <= 64;
}

static n2d2_status elemwise_create(n2d2_cell *cell, const n2d2_params *p, void **state)
{
    n2d2_status st = n2d2_cells_check_dtype(cell);
    if (st != N2D2_OK)
        return st;
    const int op = n2d2_params_enum(p, "Operation");
    if (n2d2_params_enum(p, "CoeffMode") == ELEMWISE_PER_INPUT)
        return n2d2_params_error(p, "CoeffMode", N2D2_ERR_NOT_IMPLEMENTED,
                                 "PerInput is not implemented yet (PerLayer and PerChannel are)");
    if ((op == ELEMWISE_PROD || op == ELEMWISE_MAX) && !list_is_neutral(p, "Weights", 1.0))
        return n2d2_params_error(p, "Weights", N2D2_ERR_INVAL,
                                 "weights apply to Sum, AbsSum and EuclideanSum only, not to "
                                 "Operation=%s",
                                 operation_names[op]);
    if (op != ELEMWISE_SUM && op != ELEMWISE_EUCLIDEAN_SUM && !list_is_neutral(p, "Shifts", 0.0))
        return n2d2_params_error(p, "Shifts", N2D2_ERR_INVAL,
                                 "shifts apply to Sum and EuclideanSum only, not to Operation=%s",
                                 operation_names[op]);
    elemwise_state *s = calloc(1, sizeof *s);
    if (!s)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    s->op = op;
    s->coeff_mode = n2d2_params_enum(p, "CoeffMode");
    *state = s;
    return N2D2_OK;
}

/* Expand list `key` into out[n_inputs x channels] according to CoeffMode. */
static n2d2_status expand_coefficients(const n2d2_cell *cell, const elemwise_state *s,
                                       const char *key, double *out)
{
    const n2d2_params *p = n2d2_cell_params(cell);
    const size_t N = s->n_inputs, C = s->channels;
    int count = n2d2_params_list(p, key, NULL, 0);
    double *v = malloc((count > 0 ? (size_t)count : 1) * sizeof *v);
    if (!v)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    n2d2_params_list(p, key, v, (size_t)count);
    const size_t n = (size_t)count;
    n2d2_status st = N2D2_OK;
    if (n == 1 || (s->coeff_mode == ELEMWISE_PER_LAYER && n == N) ||
        (s->coeff_mode == ELEMWISE_PER_CHANNEL && (n == C || n == N * C))) {
        for (size_t i = 0; i < N; ++i)
            for (size_t c = 0; c < C; ++c) {
                size_t k = i * C + c; /* inputs x channels */
                if (n == 1)
                    k = 0;
                else if (s->coeff_mode == ELEMWISE_PER_LAYER)
                    k = i;
                else if (n == C)
                    k = c;
                out[i * C + c] = v[k];
            }
    } else if (s->coeff_mode == ELEMWISE_PER_LAYER) {
        st = n2d2_params_error(p, key, N2D2_ERR_INVAL,
                               "%zu values for %zu input%s: give 1 or %zu (one per input, "
                               "CoeffMode=PerLayer)",
                               n, N, N == 1 ? "" : "s", N);
    } else {
        st = n2d2_params_error(p, key, N2D2_ERR_INVAL,
                               "%zu values for %zu input%s of %zu channels: give 1, %zu (one per "
                               "channel) or %zu (inputs x channels, CoeffMode=PerChannel)",
                               n, N, N == 1 ? "" : "s", C, C, N * C);
    }
    free(v);
    return st;
}

static n2d2_status elemwise_infer(n2d2_cell *cell, void *state, const n2d2_shape *in, size_t n_in,
                                  n2d2_shape *out)
{
    elemwise_state *s = state;
    for (size_t i = 1; i < n_in; ++i)
        if (!n2d2_shape_equal(&in[0], &in[i])) {
            char a[128], b[128];
            return n2d2_cell_error(cell, N2D2_ERR_SHAPE,
                                   "inputs [%s] (%s) and [%s] (%s) differ: every input of an "
                                   "ElemWise must have the same shape",
                                   n2d2_cell_input_name(cell, 0),
                                   n2d2_shape_str(in[0].dims, in[0].ndim, a, sizeof a),
                                   n2d2_cell_input_name(cell, i),
                                   n2d2_shape_str(in[i].dims, in[i].ndim, b, sizeof b));
        }
    n2d2_status st = n2d2_cells_check_nb_outputs(cell, in[0].dims[0]);
    if (st != N2D2_OK)
        return st;
    s->n_inputs = n_in;
    s->channels = in[0].dims[0];
    s->positions = n2d2_shape_numel(&in[0]) / s->channels;
    free(s->weights);
    free(s->shifts);
    s->weights = malloc(n_in * s->channels * sizeof *s->weights);
    s->shifts = malloc(n_in * s->channels * sizeof *s->shifts);
    if (!s->weights || !s->shifts)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    st = expand_coefficients(cell, s, "Weights", s->weights);
    if (st == N2D2_OK)
        st = expand_coefficients(cell, s, "Shifts", s->shifts);
    if (st != N2D2_OK)
        return st;
    *out = in[0];
    return N2D2_OK;
}

static n2d2_status sum_scratch(elemwise_state *s, n2d2_dtype dt, size_t batch)
{
    if (s->op != ELEMWISE_EUCLIDEAN_SUM)
        return N2D2_OK;
    return n2d2_cells_scratch(&s->sum, &s->sum_cap,
                              batch * s->channels * s->positions * n2d2_dtype_size(dt));
}

static n2d2_status elemwise_reserve(n2d2_cell *cell, void *state, size_t batch)
{
    return sum_scratch(state, n2d2_cell_dtype(cell), batch);
}

static n2d2_status elemwise_forward(n2d2_cell *cell, void *state, const n2d2_tensor *const *in,
                                    size_t n_in, n2d2_tensor *out, int training)
{
    elemwise_state *s = state;
    const size_t batch = n2d2_tensor_dim(out, 0);
    const n2d2_dtype dt = n2d2_tensor_dtype(out);
    n2d2_status st = n2d2_cells_check_inputs(cell, in, n_in, out);
    if (st == N2D2_OK && training)
        st = sum_scratch(s, dt, batch);
    if (st != N2D2_OK)
        return st;
    const void *stack[16], **x = stack;
    if (n_in > 16 && !(x = malloc(n_in * sizeof *x)))
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n_in; ++i)
        x[i] = n2d2_tensor_cdata(in[i]);
    void *sum = training && s->op == ELEMWISE_EUCLIDEAN_SUM ? s->sum : NULL;
    if (dt == N2D2_FLOAT64)
        n2d2_elemwise_forward_f64(s, (const double *const *)x, n2d2_tensor_data(out), sum, batch);
    else
        n2d2_elemwise_forward_f32(s, (const float *const *)x, n2d2_tensor_data(out), sum, batch);
    if (x != stack)
        free(x);
    s->learned = training;
    return N2D2_OK;
}

static n2d2_status elemwise_backward(n2d2_cell *cell, void *state, const n2d2_tensor *const *in,
                                     size_t n_in, const n2d2_tensor *out, const n2d2_tensor *gout,
                                     n2d2_tensor *const *gin, const int *accumulate)
{
    elemwise_state *s = state;
    if (s->op == ELEMWISE_EUCLIDEAN_SUM && !s->learned)
        return n2d2_cell_error(cell, N2D2_ERR_INVAL,
                               "backward without a learning forward pass (sums unknown)");
    const size_t batch = n2d2_tensor_dim(out, 0);
    const void *x_stack[16], **x = x_stack;
    void *dx_stack[16], **dx = dx_stack;
    if (n_in > 16) {
        x = malloc(n_in * sizeof *x);
        dx = malloc(n_in * sizeof *dx);
        if (!x || !dx) {
            free(x);
            free(dx);
            return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
        }
    }
    for (size_t i = 0; i < n_in; ++i) {
        x[i] = n2d2_tensor_cdata(in[i]);
        dx[i] = gin[i] ? n2d2_tensor_data(gin[i]) : NULL;
    }
    if (n2d2_tensor_dtype(out) == N2D2_FLOAT64)
        n2d2_elemwise_backward_f64(s, (const double *const *)x, s->sum, n2d2_tensor_cdata(gout),
                                   (double *const *)dx, accumulate, batch);
    else
        n2d2_elemwise_backward_f32(s, (const float *const *)x, s->sum, n2d2_tensor_cdata(gout),
                                   (float *const *)dx, accumulate, batch);
    if (x != x_stack) {
        free(x);
        free(dx);
    }
    return N2D2_OK;
}

/* One operation per input value. */
static uint64_t elemwise_macs(n2d2_cell *cell, void *state)
{
    (void)cell;
    const elemwise_state *s = state;
    return (uint64_t)s->n_inputs * s->channels * s->positions;
}

static const n2d2_cell_ops elemwise_ops = {
    .struct_size = sizeof(n2d2_cell_ops),
    .flags = N2D2_CELL_MULTI_INPUT,
    .create = elemwise_create,
    .infer = elemwise_infer,
    .reserve = elemwise_reserve,
    .forward = elemwise_forward,
    .backward = elemwise_backward,
    .destroy = elemwise_destroy,
    .macs = elemwise_macs,
};

static const n2d2_feature elemwise_feature = {
    .struct_size = sizeof(n2d2_feature),
    .kind = N2D2_KIND_CELL,
    .name = "ElemWise",
    .model = "Frame",
    .help = "element-wise Sum, AbsSum, EuclideanSum, Prod or Max of inputs of the same shape",
    .params = elemwise_params,
    .n_params = N2D2_CELLS_COUNT_OF(elemwise_params),
    .ops = &elemwise_ops,
};

static n2d2_status register_elemwise(n2d2_registry *reg)
{
    return n2d2_registry_add(reg, &elemwise_feature);
}

N2D2_PLUGIN_DEFINE(cell_elemwise, "1.0.0", "CECILL-C", "ElemWise cell, model Frame (CPU)",
                   register_elemwise, NULL)
