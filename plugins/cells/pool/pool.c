/* Pool, model Frame: max or average pooling on the CPU (manual 22.17, key
 * list reconstructed in checklist §12.13 / A52).
 *
 * Output channel o pools over the input channels the map connects to it
 * and over a PoolWidth x PoolHeight window (x PoolDepth for 3-D inputs
 * {C, D, H, W}, pool3d_kernels_impl.h): `Mapping.Size=1` with NbOutputs
 * equal to the input channels is the usual channel-wise pooling; the
 * default map is full (every output pools every channel), and canvas maps
 * give Maxout. The activation is applied by the kernel. */
#include <stdlib.h>
#include <string.h>

#include "pool.h"

#include "../common/cells_common.h"
#include "../common/geometry.h"

static const n2d2_param_spec pool_params[] = {
    {"Pooling", N2D2_PARAM_ENUM, "Max", "Max|Average", 0, 0, 0,
     "pooling function (A52: Max when absent; Average excludes padding, A53)"},
    N2D2_CELLS_UINT("PoolWidth", NULL, 1, "pooling window width"),
    N2D2_CELLS_UINT("PoolHeight", NULL, 1, "pooling window height"),
    N2D2_CELLS_UINT("PoolDepth", NULL, 1, "pooling window depth (3-D inputs {C, D, H, W})"),
    N2D2_CELLS_UINT("PoolSize", NULL, 1, "window size on every axis (exclusive with Width/Height, A37)"),
    N2D2_CELLS_DIMS("PoolDims", "space-separated window size, X first, 2 or 3 values (exclusive, A37)"),
    {"NbOutputs", N2D2_PARAM_UINT, NULL, NULL, 1, 1e9, N2D2_PARAM_REQUIRED | N2D2_PARAM_RANGE,
     "number of output channels"},
    N2D2_CELLS_STRIDE_SPECS,
    N2D2_CELLS_PADDING_SPECS,
    {"ActivationFunction", N2D2_PARAM_STRING, "", NULL, 0, 0, 0,
     "activation of the output; none when empty"},
    N2D2_CELLS_MAPPING_SPECS,
    N2D2_CELLS_SPIKE_SPEC("IncomingDelay", "1 TimePs;100 TimeFs", "Spike models"),
};

static const n2d2_cells_axis_keys pool_keys = {"PoolWidth", "PoolHeight", "PoolDepth", "PoolSize",
                                               "PoolDims"};
static const n2d2_cells_axis_keys stride_keys = {"StrideX", "StrideY", "StrideZ", "Stride",
                                                 "StrideDims"};
static const n2d2_cells_axis_keys padding_keys = {"PaddingX", "PaddingY", "PaddingZ", "Padding",
                                                  "PaddingDims"};

static void pool_destroy(void *state)
{
    pool_state *s = state;
    if (!s)
        return;
    n2d2_cells_mapping_free(&s->map);
    free(s->chan_start);
    free(s->chans);
    free(s->argmax);
    free(s);
}

/* Window, stride and padding on three axes (Z: 3-D inputs only); z_key
 * remembers an explicit Z for the error on a 2-D input. */
static n2d2_status read_geometry(const n2d2_params *p, pool_state *s)
{
    const struct {
        const n2d2_cells_axis_keys *keys;
        int required;
        size_t min, neutral, *out;
    } q[] = {{&pool_keys, 1, 1, 1, s->pool},
             {&stride_keys, 0, 1, 1, s->stride},
             {&padding_keys, 0, 0, 0, s->padding}};
    for (size_t i = 0; i < sizeof q / sizeof q[0]; ++i) {
        int has_z = 0;
        n2d2_status st = n2d2_cells_read_axes3(p, q[i].keys, q[i].required, q[i].min,
                                               q[i].neutral, q[i].out, &has_z);
        if (st != N2D2_OK)
            return st;
        if (has_z && !s->z_key)
            s->z_key = n2d2_params_given(p, q[i].keys->z) ? q[i].keys->z : q[i].keys->dims;
    }
    return N2D2_OK;
}

static n2d2_status check_padding(const n2d2_cell *cell, const pool_state *s, int a)
{
    static const char *const axis[3] = {"width", "height", "depth"};
    if (s->padding[a] < s->pool[a])
        return N2D2_OK;
    return n2d2_cell_error(cell, N2D2_ERR_INVAL,
                           "padding %zu must be smaller than the pooling window %s (%zu): a "
                           "window would see only padding",
                           s->padding[a], axis[a], s->pool[a]);
}

static n2d2_status pool_create(n2d2_cell *cell, const n2d2_params *p, void **state)
{
    n2d2_status st = n2d2_cells_check_dtype(cell);
    if (st == N2D2_OK)
        st = n2d2_cells_reject_spike_keys(cell, p, n2d2_cells_spike_keys, n2d2_cells_spike_key_count);
    if (st != N2D2_OK)
        return st;
    pool_state *s = calloc(1, sizeof *s);
    if (!s)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    s->pooling = n2d2_params_enum(p, "Pooling");
    s->nb_outputs = (size_t)n2d2_params_uint(p, "NbOutputs");
    st = read_geometry(p, s);
    for (int a = 0; st == N2D2_OK && a < 2; ++a)
        st = check_padding(cell, s, a);
    if (st != N2D2_OK) {
        pool_destroy(s);
        return st;
    }
    *state = s;
    return N2D2_OK;
}

/* Connected channels of each output, as compressed rows. */
static n2d2_status index_map(pool_state *s)
{
    const n2d2_cells_mapping *m = &s->map;
    n2d2_status st = n2d2_cells_mapping_rows(m, &s->chan_start, &s->chans);
    if (st != N2D2_OK)
        return st;
    size_t k = s->chan_start[m->n_out];
    /* a permutation of the channels: the tiled max backward writes each
     * input channel once */
    s->one_to_one = m->n_in == m->n_out && k == m->n_out;
    for (size_t o = 0; s->one_to_one && o < m->n_out; ++o)
        s->one_to_one = s->chan_start[o + 1] - s->chan_start[o] == 1;
    for (size_t c = 0; s->one_to_one && c < m->n_in; ++c) {
        size_t uses = 0;
        for (size_t o = 0; o < m->n_out; ++o)
            uses += m->conn[c * m->n_out + o] != 0;
        s->one_to_one = uses == 1;
    }
    return N2D2_OK;
}

/* {C, D, H, W} input: output {O, OD, OH, OW}. */
static n2d2_status infer_3d(n2d2_cell *cell, pool_state *s, const n2d2_shape *in, n2d2_shape *out)
{
    s->vol = 1;
    s->channels = in->dims[0];
    s->depth = in->dims[1];
    s->height = in->dims[2];
    s->width = in->dims[3];
    if (s->channels * s->depth * s->height * s->width > (size_t)INT32_MAX)
        return n2d2_cell_error(cell, N2D2_ERR_UNSUPPORTED, "input too large for pooling indices");
    n2d2_status st = check_padding(cell, s, 2);
    if (st == N2D2_OK)
        st = n2d2_cells_out_extent(cell, "width", s->width, s->pool[0], s->stride[0],
                                   s->padding[0], 1, &s->out_w);
    if (st == N2D2_OK)
        st = n2d2_cells_out_extent(cell, "height", s->height, s->pool[1], s->stride[1],
                                   s->padding[1], 1, &s->out_h);
    if (st == N2D2_OK)
        st = n2d2_cells_out_extent(cell, "depth", s->depth, s->pool[2], s->stride[2],
                                   s->padding[2], 1, &s->out_d);
    if (st == N2D2_OK)
        st = n2d2_cells_mapping_build(cell, n2d2_cell_params(cell), s->channels, s->nb_outputs,
                                      &s->map);
    if (st == N2D2_OK)
        st = index_map(s);
    if (st != N2D2_OK)
        return st;
    out->ndim = 4;
    out->dims[0] = s->nb_outputs;
    out->dims[1] = s->out_d;
    out->dims[2] = s->out_h;
    out->dims[3] = s->out_w;
    return N2D2_OK;
}

static n2d2_status pool_infer(n2d2_cell *cell, void *state, const n2d2_shape *in, size_t n_in,
                              n2d2_shape *out)
{
    (void)n_in;
    pool_state *s = state;
    char buf[128];
    if (in->ndim != 3 && in->ndim != 4)
        return n2d2_cell_error(cell, N2D2_ERR_NOT_IMPLEMENTED,
                               "input of shape %s: only {channels, height, width} and {channels, "
                               "depth, height, width} inputs are implemented yet",
                               n2d2_shape_str(in->dims, in->ndim, buf, sizeof buf));
    if (in->ndim == 4)
        return infer_3d(cell, s, in, out);
    if (s->z_key)
        return n2d2_params_error(n2d2_cell_params(cell), s->z_key, N2D2_ERR_SHAPE,
                                 "a depth (3-D) value for the 2-D input %s of [%s]: 3-D windows "
                                 "need {channels, depth, height, width} inputs",
                                 n2d2_shape_str(in->dims, in->ndim, buf, sizeof buf),
                                 n2d2_cell_input_name(cell, 0));
    s->vol = 0;
    s->depth = s->out_d = 1;
    s->channels = in->dims[0];
    s->height = in->dims[1];
    s->width = in->dims[2];
    if (s->channels * s->height * s->width > (size_t)INT32_MAX)
        return n2d2_cell_error(cell, N2D2_ERR_UNSUPPORTED, "input too large for pooling indices");
    n2d2_status st = n2d2_cells_out_extent(cell, "width", s->width, s->pool[0], s->stride[0],
                                           s->padding[0], 1, &s->out_w);
    if (st == N2D2_OK)
        st = n2d2_cells_out_extent(cell, "height", s->height, s->pool[1], s->stride[1],
                                   s->padding[1], 1, &s->out_h);
    if (st == N2D2_OK)
        st = n2d2_cells_mapping_build(cell, n2d2_cell_params(cell), s->channels, s->nb_outputs,
                                      &s->map);
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

static n2d2_status reserve_argmax(pool_state *s, size_t batch)
{
    if (s->pooling != POOL_MAX)
        return N2D2_OK;
    size_t need = batch * s->nb_outputs * s->out_d * s->out_h * s->out_w;
    return n2d2_cells_reserve_argmax(&s->argmax, &s->argmax_cap, &s->argmax_valid, need);
}

static n2d2_status pool_reserve(n2d2_cell *cell, void *state, size_t batch)
{
    (void)cell;
    return reserve_argmax(state, batch);
}

static n2d2_status pool_forward(n2d2_cell *cell, void *state, const n2d2_tensor *const *in,
                                size_t n_in, n2d2_tensor *out, int training)
{
    pool_state *s = state;
    const size_t batch = n2d2_tensor_dim(out, 0);
    n2d2_status st = n2d2_cells_check_inputs(cell, in, n_in, out);
    if (st == N2D2_OK && training)
        st = reserve_argmax(s, batch);
    if (st != N2D2_OK)
        return st;
    const int f64 = n2d2_tensor_dtype(out) == N2D2_FLOAT64;
    if (s->vol && f64)
        n2d2_pool3d_forward_f64(s, n2d2_tensor_cdata(in[0]), n2d2_tensor_data(out), batch, training);
    else if (s->vol)
        n2d2_pool3d_forward_f32(s, n2d2_tensor_cdata(in[0]), n2d2_tensor_data(out), batch, training);
    else if (f64)
        n2d2_pool_forward_f64(s, n2d2_tensor_cdata(in[0]), n2d2_tensor_data(out), batch, training);
    else
        n2d2_pool_forward_f32(s, n2d2_tensor_cdata(in[0]), n2d2_tensor_data(out), batch, training);
    s->argmax_valid = training;
    return N2D2_OK;
}

static n2d2_status pool_backward(n2d2_cell *cell, void *state, const n2d2_tensor *const *in,
                                 size_t n_in, const n2d2_tensor *out, const n2d2_tensor *gout,
                                 n2d2_tensor *const *gin, const int *accumulate)
{
    (void)in;
    (void)n_in;
    pool_state *s = state;
    if (!gin[0])
        return N2D2_OK;
    if (s->pooling == POOL_MAX && !s->argmax_valid)
        return n2d2_cell_error(cell, N2D2_ERR_INVAL,
                               "backward without a learning forward pass (max positions unknown)");
    const size_t batch = n2d2_tensor_dim(out, 0);
    const int f64 = n2d2_tensor_dtype(out) == N2D2_FLOAT64;
    if (s->vol && f64)
        n2d2_pool3d_backward_f64(s, n2d2_tensor_cdata(gout), n2d2_tensor_data(gin[0]), accumulate[0],
                                 batch);
    else if (s->vol)
        n2d2_pool3d_backward_f32(s, n2d2_tensor_cdata(gout), n2d2_tensor_data(gin[0]), accumulate[0],
                                 batch);
    else if (f64)
        n2d2_pool_backward_f64(s, n2d2_tensor_cdata(gout), n2d2_tensor_data(gin[0]), accumulate[0], batch);
    else
        n2d2_pool_backward_f32(s, n2d2_tensor_cdata(gout), n2d2_tensor_data(gin[0]), accumulate[0], batch);
    return N2D2_OK;
}

/* Comparisons or additions per sample: one per pooled value. */
static uint64_t pool_macs(n2d2_cell *cell, void *state)
{
    (void)cell;
    const pool_state *s = state;
    uint64_t links = s->chan_start ? s->chan_start[s->nb_outputs] : 0;
    return links * s->pool[0] * s->pool[1] * s->out_h * s->out_w *
           (s->vol ? s->pool[2] * s->out_d : 1);
}

static const n2d2_cell_ops pool_ops = {
    .struct_size = sizeof(n2d2_cell_ops),
    .create = pool_create,
    .infer = pool_infer,
    .reserve = pool_reserve,
    .forward = pool_forward,
    .backward = pool_backward,
    .destroy = pool_destroy,
    .macs = pool_macs,
};

static const n2d2_feature pool_feature = {
    .struct_size = sizeof(n2d2_feature),
    .kind = N2D2_KIND_CELL,
    .name = "Pool",
    .model = "Frame",
    .help = "max or average pooling over a 2-D or 3-D window and the mapped channels",
    .params = pool_params,
    .n_params = N2D2_CELLS_COUNT_OF(pool_params),
    .ops = &pool_ops,
};

static n2d2_status register_pool(n2d2_registry *reg)
{
    return n2d2_registry_add(reg, &pool_feature);
}

N2D2_PLUGIN_DEFINE(cell_pool, "1.0.0", "CECILL-C", "Pool cell, model Frame (CPU)", register_pool,
                   NULL)
