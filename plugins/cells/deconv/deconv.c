/* Deconv, model Frame: 2-D transposed convolution on the CPU (manual 22.8,
 * checklist §12.4).
 *
 * Same keys as Conv (geometry, map, fillers) without the Spike block.
 * Output size (A38): out = (in - 1) s - 2 p + d (k - 1) + 1, the input size
 * of the convolution whose adjoint this is. Weights are {C, O/groups, kh,
 * kw} (input channel first, as transposed convolutions usually store them);
 * the arithmetic is in deconv_kernels.c, the activation is applied by the
 * kernel. WeightsSharing / BiasesSharing borrow the tensors of an earlier
 * cell of identical shape: a Conv {O', C', kh, kw} with O' = C and C' = O
 * gives the tied weights of a convolutional auto-encoder. */
#include <stdlib.h>
#include <string.h>

#include "deconv.h"

#include "../common/backprop.h"
#include "../common/blas.h"
#include "../common/cells_common.h"
#include "../common/fill.h"
#include "../common/geometry.h"

static const n2d2_param_spec deconv_params[] = {
    N2D2_CELLS_UINT("KernelWidth", NULL, 1, "kernel width"),
    N2D2_CELLS_UINT("KernelHeight", NULL, 1, "kernel height"),
    N2D2_CELLS_UINT("KernelDepth", NULL, 1, "kernel depth (3-D kernels: not implemented yet)"),
    N2D2_CELLS_UINT("KernelSize", NULL, 1, "square kernel size (exclusive with Width/Height, A37)"),
    N2D2_CELLS_DIMS("KernelDims", "space-separated kernel size, X first (exclusive, A37)"),
    {"NbOutputs", N2D2_PARAM_UINT, NULL, NULL, 1, 1e9, N2D2_PARAM_REQUIRED | N2D2_PARAM_RANGE,
     "number of output channels"},
    N2D2_CELLS_SUBSAMPLE_SPECS,
    N2D2_CELLS_STRIDE_SPECS,
    N2D2_CELLS_PADDING_SPECS,
    N2D2_CELLS_DILATION_SPECS,
    {"ActivationFunction", N2D2_PARAM_STRING, "", NULL, 0, 0, 0,
     "activation of the output (Logistic, LogisticWithLoss, Rectifier...); none when empty"},
    N2D2_CELLS_FILLER_SPECS,
    N2D2_CELLS_MAPPING_SPECS,
    {"WeightsSharing", N2D2_PARAM_STRING, "", NULL, 0, 0, 0,
     "use the weights of this earlier cell (same shape {C, O/groups, kh, kw}); each cell's "
     "gradient updates them"},
    {"BiasesSharing", N2D2_PARAM_STRING, "", NULL, 0, 0, 0,
     "use the biases of this earlier cell (same count)"},
    {"NoBias", N2D2_PARAM_BOOL, "0", NULL, 0, 0, 0, "no bias"},
    N2D2_CELLS_BACKPROP_SPECS,
    N2D2_CELLS_SOLVER_SPECS,
    {"WeightsExportFormat", N2D2_PARAM_ENUM, "OCHW", "OCHW|HWCO", 0, 0, 0,
     "layout of weight files (HWCO: not implemented yet)"},
    {"WeightsExportFlip", N2D2_PARAM_BOOL, "0", NULL, 0, 0, 0,
     "import/export flipped kernels (not implemented yet)"},
};

static const n2d2_cells_axis_keys kernel_keys = {"KernelWidth", "KernelHeight", "KernelDepth",
                                                 "KernelSize", "KernelDims"};
static const n2d2_cells_axis_keys stride_keys = {"StrideX", "StrideY", "StrideZ", "Stride",
                                                 "StrideDims"};
static const n2d2_cells_axis_keys padding_keys = {"PaddingX", "PaddingY", "PaddingZ", "Padding",
                                                  "PaddingDims"};
static const n2d2_cells_axis_keys dilation_keys = {"DilationX", "DilationY", "DilationZ",
                                                   "Dilation", "DilationDims"};
static const n2d2_cells_axis_keys subsample_keys = {"SubSampleX", "SubSampleY", "SubSampleZ",
                                                    "SubSample", "SubSampleDims"};

static void deconv_destroy(void *state)
{
    deconv_state *s = state;
    if (!s)
        return;
    n2d2_tensor_release(s->w);
    n2d2_tensor_release(s->dw);
    n2d2_tensor_release(s->b);
    n2d2_tensor_release(s->db);
    n2d2_cells_mapping_free(&s->map);
    free(s->mask);
    n2d2_cells_scratch_free(&s->col, &s->col_cap);
    n2d2_cells_scratch_free(&s->dw_part, &s->dw_part_cap);
    free(s);
}

static n2d2_status read_unsupported(const n2d2_params *p)
{
    n2d2_status st = N2D2_OK;
    if (n2d2_params_string(p, "BiasesSharing")[0] && n2d2_params_bool(p, "NoBias"))
        st = n2d2_params_error(p, "BiasesSharing", N2D2_ERR_INVAL, "contradicts NoBias=1 (%s)",
                               n2d2_params_where(p, "NoBias"));
    if (st == N2D2_OK)
        st = n2d2_cells_reject_unimplemented(p, "WeightsExportFormat", "OCHW",
                                             "WeightsExportFormat=HWCO");
    if (st == N2D2_OK && n2d2_params_bool(p, "WeightsExportFlip"))
        st = n2d2_params_error(p, "WeightsExportFlip", N2D2_ERR_NOT_IMPLEMENTED,
                               "flipped kernel import/export is not implemented yet");
    return st;
}

/* SubSample of a transposed convolution has no meaning we could verify
 * against N2D2: only the neutral 1 is accepted. */
static n2d2_status reject_subsample(const n2d2_params *p, const size_t sub[2])
{
    if (sub[0] == 1 && sub[1] == 1)
        return N2D2_OK;
    const char *keys[] = {"SubSampleDims", "SubSample", "SubSampleX", "SubSampleY"};
    const char *key = keys[0];
    for (size_t i = 0; i < 4; ++i)
        if (n2d2_params_given(p, keys[i])) {
            key = keys[i];
            break;
        }
    return n2d2_params_error(p, key, N2D2_ERR_NOT_IMPLEMENTED,
                             "subsampling the output of a Deconv is not implemented yet (only 1)");
}

static n2d2_status deconv_create(n2d2_cell *cell, const n2d2_params *p, void **state)
{
    n2d2_status st = n2d2_cells_check_dtype(cell);
    if (st == N2D2_OK)
        st = read_unsupported(p);
    if (st != N2D2_OK)
        return st;
    deconv_state *s = calloc(1, sizeof *s);
    if (!s)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    size_t sub[2];
    s->nb_outputs = (size_t)n2d2_params_uint(p, "NbOutputs");
    s->no_bias = n2d2_params_bool(p, "NoBias");
    st = n2d2_cells_read_back_propagate(p, &s->back_propagate);
    if (st == N2D2_OK)
        st = n2d2_cells_read_axes(p, &kernel_keys, 1, 1, 1, s->kernel);
    if (st == N2D2_OK)
        st = n2d2_cells_read_axes(p, &stride_keys, 0, 1, 1, s->stride);
    if (st == N2D2_OK)
        st = n2d2_cells_read_axes(p, &padding_keys, 0, 0, 0, s->padding);
    if (st == N2D2_OK)
        st = n2d2_cells_read_axes(p, &dilation_keys, 0, 1, 1, s->dilation);
    if (st == N2D2_OK)
        st = n2d2_cells_read_axes(p, &subsample_keys, 0, 1, 1, sub);
    if (st == N2D2_OK)
        st = reject_subsample(p, sub);
    if (st != N2D2_OK) {
        deconv_destroy(s);
        return st;
    }
    *state = s;
    return N2D2_OK;
}

/* A38 for a transposed convolution; an empty output is an error. */
static n2d2_status out_extent(const n2d2_cell *cell, const char *axis, size_t in, size_t k,
                              size_t stride, size_t pad, size_t dil, size_t *out)
{
    const size_t grown = (in - 1) * stride + dil * (k - 1) + 1;
    if (grown <= 2 * pad)
        return n2d2_cell_error(cell, N2D2_ERR_SHAPE,
                               "the output %s (%zu - 1) x %zu - 2 x %zu + %zu x (%zu - 1) + 1 would be "
                               "%lld: the padding %zu removes the whole transposed-convolution "
                               "output (input %s %zu, kernel %zu)",
                               axis, in, stride, pad, dil, k, (long long)grown - 2 * (long long)pad,
                               pad, axis, in, k);
    *out = grown - 2 * pad;
    return N2D2_OK;
}

static n2d2_status plan_connectivity(n2d2_cell *cell, deconv_state *s)
{
    const n2d2_cells_mapping *m = &s->map;
    s->groups = m->full ? 1 : m->groups;
    s->masked = !m->full && m->groups == 1;
    s->c_group = s->channels / s->groups;
    s->o_group = s->nb_outputs / s->groups;
    s->k_rows = s->o_group * s->kernel[0] * s->kernel[1];
    s->positions = s->height * s->width;
    s->pointwise = n2d2_cells_conv_is_pointwise(&s->geom);
    const size_t rows = s->k_rows * s->groups;
    if (rows > N2D2_CELLS_BLAS_MAX / s->positions)
        return n2d2_cell_error(cell, N2D2_ERR_UNSUPPORTED,
                               "the lowered transposed convolution (%zu x %zu) exceeds the BLAS index "
                               "range", rows, s->positions);
    return N2D2_OK;
}

static n2d2_status deconv_infer(n2d2_cell *cell, void *state, const n2d2_shape *in, size_t n_in,
                                n2d2_shape *out)
{
    (void)n_in;
    deconv_state *s = state;
    if (in->ndim != 3) {
        char buf[128];
        return n2d2_cell_error(cell, N2D2_ERR_NOT_IMPLEMENTED,
                               "input of shape %s: only {channels, height, width} inputs are "
                               "implemented yet",
                               n2d2_shape_str(in->dims, in->ndim, buf, sizeof buf));
    }
    s->channels = in->dims[0];
    s->height = in->dims[1];
    s->width = in->dims[2];
    n2d2_cells_conv_geom *g = &s->geom;
    g->channels = s->nb_outputs;
    g->kernel_w = s->kernel[0];
    g->kernel_h = s->kernel[1];
    g->stride_w = s->stride[0];
    g->stride_h = s->stride[1];
    g->pad_w = s->padding[0];
    g->pad_h = s->padding[1];
    g->dil_w = s->dilation[0];
    g->dil_h = s->dilation[1];
    g->out_w = s->width;
    g->out_h = s->height;
    n2d2_status st = out_extent(cell, "width", s->width, g->kernel_w, g->stride_w, g->pad_w,
                                g->dil_w, &g->width);
    if (st == N2D2_OK)
        st = out_extent(cell, "height", s->height, g->kernel_h, g->stride_h, g->pad_h, g->dil_h,
                        &g->height);
    if (st == N2D2_OK)
        st = n2d2_cells_mapping_build(cell, n2d2_cell_params(cell), s->channels, s->nb_outputs,
                                      &s->map);
    if (st == N2D2_OK)
        st = plan_connectivity(cell, s);
    if (st != N2D2_OK)
        return st;
    n2d2_log_debug("%s: [%s] %zu groups%s, %s", n2d2_cell_where(cell), n2d2_cell_name(cell),
                   s->groups, s->masked ? " (masked map)" : "",
                   s->pointwise ? "1x1: GEMM into the output" : "GEMM + col2im");
    out->ndim = 3;
    out->dims[0] = s->nb_outputs;
    out->dims[1] = g->height;
    out->dims[2] = g->width;
    return N2D2_OK;
}

static n2d2_status build_mask(deconv_state *s)
{
    if (!s->masked)
        return N2D2_OK;
    const size_t C = s->channels, O = s->nb_outputs, k = s->kernel[0] * s->kernel[1];
    s->mask = malloc(C * O * k);
    if (!s->mask)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    for (size_t c = 0; c < C; ++c)
        for (size_t o = 0; o < O; ++o)
            memset(s->mask + (c * O + o) * k, s->map.conn[c * O + o], k);
    return N2D2_OK;
}

static n2d2_status deconv_initialize(n2d2_cell *cell, void *state)
{
    deconv_state *s = state;
    const n2d2_dtype dt = n2d2_cell_dtype(cell);
    const size_t k = s->kernel[0] * s->kernel[1];
    size_t wdims[4] = {s->channels, s->o_group, s->kernel[1], s->kernel[0]};
    s->shared_w = n2d2_params_string(n2d2_cell_params(cell), "WeightsSharing")[0] != '\0';
    if (s->shared_w && s->masked) /* the mask would zero the other cell's weights */
        return n2d2_params_error(n2d2_cell_params(cell), "WeightsSharing", N2D2_ERR_NOT_IMPLEMENTED,
                                 "sharing weights with an explicit Mapping matrix is not "
                                 "implemented yet");
    n2d2_status st = s->shared_w ? n2d2_cells_borrow_param(cell, "WeightsSharing", "weights", dt, 4, wdims, &s->w)
                                 : n2d2_tensor_new(dt, 4, wdims, &s->w);
    if (st == N2D2_OK)
        st = n2d2_tensor_new(dt, 4, wdims, &s->dw);
    if (st == N2D2_OK)
        st = build_mask(s);
    if (st != N2D2_OK)
        return st;
    /* Fans from the map (A29), as for Conv. */
    size_t links = 0;
    for (size_t i = 0; i < s->map.n_in * s->map.n_out; ++i)
        links += s->map.conn[i];
    size_t fan_in = (links + s->nb_outputs / 2) / s->nb_outputs;
    size_t fan_out = (links + s->channels / 2) / s->channels;
    fan_in = (fan_in ? fan_in : 1) * k;
    fan_out = (fan_out ? fan_out : 1) * k;
    st = s->shared_w ? N2D2_OK : n2d2_cells_fill(cell, "WeightsFiller", s->w, fan_in, fan_out);
    if (st != N2D2_OK)
        return st;
    if (s->masked) {
        const size_t n = n2d2_tensor_numel(s->w);
        for (size_t i = 0; i < n; ++i)
            if (!s->mask[i])
                n2d2_tensor_set(s->w, i, 0.0);
    }
    st = n2d2_cell_declare_param(cell, "weights", s->w, s->dw, "WeightsSolver");
    if (st != N2D2_OK || s->no_bias)
        return st;
    return n2d2_cells_new_or_shared_bias(cell, dt, s->nb_outputs, fan_in, fan_out, &s->b, &s->db,
                                         &s->shared_b);
}

static n2d2_status deconv_reserve(n2d2_cell *cell, void *state, size_t batch)
{
    (void)batch;
    return n2d2_deconv_reserve_scratch(state, n2d2_cell_dtype(cell));
}

static n2d2_status deconv_forward(n2d2_cell *cell, void *state, const n2d2_tensor *const *in,
                                  size_t n_in, n2d2_tensor *out, int training)
{
    (void)training;
    deconv_state *s = state;
    n2d2_status st = n2d2_cells_check_inputs(cell, in, n_in, out);
    if (st == N2D2_OK)
        st = n2d2_deconv_reserve_scratch(s, n2d2_tensor_dtype(out));
    if (st != N2D2_OK)
        return st;
    const size_t batch = n2d2_tensor_dim(out, 0);
    if (n2d2_tensor_dtype(out) == N2D2_FLOAT64)
        n2d2_deconv_forward_f64(s, n2d2_tensor_cdata(in[0]), n2d2_tensor_data(out), batch);
    else
        n2d2_deconv_forward_f32(s, n2d2_tensor_cdata(in[0]), n2d2_tensor_data(out), batch);
    return N2D2_OK;
}

static n2d2_status deconv_backward(n2d2_cell *cell, void *state, const n2d2_tensor *const *in,
                                   size_t n_in, const n2d2_tensor *out, const n2d2_tensor *gout,
                                   n2d2_tensor *const *gin, const int *accumulate)
{
    deconv_state *s = state;
    n2d2_status st = n2d2_cells_check_inputs(cell, in, n_in, out);
    if (st == N2D2_OK)
        st = n2d2_deconv_reserve_scratch(s, n2d2_tensor_dtype(out));
    if (st != N2D2_OK)
        return st;
    n2d2_tensor *dx = s->back_propagate ? gin[0] : NULL;
    if (!s->back_propagate)
        n2d2_cells_zero_unless_accumulate(gin, accumulate, 1);
    const size_t batch = n2d2_tensor_dim(out, 0);
    if (n2d2_tensor_dtype(out) == N2D2_FLOAT64)
        n2d2_deconv_backward_f64(s, n2d2_tensor_cdata(in[0]), n2d2_tensor_cdata(gout),
                                 dx ? n2d2_tensor_data(dx) : NULL, accumulate[0], batch);
    else
        n2d2_deconv_backward_f32(s, n2d2_tensor_cdata(in[0]), n2d2_tensor_cdata(gout),
                                 dx ? n2d2_tensor_data(dx) : NULL, accumulate[0], batch);
    return N2D2_OK;
}

/* Multiply-accumulates of the connected weights, per sample: every input
 * position meets every connected kernel tap once. */
static uint64_t deconv_macs(n2d2_cell *cell, void *state)
{
    (void)cell;
    const deconv_state *s = state;
    uint64_t links = 0;
    for (size_t i = 0; s->map.conn && i < s->map.n_in * s->map.n_out; ++i)
        links += s->map.conn[i];
    return links * s->kernel[0] * s->kernel[1] * s->positions;
}

/* Free parameters: the connected kernels (not the zeroed entries of a
 * masked map) and the biases, unless borrowed from another cell. */
static uint64_t deconv_param_count(n2d2_cell *cell, void *state)
{
    (void)cell;
    const deconv_state *s = state;
    uint64_t links = 0;
    for (size_t i = 0; s->map.conn && i < s->map.n_in * s->map.n_out; ++i)
        links += s->map.conn[i];
    return (s->shared_w ? 0 : links * s->kernel[0] * s->kernel[1]) +
           (s->b && !s->shared_b ? s->nb_outputs : 0);
}

static const n2d2_cell_ops deconv_ops = {
    .struct_size = sizeof(n2d2_cell_ops),
    .create = deconv_create,
    .infer = deconv_infer,
    .initialize = deconv_initialize,
    .reserve = deconv_reserve,
    .forward = deconv_forward,
    .backward = deconv_backward,
    .destroy = deconv_destroy,
    .macs = deconv_macs,
    .param_count = deconv_param_count,
};

static const n2d2_feature deconv_feature = {
    .struct_size = sizeof(n2d2_feature),
    .kind = N2D2_KIND_CELL,
    .name = "Deconv",
    .model = "Frame",
    .help = "2-D transposed convolution (BLAS GEMM + col2im, OpenMP over the batch)",
    .params = deconv_params,
    .n_params = N2D2_CELLS_COUNT_OF(deconv_params),
    .ops = &deconv_ops,
};

static n2d2_status register_deconv(n2d2_registry *reg)
{
    return n2d2_registry_add(reg, &deconv_feature);
}

N2D2_PLUGIN_DEFINE(cell_deconv, "1.0.0", "CECILL-C", "Deconv cell, model Frame (CPU)",
                   register_deconv, NULL)
