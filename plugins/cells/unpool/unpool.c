/* Unpool, model Frame: max or average unpooling on the CPU (manual 22.23,
 * checklist §12.19, A57, A58).
 *
 * Max unpooling puts each value back where the associated Pool layer
 * (`ArgMax=`) found its maximum. A cell plugin cannot read another cell's
 * state, so the Frame Unpool recomputes those positions from the pool's
 * input, its second input (Input=<data>,<input of the pool>; for N2D2's
 * single-input form the graph appends it, kernel/graph_wiring.c),
 * with the same rules as the Frame Pool (first largest value, mapped
 * channels in order, then rows, then columns): identical positions for
 * the same window keys and a transposed map. The second input also fixes
 * the output size; without it (Average only) the size is (in - 1) s - 2 p
 * + k. The second input receives no gradient (positions are piecewise
 * constant). The activation is applied by the kernel. */
#include <stdlib.h>
#include <string.h>

#include "unpool.h"

#include "../common/cells_common.h"
#include "../common/geometry.h"

static const n2d2_param_spec unpool_params[] = {
    {"Pooling", N2D2_PARAM_ENUM, "Max", "Max|Average", 0, 0, 0,
     "type of the pooling being inverted (Max: needs ArgMax; Average spreads evenly, A58)"},
    N2D2_CELLS_UINT("PoolWidth", NULL, 1, "pooling window width"),
    N2D2_CELLS_UINT("PoolHeight", NULL, 1, "pooling window height"),
    N2D2_CELLS_UINT("PoolDepth", NULL, 1, "pooling window depth (3-D: not implemented yet)"),
    N2D2_CELLS_UINT("PoolSize", NULL, 1, "square window size (exclusive with Width/Height, A37)"),
    N2D2_CELLS_DIMS("PoolDims", "space-separated window size, X first (exclusive, A37)"),
    {"NbOutputs", N2D2_PARAM_UINT, NULL, NULL, 1, 1e9, N2D2_PARAM_REQUIRED | N2D2_PARAM_RANGE,
     "number of output channels (the channels of the pool's input)"},
    {"ArgMax", N2D2_PARAM_STRING, NULL, NULL, 0, 0, 0,
     "Pool layer whose maxima are reused (Max); its input must be this layer's second Input="},
    N2D2_CELLS_STRIDE_SPECS,
    N2D2_CELLS_PADDING_SPECS,
    {"ActivationFunction", N2D2_PARAM_STRING, "", NULL, 0, 0, 0,
     "activation of the output (same list as the other layers, A57); none when empty"},
    N2D2_CELLS_MAPPING_SPECS,
};

static const n2d2_cells_axis_keys pool_keys = {"PoolWidth", "PoolHeight", "PoolDepth", "PoolSize",
                                               "PoolDims"};
static const n2d2_cells_axis_keys stride_keys = {"StrideX", "StrideY", "StrideZ", "Stride",
                                                 "StrideDims"};
static const n2d2_cells_axis_keys padding_keys = {"PaddingX", "PaddingY", "PaddingZ", "Padding",
                                                  "PaddingDims"};

static void unpool_destroy(void *state)
{
    unpool_state *s = state;
    if (!s)
        return;
    n2d2_cells_mapping_free(&s->map);
    free(s->out_start);
    free(s->outs);
    free(s->argmax);
    free(s);
}

static n2d2_status unpool_create(n2d2_cell *cell, const n2d2_params *p, void **state)
{
    n2d2_status st = n2d2_cells_check_dtype(cell);
    if (st != N2D2_OK)
        return st;
    const int max = n2d2_params_enum(p, "Pooling") == UNPOOL_MAX;
    const char *arg_max = n2d2_params_string(p, "ArgMax");
    if (max && (!arg_max || !arg_max[0]))
        return n2d2_cell_error(cell, N2D2_ERR_NOT_FOUND,
                               "max unpooling (Pooling=Max) needs ArgMax=<name of the Pool layer> "
                               "and the input of that pool as the second Input=");
    unpool_state *s = calloc(1, sizeof *s);
    if (!s)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    s->pooling = max ? UNPOOL_MAX : UNPOOL_AVERAGE;
    s->nb_outputs = (size_t)n2d2_params_uint(p, "NbOutputs");
    st = n2d2_cells_read_axes(p, &pool_keys, 1, 1, 1, s->pool);
    if (st == N2D2_OK)
        st = n2d2_cells_read_axes(p, &stride_keys, 0, 1, 1, s->stride);
    if (st == N2D2_OK)
        st = n2d2_cells_read_axes(p, &padding_keys, 0, 0, 0, s->padding);
    for (int a = 0; st == N2D2_OK && a < 2; ++a)
        if (s->padding[a] >= s->pool[a])
            st = n2d2_cell_error(cell, N2D2_ERR_INVAL,
                                 "padding %zu must be smaller than the pooling window %s (%zu): a "
                                 "window would see only padding",
                                 s->padding[a], a ? "height" : "width", s->pool[a]);
    if (st != N2D2_OK) {
        unpool_destroy(s);
        return st;
    }
    *state = s;
    return N2D2_OK;
}

static n2d2_status check_3d(const n2d2_cell *cell, const n2d2_shape *in, size_t i)
{
    if (in->ndim == 3)
        return N2D2_OK;
    char buf[128];
    return n2d2_cell_error(cell, N2D2_ERR_NOT_IMPLEMENTED,
                           "input [%s] of shape %s: only {channels, height, width} inputs are "
                           "implemented yet",
                           n2d2_cell_input_name(cell, i),
                           n2d2_shape_str(in->dims, in->ndim, buf, sizeof buf));
}

/* The pool's input (second input) fixes the output size; it must pool to
 * this layer's input size with the window keys. */
static n2d2_status size_from_ref(const n2d2_cell *cell, unpool_state *s, const n2d2_shape *ref)
{
    if (ref->dims[0] != s->nb_outputs)
        return n2d2_cell_error(cell, N2D2_ERR_SHAPE,
                               "NbOutputs=%zu but the second input [%s] (the pool's input) has %zu "
                               "channels",
                               s->nb_outputs, n2d2_cell_input_name(cell, 1), ref->dims[0]);
    s->out_h = ref->dims[1];
    s->out_w = ref->dims[2];
    size_t ph, pw;
    n2d2_status st = n2d2_cells_out_extent(cell, "width", s->out_w, s->pool[0], s->stride[0],
                                           s->padding[0], 1, &pw);
    if (st == N2D2_OK)
        st = n2d2_cells_out_extent(cell, "height", s->out_h, s->pool[1], s->stride[1],
                                   s->padding[1], 1, &ph);
    if (st == N2D2_OK && (ph != s->in_h || pw != s->in_w))
        st = n2d2_cell_error(cell, N2D2_ERR_SHAPE,
                             "the second input [%s] (%zux%zu) pools to %zux%zu with these window "
                             "keys, but the first input [%s] is %zux%zu (height x width)",
                             n2d2_cell_input_name(cell, 1), s->out_h, s->out_w, ph, pw,
                             n2d2_cell_input_name(cell, 0), s->in_h, s->in_w);
    return st;
}

/* Without the pool's input: the largest size that pools to the input. */
static n2d2_status size_from_geometry(const n2d2_cell *cell, const char *axis, size_t in, size_t k,
                                      size_t stride, size_t pad, size_t *out)
{
    const size_t grown = (in - 1) * stride + k;
    if (grown <= 2 * pad)
        return n2d2_cell_error(cell, N2D2_ERR_SHAPE,
                               "the output %s (%zu - 1) x %zu - 2 x %zu + %zu would be %lld: the "
                               "padding removes the whole unpooled map",
                               axis, in, stride, pad, k, (long long)grown - 2 * (long long)pad);
    *out = grown - 2 * pad;
    return N2D2_OK;
}

/* Output channels of each input channel, as compressed rows (first block
 * of rows of the map: the data input). */
static n2d2_status index_map(unpool_state *s)
{
    const n2d2_cells_mapping *m = &s->map;
    const size_t C = s->channels, O = m->n_out;
    size_t links = 0;
    for (size_t i = 0; i < C * O; ++i)
        links += m->conn[i];
    s->out_start = malloc((C + 1) * sizeof *s->out_start);
    s->outs = malloc((links ? links : 1) * sizeof *s->outs);
    if (!s->out_start || !s->outs)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    size_t k = 0;
    for (size_t i = 0; i < C; ++i) {
        s->out_start[i] = k;
        for (size_t o = 0; o < O; ++o)
            if (m->conn[i * O + o])
                s->outs[k++] = o;
    }
    s->out_start[C] = k;
    return N2D2_OK;
}

static n2d2_status unpool_infer(n2d2_cell *cell, void *state, const n2d2_shape *in, size_t n_in,
                                n2d2_shape *out)
{
    unpool_state *s = state;
    if (n_in > 2)
        return n2d2_cell_error(cell, N2D2_ERR_INVAL,
                               "%zu inputs: Unpool takes the data to unpool and, second, the input of "
                               "the Pool layer named by ArgMax", n_in);
    n2d2_status st = check_3d(cell, &in[0], 0);
    if (st == N2D2_OK && n_in == 2)
        st = check_3d(cell, &in[1], 1);
    if (st != N2D2_OK)
        return st;
    s->has_ref = n_in == 2;
    if (s->pooling == UNPOOL_MAX && !s->has_ref)
        return n2d2_cell_error(cell, N2D2_ERR_NOT_FOUND,
                               "ArgMax=%s: no Pool section [%s] with a single Input=: max "
                               "unpooling takes the positions from that pool's input (the graph "
                               "adds it as this cell's second input)",
                               n2d2_params_string(n2d2_cell_params(cell), "ArgMax"),
                               n2d2_params_string(n2d2_cell_params(cell), "ArgMax"));
    s->channels = in[0].dims[0];
    s->in_h = in[0].dims[1];
    s->in_w = in[0].dims[2];
    if (s->has_ref)
        st = size_from_ref(cell, s, &in[1]);
    else {
        st = size_from_geometry(cell, "width", s->in_w, s->pool[0], s->stride[0], s->padding[0],
                                &s->out_w);
        if (st == N2D2_OK)
            st = size_from_geometry(cell, "height", s->in_h, s->pool[1], s->stride[1],
                                    s->padding[1], &s->out_h);
    }
    if (st != N2D2_OK)
        return st;
    if (s->nb_outputs * s->out_h * s->out_w > (size_t)INT32_MAX)
        return n2d2_cell_error(cell, N2D2_ERR_UNSUPPORTED, "output too large for unpooling indices");
    /* The map spans every input's channels; only the data input's rows are
     * used (the pool's input only provides positions). */
    const size_t rows = s->channels + (s->has_ref ? in[1].dims[0] : 0);
    st = n2d2_cells_mapping_build(cell, n2d2_cell_params(cell), rows, s->nb_outputs, &s->map);
    if (st == N2D2_OK)
        st = index_map(s);
    if (st != N2D2_OK)
        return st;
    out->ndim = 3;
    out->dims[0] = s->nb_outputs;
    out->dims[1] = s->out_h;
    out->dims[2] = s->out_w;
    return N2D2_OK;
}

static n2d2_status reserve_argmax(unpool_state *s, size_t batch)
{
    if (s->pooling != UNPOOL_MAX)
        return N2D2_OK;
    const size_t need = batch * s->channels * s->in_h * s->in_w;
    return n2d2_cells_reserve_argmax(&s->argmax, &s->argmax_cap, &s->argmax_valid, need);
}

static n2d2_status unpool_reserve(n2d2_cell *cell, void *state, size_t batch)
{
    (void)cell;
    return reserve_argmax(state, batch);
}

static n2d2_status unpool_forward(n2d2_cell *cell, void *state, const n2d2_tensor *const *in,
                                  size_t n_in, n2d2_tensor *out, int training)
{
    (void)training;
    unpool_state *s = state;
    const size_t batch = n2d2_tensor_dim(out, 0);
    n2d2_status st = n2d2_cells_check_inputs(cell, in, n_in, out);
    if (st == N2D2_OK)
        st = reserve_argmax(s, batch);
    if (st != N2D2_OK)
        return st;
    const int f64 = n2d2_tensor_dtype(out) == N2D2_FLOAT64;
    if (s->pooling == UNPOOL_MAX) {
        if (f64)
            n2d2_unpool_argmax_f64(s, n2d2_tensor_cdata(in[1]), batch);
        else
            n2d2_unpool_argmax_f32(s, n2d2_tensor_cdata(in[1]), batch);
        s->argmax_valid = 1;
    }
    if (f64)
        n2d2_unpool_forward_f64(s, n2d2_tensor_cdata(in[0]), n2d2_tensor_data(out), batch);
    else
        n2d2_unpool_forward_f32(s, n2d2_tensor_cdata(in[0]), n2d2_tensor_data(out), batch);
    return N2D2_OK;
}

static n2d2_status unpool_backward(n2d2_cell *cell, void *state, const n2d2_tensor *const *in,
                                   size_t n_in, const n2d2_tensor *out, const n2d2_tensor *gout,
                                   n2d2_tensor *const *gin, const int *accumulate)
{
    (void)in;
    unpool_state *s = state;
    if (n_in == 2) /* positions do not depend on the pool's input values */
        n2d2_cells_zero_unless_accumulate(gin + 1, accumulate + 1, 1);
    if (!gin[0])
        return N2D2_OK;
    if (s->pooling == UNPOOL_MAX && !s->argmax_valid)
        return n2d2_cell_error(cell, N2D2_ERR_INVAL,
                               "backward without a forward pass (max positions unknown)");
    const size_t batch = n2d2_tensor_dim(out, 0);
    if (n2d2_tensor_dtype(out) == N2D2_FLOAT64)
        n2d2_unpool_backward_f64(s, n2d2_tensor_cdata(gout), n2d2_tensor_data(gin[0]), accumulate[0],
                                 batch);
    else
        n2d2_unpool_backward_f32(s, n2d2_tensor_cdata(gout), n2d2_tensor_data(gin[0]), accumulate[0],
                                 batch);
    return N2D2_OK;
}

/* Additions per sample: Max one per input value, Average one per window
 * position of each mapped output. */
static uint64_t unpool_macs(n2d2_cell *cell, void *state)
{
    (void)cell;
    const unpool_state *s = state;
    const uint64_t values = (uint64_t)s->channels * s->in_h * s->in_w;
    if (s->pooling == UNPOOL_MAX || !s->out_start)
        return values;
    const uint64_t links = s->out_start[s->channels];
    return links * s->pool[0] * s->pool[1] * s->in_h * s->in_w;
}

static const n2d2_cell_ops unpool_ops = {
    .struct_size = sizeof(n2d2_cell_ops),
    .flags = N2D2_CELL_MULTI_INPUT,
    .create = unpool_create,
    .infer = unpool_infer,
    .reserve = unpool_reserve,
    .forward = unpool_forward,
    .backward = unpool_backward,
    .destroy = unpool_destroy,
    .macs = unpool_macs,
};

static const n2d2_feature unpool_feature = {
    .struct_size = sizeof(n2d2_feature),
    .kind = N2D2_KIND_CELL,
    .name = "Unpool",
    .model = "Frame",
    .help = "max (positions of a Pool's maxima) or average unpooling",
    .params = unpool_params,
    .n_params = N2D2_CELLS_COUNT_OF(unpool_params),
    .ops = &unpool_ops,
};

static n2d2_status register_unpool(n2d2_registry *reg)
{
    return n2d2_registry_add(reg, &unpool_feature);
}

N2D2_PLUGIN_DEFINE(cell_unpool, "1.0.0", "CECILL-C", "Unpool cell, model Frame (CPU)",
                   register_unpool, NULL)
