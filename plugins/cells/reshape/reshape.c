/* Reshape, model Frame. The manual names the layer only (compatibility
 * tables; "fixed dimensions only" for ONNX import) and gives no keys, so
 * they follow the ONNX Reshape operator: `Dims` lists the new per-sample
 * dimensions in N2D2 order (X first, as [sp] Size=), 0 keeps the input
 * dimension at the same position and -1 (at most once) takes whatever
 * count is left. The batch dimension is never touched. Values keep their
 * row-major order: forward and backward are copies. */
#include <math.h>

#include "n2d2/n2d2.h"

#include "../common/cells_common.h"
#include "../common/copy.h"

static const n2d2_param_spec reshape_params[] = {
    {"NbOutputs", N2D2_PARAM_UINT, NULL, NULL, 1, 1e9, N2D2_PARAM_RANGE,
     "number of output channels (the last of Dims): checked when given"},
    {"Dims", N2D2_PARAM_LIST, NULL, NULL, -1, 1e12, N2D2_PARAM_REQUIRED | N2D2_PARAM_RANGE,
     "new per-sample dimensions, X first; 0 = the input dimension at that position, -1 = "
     "inferred (once)"},
};

static n2d2_status reshape_create(n2d2_cell *cell, const n2d2_params *p, void **state)
{
    (void)p;
    *state = NULL;
    return n2d2_cells_check_dtype(cell);
}

static n2d2_status reshape_infer(n2d2_cell *cell, void *state, const n2d2_shape *in, size_t n_in,
                                 n2d2_shape *out)
{
    (void)state;
    (void)n_in;
    const n2d2_params *p = n2d2_cell_params(cell);
    double dims[N2D2_MAX_DIMS];
    int n = n2d2_params_list(p, "Dims", dims, N2D2_MAX_DIMS);
    if (n < 1 || n > N2D2_MAX_DIMS - 1)
        return n2d2_params_error(p, "Dims", N2D2_ERR_INVAL, "give 1 to %d dimensions, not %d",
                                 N2D2_MAX_DIMS - 1, n);
    const size_t total = n2d2_shape_numel(in);
    size_t known = 1;
    int inferred = -1;
    out->ndim = (uint32_t)n;
    for (int i = 0; i < n; ++i) {
        /* position i of Dims (X first) is axis n - 1 - i of the shape */
        size_t *d = &out->dims[n - 1 - i];
        if (dims[i] != floor(dims[i]))
            return n2d2_params_error(p, "Dims", N2D2_ERR_INVAL, "%g is not an integer", dims[i]);
        if (dims[i] == -1) {
            if (inferred >= 0)
                return n2d2_params_error(p, "Dims", N2D2_ERR_INVAL,
                                         "-1 may appear once (it takes the values left)");
            inferred = i;
            *d = 1;
            continue;
        }
        if (dims[i] == 0) {
            if ((uint32_t)i >= in->ndim)
                return n2d2_params_error(p, "Dims", N2D2_ERR_INVAL,
                                         "0 at position %d keeps an input dimension, but the input "
                                         "has %u",
                                         i + 1, in->ndim);
            *d = in->dims[in->ndim - 1 - (uint32_t)i];
        } else {
            *d = (size_t)dims[i];
        }
        known *= *d;
    }
    char a[128], b[128];
    if (inferred >= 0) {
        if (total % known)
            return n2d2_params_error(p, "Dims", N2D2_ERR_SHAPE,
                                     "no -1 fits: the input of [%s] has %zu values per sample "
                                     "(%s), not a multiple of %zu",
                                     n2d2_cell_name(cell), total,
                                     n2d2_shape_str(in->dims, in->ndim, a, sizeof a), known);
        out->dims[n - 1 - inferred] = total / known;
        known = total;
    }
    if (known != total)
        return n2d2_params_error(p, "Dims", N2D2_ERR_SHAPE,
                                 "'%s' (shape %s) gives %zu values per sample, but the input of "
                                 "[%s] has %zu (%s)",
                                 n2d2_params_string(p, "Dims"),
                                 n2d2_shape_str(out->dims, out->ndim, b, sizeof b), known,
                                 n2d2_cell_name(cell), total,
                                 n2d2_shape_str(in->dims, in->ndim, a, sizeof a));
    return n2d2_cells_check_nb_outputs(cell, out->dims[0]);
}

static n2d2_status reshape_forward(n2d2_cell *cell, void *state, const n2d2_tensor *const *in,
                                   size_t n_in, n2d2_tensor *out, int training)
{
    (void)state;
    (void)training;
    n2d2_status st = n2d2_cells_check_inputs(cell, in, n_in, out);
    if (st == N2D2_OK)
        n2d2_cells_copy_tensor(out, in[0]);
    return st;
}

static n2d2_status reshape_backward(n2d2_cell *cell, void *state, const n2d2_tensor *const *in,
                                    size_t n_in, const n2d2_tensor *out, const n2d2_tensor *gout,
                                    n2d2_tensor *const *gin, const int *accumulate)
{
    (void)cell;
    (void)state;
    (void)in;
    (void)n_in;
    if (gin[0])
        n2d2_cells_copy_or_add(n2d2_tensor_data(gin[0]), n2d2_tensor_cdata(gout),
                               n2d2_tensor_numel(gout), n2d2_tensor_dtype(out), accumulate[0]);
    return N2D2_OK;
}

static void reshape_destroy(void *state) { (void)state; }

static uint64_t reshape_macs(n2d2_cell *cell, void *state)
{
    (void)cell;
    (void)state;
    return 0;
}

static const n2d2_cell_ops reshape_ops = {
    .struct_size = sizeof(n2d2_cell_ops),
    .create = reshape_create,
    .infer = reshape_infer,
    .forward = reshape_forward,
    .backward = reshape_backward,
    .destroy = reshape_destroy,
    .macs = reshape_macs,
};

static const n2d2_feature reshape_feature = {
    .struct_size = sizeof(n2d2_feature),
    .kind = N2D2_KIND_CELL,
    .name = "Reshape",
    .model = "Frame",
    .help = "new per-sample dimensions for the same values (Dims, X first)",
    .params = reshape_params,
    .n_params = N2D2_CELLS_COUNT_OF(reshape_params),
    .ops = &reshape_ops,
};

static n2d2_status register_reshape(n2d2_registry *reg)
{
    return n2d2_registry_add(reg, &reshape_feature);
}

N2D2_PLUGIN_DEFINE(cell_reshape, "1.0.0", "CECILL-C", "Reshape cell, model Frame (CPU)",
                   register_reshape, NULL)
