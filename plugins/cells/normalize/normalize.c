/* Normalize, model Frame: at every position, the vector of the channels is
 * divided by its L1 or L2 norm (manual 22.15, checklist §12.11, A51).
 *
 *   L2  y_c = x_c / n,  n = sqrt(sum_j x_j^2 + eps)
 *       dx_c = (dy_c - y_c sum_j y_j dy_j) / n
 *   L1  y_c = x_c / n,  n = sum_j |x_j| + eps
 *       dx_c = (dy_c - sign(x_c) sum_j y_j dy_j) / n
 * eps = 1e-12 keeps an all-zero vector at zero (A51: "small eps"). Inputs of
 * any shape: dims[0] are the channels, the rest are positions. */
#include <math.h>
#include <stdlib.h>

#include "n2d2/n2d2.h"

#include "../common/cells_common.h"
#include "../common/channels.h"

enum { NORM_L1 = 0, NORM_L2 = 1 }; /* order of the Norm enum */

#define NORMALIZE_EPS 1e-12

typedef struct normalize_state {
    int norm;
    size_t channels, positions;
    int threads;
    void *scratch; /* per thread: 2 x positions */
    size_t scratch_cap;
} normalize_state;

static const n2d2_param_spec normalize_params[] = {
    {"NbOutputs", N2D2_PARAM_UINT, NULL, NULL, 1, 1e9, N2D2_PARAM_REQUIRED | N2D2_PARAM_RANGE,
     "number of output channels (must equal the input channels)"},
    {"Norm", N2D2_PARAM_ENUM, NULL, "L1|L2", 0, 0, N2D2_PARAM_REQUIRED,
     "norm of the channel vector at each position that is made 1 (A51)"},
};

#define N2D2_CAT_(a, b) a##b
#define N2D2_CAT(a, b) N2D2_CAT_(a, b)

#define REAL float
#define SUFFIX _f32
#define SQRT sqrtf
#define FABS fabsf
#include "normalize_impl.h"
#undef REAL
#undef SUFFIX
#undef SQRT
#undef FABS

#define REAL double
#define SUFFIX _f64
#define SQRT sqrt
#define FABS fabs
#include "normalize_impl.h"
#undef REAL
#undef SUFFIX
#undef SQRT
#undef FABS

static void normalize_destroy(void *state)
{
    normalize_state *s = state;
    if (!s)
        return;
    n2d2_cells_scratch_free(&s->scratch, &s->scratch_cap);
    free(s);
}

static n2d2_status normalize_create(n2d2_cell *cell, const n2d2_params *p, void **state)
{
    n2d2_status st = n2d2_cells_check_dtype(cell);
    if (st != N2D2_OK)
        return st;
    normalize_state *s = calloc(1, sizeof *s);
    if (!s)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    s->norm = n2d2_params_enum(p, "Norm");
    *state = s;
    return N2D2_OK;
}

static n2d2_status normalize_infer(n2d2_cell *cell, void *state, const n2d2_shape *in, size_t n_in,
                                   n2d2_shape *out)
{
    (void)n_in;
    normalize_state *s = state;
    n2d2_status st = n2d2_cells_check_same_channels(cell, in->dims[0]);
    if (st != N2D2_OK)
        return st;
    s->channels = in->dims[0];
    s->positions = n2d2_shape_numel(in) / s->channels;
    *out = *in;
    return N2D2_OK;
}

static n2d2_status normalize_scratch(normalize_state *s, n2d2_dtype dt)
{
    s->threads = n2d2_cells_max_threads();
    return n2d2_cells_scratch(&s->scratch, &s->scratch_cap,
                              (size_t)s->threads * 2 * s->positions * n2d2_dtype_size(dt));
}

static n2d2_status normalize_reserve(n2d2_cell *cell, void *state, size_t batch)
{
    (void)batch;
    return normalize_scratch(state, n2d2_cell_dtype(cell));
}

static n2d2_status normalize_forward(n2d2_cell *cell, void *state, const n2d2_tensor *const *in,
                                     size_t n_in, n2d2_tensor *out, int training)
{
    (void)training;
    normalize_state *s = state;
    n2d2_status st = n2d2_cells_check_inputs(cell, in, n_in, out);
    if (st == N2D2_OK)
        st = normalize_scratch(s, n2d2_tensor_dtype(out));
    if (st != N2D2_OK)
        return st;
    const size_t batch = n2d2_tensor_dim(out, 0);
    if (n2d2_tensor_dtype(out) == N2D2_FLOAT64)
        normalize_forward_f64(s, n2d2_tensor_cdata(in[0]), n2d2_tensor_data(out), batch);
    else
        normalize_forward_f32(s, n2d2_tensor_cdata(in[0]), n2d2_tensor_data(out), batch);
    return N2D2_OK;
}

static n2d2_status normalize_backward(n2d2_cell *cell, void *state, const n2d2_tensor *const *in,
                                      size_t n_in, const n2d2_tensor *out, const n2d2_tensor *gout,
                                      n2d2_tensor *const *gin, const int *accumulate)
{
    normalize_state *s = state;
    if (!gin[0])
        return N2D2_OK;
    n2d2_status st = n2d2_cells_check_inputs(cell, in, n_in, out);
    if (st == N2D2_OK)
        st = normalize_scratch(s, n2d2_tensor_dtype(out));
    if (st != N2D2_OK)
        return st;
    const size_t batch = n2d2_tensor_dim(out, 0);
    if (n2d2_tensor_dtype(out) == N2D2_FLOAT64)
        normalize_backward_f64(s, n2d2_tensor_cdata(in[0]), n2d2_tensor_cdata(out),
                               n2d2_tensor_cdata(gout), n2d2_tensor_data(gin[0]), accumulate[0], batch);
    else
        normalize_backward_f32(s, n2d2_tensor_cdata(in[0]), n2d2_tensor_cdata(out),
                               n2d2_tensor_cdata(gout), n2d2_tensor_data(gin[0]), accumulate[0], batch);
    return N2D2_OK;
}

/* Per sample: one multiply-add for the norm and one multiply per value. */
static uint64_t normalize_macs(n2d2_cell *cell, void *state)
{
    (void)cell;
    const normalize_state *s = state;
    return 2 * (uint64_t)s->channels * s->positions;
}

static const n2d2_cell_ops normalize_ops = {
    .struct_size = sizeof(n2d2_cell_ops),
    .create = normalize_create,
    .infer = normalize_infer,
    .reserve = normalize_reserve,
    .forward = normalize_forward,
    .backward = normalize_backward,
    .destroy = normalize_destroy,
    .macs = normalize_macs,
};

static const n2d2_feature normalize_feature = {
    .struct_size = sizeof(n2d2_feature),
    .kind = N2D2_KIND_CELL,
    .name = "Normalize",
    .model = "Frame",
    .help = "L1 or L2 normalisation of the channel vector at each position",
    .params = normalize_params,
    .n_params = N2D2_CELLS_COUNT_OF(normalize_params),
    .ops = &normalize_ops,
};

static n2d2_status register_normalize(n2d2_registry *reg)
{
    return n2d2_registry_add(reg, &normalize_feature);
}

N2D2_PLUGIN_DEFINE(cell_normalize, "1.0.0", "CECILL-C", "Normalize cell, model Frame (CPU)",
                   register_normalize, NULL)
