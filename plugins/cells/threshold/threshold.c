/* Threshold, model Frame: element-wise thresholding with the OpenCV rules
 * (manual 22.22, checklist §12.18). With T = Threshold, M = MaxValue:
 *
 *   Binary          y = x > T ? M : 0        dy/dx = 0
 *   BinaryInverted  y = x > T ? 0 : M        dy/dx = 0
 *   Truncate        y = x > T ? T : x        dy/dx = x > T ? 0 : 1
 *   ToZero          y = x > T ? x : 0        dy/dx = x > T ? 1 : 0
 *   ToZeroInverted  y = x > T ? 0 : x        dy/dx = x > T ? 0 : 1
 *
 * Backward uses these derivatives (exact everywhere except at x = T, where
 * the functions jump or bend). Inputs of any shape. */
#include <stdlib.h>

#include "n2d2/n2d2.h"

#include "../common/cells_common.h"
#include "../common/channels.h"

enum { TH_BINARY, TH_BINARY_INV, TH_TRUNCATE, TH_TO_ZERO, TH_TO_ZERO_INV }; /* enum order */

typedef struct threshold_state {
    int op;
    double threshold, max_value;
    size_t item; /* values per sample */
} threshold_state;

static const n2d2_param_spec threshold_params[] = {
    {"NbOutputs", N2D2_PARAM_UINT, NULL, NULL, 1, 1e9, N2D2_PARAM_REQUIRED | N2D2_PARAM_RANGE,
     "number of output channels (must equal the input channels)"},
    {"Threshold", N2D2_PARAM_FLOAT, NULL, NULL, 0, 0, N2D2_PARAM_REQUIRED, "threshold value T"},
    {"Operation", N2D2_PARAM_ENUM, "Binary", "Binary|BinaryInverted|Truncate|ToZero|ToZeroInverted",
     0, 0, 0, "thresholding rule (OpenCV semantics)"},
    {"MaxValue", N2D2_PARAM_FLOAT, "1.0", NULL, 0, 0, 0,
     "value written by Binary and BinaryInverted"},
};

#define N2D2_CAT_(a, b) a##b
#define N2D2_CAT(a, b) N2D2_CAT_(a, b)

#define REAL float
#define SUFFIX _f32
#include "threshold_impl.h"
#undef REAL
#undef SUFFIX

#define REAL double
#define SUFFIX _f64
#include "threshold_impl.h"
#undef REAL
#undef SUFFIX

static n2d2_status threshold_create(n2d2_cell *cell, const n2d2_params *p, void **state)
{
    n2d2_status st = n2d2_cells_check_dtype(cell);
    if (st != N2D2_OK)
        return st;
    threshold_state *s = calloc(1, sizeof *s);
    if (!s)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    s->op = n2d2_params_enum(p, "Operation");
    s->threshold = n2d2_params_float(p, "Threshold");
    s->max_value = n2d2_params_float(p, "MaxValue");
    *state = s;
    return N2D2_OK;
}

static n2d2_status threshold_infer(n2d2_cell *cell, void *state, const n2d2_shape *in,
                                   size_t n_in, n2d2_shape *out)
{
    (void)n_in;
    threshold_state *s = state;
    n2d2_status st = n2d2_cells_check_same_channels(cell, in->dims[0]);
    if (st != N2D2_OK)
        return st;
    s->item = n2d2_shape_numel(in);
    *out = *in;
    return N2D2_OK;
}

static n2d2_status threshold_forward(n2d2_cell *cell, void *state, const n2d2_tensor *const *in,
                                     size_t n_in, n2d2_tensor *out, int training)
{
    (void)training;
    n2d2_status st = n2d2_cells_check_inputs(cell, in, n_in, out);
    if (st != N2D2_OK)
        return st;
    const size_t n = n2d2_tensor_numel(out);
    if (n2d2_tensor_dtype(out) == N2D2_FLOAT64)
        threshold_forward_f64(state, n2d2_tensor_cdata(in[0]), n2d2_tensor_data(out), n);
    else
        threshold_forward_f32(state, n2d2_tensor_cdata(in[0]), n2d2_tensor_data(out), n);
    return N2D2_OK;
}

static n2d2_status threshold_backward(n2d2_cell *cell, void *state, const n2d2_tensor *const *in,
                                      size_t n_in, const n2d2_tensor *out, const n2d2_tensor *gout,
                                      n2d2_tensor *const *gin, const int *accumulate)
{
    if (!gin[0])
        return N2D2_OK;
    n2d2_status st = n2d2_cells_check_inputs(cell, in, n_in, out);
    if (st != N2D2_OK)
        return st;
    const size_t n = n2d2_tensor_numel(out);
    if (n2d2_tensor_dtype(out) == N2D2_FLOAT64)
        threshold_backward_f64(state, n2d2_tensor_cdata(in[0]), n2d2_tensor_cdata(gout),
                               n2d2_tensor_data(gin[0]), accumulate[0], n);
    else
        threshold_backward_f32(state, n2d2_tensor_cdata(in[0]), n2d2_tensor_cdata(gout),
                               n2d2_tensor_data(gin[0]), accumulate[0], n);
    return N2D2_OK;
}

/* One comparison per value. */
static uint64_t threshold_macs(n2d2_cell *cell, void *state)
{
    (void)cell;
    return ((const threshold_state *)state)->item;
}

static const n2d2_cell_ops threshold_ops = {
    .struct_size = sizeof(n2d2_cell_ops),
    .create = threshold_create,
    .infer = threshold_infer,
    .forward = threshold_forward,
    .backward = threshold_backward,
    .destroy = free,
    .macs = threshold_macs,
};

static const n2d2_feature threshold_feature = {
    .struct_size = sizeof(n2d2_feature),
    .kind = N2D2_KIND_CELL,
    .name = "Threshold",
    .model = "Frame",
    .help = "element-wise thresholding (Binary, BinaryInverted, Truncate, ToZero, ToZeroInverted)",
    .params = threshold_params,
    .n_params = N2D2_CELLS_COUNT_OF(threshold_params),
    .ops = &threshold_ops,
};

static n2d2_status register_threshold(n2d2_registry *reg)
{
    return n2d2_registry_add(reg, &threshold_feature);
}

N2D2_PLUGIN_DEFINE(cell_threshold, "1.0.0", "CECILL-C", "Threshold cell, model Frame (CPU)",
                   register_threshold, NULL)
