/* One translator per n2d2 cell type: the ONNX nodes computing what the
 * Frame cell's forward computes at inference. */
#include "onnx_export.h"

#include <stdlib.h>
#include <string.h>

#include "geometry.h"
#include "mapping.h"

static const char *cell_name(const n2d2_cell *cell)
{
    return n2d2_cell_name(cell);
}

static const char *fmt_name(ox_ctx *c, const n2d2_cell *cell, const char *suffix)
{
    return onnx_build_fmt(c->b, "%s_%s", cell_name(cell), suffix);
}

/* ---- Conv ---- */

static const n2d2_cells_axis_keys stride_keys = {"StrideX", "StrideY", "StrideZ", "Stride",
                                                 "StrideDims"};
static const n2d2_cells_axis_keys padding_keys = {"PaddingX", "PaddingY", "PaddingZ", "Padding",
                                                  "PaddingDims"};
static const n2d2_cells_axis_keys dilation_keys = {"DilationX", "DilationY", "DilationZ",
                                                   "Dilation", "DilationDims"};
static const n2d2_cells_axis_keys subsample_keys = {"SubSampleX", "SubSampleY", "SubSampleZ",
                                                    "SubSample", "SubSampleDims"};
static const n2d2_cells_axis_keys pool_keys = {"PoolWidth", "PoolHeight", "PoolDepth", "PoolSize",
                                               "PoolDims"};

/* Attributes are {Y, X} (ONNX spatial order); n2d2 reads {X, Y}. */
static void attr_yx(ox_ctx *c, Onnxw__NodeProto *n, const char *name, const size_t v[2])
{
    int64_t yx[2] = {(int64_t)v[1], (int64_t)v[0]};
    onnx_build_attr_ints(c->b, n, name, yx, 2);
}

static void attr_pads(ox_ctx *c, Onnxw__NodeProto *n, const size_t pad[2])
{
    int64_t p[4] = {(int64_t)pad[1], (int64_t)pad[0], (int64_t)pad[1], (int64_t)pad[0]};
    onnx_build_attr_ints(c->b, n, "pads", p, 4);
}

static n2d2_status need_image(const n2d2_cell *cell, const ox_tensor *in)
{
    if (in->shape.ndim != 3)
        return n2d2_cell_error(cell, N2D2_ERR_NOT_IMPLEMENTED,
                               "ONNX export: only {C, H, W} inputs are implemented yet");
    return N2D2_OK;
}

static n2d2_status ox_conv(ox_ctx *c, n2d2_cell *cell, ox_tensor *const *in, size_t n_in,
                           const char *out_name, ox_tensor *out)
{
    (void)n_in;
    const n2d2_params *p = n2d2_cell_params(cell);
    n2d2_tensor *w = ox_param(cell, "weights"), *bias = ox_param(cell, "biases");
    n2d2_status st = need_image(cell, in[0]);
    if (st == N2D2_OK && (!w || n2d2_tensor_ndim(w) != 4))
        st = n2d2_cell_error(cell, N2D2_ERR_INTERNAL, "no 4-D weights declared");
    size_t stride[2], pad[2], dil[2], sub[2];
    if (st == N2D2_OK)
        st = n2d2_cells_read_axes(p, &stride_keys, 0, 1, 1, stride);
    if (st == N2D2_OK)
        st = n2d2_cells_read_axes(p, &padding_keys, 0, 0, 0, pad);
    if (st == N2D2_OK)
        st = n2d2_cells_read_axes(p, &dilation_keys, 0, 1, 1, dil);
    if (st == N2D2_OK)
        st = n2d2_cells_read_axes(p, &subsample_keys, 0, 1, 1, sub);
    if (st != N2D2_OK)
        return st;
    /* SubSample keeps every SubSample-th output: a larger stride (conv.c).
     * Weights are {O, C/groups, kh, kw}; an irregular Mapping is already a
     * dense tensor with the unconnected kernels at zero. */
    stride[0] *= sub[0];
    stride[1] *= sub[1];
    const size_t *wd = n2d2_tensor_dims(w);
    int64_t wdims[4] = {(int64_t)wd[0], (int64_t)wd[1], (int64_t)wd[2], (int64_t)wd[3]};
    size_t groups = in[0]->shape.dims[0] / wd[1];
    const char *inputs[3] = {ox_nchw(c, in[0]), ox_const_tensor(c, cell, "weights", w, wdims, 4),
                             NULL};
    size_t n = 2;
    if (bias) {
        int64_t bd[1] = {(int64_t)n2d2_tensor_numel(bias)};
        inputs[n++] = ox_const_tensor(c, cell, "biases", bias, bd, 1);
    }
    Onnxw__NodeProto *node = onnx_build_node(c->b, "Conv", out_name, inputs, n, out_name);
    int64_t kernel[2] = {wdims[2], wdims[3]};
    onnx_build_attr_ints(c->b, node, "kernel_shape", kernel, 2);
    attr_yx(c, node, "strides", stride);
    attr_yx(c, node, "dilations", dil);
    attr_pads(c, node, pad);
    onnx_build_attr_int(c->b, node, "group", (int64_t)groups);
    out->name = out_name;
    return N2D2_OK;
}

/* ---- Pool ---- */

/* Pooling is exported per channel: output o must pool input channel o
 * only (`Mapping.Size=1`, `Mapping.ChannelsPerGroup=1`...). */
static n2d2_status check_one_to_one(n2d2_cell *cell, size_t channels, size_t outputs)
{
    n2d2_cells_mapping m;
    memset(&m, 0, sizeof m);
    n2d2_status st = n2d2_cells_mapping_build(cell, n2d2_cell_params(cell), channels, outputs, &m);
    if (st != N2D2_OK)
        return st;
    int ok = channels == outputs;
    for (size_t i = 0; ok && i < channels; ++i)
        for (size_t o = 0; ok && o < outputs; ++o)
            ok = (m.conn[i * outputs + o] != 0) == (i == o);
    n2d2_cells_mapping_free(&m);
    if (!ok)
        return n2d2_cell_error(cell, N2D2_ERR_NOT_IMPLEMENTED,
                               "ONNX export: pooling across channels (a Mapping other than "
                               "output o <- input o, e.g. Mapping.Size=1) is not implemented yet");
    return N2D2_OK;
}

static n2d2_status ox_pool(ox_ctx *c, n2d2_cell *cell, ox_tensor *const *in, size_t n_in,
                           const char *out_name, ox_tensor *out)
{
    (void)n_in;
    const n2d2_params *p = n2d2_cell_params(cell);
    size_t pool[2], stride[2], pad[2];
    n2d2_status st = need_image(cell, in[0]);
    if (st == N2D2_OK)
        st = n2d2_cells_read_axes(p, &pool_keys, 1, 1, 1, pool);
    if (st == N2D2_OK)
        st = n2d2_cells_read_axes(p, &stride_keys, 0, 1, 1, stride);
    if (st == N2D2_OK)
        st = n2d2_cells_read_axes(p, &padding_keys, 0, 0, 0, pad);
    if (st == N2D2_OK)
        st = check_one_to_one(cell, in[0]->shape.dims[0], out->shape.dims[0]);
    if (st != N2D2_OK)
        return st;
    int average = n2d2_params_enum(p, "Pooling") == 1; /* Max|Average */
    const char *x = ox_nchw(c, in[0]);
    int global = pool[0] == in[0]->shape.dims[2] && pool[1] == in[0]->shape.dims[1] &&
                 pad[0] == 0 && pad[1] == 0;
    if (global) {
        onnx_build_node(c->b, average ? "GlobalAveragePool" : "GlobalMaxPool", out_name, &x, 1,
                        out_name);
    } else {
        /* Average excludes the padding (A53): count_include_pad=0, the default */
        Onnxw__NodeProto *node = onnx_build_node(c->b, average ? "AveragePool" : "MaxPool",
                                                out_name, &x, 1, out_name);
        attr_yx(c, node, "kernel_shape", pool);
        attr_yx(c, node, "strides", stride);
        attr_pads(c, node, pad);
    }
    out->name = out_name;
    return N2D2_OK;
}

/* ---- Fc ---- */

static n2d2_status ox_fc(ox_ctx *c, n2d2_cell *cell, ox_tensor *const *in, size_t n_in,
                         const char *out_name, ox_tensor *out)
{
    (void)n_in;
    n2d2_tensor *w = ox_param(cell, "weights"), *bias = ox_param(cell, "biases");
    if (!w || n2d2_tensor_ndim(w) != 2)
        return n2d2_cell_error(cell, N2D2_ERR_INTERNAL, "no 2-D weights declared");
    const char *x = in[0]->name;
    if (!in[0]->flat) { /* per-sample {C, H, W} -> {C H W}, as the cell reads it */
        const char *f = fmt_name(c, cell, "flatten");
        Onnxw__NodeProto *node = onnx_build_node(c->b, "Flatten", f, &x, 1, f);
        onnx_build_attr_int(c->b, node, "axis", 1);
        x = f;
    }
    int64_t wdims[2] = {(int64_t)n2d2_tensor_dim(w, 0), (int64_t)n2d2_tensor_dim(w, 1)};
    const char *inputs[3] = {x, ox_const_tensor(c, cell, "weights", w, wdims, 2), NULL};
    size_t n = 2;
    if (bias) {
        int64_t bd[1] = {wdims[0]};
        inputs[n++] = ox_const_tensor(c, cell, "biases", bias, bd, 1);
    }
    Onnxw__NodeProto *node = onnx_build_node(c->b, "Gemm", out_name, inputs, n, out_name);
    onnx_build_attr_int(c->b, node, "transB", 1);
    out->name = out_name;
    out->flat = 1;
    return N2D2_OK;
}

/* ---- BatchNorm ---- */

static n2d2_status ox_batchnorm(ox_ctx *c, n2d2_cell *cell, ox_tensor *const *in, size_t n_in,
                                const char *out_name, ox_tensor *out)
{
    (void)n_in;
    static const char *const names[4] = {"scales", "biases", "means", "variances"};
    const char *inputs[5] = {ox_nchw(c, in[0])};
    for (int i = 0; i < 4; ++i) {
        n2d2_tensor *t = ox_param(cell, names[i]);
        if (!t)
            return n2d2_cell_error(cell, N2D2_ERR_INTERNAL, "no %s declared", names[i]);
        int64_t d[1] = {(int64_t)n2d2_tensor_numel(t)};
        inputs[i + 1] = ox_const_tensor(c, cell, names[i], t, d, 1);
    }
    double eps = n2d2_params_float(n2d2_cell_params(cell), "Epsilon");
    if (!(eps > 0.0))
        eps = 1e-5; /* the cell's meaning of 0 (A42) */
    Onnxw__NodeProto *node = onnx_build_node(c->b, "BatchNormalization", out_name, inputs, 5,
                                            out_name);
    onnx_build_attr_float(c->b, node, "epsilon", (float)eps);
    out->name = out_name;
    return N2D2_OK;
}

/* ---- ElemWise ---- */

/* List `key` as n_in x C coefficients (elemwise.c's expansion). */
static n2d2_status coefficients(const n2d2_cell *cell, const char *key, size_t n_in, size_t C,
                                double *out)
{
    const n2d2_params *p = n2d2_cell_params(cell);
    int per_channel = n2d2_params_enum(p, "CoeffMode") == 2; /* PerLayer|PerInput|PerChannel */
    int count = n2d2_params_list(p, key, NULL, 0);
    double *v = malloc((count > 0 ? (size_t)count : 1) * sizeof *v);
    if (!v)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    n2d2_params_list(p, key, v, count > 0 ? (size_t)count : 0);
    size_t n = count > 0 ? (size_t)count : 0;
    n2d2_status st = N2D2_OK;
    if (n == 1 || (!per_channel && n == n_in) || (per_channel && (n == C || n == n_in * C))) {
        for (size_t i = 0; i < n_in; ++i)
            for (size_t ch = 0; ch < C; ++ch)
                out[i * C + ch] = v[n == 1 ? 0 : !per_channel ? i : n == C ? ch : i * C + ch];
    } else {
        st = n2d2_params_error(p, key, N2D2_ERR_INVAL, "%zu values do not fit %zu inputs of %zu "
                               "channels", n, n_in, C);
    }
    free(v);
    return st;
}

/* A constant of C per-channel values broadcasting over {N, C, ...}; a
 * scalar when they are all equal. */
static const char *channel_const(ox_ctx *c, const char *name, const double *v, size_t C,
                                 uint32_t ndim)
{
    int same = 1;
    for (size_t ch = 1; same && ch < C; ++ch)
        same = v[ch] == v[0];
    if (same)
        return ox_const_values(c, name, v, NULL, 0);
    int64_t dims[N2D2_MAX_DIMS];
    dims[0] = (int64_t)C;
    for (uint32_t i = 1; i < ndim; ++i)
        dims[i] = 1;
    return ox_const_values(c, name, v, dims, ndim);
}

static int all_equal(const double *v, size_t n, double x)
{
    for (size_t i = 0; i < n; ++i)
        if (v[i] != x)
            return 0;
    return 1;
}

static const char *binary(ox_ctx *c, const char *op, const char *a, const char *b, const char *out)
{
    const char *in[2] = {a, b};
    onnx_build_node(c->b, op, out, in, 2, out);
    return out;
}

static n2d2_status ox_elemwise(ox_ctx *c, n2d2_cell *cell, ox_tensor *const *in, size_t n_in,
                               const char *out_name, ox_tensor *out)
{
    const n2d2_params *p = n2d2_cell_params(cell);
    const int op = n2d2_params_enum(p, "Operation"); /* Sum|AbsSum|EuclideanSum|Prod|Max */
    const size_t C = out->shape.dims[0];
    const uint32_t nd = out->shape.ndim;
    double *w = malloc(2 * n_in * C * sizeof *w);
    const char **terms = calloc(n_in, sizeof *terms);
    if (!w || !terms) {
        free(w);
        free(terms);
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    }
    double *s = w + n_in * C;
    n2d2_status st = coefficients(cell, "Weights", n_in, C, w);
    if (st == N2D2_OK)
        st = coefficients(cell, "Shifts", n_in, C, s);
    if (st != N2D2_OK) {
        free(w);
        free(terms);
        return st;
    }
    const int weighted = op <= 2; /* Sum, AbsSum, EuclideanSum */
    const char *name = cell_name(cell);
    for (size_t i = 0; i < n_in; ++i) {
        terms[i] = ox_nchw(c, in[i]);
        if (op == 1) {
            const char *a = onnx_build_fmt(c->b, "%s_abs%zu", name, i);
            onnx_build_node(c->b, "Abs", a, &terms[i], 1, a);
            terms[i] = a;
        }
        if (weighted && !all_equal(w + i * C, C, 1.0))
            terms[i] = binary(c, "Mul", terms[i],
                              channel_const(c, onnx_build_fmt(c->b, "%s.weights%zu", name, i),
                                            w + i * C, C, nd),
                              onnx_build_fmt(c->b, "%s_w%zu", name, i));
        if (op == 2) { /* (w x + s)^2 */
            if (!all_equal(s + i * C, C, 0.0))
                terms[i] = binary(c, "Add", terms[i],
                                  channel_const(c, onnx_build_fmt(c->b, "%s.shifts%zu", name, i),
                                                s + i * C, C, nd),
                                  onnx_build_fmt(c->b, "%s_s%zu", name, i));
            terms[i] = binary(c, "Mul", terms[i], terms[i], onnx_build_fmt(c->b, "%s_sq%zu", name, i));
        }
    }
    /* Sum: the shifts of all inputs add up to one constant, total[ch] */
    double *total = s;
    for (size_t ch = 0; op == 0 && ch < C; ++ch)
        for (size_t i = 1; i < n_in; ++i)
            total[ch] += s[i * C + ch];
    const int add_shift = op == 0 && !all_equal(total, C, 0.0);
    const char *acc = (op == 2 || add_shift) ? fmt_name(c, cell, "sum") : out_name;
    if (n_in == 1) {
        onnx_build_node(c->b, "Identity", acc, terms, 1, acc);
    } else if (op == 3) { /* Mul is binary: a chain */
        const char *prod = terms[0];
        for (size_t i = 1; i < n_in; ++i)
            prod = binary(c, "Mul", prod, terms[i],
                          i + 1 == n_in ? acc : onnx_build_fmt(c->b, "%s_prod%zu", name, i));
    } else {
        onnx_build_node(c->b, op == 4 ? "Max" : "Sum", acc, terms, n_in, acc);
    }
    if (add_shift)
        binary(c, "Add", acc, channel_const(c, onnx_build_fmt(c->b, "%s.shifts", name), total, C, nd),
               out_name);
    else if (op == 2)
        onnx_build_node(c->b, "Sqrt", out_name, &acc, 1, out_name);
    free(w);
    free(terms);
    out->name = out_name;
    return N2D2_OK;
}

/* ---- Softmax ---- */

static n2d2_status ox_softmax(ox_ctx *c, n2d2_cell *cell, ox_tensor *const *in, size_t n_in,
                              const char *out_name, ox_tensor *out)
{
    (void)n_in;
    size_t group = (size_t)n2d2_params_uint(n2d2_cell_params(cell), "GroupSize");
    const size_t C = in[0]->shape.dims[0];
    if (group == 0 || group == C) {
        /* over channels at every position; opset 13 Softmax is per axis */
        const char *x = in[0]->flat ? in[0]->name : ox_nchw(c, in[0]);
        Onnxw__NodeProto *node = onnx_build_node(c->b, "Softmax", out_name, &x, 1, out_name);
        onnx_build_attr_int(c->b, node, "axis", 1);
        out->name = out_name;
        out->flat = in[0]->flat;
        return N2D2_OK;
    }
    /* groups of `group` consecutive channels: {N, C/g, g, positions} */
    size_t positions = n2d2_shape_numel(&in[0]->shape) / C;
    int64_t gshape[4] = {0, (int64_t)(C / group), (int64_t)group, (int64_t)positions};
    const char *x = ox_nchw(c, in[0]);
    const char *shaped = binary(c, "Reshape", x,
                                ox_const_ints(c, onnx_build_fmt(c->b, "%s.group_shape", cell_name(cell)), gshape, 4),
                                fmt_name(c, cell, "groups"));
    const char *sm = fmt_name(c, cell, "softmax");
    Onnxw__NodeProto *node = onnx_build_node(c->b, "Softmax", sm, &shaped, 1, sm);
    onnx_build_attr_int(c->b, node, "axis", 2);
    int64_t back[N2D2_MAX_DIMS + 1] = {0};
    for (uint32_t i = 0; i < in[0]->shape.ndim; ++i)
        back[i + 1] = (int64_t)in[0]->shape.dims[i];
    binary(c, "Reshape", sm,
           ox_const_ints(c, onnx_build_fmt(c->b, "%s.shape", cell_name(cell)), back, in[0]->shape.ndim + 1),
           out_name);
    out->name = out_name;
    return N2D2_OK;
}

/* ---- shape-only and identity cells ---- */

/* Dropout (identity at inference), Activation (the kernel applies its
 * ActivationFunction after it): the output is the input. */
static n2d2_status ox_identity(ox_ctx *c, n2d2_cell *cell, ox_tensor *const *in, size_t n_in,
                               const char *out_name, ox_tensor *out)
{
    (void)c;
    (void)cell;
    (void)n_in;
    (void)out_name;
    *out = *in[0];
    return N2D2_OK;
}

static int64_t pad_value(const n2d2_params *p, const char *name, const char *alias)
{
    return n2d2_params_given(p, alias) ? n2d2_params_int(p, alias) : n2d2_params_int(p, name);
}

static n2d2_status ox_padding(ox_ctx *c, n2d2_cell *cell, ox_tensor *const *in, size_t n_in,
                              const char *out_name, ox_tensor *out)
{
    (void)n_in;
    n2d2_status st = need_image(cell, in[0]);
    if (st != N2D2_OK)
        return st;
    const n2d2_params *p = n2d2_cell_params(cell);
    /* begin (N C H W) then end; negative values crop, as the cell does */
    int64_t pads[8] = {0, 0, pad_value(p, "TopPadding", "TopPad"),
                       pad_value(p, "LeftPadding", "LeftPad"), 0, 0,
                       pad_value(p, "BottomPadding", "BotPad"),
                       pad_value(p, "RightPadding", "RightPad")};
    binary(c, "Pad", ox_nchw(c, in[0]),
           ox_const_ints(c, onnx_build_fmt(c->b, "%s.pads", cell_name(cell)), pads, 8), out_name);
    out->name = out_name;
    return N2D2_OK;
}

static n2d2_status ox_reshape(ox_ctx *c, n2d2_cell *cell, ox_tensor *const *in, size_t n_in,
                              const char *out_name, ox_tensor *out)
{
    (void)n_in;
    int64_t shape[N2D2_MAX_DIMS + 1] = {0}; /* 0: the batch dimension */
    for (uint32_t i = 0; i < out->shape.ndim; ++i)
        shape[i + 1] = (int64_t)out->shape.dims[i];
    binary(c, "Reshape", in[0]->name,
           ox_const_ints(c, onnx_build_fmt(c->b, "%s.shape", cell_name(cell)), shape,
                         out->shape.ndim + 1),
           out_name);
    out->name = out_name;
    return N2D2_OK;
}

static n2d2_status ox_transpose(ox_ctx *c, n2d2_cell *cell, ox_tensor *const *in, size_t n_in,
                                const char *out_name, ox_tensor *out)
{
    (void)n_in;
    double perm[N2D2_MAX_DIMS + 1];
    const uint32_t D = in[0]->shape.ndim;
    int n = n2d2_params_list(n2d2_cell_params(cell), "Perm", perm, N2D2_MAX_DIMS + 1);
    if (n != (int)D && n != (int)D + 1)
        return n2d2_cell_error(cell, N2D2_ERR_SHAPE, "Perm has %d values for %u axes", n, D);
    /* Perm is X first: output shape axis D-1-i is input shape axis
     * D-1-Perm[i] (transpose.c); ONNX axes are shifted by the batch */
    int64_t onnx_perm[N2D2_MAX_DIMS + 1] = {0};
    for (uint32_t i = 0; i < D; ++i)
        onnx_perm[1 + (D - 1 - i)] = 1 + (int64_t)(D - 1 - (uint32_t)perm[i]);
    const char *x = ox_nchw(c, in[0]);
    Onnxw__NodeProto *node = onnx_build_node(c->b, "Transpose", out_name, &x, 1, out_name);
    onnx_build_attr_ints(c->b, node, "perm", onnx_perm, D + 1);
    out->name = out_name;
    return N2D2_OK;
}

static n2d2_status ox_scaling(ox_ctx *c, n2d2_cell *cell, ox_tensor *const *in, size_t n_in,
                              const char *out_name, ox_tensor *out)
{
    (void)n_in;
    const size_t C = in[0]->shape.dims[0];
    double *f = malloc(C * sizeof *f);
    if (!f)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    int n = n2d2_params_list(n2d2_cell_params(cell), "Scaling", f, C);
    for (size_t ch = 1; n == 1 && ch < C; ++ch)
        f[ch] = f[0];
    binary(c, "Mul", ox_nchw(c, in[0]),
           channel_const(c, onnx_build_fmt(c->b, "%s.scaling", cell_name(cell)), f, C,
                         in[0]->shape.ndim),
           out_name);
    free(f);
    out->name = out_name;
    return N2D2_OK;
}

static n2d2_status ox_resize(ox_ctx *c, n2d2_cell *cell, ox_tensor *const *in, size_t n_in,
                             const char *out_name, ox_tensor *out)
{
    (void)n_in;
    n2d2_status st = need_image(cell, in[0]);
    if (st != N2D2_OK)
        return st;
    const n2d2_params *p = n2d2_cell_params(cell);
    const int mode = n2d2_params_enum(p, "Mode"); /* Bilinear|BilinearTF|NearestNeighbor */
    const char *x = ox_nchw(c, in[0]);
    /* sizes = {N, C} of the input followed by {OH, OW}: the batch stays free */
    const char *shape = fmt_name(c, cell, "in_shape");
    onnx_build_node(c->b, "Shape", shape, &x, 1, shape);
    int64_t zero = 0, two = 2;
    const char *sl[3] = {shape, ox_const_ints(c, onnx_build_fmt(c->b, "%s.nc_begin", cell_name(cell)), &zero, 1),
                         ox_const_ints(c, onnx_build_fmt(c->b, "%s.nc_end", cell_name(cell)), &two, 1)};
    const char *nc = fmt_name(c, cell, "nc");
    onnx_build_node(c->b, "Slice", nc, sl, 3, nc);
    int64_t hw[2] = {(int64_t)out->shape.dims[1], (int64_t)out->shape.dims[2]};
    const char *cat[2] = {nc, ox_const_ints(c, onnx_build_fmt(c->b, "%s.out_hw", cell_name(cell)), hw, 2)};
    const char *sizes = fmt_name(c, cell, "sizes");
    Onnxw__NodeProto *cn = onnx_build_node(c->b, "Concat", sizes, cat, 2, sizes);
    onnx_build_attr_int(c->b, cn, "axis", 0);
    const char *rin[4] = {x, "", "", sizes};
    Onnxw__NodeProto *node = onnx_build_node(c->b, "Resize", out_name, rin, 4, out_name);
    if (mode == 2) { /* in[floor(d in / out)] */
        onnx_build_attr_string(c->b, node, "mode", "nearest");
        onnx_build_attr_string(c->b, node, "coordinate_transformation_mode", "asymmetric");
        onnx_build_attr_string(c->b, node, "nearest_mode", "floor");
    } else {
        int align = mode == 1 && n2d2_params_bool(p, "AlignCorners");
        onnx_build_attr_string(c->b, node, "mode", "linear");
        onnx_build_attr_string(c->b, node, "coordinate_transformation_mode",
                               mode == 0 ? "half_pixel" : align ? "align_corners" : "asymmetric");
    }
    out->name = out_name;
    return N2D2_OK;
}

/* ---- the table ---- */

static const struct {
    const char *type;
    ox_cell_fn fn;
} translators[] = {
    {"Conv", ox_conv},           {"Pool", ox_pool},         {"Fc", ox_fc},
    {"BatchNorm", ox_batchnorm}, {"ElemWise", ox_elemwise}, {"Softmax", ox_softmax},
    {"Activation", ox_identity}, {"Dropout", ox_identity},  {"Padding", ox_padding},
    {"Reshape", ox_reshape},     {"Transpose", ox_transpose}, {"Scaling", ox_scaling},
    {"Resize", ox_resize},
};

ox_cell_fn ox_cell_translator(const char *type)
{
    for (size_t i = 0; i < sizeof translators / sizeof translators[0]; ++i)
        if (strcmp(translators[i].type, type) == 0)
            return translators[i].fn;
    return NULL;
}

const char *ox_cell_types(void)
{
    return "Conv, Pool, Fc, BatchNorm, ElemWise, Softmax, Activation, Dropout, Padding, Reshape, "
           "Transpose, Scaling, Resize";
}
