/* Transformation, model Frame: any transformation plugin applied as a
 * network layer (manual 22.21, checklist §12.17), e.g. thresholding and
 * morphology on a fully-convolutional network's output for
 * post-processing. `Transformation=` names the transformation; its own keys
 * sit in the same section and are read with its schema.
 *
 * Each sample of the batch goes through the transformation alone, as the
 * stimuli provider would pass one stimulus ({C, H, W}, in the layer's data
 * type; random transformations draw from the layer's augmentation stream).
 * The output shape is the transformation's output shape for the input
 * shape, and must keep `NbOutputs` channels. A transformation has no
 * gradient: the layer passes none back (N2D2_CELL_NO_INPUT_GRAD), so it
 * belongs after the layers that learn. */
#include <stdlib.h>
#include <string.h>

#include "n2d2/n2d2.h"

#include "../common/cells_common.h"

typedef struct layer_state {
    const n2d2_transform_ops *ops;
    void *tstate;
    n2d2_params *tparams;
    n2d2_shape in, out; /* per sample */
} layer_state;

static const n2d2_param_spec layer_params[] = {
    {"NbOutputs", N2D2_PARAM_UINT, NULL, NULL, 1, 1e9, N2D2_PARAM_REQUIRED | N2D2_PARAM_RANGE,
     "number of output channels"},
    {"Transformation", N2D2_PARAM_STRING, NULL, NULL, 0, 0, N2D2_PARAM_REQUIRED,
     "transformation to apply (any *Transformation type; its keys go in this section)"},
};

static void layer_destroy(void *state)
{
    layer_state *s = state;
    if (!s)
        return;
    if (s->ops && s->ops->destroy && s->tstate)
        s->ops->destroy(s->tstate);
    n2d2_params_free(s->tparams);
    free(s);
}

static n2d2_status layer_create(n2d2_cell *cell, const n2d2_params *p, void **state)
{
    n2d2_status st = n2d2_cells_check_dtype(cell);
    if (st != N2D2_OK)
        return st;
    const char *name = n2d2_params_string(p, "Transformation");
    const n2d2_feature *f = NULL;
    st = n2d2_registry_resolve(n2d2_cell_registry(cell), N2D2_KIND_TRANSFORM, name, NULL,
                               n2d2_params_where(p, "Transformation"), &f);
    if (st != N2D2_OK)
        return st;
    layer_state *s = calloc(1, sizeof *s);
    if (!s)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    s->ops = f->ops;
    if (!s->ops || !s->ops->apply) {
        free(s);
        return n2d2_cell_error(cell, N2D2_ERR_INTERNAL, "transformation %s has no apply", name);
    }
    static const char *const bare[] = {""};
    st = n2d2_params_sub(p, bare, 1, f->params, f->n_params, &s->tparams);
    if (st == N2D2_OK && s->ops->create)
        st = s->ops->create(s->tparams, &s->tstate);
    if (st != N2D2_OK) {
        layer_destroy(s);
        return n2d2_error_prefix("%s: Transformation=%s", n2d2_cell_where(cell), name);
    }
    *state = s;
    return N2D2_OK;
}

static n2d2_status layer_infer(n2d2_cell *cell, void *state, const n2d2_shape *in, size_t n_in,
                               n2d2_shape *out)
{
    (void)n_in;
    layer_state *s = state;
    if (in->ndim != 3)
        return n2d2_cell_error(cell, N2D2_ERR_SHAPE,
                               "a Transformation layer takes C x H x W inputs (got %u dimensions)",
                               in->ndim);
    s->in = *in;
    s->out = *in;
    if (s->ops->output_shape) {
        n2d2_status st = s->ops->output_shape(s->tstate, in, &s->out);
        if (st == N2D2_ERR_UNSUPPORTED)
            return n2d2_cell_error(cell, N2D2_ERR_NOT_IMPLEMENTED,
                                   "%s gives an output size that depends on the data: as a layer, "
                                   "not implemented yet",
                                   n2d2_params_string(n2d2_cell_params(cell), "Transformation"));
        if (st != N2D2_OK)
            return n2d2_error_prefix("%s", n2d2_cell_where(cell));
    }
    uint64_t nb = n2d2_params_uint(n2d2_cell_params(cell), "NbOutputs");
    if (s->out.ndim != 3 || s->out.dims[0] != nb)
        return n2d2_cell_error(cell, N2D2_ERR_SHAPE,
                               "NbOutputs=%llu but %s gives %zu channel(s)", (unsigned long long)nb,
                               n2d2_params_string(n2d2_cell_params(cell), "Transformation"),
                               s->out.ndim ? s->out.dims[0] : 0);
    *out = s->out;
    return N2D2_OK;
}

static n2d2_status layer_forward(n2d2_cell *cell, void *state, const n2d2_tensor *const *in,
                                 size_t n_in, n2d2_tensor *out, int training)
{
    layer_state *s = state;
    n2d2_status st = n2d2_cells_check_inputs(cell, in, n_in, out);
    if (st != N2D2_OK)
        return st;
    const n2d2_dtype dt = n2d2_tensor_dtype(out);
    const size_t batch = n2d2_tensor_dim(out, 0), esize = n2d2_dtype_size(dt);
    const size_t in_numel = n2d2_shape_numel(&s->in), out_numel = n2d2_shape_numel(&s->out);
    const size_t dims[3] = {s->in.dims[0], s->in.dims[1], s->in.dims[2]};
    n2d2_rng *rng = n2d2_cell_rng(cell, N2D2_RNG_AUGMENT);
    for (size_t b = 0; b < batch && st == N2D2_OK; ++b) {
        n2d2_tensor *t = NULL, *labels = NULL;
        int label = -1;
        st = n2d2_tensor_new(dt, 3, dims, &t);
        if (st != N2D2_OK)
            break;
        memcpy(n2d2_tensor_data(t), (const char *)n2d2_tensor_cdata(in[0]) + b * in_numel * esize,
               in_numel * esize);
        st = s->ops->apply(s->tstate, &t, &labels, &label,
                           training ? N2D2_SET_LEARN : N2D2_SET_TEST, rng);
        if (st != N2D2_OK)
            st = n2d2_error_prefix("%s: %s", n2d2_cell_where(cell),
                                   n2d2_params_string(n2d2_cell_params(cell), "Transformation"));
        else if (n2d2_tensor_numel(t) != out_numel || n2d2_tensor_dtype(t) != dt)
            st = n2d2_cell_error(cell, N2D2_ERR_SHAPE,
                                 "%s changed the size or type of sample %zu unexpectedly",
                                 n2d2_params_string(n2d2_cell_params(cell), "Transformation"), b);
        else
            memcpy((char *)n2d2_tensor_data(out) + b * out_numel * esize, n2d2_tensor_cdata(t),
                   out_numel * esize);
        n2d2_tensor_release(t);
        n2d2_tensor_release(labels);
    }
    return st;
}

static uint64_t layer_macs(n2d2_cell *cell, void *state)
{
    (void)cell;
    return n2d2_shape_numel(&((const layer_state *)state)->out);
}

static const n2d2_cell_ops layer_ops = {
    .struct_size = sizeof(n2d2_cell_ops),
    .flags = N2D2_CELL_NO_INPUT_GRAD,
    .create = layer_create,
    .infer = layer_infer,
    .forward = layer_forward,
    .destroy = layer_destroy,
    .macs = layer_macs,
};

static const n2d2_feature layer_feature = {
    .struct_size = sizeof(n2d2_feature),
    .kind = N2D2_KIND_CELL,
    .name = "Transformation",
    .model = "Frame",
    .help = "a transformation plugin applied to each sample as a layer (no gradient)",
    .params = layer_params,
    .n_params = N2D2_CELLS_COUNT_OF(layer_params),
    .ops = &layer_ops,
};

static n2d2_status register_layer(n2d2_registry *reg)
{
    return n2d2_registry_add(reg, &layer_feature);
}

N2D2_PLUGIN_DEFINE(cell_transformation, "1.0.0", "CECILL-C",
                   "Transformation cell (a transformation as a layer), model Frame (CPU)",
                   register_layer, NULL)
