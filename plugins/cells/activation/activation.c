/* Activation, model Frame: a cell whose only job is its
 * ActivationFunction (listed among the layer types in the manual's
 * compatibility tables, chapter 27.2.11 of the Python API; no INI table).
 * Forward copies the input; the kernel then applies the activation in
 * place, and before backward turns the output gradient into the gradient
 * of the copy, which backward passes on unchanged. */

#include "n2d2/n2d2.h"

#include "../common/cells_common.h"
#include "../common/copy.h"

static const n2d2_param_spec activation_params[] = {
    {"NbOutputs", N2D2_PARAM_UINT, NULL, NULL, 1, 1e9, N2D2_PARAM_RANGE,
     "number of output channels: must equal the input channels when given"},
    {"ActivationFunction", N2D2_PARAM_STRING, "", NULL, 0, 0, 0,
     "the activation applied to the input; none (identity) when empty"},
};

static n2d2_status activation_create(n2d2_cell *cell, const n2d2_params *p, void **state)
{
    (void)p;
    *state = NULL;
    return n2d2_cells_check_dtype(cell);
}

static n2d2_status activation_infer(n2d2_cell *cell, void *state, const n2d2_shape *in, size_t n_in,
                                    n2d2_shape *out)
{
    (void)state;
    (void)n_in;
    *out = *in;
    return n2d2_cells_check_nb_outputs(cell, in->dims[0]);
}

static n2d2_status activation_forward(n2d2_cell *cell, void *state, const n2d2_tensor *const *in,
                                      size_t n_in, n2d2_tensor *out, int training)
{
    (void)state;
    (void)training;
    n2d2_status st = n2d2_cells_check_inputs(cell, in, n_in, out);
    if (st == N2D2_OK)
        n2d2_cells_copy_tensor(out, in[0]);
    return st;
}

static n2d2_status activation_backward(n2d2_cell *cell, void *state, const n2d2_tensor *const *in,
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

static void activation_destroy(void *state) { (void)state; }

static uint64_t activation_macs(n2d2_cell *cell, void *state)
{
    (void)cell;
    (void)state;
    return 0;
}

static const n2d2_cell_ops activation_ops = {
    .struct_size = sizeof(n2d2_cell_ops),
    .create = activation_create,
    .infer = activation_infer,
    .forward = activation_forward,
    .backward = activation_backward,
    .destroy = activation_destroy,
    .macs = activation_macs,
};

static const n2d2_feature activation_feature = {
    .struct_size = sizeof(n2d2_feature),
    .kind = N2D2_KIND_CELL,
    .name = "Activation",
    .model = "Frame",
    .help = "applies its ActivationFunction to the input, nothing else",
    .params = activation_params,
    .n_params = N2D2_CELLS_COUNT_OF(activation_params),
    .ops = &activation_ops,
};

static n2d2_status register_activation(n2d2_registry *reg)
{
    return n2d2_registry_add(reg, &activation_feature);
}

N2D2_PLUGIN_DEFINE(cell_activation, "1.0.0", "CECILL-C", "Activation cell, model Frame (CPU)",
                   register_activation, NULL)
