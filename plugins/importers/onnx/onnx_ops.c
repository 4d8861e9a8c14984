/* ONNX operators turned into n2d2 cells (manual 7.3). Each translator
 * checks what it supports, names the cell after the node's output (or,
 * when a following Relu/Tanh/... is folded into it, after that node's
 * output) and hands over the initialisers as parameter values. */
#include "onnx_internal.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct act_spec {
    const char *type;   /* n2d2 ActivationFunction */
    double leak, clip;  /* Rectifier options (0 = none) */
} act_spec;

static n2d2_status setk(ox_ctx *c, const char *cell, const char *key, const char *fmt, ...)
    N2D2_PRINTF(4, 5);
static n2d2_status setk(ox_ctx *c, const char *cell, const char *key, const char *fmt, ...)
{
    char value[4096];
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(value, sizeof value, fmt, ap);
    va_end(ap);
    if (len < 0 || (size_t)len >= sizeof value)
        return n2d2_error(N2D2_ERR_UNSUPPORTED, "[%s] value of %s for '%s' is too long",
                          n2d2_import_section(c->imp), key, cell);
    return n2d2_import_set(c->imp, cell, key, value);
}

static n2d2_status produce(ox_value *v, const char *cell, int rank, const int64_t *dims)
{
    if (!v)
        return N2D2_OK;
    v->state = OX_ACT;
    v->rank = rank;
    memmove(v->dims, dims, (size_t)rank * sizeof *dims);
    free(v->cell);
    v->cell = strdup(cell);
    return v->cell ? N2D2_OK : n2d2_error(N2D2_ERR_NOMEM, "out of memory");
}

static ox_value *act_in(ox_ctx *c, const Onnx__NodeProto *n, size_t i)
{
    ox_value *v = ox_in(c, n, i);
    return v && v->state == OX_ACT ? v : NULL;
}

static ox_value *const_in(ox_ctx *c, const Onnx__NodeProto *n, size_t i)
{
    ox_value *v = ox_in(c, n, i);
    return v && v->state == OX_CONST ? v : NULL;
}

/* n2d2 {C, H, W} of an ONNX activation shape (batch first). */
static int n2d2_dims(const ox_value *v, int64_t out[3])
{
    if (v->rank == 2) {
        out[0] = v->dims[1], out[1] = out[2] = 1;
    } else if (v->rank == 3) {
        out[0] = v->dims[1], out[1] = v->dims[2], out[2] = 1;
    } else if (v->rank == 4) {
        out[0] = v->dims[1], out[1] = v->dims[2], out[2] = v->dims[3];
    } else {
        return 0;
    }
    return 1;
}

/* Clip's bounds (attributes before opset 11, inputs after); 0 when they
 * are not constants. */
static int clip_bounds(ox_ctx *c, const Onnx__NodeProto *n, double *lo, double *hi)
{
    *lo = -INFINITY, *hi = INFINITY;
    if (c->opset < 11) {
        *lo = ox_attr_float(n, "min", -INFINITY);
        *hi = ox_attr_float(n, "max", INFINITY);
        return 1;
    }
    ox_value *mn = ox_in(c, n, 1), *mx = ox_in(c, n, 2);
    if ((mn && (mn->state != OX_CONST || mn->numel != 1)) || (mx && (mx->state != OX_CONST || mx->numel != 1)))
        return 0;
    if (mn)
        *lo = mn->data[0];
    if (mx)
        *hi = mx->data[0];
    return 1;
}

static int act_of(ox_ctx *c, const Onnx__NodeProto *n, act_spec *a)
{
    const char *op = n->op_type;
    memset(a, 0, sizeof *a);
    if (strcmp(op, "Relu") == 0)
        a->type = "Rectifier";
    else if (strcmp(op, "LeakyRelu") == 0)
        a->type = "Rectifier", a->leak = ox_attr_float(n, "alpha", 0.01);
    else if (strcmp(op, "Tanh") == 0)
        a->type = "Tanh";
    else if (strcmp(op, "Sigmoid") == 0)
        a->type = "Logistic";
    else if (strcmp(op, "Softplus") == 0)
        a->type = "Softplus";
    else if (strcmp(op, "Clip") == 0) {
        double lo, hi;
        if (!clip_bounds(c, n, &lo, &hi) || lo != 0.0 || !(hi > 0.0))
            return -1; /* only min = 0, max > 0 (manual 7.3) */
        a->type = "Rectifier";
        a->clip = isinf(hi) ? 0.0 : hi;
    } else
        return 0;
    return 1;
}

static n2d2_status set_activation(ox_ctx *c, const char *cell, const act_spec *a)
{
    n2d2_status st = n2d2_import_set(c->imp, cell, "ActivationFunction", a->type);
    if (st == N2D2_OK && a->leak != 0.0)
        st = setk(c, cell, "ActivationFunction.LeakSlope", "%.9g", a->leak);
    if (st == N2D2_OK && a->clip != 0.0)
        st = setk(c, cell, "ActivationFunction.Clipping", "%.9g", a->clip);
    return st;
}

/* The activation node that may be folded into the producer of `v`: its
 * only consumer, not ignored, v not a graph output. Returns the node
 * index or (size_t)-1. */
static size_t fusable(ox_ctx *c, const ox_value *v, act_spec *a)
{
    if (!v || v->graph_output || v->cons_end - v->cons_begin != 1)
        return (size_t)-1;
    size_t i = c->cons[v->cons_begin];
    const Onnx__NodeProto *n = c->graph->node[i];
    if (c->done[i] || !n->n_input || strcmp(n->input[0], v->name) != 0 || !n->n_output)
        return (size_t)-1;
    for (size_t k = 0; k < c->n_ignore; ++k)
        if (strcmp(c->ignore[k], n->output[0]) == 0)
            return (size_t)-1;
    return act_of(c, n, a) == 1 ? i : (size_t)-1;
}

/* Decide the cell's name (folding a following activation) before adding it. */
typedef struct cell_out {
    ox_value *out;      /* the node's output */
    size_t act_node;    /* folded activation node or -1 */
    size_t clip_node;   /* folded Clip after a folded Relu, or -1 */
    act_spec act;
    const char *name;   /* cell name */
} cell_out;

/* Relu then Clip(max) (ReLU6 before opset 11): one clipped Rectifier. */
static void plan_clip(ox_ctx *c, cell_out *o)
{
    o->clip_node = (size_t)-1;
    if (o->act_node == (size_t)-1 || strcmp(o->act.type, "Rectifier") != 0 || o->act.clip != 0.0 ||
        o->act.leak != 0.0)
        return;
    const ox_value *v = ox_find(c, c->graph->node[o->act_node]->output[0]);
    if (!v || v->graph_output || v->cons_end - v->cons_begin != 1)
        return;
    size_t i = c->cons[v->cons_begin];
    const Onnx__NodeProto *n = c->graph->node[i];
    double lo, hi;
    if (c->done[i] || strcmp(n->op_type, "Clip") != 0 || strcmp(n->input[0], v->name) != 0 ||
        !clip_bounds(c, n, &lo, &hi) || lo > 0.0 || !(hi > 0.0) || isinf(hi))
        return;
    for (size_t k = 0; k < c->n_ignore; ++k)
        if (strcmp(c->ignore[k], n->output[0]) == 0)
            return;
    o->clip_node = i;
    o->act.clip = hi;
    o->name = n->output[0];
}

static void plan_out(ox_ctx *c, const Onnx__NodeProto *n, cell_out *o)
{
    o->out = ox_find(c, n->output[0]);
    o->act_node = fusable(c, o->out, &o->act);
    o->name = o->act_node != (size_t)-1 ? c->graph->node[o->act_node]->output[0] : n->output[0];
    plan_clip(c, o);
}

static n2d2_status finish_out(ox_ctx *c, cell_out *o, int rank, const int64_t *dims)
{
    n2d2_status st = produce(o->out, o->name, rank, dims);
    if (st != N2D2_OK || o->act_node == (size_t)-1)
        return st;
    st = set_activation(c, o->name, &o->act);
    if (st == N2D2_OK)
        st = produce(ox_find(c, o->name), o->name, rank, dims);
    if (st == N2D2_OK)
        st = n2d2_import_alias(c->imp, o->out->name, o->name);
    c->done[o->act_node] = 1;
    if (o->clip_node != (size_t)-1) {
        const char *relu_out = c->graph->node[o->act_node]->output[0];
        if (st == N2D2_OK)
            st = produce(ox_find(c, relu_out), o->name, rank, dims);
        if (st == N2D2_OK)
            st = n2d2_import_alias(c->imp, relu_out, o->name);
        c->done[o->clip_node] = 1;
    }
    return st;
}

static n2d2_status give_param(ox_ctx *c, const char *cell, const char *param, const double *data,
                              uint32_t ndim, const size_t *dims)
{
    if (!c->init)
        return N2D2_OK; /* ONNX_init=0: the fillers are used */
    n2d2_tensor *t;
    n2d2_status st = n2d2_tensor_new(N2D2_FLOAT32, ndim, dims, &t);
    if (st != N2D2_OK)
        return st;
    float *f = n2d2_tensor_data(t);
    size_t n = n2d2_tensor_numel(t);
    for (size_t i = 0; i < n; ++i)
        f[i] = (float)data[i];
    st = n2d2_import_set_param(c->imp, cell, param, t);
    n2d2_tensor_release(t);
    return st;
}

static n2d2_status need_rank(ox_ctx *c, const Onnx__NodeProto *n, const ox_value *x, int rank)
{
    if (!x)
        return ox_node_error(c, n, N2D2_ERR_NOT_IMPLEMENTED,
                             "the data input must be computed by the network (not a constant)");
    if (x->rank != rank)
        return ox_node_error(c, n, N2D2_ERR_NOT_IMPLEMENTED, "input '%s' has rank %d; rank %d "
                             "is implemented", x->name, x->rank, rank);
    return N2D2_OK;
}

/* ---- Conv and pooling ---- */

typedef struct window {
    int64_t k[2], s[2], d[2], pad[4]; /* H, W; pads top, left, bottom, right */
} window;

static n2d2_status read_window(ox_ctx *c, const Onnx__NodeProto *n, const ox_value *x, window *w,
                               const int64_t *kernel_from_weights)
{
    int64_t v[8];
    for (int i = 0; i < 2; ++i)
        w->s[i] = w->d[i] = 1;
    memset(w->pad, 0, sizeof w->pad);
    int k = ox_attr_ints(n, "kernel_shape", v, 8);
    if (k == 2)
        w->k[0] = v[0], w->k[1] = v[1];
    else if (kernel_from_weights && k < 0)
        w->k[0] = kernel_from_weights[0], w->k[1] = kernel_from_weights[1];
    else
        return ox_node_error(c, n, N2D2_ERR_NOT_IMPLEMENTED, "only 2-D kernels are implemented");
    if ((k = ox_attr_ints(n, "strides", v, 8)) >= 0) {
        if (k != 2)
            return ox_node_error(c, n, N2D2_ERR_INVAL, "strides must have 2 values");
        w->s[0] = v[0], w->s[1] = v[1];
    }
    if ((k = ox_attr_ints(n, "dilations", v, 8)) >= 0) {
        if (k != 2)
            return ox_node_error(c, n, N2D2_ERR_INVAL, "dilations must have 2 values");
        w->d[0] = v[0], w->d[1] = v[1];
    }
    if ((k = ox_attr_ints(n, "pads", v, 8)) >= 0) {
        if (k != 4)
            return ox_node_error(c, n, N2D2_ERR_INVAL, "pads must have 4 values");
        w->pad[0] = v[0], w->pad[1] = v[1], w->pad[2] = v[2], w->pad[3] = v[3];
    }
    const char *ap = ox_attr_string(n, "auto_pad", "NOTSET");
    if (strcmp(ap, "SAME_UPPER") == 0 || strcmp(ap, "SAME_LOWER") == 0) {
        for (int i = 0; i < 2; ++i) {
            int64_t in = x->dims[2 + i], out = (in + w->s[i] - 1) / w->s[i];
            int64_t total = (out - 1) * w->s[i] + (w->k[i] - 1) * w->d[i] + 1 - in;
            if (total < 0)
                total = 0;
            int64_t small = total / 2, big = total - small;
            w->pad[i] = ap[5] == 'U' ? small : big;
            w->pad[i + 2] = ap[5] == 'U' ? big : small;
        }
    } else if (strcmp(ap, "VALID") != 0 && strcmp(ap, "NOTSET") != 0) {
        return ox_node_error(c, n, N2D2_ERR_INVAL, "unknown auto_pad '%s'", ap);
    }
    for (int i = 0; i < 2; ++i)
        if (w->k[i] < 1 || w->s[i] < 1 || w->d[i] < 1 || w->pad[i] < 0 || w->pad[i + 2] < 0 ||
            w->k[i] > OX_MAX_EXTENT || w->s[i] > OX_MAX_EXTENT || w->d[i] > OX_MAX_EXTENT ||
            w->pad[i] > OX_MAX_EXTENT || w->pad[i + 2] > OX_MAX_EXTENT)
            return ox_node_error(c, n, N2D2_ERR_INVAL, "invalid kernel, stride, dilation or pads");
    return N2D2_OK;
}

static int64_t out_extent(int64_t in, int64_t k, int64_t s, int64_t d, int64_t p0, int64_t p1, int ceil)
{
    int64_t span = in + p0 + p1 - d * (k - 1) - 1;
    if (span < 0)
        return 0;
    return (ceil ? (span + s - 1) / s : span / s) + 1;
}

/* Asymmetric pads become a Padding cell in front; returns the input name. */
static n2d2_status pad_in_front(ox_ctx *c, const char *name, const ox_value *x, window *w,
                                char *input, size_t size)
{
    snprintf(input, size, "%s", x->cell);
    if (w->pad[0] == w->pad[2] && w->pad[1] == w->pad[3])
        return N2D2_OK;
    snprintf(input, size, "%s/pad", name);
    n2d2_status st = n2d2_import_add_cell(c->imp, input, "Padding", x->cell);
    if (st == N2D2_OK)
        st = setk(c, input, "NbOutputs", "%lld", (long long)x->dims[1]);
    if (st == N2D2_OK)
        st = setk(c, input, "TopPadding", "%lld", (long long)w->pad[0]);
    if (st == N2D2_OK)
        st = setk(c, input, "LeftPadding", "%lld", (long long)w->pad[1]);
    if (st == N2D2_OK)
        st = setk(c, input, "BottomPadding", "%lld", (long long)w->pad[2]);
    if (st == N2D2_OK)
        st = setk(c, input, "RightPadding", "%lld", (long long)w->pad[3]);
    memset(w->pad, 0, sizeof w->pad);
    return st;
}

static n2d2_status op_conv(ox_ctx *c, const Onnx__NodeProto *n)
{
    ox_value *x = act_in(c, n, 0), *wt = const_in(c, n, 1), *b = ox_in(c, n, 2);
    n2d2_status st = need_rank(c, n, x, 4);
    if (st != N2D2_OK)
        return st;
    if (!wt || wt->rank != 4)
        return ox_node_error(c, n, N2D2_ERR_NOT_IMPLEMENTED, "the weights must be a constant 4-D tensor");
    if (b && (b->state != OX_CONST || b->numel != (size_t)wt->dims[0]))
        return ox_node_error(c, n, N2D2_ERR_NOT_IMPLEMENTED, "the bias must be a constant of %lld values",
                             (long long)wt->dims[0]);
    int64_t group = ox_attr_int(n, "group", 1);
    if (group < 1 || x->dims[1] % group || wt->dims[0] % group || wt->dims[1] * group != x->dims[1])
        return ox_node_error(c, n, N2D2_ERR_SHAPE, "weights %lld x %lld x %lld x %lld do not fit %lld "
                             "input channels in %lld groups", (long long)wt->dims[0],
                             (long long)wt->dims[1], (long long)wt->dims[2], (long long)wt->dims[3],
                             (long long)x->dims[1], (long long)group);
    window w;
    if ((st = read_window(c, n, x, &w, wt->dims + 2)) != N2D2_OK)
        return st;
    if (w.k[0] != wt->dims[2] || w.k[1] != wt->dims[3])
        return ox_node_error(c, n, N2D2_ERR_SHAPE, "kernel_shape does not match the weights");
    cell_out o;
    plan_out(c, n, &o);
    char input[1024];
    int64_t pads[4];
    memcpy(pads, w.pad, sizeof pads);
    if ((st = pad_in_front(c, o.name, x, &w, input, sizeof input)) != N2D2_OK)
        return st;
    int64_t dims[4] = {1, wt->dims[0], 0, 0};
    for (int i = 0; i < 2; ++i)
        dims[2 + i] = out_extent(x->dims[2 + i], w.k[i], w.s[i], w.d[i], pads[i], pads[i + 2], 0);
    if (dims[2] < 1 || dims[3] < 1)
        return ox_node_error(c, n, N2D2_ERR_SHAPE, "the output would be empty");
    const char *name = o.name;
    st = n2d2_import_add_cell(c->imp, name, "Conv", input);
    if (st == N2D2_OK) st = setk(c, name, "NbOutputs", "%lld", (long long)wt->dims[0]);
    if (st == N2D2_OK) st = setk(c, name, "KernelWidth", "%lld", (long long)w.k[1]);
    if (st == N2D2_OK) st = setk(c, name, "KernelHeight", "%lld", (long long)w.k[0]);
    if (st == N2D2_OK) st = setk(c, name, "StrideX", "%lld", (long long)w.s[1]);
    if (st == N2D2_OK) st = setk(c, name, "StrideY", "%lld", (long long)w.s[0]);
    if (st == N2D2_OK) st = setk(c, name, "PaddingX", "%lld", (long long)w.pad[1]);
    if (st == N2D2_OK) st = setk(c, name, "PaddingY", "%lld", (long long)w.pad[0]);
    if (st == N2D2_OK) st = setk(c, name, "DilationX", "%lld", (long long)w.d[1]);
    if (st == N2D2_OK) st = setk(c, name, "DilationY", "%lld", (long long)w.d[0]);
    if (st == N2D2_OK && group > 1)
        st = setk(c, name, "Mapping.NbGroups", "%lld", (long long)group);
    if (st == N2D2_OK && !b)
        st = n2d2_import_set(c->imp, name, "NoBias", "1");
    size_t wd[4] = {(size_t)wt->dims[0], (size_t)wt->dims[1], (size_t)wt->dims[2], (size_t)wt->dims[3]};
    if (st == N2D2_OK)
        st = give_param(c, name, "weights", wt->data, 4, wd);
    if (st == N2D2_OK && b)
        st = give_param(c, name, "biases", b->data, 1, wd);
    if (st == N2D2_OK)
        st = finish_out(c, &o, 4, dims);
    return st;
}

static n2d2_status op_pool(ox_ctx *c, const Onnx__NodeProto *n, int average, int global)
{
    ox_value *x = act_in(c, n, 0);
    n2d2_status st = need_rank(c, n, x, 4);
    if (st != N2D2_OK)
        return st;
    if (n->n_output > 1 && n->output[1][0])
        return ox_node_error(c, n, N2D2_ERR_NOT_IMPLEMENTED, "the Indices output is not implemented");
    window w;
    memset(&w, 0, sizeof w);
    if (global) {
        w.k[0] = x->dims[2], w.k[1] = x->dims[3];
        w.s[0] = w.s[1] = w.d[0] = w.d[1] = 1;
    } else if ((st = read_window(c, n, x, &w, NULL)) != N2D2_OK) {
        return st;
    }
    if (w.d[0] != 1 || w.d[1] != 1)
        return ox_node_error(c, n, N2D2_ERR_NOT_IMPLEMENTED, "dilated pooling is not implemented");
    int ceil = (int)ox_attr_int(n, "ceil_mode", 0);
    int64_t dims[4] = {1, x->dims[1], 0, 0};
    for (int i = 0; i < 2; ++i) {
        dims[2 + i] = out_extent(x->dims[2 + i], w.k[i], w.s[i], 1, w.pad[i], w.pad[i + 2], 0);
        if (ceil && out_extent(x->dims[2 + i], w.k[i], w.s[i], 1, w.pad[i], w.pad[i + 2], 1) != dims[2 + i])
            return ox_node_error(c, n, N2D2_ERR_NOT_IMPLEMENTED,
                                 "ceil_mode=1 changes the output size here: not implemented");
    }
    int any_pad = w.pad[0] || w.pad[1] || w.pad[2] || w.pad[3];
    if (average && any_pad && ox_attr_int(n, "count_include_pad", 0))
        return ox_node_error(c, n, N2D2_ERR_NOT_IMPLEMENTED, "count_include_pad=1 is not implemented");
    if (any_pad && (w.pad[0] != w.pad[2] || w.pad[1] != w.pad[3]))
        return ox_node_error(c, n, N2D2_ERR_NOT_IMPLEMENTED, "asymmetric pooling pads are not implemented");
    if (dims[2] < 1 || dims[3] < 1)
        return ox_node_error(c, n, N2D2_ERR_SHAPE, "the output would be empty");
    cell_out o;
    plan_out(c, n, &o);
    const char *name = o.name;
    st = n2d2_import_add_cell(c->imp, name, "Pool", x->cell);
    if (st == N2D2_OK) st = n2d2_import_set(c->imp, name, "Pooling", average ? "Average" : "Max");
    if (st == N2D2_OK) st = setk(c, name, "NbOutputs", "%lld", (long long)x->dims[1]);
    if (st == N2D2_OK) st = n2d2_import_set(c->imp, name, "Mapping.Size", "1");
    if (st == N2D2_OK) st = setk(c, name, "PoolWidth", "%lld", (long long)w.k[1]);
    if (st == N2D2_OK) st = setk(c, name, "PoolHeight", "%lld", (long long)w.k[0]);
    if (st == N2D2_OK) st = setk(c, name, "StrideX", "%lld", (long long)w.s[1]);
    if (st == N2D2_OK) st = setk(c, name, "StrideY", "%lld", (long long)w.s[0]);
    if (st == N2D2_OK) st = setk(c, name, "PaddingX", "%lld", (long long)w.pad[1]);
    if (st == N2D2_OK) st = setk(c, name, "PaddingY", "%lld", (long long)w.pad[0]);
    if (st == N2D2_OK)
        st = finish_out(c, &o, 4, dims);
    return st;
}

/* ---- fully connected ---- */

static n2d2_status emit_fc(ox_ctx *c, const Onnx__NodeProto *n, cell_out *o, const ox_value *x,
                           const double *w, size_t n_out, size_t n_in, const double *bias)
{
    size_t per_sample = ox_numel(x->dims + 1, x->rank - 1);
    if (per_sample != n_in)
        return ox_node_error(c, n, N2D2_ERR_SHAPE, "the input has %zu values per sample but the "
                             "weights expect %zu", per_sample, n_in);
    const char *name = o->name;
    n2d2_status st = n2d2_import_add_cell(c->imp, name, "Fc", x->cell);
    if (st == N2D2_OK) st = setk(c, name, "NbOutputs", "%zu", n_out);
    if (st == N2D2_OK && !bias) st = n2d2_import_set(c->imp, name, "NoBias", "1");
    size_t wd[2] = {n_out, n_in};
    if (st == N2D2_OK) st = give_param(c, name, "weights", w, 2, wd);
    if (st == N2D2_OK && bias) st = give_param(c, name, "biases", bias, 1, wd);
    int64_t dims[2] = {1, (int64_t)n_out};
    if (st == N2D2_OK) st = finish_out(c, o, 2, dims);
    return st;
}

static n2d2_status op_gemm(ox_ctx *c, const Onnx__NodeProto *n)
{
    ox_value *x = act_in(c, n, 0), *bm = const_in(c, n, 1), *cm = ox_in(c, n, 2);
    if (!x)
        return ox_node_error(c, n, N2D2_ERR_NOT_IMPLEMENTED, "input A must be computed by the network");
    if (ox_attr_int(n, "transA", 0))
        return ox_node_error(c, n, N2D2_ERR_NOT_IMPLEMENTED, "transA=1 is not implemented (fully-connected only)");
    if (!bm || bm->rank != 2)
        return ox_node_error(c, n, N2D2_ERR_NOT_IMPLEMENTED, "B must be a constant matrix (fully-connected only)");
    int tb = (int)ox_attr_int(n, "transB", 0);
    double alpha = ox_attr_float(n, "alpha", 1.0), beta = ox_attr_float(n, "beta", 1.0);
    size_t n_out = (size_t)(tb ? bm->dims[0] : bm->dims[1]), n_in = (size_t)(tb ? bm->dims[1] : bm->dims[0]);
    if (cm && (cm->state != OX_CONST || (cm->numel != n_out && cm->numel != 1)))
        return ox_node_error(c, n, N2D2_ERR_NOT_IMPLEMENTED, "C must be a constant of 1 or %zu values", n_out);
    double *w = malloc(n_out * n_in * sizeof *w), *bias = cm ? malloc(n_out * sizeof *bias) : NULL;
    if (!w || (cm && !bias)) {
        free(w);
        free(bias);
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    }
    for (size_t o = 0; o < n_out; ++o)
        for (size_t i = 0; i < n_in; ++i)
            w[o * n_in + i] = alpha * (tb ? bm->data[o * n_in + i] : bm->data[i * n_out + o]);
    for (size_t o = 0; cm && o < n_out; ++o)
        bias[o] = beta * cm->data[cm->numel == 1 ? 0 : o];
    cell_out o;
    plan_out(c, n, &o);
    n2d2_status st = emit_fc(c, n, &o, x, w, n_out, n_in, bias);
    free(w);
    free(bias);
    return st;
}

/* MatMul by a constant [I, O] matrix; a following Add of a constant [O]
 * bias is folded in (PyTorch's Linear without Gemm). */
static n2d2_status op_matmul(ox_ctx *c, const Onnx__NodeProto *n)
{
    ox_value *x = act_in(c, n, 0), *bm = const_in(c, n, 1);
    if (!x || !bm || bm->rank != 2 || x->rank != 2)
        return ox_node_error(c, n, N2D2_ERR_NOT_IMPLEMENTED, "only activation [N, I] x constant [I, O] "
                             "is implemented (fully-connected)");
    size_t n_in = (size_t)bm->dims[0], n_out = (size_t)bm->dims[1];
    ox_value *out = ox_find(c, n->output[0]);
    const Onnx__NodeProto *add = NULL;
    const ox_value *bias = NULL;
    size_t add_index = 0;
    if (out && !out->graph_output && out->cons_end - out->cons_begin == 1) {
        add_index = c->cons[out->cons_begin];
        const Onnx__NodeProto *a = c->graph->node[add_index];
        if (strcmp(a->op_type, "Add") == 0 && a->n_input == 2 && a->n_output) {
            const ox_value *other =
                ox_load(c, ox_find(c, strcmp(a->input[0], out->name) == 0 ? a->input[1] : a->input[0]));
            int skip = 0;
            for (size_t k = 0; k < c->n_ignore; ++k)
                skip |= strcmp(c->ignore[k], a->output[0]) == 0;
            if (!skip && other && other->state == OX_CONST && other->numel == n_out)
                add = a, bias = other;
        }
    }
    double *w = malloc(n_out * n_in * sizeof *w);
    if (!w)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    for (size_t o = 0; o < n_out; ++o)
        for (size_t i = 0; i < n_in; ++i)
            w[o * n_in + i] = bm->data[i * n_out + o];
    cell_out o;
    if (add) {
        c->done[add_index] = 1;
        n2d2_status st = produce(out, add->output[0], 2, out->dims); /* placeholder */
        if (st != N2D2_OK) {
            free(w);
            return st;
        }
        o.out = ox_find(c, add->output[0]);
        o.act_node = fusable(c, o.out, &o.act);
        o.name = o.act_node != (size_t)-1 ? c->graph->node[o.act_node]->output[0] : add->output[0];
        plan_clip(c, &o);
        st = n2d2_import_alias(c->imp, n->output[0], o.name);
        if (st != N2D2_OK) {
            free(w);
            return st;
        }
    } else {
        plan_out(c, n, &o);
    }
    n2d2_status st = emit_fc(c, n, &o, x, w, n_out, n_in, bias ? bias->data : NULL);
    if (st == N2D2_OK && add) {
        int64_t dims[2] = {1, (int64_t)n_out};
        st = produce(out, o.name, 2, dims);
    }
    free(w);
    return st;
}

static n2d2_status op_batchnorm(ox_ctx *c, const Onnx__NodeProto *n)
{
    ox_value *x = act_in(c, n, 0);
    if (!x || x->rank < 2)
        return ox_node_error(c, n, N2D2_ERR_NOT_IMPLEMENTED, "the input must be computed by the network");
    if (ox_attr_int(n, "training_mode", 0) || (n->n_output > 1 && n->output[1][0]))
        return ox_node_error(c, n, N2D2_ERR_NOT_IMPLEMENTED, "training mode is not implemented");
    const char *names[4] = {"scales", "biases", "means", "variances"};
    ox_value *p[4];
    size_t ch = (size_t)x->dims[1];
    for (int i = 0; i < 4; ++i)
        if (!(p[i] = const_in(c, n, (size_t)i + 1)) || p[i]->numel != ch)
            return ox_node_error(c, n, N2D2_ERR_NOT_IMPLEMENTED, "input %d must be a constant of %zu values",
                                 i + 1, ch);
    cell_out o;
    plan_out(c, n, &o);
    n2d2_status st = n2d2_import_add_cell(c->imp, o.name, "BatchNorm", x->cell);
    if (st == N2D2_OK) st = setk(c, o.name, "NbOutputs", "%zu", ch);
    if (st == N2D2_OK) st = setk(c, o.name, "Epsilon", "%.9g", ox_attr_float(n, "epsilon", 1e-5));
    for (int i = 0; i < 4 && st == N2D2_OK; ++i)
        st = give_param(c, o.name, names[i], p[i]->data, 1, &ch);
    if (st == N2D2_OK)
        st = finish_out(c, &o, x->rank, x->dims);
    return st;
}

/* ---- element-wise ---- */

static int same_shape(const ox_value *a, const ox_value *b)
{
    if (a->rank != b->rank)
        return 0;
    for (int d = 1; d < a->rank; ++d)
        if (a->dims[d] != b->dims[d])
            return 0;
    return 1;
}

/* A constant that is one value, or one per channel of x (numpy
 * broadcasting: [C], [C,1,1], [1,C,1,1] for NCHW, [C] or [1,C] for [N,C]). */
static int per_channel(const ox_value *k, const ox_value *x)
{
    if (k->numel == 1)
        return 1;
    if (x->rank < 2 || k->rank > x->rank || k->numel != (size_t)x->dims[1])
        return 0;
    int off = x->rank - k->rank;
    for (int d = 0; d < k->rank; ++d)
        if (d + off != 1 && k->dims[d] != 1)
            return 0;
    return off <= 1;
}

static n2d2_status list_values(char *buf, size_t size, const double *v, size_t n, double scale, double add)
{
    size_t used = 0;
    for (size_t i = 0; i < n; ++i) {
        int len = snprintf(buf + used, size - used, "%s%.9g", i ? " " : "", v[i] * scale + add);
        if (len < 0 || (size_t)len >= size - used)
            return n2d2_error(N2D2_ERR_UNSUPPORTED, "too many per-channel coefficients");
        used += (size_t)len;
    }
    return N2D2_OK;
}

static n2d2_status op_binary(ox_ctx *c, const Onnx__NodeProto *n)
{
    const char *op = n->op_type;
    ox_value *a = ox_in(c, n, 0), *b = ox_in(c, n, 1);
    if (!a || !b)
        return ox_node_error(c, n, N2D2_ERR_INVAL, "two inputs are needed");
    cell_out o;
    n2d2_status st;
    if (a->state == OX_ACT && b->state == OX_ACT) {
        if (!same_shape(a, b))
            return ox_node_error(c, n, N2D2_ERR_NOT_IMPLEMENTED, "broadcasting between two computed "
                                 "inputs is not implemented");
        if (strcmp(op, "Div") == 0)
            return ox_node_error(c, n, N2D2_ERR_NOT_IMPLEMENTED, "division by a computed value is not implemented");
        plan_out(c, n, &o);
        char inputs[2048];
        snprintf(inputs, sizeof inputs, "%s,%s", a->cell, b->cell);
        st = n2d2_import_add_cell(c->imp, o.name, "ElemWise", inputs);
        if (st == N2D2_OK) st = setk(c, o.name, "NbOutputs", "%lld", (long long)a->dims[1]);
        if (st == N2D2_OK && strcmp(op, "Mul") == 0) st = n2d2_import_set(c->imp, o.name, "Operation", "Prod");
        if (st == N2D2_OK && strcmp(op, "Sub") == 0) st = n2d2_import_set(c->imp, o.name, "Weights", "1 -1");
        if (st == N2D2_OK) st = finish_out(c, &o, a->rank, a->dims);
        return st;
    }
    /* one computed input, one constant: per-layer or per-channel affine */
    int const_first = a->state == OX_CONST;
    ox_value *x = const_first ? b : a, *k = const_first ? a : b;
    if (!per_channel(k, x))
        return ox_node_error(c, n, N2D2_ERR_NOT_IMPLEMENTED, "the constant operand '%s' must hold one "
                             "value or one per channel", k->name);
    char w[8192] = "1", s[8192] = "0";
    double one = 1.0;
    if (strcmp(op, "Mul") == 0)
        st = list_values(w, sizeof w, k->data, k->numel, 1.0, 0.0);
    else if (strcmp(op, "Add") == 0)
        st = list_values(s, sizeof s, k->data, k->numel, 1.0, 0.0);
    else if (strcmp(op, "Sub") == 0 && !const_first)
        st = list_values(s, sizeof s, k->data, k->numel, -1.0, 0.0);
    else if (strcmp(op, "Sub") == 0) {
        st = list_values(w, sizeof w, &one, 1, -1.0, 0.0);
        if (st == N2D2_OK) st = list_values(s, sizeof s, k->data, k->numel, 1.0, 0.0);
    } else if (!const_first) { /* Div by a constant */
        double *inv = malloc(k->numel * sizeof *inv);
        if (!inv)
            return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
        for (size_t i = 0; i < k->numel; ++i)
            inv[i] = 1.0 / k->data[i];
        st = list_values(w, sizeof w, inv, k->numel, 1.0, 0.0);
        free(inv);
    } else
        return ox_node_error(c, n, N2D2_ERR_NOT_IMPLEMENTED, "division by a computed value is not implemented");
    if (st != N2D2_OK)
        return ox_node_error(c, n, st, "%s", "too many per-channel coefficients");
    plan_out(c, n, &o);
    st = n2d2_import_add_cell(c->imp, o.name, "ElemWise", x->cell);
    if (st == N2D2_OK) st = setk(c, o.name, "NbOutputs", "%lld", (long long)x->dims[1]);
    if (st == N2D2_OK && k->numel > 1) st = n2d2_import_set(c->imp, o.name, "CoeffMode", "PerChannel");
    if (st == N2D2_OK) st = n2d2_import_set(c->imp, o.name, "Weights", w);
    if (st == N2D2_OK) st = n2d2_import_set(c->imp, o.name, "Shifts", s);
    if (st == N2D2_OK) st = finish_out(c, &o, x->rank, x->dims);
    return st;
}

static n2d2_status op_variadic(ox_ctx *c, const Onnx__NodeProto *n, const char *operation)
{
    char inputs[4096] = "";
    size_t used = 0;
    ox_value *first = act_in(c, n, 0);
    for (size_t i = 0; i < n->n_input; ++i) {
        ox_value *v = act_in(c, n, i);
        if (!v || !first || !same_shape(v, first))
            return ox_node_error(c, n, N2D2_ERR_NOT_IMPLEMENTED, "every input must be computed, with one shape");
        used += (size_t)snprintf(inputs + used, used < sizeof inputs ? sizeof inputs - used : 0, "%s%s",
                                 i ? "," : "", v->cell);
    }
    if (used >= sizeof inputs)
        return ox_node_error(c, n, N2D2_ERR_UNSUPPORTED, "too many inputs");
    cell_out o;
    plan_out(c, n, &o);
    n2d2_status st = n2d2_import_add_cell(c->imp, o.name, "ElemWise", inputs);
    if (st == N2D2_OK) st = setk(c, o.name, "NbOutputs", "%lld", (long long)first->dims[1]);
    if (st == N2D2_OK) st = n2d2_import_set(c->imp, o.name, "Operation", operation);
    if (st == N2D2_OK) st = finish_out(c, &o, first->rank, first->dims);
    return st;
}

/* ---- activations, softmax, data movement ---- */

static n2d2_status op_activation(ox_ctx *c, const Onnx__NodeProto *n)
{
    ox_value *x = act_in(c, n, 0);
    act_spec a;
    int kind = act_of(c, n, &a);
    if (kind < 0)
        return ox_node_error(c, n, N2D2_ERR_NOT_IMPLEMENTED, "only Clip with min = 0 and max > 0 is implemented");
    if (!x)
        return ox_node_error(c, n, N2D2_ERR_NOT_IMPLEMENTED, "the input must be computed by the network");
    cell_out o;
    plan_out(c, n, &o);
    n2d2_status st = n2d2_import_add_cell(c->imp, o.name, "Activation", x->cell);
    if (st == N2D2_OK) st = set_activation(c, o.name, &a);
    if (st == N2D2_OK) st = produce(o.out, o.name, x->rank, x->dims);
    return st;
}

static n2d2_status op_concat(ox_ctx *c, const Onnx__NodeProto *n)
{
    ox_value *first = act_in(c, n, 0);
    if (!first)
        return ox_node_error(c, n, N2D2_ERR_NOT_IMPLEMENTED, "mixing constants and computed values is not implemented");
    int64_t axis = ox_attr_int(n, "axis", 1);
    if (axis < 0)
        axis += first->rank;
    if (axis != 1)
        return ox_node_error(c, n, N2D2_ERR_NOT_IMPLEMENTED, "only concatenation on channels (axis 1) is implemented");
    char inputs[4096] = "";
    size_t used = 0;
    int64_t dims[OX_MAX_RANK];
    memcpy(dims, first->dims, sizeof dims);
    dims[1] = 0;
    for (size_t i = 0; i < n->n_input; ++i) {
        ox_value *v = act_in(c, n, i);
        if (!v || v->rank != first->rank)
            return ox_node_error(c, n, N2D2_ERR_NOT_IMPLEMENTED, "every input must be computed, with one rank");
        dims[1] += v->dims[1];
        used += (size_t)snprintf(inputs + used, used < sizeof inputs ? sizeof inputs - used : 0, "%s%s",
                                 i ? "," : "", v->cell);
    }
    if (used >= sizeof inputs)
        return ox_node_error(c, n, N2D2_ERR_UNSUPPORTED, "too many inputs");
    cell_out o;
    plan_out(c, n, &o);
    /* The kernel concatenates several inputs on channels; the cell copies. */
    n2d2_status st = n2d2_import_add_cell(c->imp, o.name, "Activation", inputs);
    if (st == N2D2_OK) st = finish_out(c, &o, first->rank, dims);
    return st;
}

static n2d2_status op_softmax(ox_ctx *c, const Onnx__NodeProto *n)
{
    ox_value *x = act_in(c, n, 0);
    if (!x || x->rank < 2)
        return ox_node_error(c, n, N2D2_ERR_NOT_IMPLEMENTED, "the input must be computed by the network");
    int64_t axis = ox_attr_int(n, "axis", c->opset < 13 ? 1 : -1);
    if (axis < 0)
        axis += x->rank;
    if (axis < 0 || axis >= x->rank)
        return ox_node_error(c, n, N2D2_ERR_INVAL, "axis out of range");
    int ok = axis == 1;
    if (!ok && axis > 1) { /* the same when the axes after channels are 1 */
        ok = 1;
        for (int d = 1; d < x->rank; ++d)
            ok &= d == axis || x->dims[d] == 1;
    }
    if (!ok || (c->opset < 13 && x->rank > 2 && axis == 1 && (x->dims[2] != 1 || x->dims[3] != 1)))
        return ox_node_error(c, n, N2D2_ERR_NOT_IMPLEMENTED, "only softmax over the channels is implemented");
    cell_out o;
    plan_out(c, n, &o);
    int64_t ch = axis == 1 ? x->dims[1] : x->dims[axis];
    n2d2_status st = n2d2_import_add_cell(c->imp, o.name, "Softmax", x->cell);
    if (st == N2D2_OK) st = setk(c, o.name, "NbOutputs", "%lld", (long long)ch);
    if (st == N2D2_OK) st = produce(o.out, o.name, x->rank, x->dims);
    return st;
}

static int only_fc_consumers(ox_ctx *c, const ox_value *v)
{
    if (v->graph_output || v->cons_end == v->cons_begin)
        return 0;
    for (size_t k = v->cons_begin; k < v->cons_end; ++k) {
        const char *op = c->graph->node[c->cons[k]]->op_type;
        if (strcmp(op, "Gemm") != 0 && strcmp(op, "MatMul") != 0)
            return 0;
    }
    return 1;
}

/* Any change of dimensions: nothing when the n2d2 shape stays, nothing when
 * only fully-connected layers read it (they flatten), else a Reshape. */
static n2d2_status reshape_to(ox_ctx *c, const Onnx__NodeProto *n, const ox_value *x, int rank,
                              const int64_t *dims)
{
    ox_value *out = ox_find(c, n->output[0]);
    ox_value probe;
    memset(&probe, 0, sizeof probe);
    probe.rank = rank;
    memcpy(probe.dims, dims, (size_t)rank * sizeof *dims);
    int64_t a[3], b[3];
    if (ox_numel(dims + 1, rank - 1) != ox_numel(x->dims + 1, x->rank - 1))
        return ox_node_error(c, n, N2D2_ERR_SHAPE, "the new shape does not hold the same number of values");
    if (!n2d2_dims(&probe, b))
        return ox_node_error(c, n, N2D2_ERR_NOT_IMPLEMENTED, "results of rank %d are not implemented "
                             "(ranks 2 to 4, batch first)", rank);
    int same = n2d2_dims(x, a) && a[0] == b[0] && a[1] == b[1] && a[2] == b[2];
    if (same || (out && rank == 2 && only_fc_consumers(c, out))) {
        n2d2_status st = produce(out, x->cell, rank, dims);
        return st == N2D2_OK ? n2d2_import_alias(c->imp, n->output[0], x->cell) : st;
    }
    const char *name = n->output[0];
    n2d2_status st = n2d2_import_add_cell(c->imp, name, "Reshape", x->cell);
    if (st == N2D2_OK)
        st = setk(c, name, "Dims", "%lld %lld %lld", (long long)b[2], (long long)b[1], (long long)b[0]);
    if (st == N2D2_OK)
        st = produce(out, name, rank, dims);
    return st;
}

static n2d2_status op_flatten(ox_ctx *c, const Onnx__NodeProto *n)
{
    ox_value *x = act_in(c, n, 0);
    if (!x)
        return ox_node_error(c, n, N2D2_ERR_NOT_IMPLEMENTED, "the input must be computed by the network");
    int64_t axis = ox_attr_int(n, "axis", 1);
    if (axis < 0)
        axis += x->rank;
    if (axis != 1)
        return ox_node_error(c, n, N2D2_ERR_NOT_IMPLEMENTED, "only axis=1 (keep the batch) is implemented");
    int64_t dims[2] = {1, (int64_t)ox_numel(x->dims + 1, x->rank - 1)};
    return reshape_to(c, n, x, 2, dims);
}

static n2d2_status op_reshape(ox_ctx *c, const Onnx__NodeProto *n)
{
    ox_value *x = act_in(c, n, 0), *s = const_in(c, n, 1);
    int64_t target[OX_MAX_RANK];
    int rank = -1;
    if (c->opset < 5)
        rank = ox_attr_ints(n, "shape", target, OX_MAX_RANK);
    else if (s && s->numel <= OX_MAX_RANK) {
        rank = (int)s->numel;
        for (int i = 0; i < rank; ++i)
            target[i] = ox_i64(s->data[i]);
    }
    if (!x || rank < 1 || rank > OX_MAX_RANK)
        return ox_node_error(c, n, N2D2_ERR_NOT_IMPLEMENTED, "only fixed shapes (constant or folded) are implemented");
    /* The first dimension is the batch: whatever it says, it stays. */
    size_t total = ox_numel(x->dims + 1, x->rank - 1), known = 1;
    int infer = -1;
    target[0] = 1;
    for (int i = 1; i < rank; ++i) {
        if (target[i] == 0 && !ox_attr_int(n, "allowzero", 0))
            target[i] = i < x->rank ? x->dims[i] : 1;
        if (target[i] == -1) {
            if (infer >= 0)
                return ox_node_error(c, n, N2D2_ERR_INVAL, "two -1 in the shape");
            infer = i;
        } else if (target[i] < 1) {
            return ox_node_error(c, n, N2D2_ERR_INVAL, "invalid dimension %lld", (long long)target[i]);
        } else {
            known *= (size_t)target[i];
        }
    }
    if (infer >= 0)
        target[infer] = known ? (int64_t)(total / known) : 0;
    return reshape_to(c, n, x, rank, target);
}

static n2d2_status op_squeeze(ox_ctx *c, const Onnx__NodeProto *n, int squeeze)
{
    ox_value *x = act_in(c, n, 0);
    int64_t axes[OX_MAX_RANK], dims[OX_MAX_RANK];
    int k = ox_attr_ints(n, "axes", axes, OX_MAX_RANK);
    if (k < 0) {
        ox_value *a = const_in(c, n, 1);
        k = a && a->numel <= OX_MAX_RANK ? (int)a->numel : -1;
        for (int i = 0; i < k; ++i)
            axes[i] = ox_i64(a->data[i]);
    }
    if (!x || (k < 0 && !squeeze))
        return ox_node_error(c, n, N2D2_ERR_NOT_IMPLEMENTED, "constant axes are needed");
    int rank = 0;
    if (squeeze) {
        for (int d = 0; d < x->rank; ++d) {
            int drop = k < 0 ? d > 0 && x->dims[d] == 1 : 0;
            for (int i = 0; i < k; ++i)
                drop |= (axes[i] < 0 ? axes[i] + x->rank : axes[i]) == d;
            if (drop && d == 0)
                return ox_node_error(c, n, N2D2_ERR_NOT_IMPLEMENTED, "the batch axis cannot be removed");
            if (!drop)
                dims[rank++] = x->dims[d];
        }
    } else {
        rank = x->rank + k;
        if (rank > OX_MAX_RANK)
            return ox_node_error(c, n, N2D2_ERR_NOT_IMPLEMENTED, "too many dimensions");
        for (int d = 0, src = 0; d < rank; ++d) {
            int ins = 0;
            for (int i = 0; i < k; ++i)
                ins |= (axes[i] < 0 ? axes[i] + rank : axes[i]) == d;
            if (ins && d == 0)
                return ox_node_error(c, n, N2D2_ERR_NOT_IMPLEMENTED, "a new axis before the batch is not implemented");
            dims[d] = ins ? 1 : x->dims[src++];
        }
    }
    return reshape_to(c, n, x, rank, dims);
}

static n2d2_status op_transpose(ox_ctx *c, const Onnx__NodeProto *n)
{
    ox_value *x = act_in(c, n, 0);
    n2d2_status st = need_rank(c, n, x, 4);
    if (st != N2D2_OK)
        return st;
    int64_t perm[OX_MAX_RANK] = {0, 3, 2, 1};
    int k = ox_attr_ints(n, "perm", perm, OX_MAX_RANK);
    if (k >= 0 && k != 4)
        return ox_node_error(c, n, N2D2_ERR_INVAL, "perm must have 4 values");
    int seen[4] = {0, 0, 0, 0};
    for (int i = 0; i < 4; ++i) {
        if (perm[i] < 0 || perm[i] > 3 || seen[perm[i]]++)
            return ox_node_error(c, n, N2D2_ERR_INVAL, "perm is not a permutation");
    }
    if (perm[0] != 0)
        return ox_node_error(c, n, N2D2_ERR_NOT_IMPLEMENTED, "moving the batch axis is not implemented");
    /* n2d2 numbers axes X first (W=0, H=1, C=2, batch 3): ONNX axis a is 3 - a */
    int64_t dims[4], np[4];
    for (int i = 0; i < 4; ++i) {
        dims[i] = x->dims[perm[i]];
        np[i] = 3 - perm[3 - i];
    }
    cell_out o;
    plan_out(c, n, &o);
    st = n2d2_import_add_cell(c->imp, o.name, "Transpose", x->cell);
    if (st == N2D2_OK)
        st = setk(c, o.name, "Perm", "%lld %lld %lld %lld", (long long)np[0], (long long)np[1],
                  (long long)np[2], (long long)np[3]);
    if (st == N2D2_OK)
        st = produce(o.out, o.name, 4, dims);
    return st;
}

static n2d2_status op_pass(ox_ctx *c, const Onnx__NodeProto *n);

static n2d2_status op_pad(ox_ctx *c, const Onnx__NodeProto *n)
{
    ox_value *x = act_in(c, n, 0);
    n2d2_status st = need_rank(c, n, x, 4);
    if (st != N2D2_OK)
        return st;
    if (strcmp(ox_attr_string(n, "mode", "constant"), "constant") != 0)
        return ox_node_error(c, n, N2D2_ERR_NOT_IMPLEMENTED, "only mode=constant is implemented");
    int64_t p[8];
    double value = ox_attr_float(n, "value", 0.0);
    int k;
    if (c->opset < 11) {
        k = ox_attr_ints(n, "pads", p, 8);
    } else {
        ox_value *pv = const_in(c, n, 1), *cv = ox_in(c, n, 2);
        k = pv && pv->numel == 8 ? 8 : -1;
        for (int i = 0; i < k; ++i)
            p[i] = ox_i64(pv->data[i]);
        if (cv && (cv->state != OX_CONST || cv->numel != 1))
            return ox_node_error(c, n, N2D2_ERR_NOT_IMPLEMENTED, "the pad value must be a constant");
        if (cv)
            value = cv->data[0];
        if (n->n_input > 3 && n->input[3][0])
            return ox_node_error(c, n, N2D2_ERR_NOT_IMPLEMENTED, "the axes input is not implemented");
    }
    if (k != 8)
        return ox_node_error(c, n, N2D2_ERR_NOT_IMPLEMENTED, "constant pads for the 4 axes are needed");
    for (int i = 0; i < 8; ++i)
        if (p[i] > OX_MAX_EXTENT || p[i] < -OX_MAX_EXTENT)
            return ox_node_error(c, n, N2D2_ERR_INVAL, "pad %lld out of range", (long long)p[i]);
    if (value != 0.0 || p[0] || p[1] || p[4] || p[5])
        return ox_node_error(c, n, N2D2_ERR_NOT_IMPLEMENTED, "only zero padding of height and width is implemented");
    if (!p[2] && !p[3] && !p[6] && !p[7])
        return op_pass(c, n); /* PyTorch pads average pools with zeros */
    int64_t dims[4] = {1, x->dims[1], x->dims[2] + p[2] + p[6], x->dims[3] + p[3] + p[7]};
    if (dims[2] < 1 || dims[3] < 1)
        return ox_node_error(c, n, N2D2_ERR_SHAPE, "the output would be empty");
    cell_out o;
    plan_out(c, n, &o);
    st = n2d2_import_add_cell(c->imp, o.name, "Padding", x->cell);
    if (st == N2D2_OK) st = setk(c, o.name, "NbOutputs", "%lld", (long long)x->dims[1]);
    if (st == N2D2_OK) st = setk(c, o.name, "TopPadding", "%lld", (long long)p[2]);
    if (st == N2D2_OK) st = setk(c, o.name, "LeftPadding", "%lld", (long long)p[3]);
    if (st == N2D2_OK) st = setk(c, o.name, "BottomPadding", "%lld", (long long)p[6]);
    if (st == N2D2_OK) st = setk(c, o.name, "RightPadding", "%lld", (long long)p[7]);
    if (st == N2D2_OK) st = produce(o.out, o.name, 4, dims);
    return st;
}

static n2d2_status op_resize(ox_ctx *c, const Onnx__NodeProto *n, int upsample)
{
    ox_value *x = act_in(c, n, 0);
    n2d2_status st = need_rank(c, n, x, 4);
    if (st != N2D2_OK)
        return st;
    ox_value *scales = NULL, *sizes = NULL;
    if (upsample || c->opset < 11)
        scales = c->opset < 9 ? NULL : const_in(c, n, 1);
    else {
        scales = const_in(c, n, 2);
        sizes = const_in(c, n, 3);
        if (scales && scales->numel == 0)
            scales = NULL;
    }
    double sc[4] = {1, 1, 1, 1};
    int64_t out[2];
    if (sizes && sizes->numel == 4) {
        out[0] = ox_i64(sizes->data[2]), out[1] = ox_i64(sizes->data[3]);
        sc[2] = (double)out[0] / (double)x->dims[2], sc[3] = (double)out[1] / (double)x->dims[3];
    } else if (scales && scales->numel == 4) {
        for (int i = 0; i < 4; ++i)
            sc[i] = scales->data[i];
        out[0] = ox_i64(floor((double)x->dims[2] * sc[2])), out[1] = ox_i64(floor((double)x->dims[3] * sc[3]));
    } else if (upsample && c->opset < 9 && ox_attr(n, "scales")) {
        const Onnx__AttributeProto *a = ox_attr(n, "scales");
        for (size_t i = 0; i < 4 && i < a->n_floats; ++i)
            sc[i] = a->floats[i];
        out[0] = ox_i64(floor((double)x->dims[2] * sc[2])), out[1] = ox_i64(floor((double)x->dims[3] * sc[3]));
    } else {
        return ox_node_error(c, n, N2D2_ERR_NOT_IMPLEMENTED, "constant scales or sizes for the 4 axes are needed");
    }
    if (sc[0] != 1.0 || sc[1] != 1.0 || out[0] < 1 || out[1] < 1 || out[0] > OX_MAX_EXTENT ||
        out[1] > OX_MAX_EXTENT)
        return ox_node_error(c, n, N2D2_ERR_NOT_IMPLEMENTED, "only resizing height and width is implemented");
    const char *mode = ox_attr_string(n, "mode", "nearest");
    char m[16];
    snprintf(m, sizeof m, "%s", mode);
    const char *coord = upsample || c->opset < 11 ? "asymmetric"
                                                  : ox_attr_string(n, "coordinate_transformation_mode", "half_pixel");
    char co[32];
    snprintf(co, sizeof co, "%s", coord);
    const char *nearest = c->opset < 11 ? "floor" : ox_attr_string(n, "nearest_mode", "round_prefer_floor");
    const char *n2d2_mode = NULL, *align = NULL;
    if (strcmp(m, "linear") == 0 || strcmp(m, "bilinear") == 0) {
        if (strcmp(co, "half_pixel") == 0 || (strcmp(co, "pytorch_half_pixel") == 0 && out[0] > 1 && out[1] > 1))
            n2d2_mode = "Bilinear";
        else if (strcmp(co, "asymmetric") == 0)
            n2d2_mode = "BilinearTF", align = "0";
        else if (strcmp(co, "align_corners") == 0)
            n2d2_mode = "BilinearTF", align = "1";
    } else if (strcmp(m, "nearest") == 0) {
        int twice = sc[2] == 2.0 && sc[3] == 2.0;
        int asym = strcmp(co, "asymmetric") == 0;
        if ((asym && (strcmp(nearest, "floor") == 0 || twice)) ||
            (twice && strcmp(co, "half_pixel") == 0 && strcmp(nearest, "round_prefer_floor") == 0))
            n2d2_mode = "NearestNeighbor";
    }
    if (!n2d2_mode)
        return ox_node_error(c, n, N2D2_ERR_NOT_IMPLEMENTED, "mode '%s' with coordinate transformation '%s' "
                             "is not implemented", m, co);
    cell_out o;
    plan_out(c, n, &o);
    st = n2d2_import_add_cell(c->imp, o.name, "Resize", x->cell);
    if (st == N2D2_OK) st = setk(c, o.name, "NbOutputs", "%lld", (long long)x->dims[1]);
    if (st == N2D2_OK) st = setk(c, o.name, "OutputWidth", "%lld", (long long)out[1]);
    if (st == N2D2_OK) st = setk(c, o.name, "OutputHeight", "%lld", (long long)out[0]);
    if (st == N2D2_OK) st = n2d2_import_set(c->imp, o.name, "Mode", n2d2_mode);
    if (st == N2D2_OK && align) st = n2d2_import_set(c->imp, o.name, "AlignCorners", align);
    int64_t dims[4] = {1, x->dims[1], out[0], out[1]};
    if (st == N2D2_OK) st = produce(o.out, o.name, 4, dims);
    return st;
}

/* Dropout (inference), Identity, Cast: the output is the input. */
static n2d2_status op_pass(ox_ctx *c, const Onnx__NodeProto *n)
{
    ox_value *x = act_in(c, n, 0);
    if (!x)
        return ox_node_error(c, n, N2D2_ERR_NOT_IMPLEMENTED, "the input must be computed by the network");
    for (size_t o = 1; o < n->n_output; ++o) {
        ox_value *v = ox_find(c, n->output[o]);
        if (v && v->cons_end > v->cons_begin)
            return ox_node_error(c, n, N2D2_ERR_NOT_IMPLEMENTED, "the mask output is not implemented");
    }
    n2d2_status st = produce(ox_find(c, n->output[0]), x->cell, x->rank, x->dims);
    return st == N2D2_OK ? n2d2_import_alias(c->imp, n->output[0], x->cell) : st;
}

n2d2_status ox_translate(ox_ctx *c, size_t node)
{
    const Onnx__NodeProto *n = c->graph->node[node];
    const char *op = n->op_type;
    if (!n->n_output || !n->output[0][0])
        return ox_node_error(c, n, N2D2_ERR_PARSE, "the node has no output");
    if (strcmp(op, "Conv") == 0)
        return op_conv(c, n);
    if (strcmp(op, "Gemm") == 0)
        return op_gemm(c, n);
    if (strcmp(op, "MatMul") == 0)
        return op_matmul(c, n);
    if (strcmp(op, "BatchNormalization") == 0)
        return op_batchnorm(c, n);
    if (strcmp(op, "MaxPool") == 0 || strcmp(op, "AveragePool") == 0)
        return op_pool(c, n, op[0] == 'A', 0);
    if (strcmp(op, "GlobalAveragePool") == 0 || strcmp(op, "GlobalMaxPool") == 0)
        return op_pool(c, n, op[6] == 'A', 1);
    if (strcmp(op, "Add") == 0 || strcmp(op, "Sub") == 0 || strcmp(op, "Mul") == 0 || strcmp(op, "Div") == 0)
        return op_binary(c, n);
    if (strcmp(op, "Sum") == 0)
        return op_variadic(c, n, "Sum");
    if (strcmp(op, "Max") == 0)
        return op_variadic(c, n, "Max");
    act_spec a;
    if (act_of(c, n, &a) != 0)
        return op_activation(c, n);
    if (strcmp(op, "Concat") == 0)
        return op_concat(c, n);
    if (strcmp(op, "Softmax") == 0)
        return op_softmax(c, n);
    if (strcmp(op, "Flatten") == 0)
        return op_flatten(c, n);
    if (strcmp(op, "Reshape") == 0)
        return op_reshape(c, n);
    if (strcmp(op, "Squeeze") == 0 || strcmp(op, "Unsqueeze") == 0)
        return op_squeeze(c, n, op[0] == 'S');
    if (strcmp(op, "Transpose") == 0)
        return op_transpose(c, n);
    if (strcmp(op, "Pad") == 0)
        return op_pad(c, n);
    if (strcmp(op, "Resize") == 0 || strcmp(op, "Upsample") == 0)
        return op_resize(c, n, op[0] == 'U');
    if (strcmp(op, "Dropout") == 0 || strcmp(op, "Identity") == 0 || strcmp(op, "Cast") == 0)
        return op_pass(c, n);
    return N2D2_ERR_NOT_FOUND;
}
