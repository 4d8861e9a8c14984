/* Conv, model Frame: 2-D and 3-D convolution on the CPU (manual 22.7).
 *
 * Parameters are read and checked in create, shapes and the channel map in
 * infer, weights are allocated and filled in initialize; the arithmetic is
 * in conv_kernels.c (2-D, {C, H, W} inputs) and conv3d_kernels.c (3-D,
 * {C, D, H, W} inputs, with KernelDepth / three *Dims values). The
 * activation is applied by the kernel. */
#include <stdlib.h>
#include <string.h>

#include "conv.h"

#include "../common/blas.h"
#include "../common/cells_common.h"
#include "../common/fill.h"
#include "../common/fold.h"
#include "../common/geometry.h"

static const n2d2_param_spec conv_params[] = {
    N2D2_CELLS_UINT("KernelWidth", NULL, 1, "kernel width"),
    N2D2_CELLS_UINT("KernelHeight", NULL, 1, "kernel height"),
    N2D2_CELLS_UINT("KernelDepth", NULL, 1, "kernel depth (3-D inputs {C, D, H, W})"),
    N2D2_CELLS_UINT("KernelSize", NULL, 1,
                    "kernel size on every axis (exclusive with Width/Height, A37)"),
    N2D2_CELLS_DIMS("KernelDims", "space-separated kernel size, X first, 2 or 3 values (exclusive, A37)"),
    {"NbOutputs", N2D2_PARAM_UINT, NULL, NULL, 1, 1e9, N2D2_PARAM_REQUIRED | N2D2_PARAM_RANGE,
     "number of output channels"},
    N2D2_CELLS_SUBSAMPLE_SPECS,
    N2D2_CELLS_STRIDE_SPECS,
    N2D2_CELLS_PADDING_SPECS,
    N2D2_CELLS_DILATION_SPECS,
    {"ActivationFunction", N2D2_PARAM_STRING, "", NULL, 0, 0, 0,
     "activation of the output (Logistic, LogisticWithLoss, Rectifier, Softplus, TanhLeCun, "
     "Linear, Saturation, Tanh...); none when empty (A33)"},
    N2D2_CELLS_FILLER_SPECS,
    N2D2_CELLS_MAPPING_SPECS,
    {"WeightsSharing", N2D2_PARAM_STRING, "", NULL, 0, 0, 0,
     "use the weights of this earlier Conv (same shape); each cell's gradient updates them"},
    {"BiasesSharing", N2D2_PARAM_STRING, "", NULL, 0, 0, 0,
     "use the biases of this earlier Conv (same count)"},
    {"NoBias", N2D2_PARAM_BOOL, "0", NULL, 0, 0, 0, "no bias"},
    {"BackPropagate", N2D2_PARAM_BOOL, "1", NULL, 0, 0, 0,
     "propagate the gradient to the input (0: the input gradient is zero)"},
    {"BackPropagation", N2D2_PARAM_BOOL, "1", NULL, 0, 0, 0, "alias of BackPropagate (A44)"},
    N2D2_CELLS_SOLVER_SPECS,
    {"WeightsExportFormat", N2D2_PARAM_ENUM, "OCHW", "OCHW|HWCO", 0, 0, 0,
     "layout of weight files (HWCO: not implemented yet)"},
    {"WeightsExportFlip", N2D2_PARAM_BOOL, "0", NULL, 0, 0, 0,
     "import/export flipped kernels (not implemented yet)"},
    N2D2_CELLS_SPIKE_SPECS_COMMON,
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

static void conv_destroy(void *state);

/* BackPropagate and its Deconv spelling BackPropagation (A44). */
static n2d2_status read_back_propagate(const n2d2_params *p, int *out)
{
    int a = n2d2_params_bool(p, "BackPropagate"), b = n2d2_params_bool(p, "BackPropagation");
    if (n2d2_params_given(p, "BackPropagate") && n2d2_params_given(p, "BackPropagation") && a != b)
        return n2d2_params_error(p, "BackPropagation", N2D2_ERR_INVAL,
                                 "contradicts BackPropagate (%s)", n2d2_params_where(p, "BackPropagate"));
    *out = n2d2_params_given(p, "BackPropagate") ? a : b;
    return N2D2_OK;
}

static n2d2_status read_unsupported(const n2d2_cell *cell, const n2d2_params *p)
{
    n2d2_status st = n2d2_cells_reject_spike_keys(cell, p, n2d2_cells_spike_keys,
                                                  n2d2_cells_spike_key_count);
    if (st == N2D2_OK && n2d2_params_string(p, "BiasesSharing")[0] && n2d2_params_bool(p, "NoBias"))
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

/* Kernel, stride, padding, dilation and subsampling on three axes (Z is
 * used by 3-D inputs only); z_key remembers an explicit Z for the error on
 * a 2-D input. */
static n2d2_status read_geometry(const n2d2_params *p, conv_state *s)
{
    const struct {
        const n2d2_cells_axis_keys *keys;
        int required;
        size_t min, neutral, *out;
    } q[] = {{&kernel_keys, 1, 1, 1, s->kernel},     {&stride_keys, 0, 1, 1, s->stride},
             {&padding_keys, 0, 0, 0, s->padding},   {&dilation_keys, 0, 1, 1, s->dilation},
             {&subsample_keys, 0, 1, 1, s->subsample}};
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

static n2d2_status conv_create(n2d2_cell *cell, const n2d2_params *p, void **state)
{
    n2d2_status st = n2d2_cells_check_dtype(cell);
    if (st == N2D2_OK)
        st = read_unsupported(cell, p);
    if (st != N2D2_OK)
        return st;
    conv_state *s = calloc(1, sizeof *s);
    if (!s)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    s->nb_outputs = (size_t)n2d2_params_uint(p, "NbOutputs");
    s->no_bias = n2d2_params_bool(p, "NoBias");
    st = read_back_propagate(p, &s->back_propagate);
    if (st == N2D2_OK)
        st = read_geometry(p, s);
    if (st != N2D2_OK) {
        conv_destroy(s);
        return st;
    }
    if (!n2d2_params_given(p, "ActivationFunction"))
        n2d2_log_info("%s: [%s] no ActivationFunction: the output is linear (old N2D2 INI files "
                      "relied on a Tanh default, A33)",
                      n2d2_cell_where(cell), n2d2_cell_name(cell));
    *state = s;
    return N2D2_OK;
}

/* Taps per input channel: kh kw, times kd for 3-D inputs. */
static size_t kernel_volume(const conv_state *s)
{
    return s->kernel[0] * s->kernel[1] * (s->vol ? s->kernel[2] : 1);
}

static size_t in_channels(const conv_state *s)
{
    return s->vol ? s->vgeom.channels : s->geom.channels;
}

/* Weights layout and GEMM grouping from the channel map. */
static n2d2_status plan_connectivity(n2d2_cell *cell, conv_state *s)
{
    const n2d2_cells_mapping *m = &s->map;
    s->groups = m->full ? 1 : m->groups;
    s->masked = !m->full && m->groups == 1;
    const size_t channels = s->vol ? s->vgeom.channels : s->geom.channels;
    s->depthwise = !s->vol && s->groups > 1 && s->groups == channels &&
                   s->kernel[0] <= CONV_DEPTHWISE_MAX_KW;
    s->k_group = channels / s->groups * kernel_volume(s);
    s->out_group = s->nb_outputs / s->groups;
    /* wide lowering may use up to OH (W + 2 pad) columns */
    size_t rows = s->k_group * s->groups;
    size_t cols = s->vol ? s->positions : s->geom.out_h * (s->geom.width + 2 * s->geom.pad_w);
    if (cols < s->positions)
        cols = s->positions;
    if (rows > N2D2_CELLS_BLAS_MAX / cols || s->nb_outputs > N2D2_CELLS_BLAS_MAX / cols)
        return n2d2_cell_error(cell, N2D2_ERR_UNSUPPORTED,
                               "the lowered convolution (%zu x %zu) exceeds the BLAS index range",
                               rows, cols);
    return N2D2_OK;
}

/* Map, grouping and logging shared by both dimensionalities. */
static n2d2_status plan_map(n2d2_cell *cell, conv_state *s)
{
    n2d2_status st = n2d2_cells_mapping_build(cell, n2d2_cell_params(cell), in_channels(s),
                                              s->nb_outputs, &s->map);
    return st == N2D2_OK ? plan_connectivity(cell, s) : st;
}

/* {C, D, H, W} input: output {O, OD, OH, OW}, vol2col lowering. */
static n2d2_status infer_3d(n2d2_cell *cell, conv_state *s, const n2d2_shape *in, n2d2_shape *out)
{
    static const char *const axis[3] = {"width", "height", "depth"};
    conv3d_geom *g = &s->vgeom;
    s->vol = 1;
    g->channels = in->dims[0];
    s->positions = 1;
    for (int a = 0; a < 3; ++a) {
        g->in[a] = in->dims[3 - a];
        g->kernel[a] = s->kernel[a];
        g->stride[a] = s->stride[a] * s->subsample[a]; /* as 2-D (A38) */
        g->pad[a] = s->padding[a];
        g->dil[a] = s->dilation[a];
        n2d2_status st = n2d2_cells_out_extent(cell, axis[a], g->in[a], g->kernel[a], g->stride[a],
                                               g->pad[a], g->dil[a], &g->out[a]);
        if (st != N2D2_OK)
            return st;
        s->positions *= g->out[a];
    }
    n2d2_status st = plan_map(cell, s);
    if (st != N2D2_OK)
        return st;
    n2d2_log_debug("%s: [%s] 3-D, %zu groups%s, lowering: vol2col", n2d2_cell_where(cell),
                   n2d2_cell_name(cell), s->groups, s->masked ? " (masked map)" : "");
    out->ndim = 4;
    out->dims[0] = s->nb_outputs;
    out->dims[1] = g->out[2];
    out->dims[2] = g->out[1];
    out->dims[3] = g->out[0];
    return N2D2_OK;
}

static n2d2_status conv_infer(n2d2_cell *cell, void *state, const n2d2_shape *in, size_t n_in,
                              n2d2_shape *out)
{
    (void)n_in;
    conv_state *s = state;
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
    n2d2_cells_conv_geom *g = &s->geom;
    g->channels = in->dims[0];
    g->height = in->dims[1];
    g->width = in->dims[2];
    g->kernel_w = s->kernel[0];
    g->kernel_h = s->kernel[1];
    /* SubSample keeps every SubSample-th output: the same as a larger
     * stride, and out = ceil(out / SubSample) (A38). */
    g->stride_w = s->stride[0] * s->subsample[0];
    g->stride_h = s->stride[1] * s->subsample[1];
    g->pad_w = s->padding[0];
    g->pad_h = s->padding[1];
    g->dil_w = s->dilation[0];
    g->dil_h = s->dilation[1];
    n2d2_status st = n2d2_cells_out_extent(cell, "width", g->width, g->kernel_w, g->stride_w,
                                           g->pad_w, g->dil_w, &g->out_w);
    if (st == N2D2_OK)
        st = n2d2_cells_out_extent(cell, "height", g->height, g->kernel_h, g->stride_h, g->pad_h,
                                   g->dil_h, &g->out_h);
    if (st == N2D2_OK)
        st = n2d2_cells_mapping_build(cell, n2d2_cell_params(cell), g->channels, s->nb_outputs,
                                      &s->map);
    if (st != N2D2_OK)
        return st;
    s->positions = g->out_h * g->out_w;
    st = plan_connectivity(cell, s);
    if (st != N2D2_OK)
        return st;
    n2d2_conv_plan(s);
    st = n2d2_conv_plan_taps(s);
    if (st != N2D2_OK)
        return st;
    static const char *const lowering[] = {"none (batch GEMM)", "none (1x1)", "wide rows", "im2col",
                                           "im2col by table"};
    n2d2_log_debug("%s: [%s] %zu groups%s, lowering: %s, weight gradient: %s",
                   n2d2_cell_where(cell), n2d2_cell_name(cell), s->groups,
                   s->masked ? " (masked map)" : "",
                   s->depthwise ? "none (direct depthwise)" : lowering[s->taps ? 4 : s->lowering],
                   s->dw_transposed ? "dW^T = col dY^T" : "dW = dY col^T");
    out->ndim = 3;
    out->dims[0] = s->nb_outputs;
    out->dims[1] = g->out_h;
    out->dims[2] = g->out_w;
    return N2D2_OK;
}

static n2d2_status build_mask(conv_state *s)
{
    if (!s->masked)
        return N2D2_OK;
    const size_t C = in_channels(s), k = kernel_volume(s);
    s->mask = malloc(s->nb_outputs * C * k);
    if (!s->mask)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    for (size_t o = 0; o < s->nb_outputs; ++o)
        for (size_t c = 0; c < C; ++c)
            memset(s->mask + (o * C + c) * k, s->map.conn[c * s->nb_outputs + o], k);
    return N2D2_OK;
}

static void zero_disconnected(conv_state *s)
{
    const size_t n = n2d2_tensor_numel(s->w);
    for (size_t i = 0; i < n; ++i)
        if (!s->mask[i])
            n2d2_tensor_set(s->w, i, 0.0);
}

static n2d2_status conv_initialize(n2d2_cell *cell, void *state)
{
    conv_state *s = state;
    const n2d2_dtype dt = n2d2_cell_dtype(cell);
    const size_t k = kernel_volume(s), C = in_channels(s);
    /* {O, C/groups, kh, kw}, or {O, C/groups, kd, kh, kw} for 3-D inputs */
    size_t wdims[5] = {s->nb_outputs, C / s->groups, s->kernel[1], s->kernel[0], 0};
    const uint32_t wnd = s->vol ? 5 : 4;
    if (s->vol) {
        wdims[2] = s->kernel[2];
        wdims[3] = s->kernel[1];
        wdims[4] = s->kernel[0];
    }
    s->shared_w = n2d2_params_string(n2d2_cell_params(cell), "WeightsSharing")[0] != '\0';
    if (s->shared_w && s->masked) /* the mask would zero the other cell's weights */
        return n2d2_params_error(n2d2_cell_params(cell), "WeightsSharing", N2D2_ERR_NOT_IMPLEMENTED,
                                 "sharing weights with an explicit Mapping matrix is not "
                                 "implemented yet");
    n2d2_status st = s->shared_w ? n2d2_cells_borrow_param(cell, "WeightsSharing", "weights", dt, wnd, wdims, &s->w)
                                 : n2d2_tensor_new(dt, wnd, wdims, &s->w);
    if (st == N2D2_OK)
        st = n2d2_tensor_new(dt, wnd, wdims, &s->dw);
    if (st == N2D2_OK)
        st = build_mask(s);
    if (st != N2D2_OK)
        return st;
    /* Fans from the map (A29): connected inputs per output, outputs per input. */
    size_t links = 0;
    for (size_t i = 0; i < s->map.n_in * s->map.n_out; ++i)
        links += s->map.conn[i];
    size_t fan_in = (links + s->nb_outputs / 2) / s->nb_outputs;
    size_t fan_out = (links + C / 2) / C;
    fan_in = (fan_in ? fan_in : 1) * k;
    fan_out = (fan_out ? fan_out : 1) * k;
    st = s->shared_w ? N2D2_OK : n2d2_cells_fill(cell, "WeightsFiller", s->w, fan_in, fan_out);
    if (st != N2D2_OK)
        return st;
    if (s->masked)
        zero_disconnected(s);
    st = n2d2_cell_declare_param(cell, "weights", s->w, s->dw, "WeightsSolver");
    if (st != N2D2_OK || s->no_bias)
        return st;
    return n2d2_cells_new_or_shared_bias(cell, dt, s->nb_outputs, fan_in, fan_out, &s->b, &s->db,
                                         &s->shared_b);
}

static n2d2_status reserve_scratch(conv_state *s, n2d2_dtype dt)
{
    return s->vol ? n2d2_conv3d_reserve_scratch(s, dt) : n2d2_conv_reserve_scratch(s, dt);
}

static n2d2_status conv_reserve(n2d2_cell *cell, void *state, size_t batch)
{
    (void)batch;
    return reserve_scratch(state, n2d2_cell_dtype(cell));
}

static n2d2_status conv_forward(n2d2_cell *cell, void *state, const n2d2_tensor *const *in,
                                size_t n_in, n2d2_tensor *out, int training)
{
    (void)training;
    conv_state *s = state;
    n2d2_status st = n2d2_cells_check_inputs(cell, in, n_in, out);
    if (st == N2D2_OK)
        st = reserve_scratch(s, n2d2_tensor_dtype(out));
    if (st != N2D2_OK)
        return st;
    size_t batch = n2d2_tensor_dim(out, 0);
    const int f64 = n2d2_tensor_dtype(out) == N2D2_FLOAT64;
    if (s->vol && f64)
        n2d2_conv3d_forward_f64(s, n2d2_tensor_cdata(in[0]), n2d2_tensor_data(out), batch);
    else if (s->vol)
        n2d2_conv3d_forward_f32(s, n2d2_tensor_cdata(in[0]), n2d2_tensor_data(out), batch);
    else if (f64)
        n2d2_conv_forward_f64(s, n2d2_tensor_cdata(in[0]), n2d2_tensor_data(out), batch);
    else
        n2d2_conv_forward_f32(s, n2d2_tensor_cdata(in[0]), n2d2_tensor_data(out), batch);
    return N2D2_OK;
}

static n2d2_status conv_backward(n2d2_cell *cell, void *state, const n2d2_tensor *const *in,
                                 size_t n_in, const n2d2_tensor *out, const n2d2_tensor *gout,
                                 n2d2_tensor *const *gin, const int *accumulate)
{
    conv_state *s = state;
    n2d2_status st = n2d2_cells_check_inputs(cell, in, n_in, out);
    if (st == N2D2_OK)
        st = reserve_scratch(s, n2d2_tensor_dtype(out));
    if (st != N2D2_OK)
        return st;
    n2d2_tensor *dx = s->back_propagate ? gin[0] : NULL;
    if (!s->back_propagate)
        n2d2_cells_zero_unless_accumulate(gin, accumulate, 1);
    size_t batch = n2d2_tensor_dim(out, 0);
    const int f64 = n2d2_tensor_dtype(out) == N2D2_FLOAT64;
    if (s->vol && f64)
        n2d2_conv3d_backward_f64(s, n2d2_tensor_cdata(in[0]), n2d2_tensor_cdata(gout),
                                 dx ? n2d2_tensor_data(dx) : NULL, accumulate[0], batch);
    else if (s->vol)
        n2d2_conv3d_backward_f32(s, n2d2_tensor_cdata(in[0]), n2d2_tensor_cdata(gout),
                                 dx ? n2d2_tensor_data(dx) : NULL, accumulate[0], batch);
    else if (f64)
        n2d2_conv_backward_f64(s, n2d2_tensor_cdata(in[0]), n2d2_tensor_cdata(gout),
                               dx ? n2d2_tensor_data(dx) : NULL, accumulate[0], batch);
    else
        n2d2_conv_backward_f32(s, n2d2_tensor_cdata(in[0]), n2d2_tensor_cdata(gout),
                               dx ? n2d2_tensor_data(dx) : NULL, accumulate[0], batch);
    return N2D2_OK;
}

static void conv_destroy(void *state)
{
    conv_state *s = state;
    if (!s)
        return;
    n2d2_tensor_release(s->w);
    n2d2_tensor_release(s->dw);
    n2d2_tensor_release(s->b);
    n2d2_tensor_release(s->db);
    n2d2_cells_mapping_free(&s->map);
    free(s->mask);
    free(s->taps);
    n2d2_cells_scratch_free(&s->col, &s->col_cap);
    n2d2_cells_scratch_free(&s->dcol, &s->dcol_cap);
    n2d2_cells_scratch_free(&s->dw_part, &s->dw_part_cap);
    n2d2_cells_scratch_free(&s->wide, &s->wide_cap);
    n2d2_cells_scratch_free(&s->dyt, &s->dyt_cap);
    free(s);
}

/* Multiply-accumulates of the connected weights, per sample. */
static uint64_t conv_macs(n2d2_cell *cell, void *state)
{
    (void)cell;
    const conv_state *s = state;
    uint64_t links = 0;
    for (size_t i = 0; s->map.conn && i < s->map.n_in * s->map.n_out; ++i)
        links += s->map.conn[i];
    return links * kernel_volume(s) * s->positions;
}

/* Free parameters: the connected kernels (not the zeroed entries of a
 * masked map) and the biases, unless borrowed from another cell. */
static uint64_t conv_param_count(n2d2_cell *cell, void *state)
{
    (void)cell;
    const conv_state *s = state;
    uint64_t links = 0;
    for (size_t i = 0; s->map.conn && i < s->map.n_in * s->map.n_out; ++i)
        links += s->map.conn[i];
    return (s->shared_w ? 0 : links * kernel_volume(s)) +
           (s->b && !s->shared_b ? s->nb_outputs : 0);
}

/* BatchNorm fusion: scale each output's kernel, fold the shift into the
 * bias (masked weights stay zero). */
static n2d2_status conv_fold_affine(n2d2_cell *cell, void *state, const double *scale,
                                    const double *shift, size_t n)
{
    conv_state *s = state;
    if (s->shared_w || s->shared_b) /* folding would change the other cell too */
        return n2d2_cell_error(cell, N2D2_ERR_UNSUPPORTED,
                               "cannot fold a BatchNorm into shared weights or biases");
    n2d2_status st = n2d2_cells_fold_affine(cell, s->w, &s->b, &s->db, scale, shift, n);
    if (st == N2D2_OK)
        s->no_bias = 0;
    return st;
}

static const n2d2_cell_ops conv_ops = {
    .struct_size = sizeof(n2d2_cell_ops),
    .create = conv_create,
    .infer = conv_infer,
    .initialize = conv_initialize,
    .reserve = conv_reserve,
    .forward = conv_forward,
    .backward = conv_backward,
    .destroy = conv_destroy,
    .macs = conv_macs,
    .fold_affine = conv_fold_affine,
    .param_count = conv_param_count,
};

static const n2d2_feature conv_feature = {
    .struct_size = sizeof(n2d2_feature),
    .kind = N2D2_KIND_CELL,
    .name = "Conv",
    .model = "Frame",
    .help = "2-D or 3-D convolution (im2col / vol2col + BLAS GEMM, OpenMP over the batch)",
    .params = conv_params,
    .n_params = N2D2_CELLS_COUNT_OF(conv_params),
    .ops = &conv_ops,
};

static n2d2_status register_conv(n2d2_registry *reg)
{
    return n2d2_registry_add(reg, &conv_feature);
}

N2D2_PLUGIN_DEFINE(cell_conv, "1.0.0", "CECILL-C", "Conv cell, model Frame (CPU)", register_conv,
                   NULL)
