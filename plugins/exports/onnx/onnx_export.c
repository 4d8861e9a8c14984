/* Walks an n2d2 graph in topological order and writes the ONNX graph:
 * the stimuli input, one or a few nodes per cell, the cell's
 * ActivationFunction as ONNX activation nodes, and the network outputs. */
#include "onnx_export.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *ox_nchw(ox_ctx *c, ox_tensor *t)
{
    if (!t->flat)
        return t->name;
    if (t->nchw)
        return t->nchw;
    int64_t shape[N2D2_MAX_DIMS + 1] = {0}; /* 0 keeps the batch dimension */
    for (uint32_t i = 0; i < t->shape.ndim; ++i)
        shape[i + 1] = (int64_t)t->shape.dims[i];
    const char *sname = ox_const_ints(c, onnx_build_fmt(c->b, "%s.nchw_shape", t->name), shape,
                                      t->shape.ndim + 1);
    const char *out = onnx_build_fmt(c->b, "%s_nchw", t->name);
    const char *in[] = {t->name, sname};
    onnx_build_node(c->b, "Reshape", out, in, 2, out);
    t->nchw = out;
    return out;
}

const char *ox_const_values(ox_ctx *c, const char *name, const double *v, const int64_t *dims,
                            size_t ndim)
{
    size_t n = 1;
    for (size_t i = 0; i < ndim; ++i)
        n *= (size_t)dims[i];
    float *f = malloc((n ? n : 1) * sizeof *f);
    if (!f)
        return NULL;
    for (size_t i = 0; i < n; ++i)
        f[i] = (float)v[i];
    const char *r = onnx_build_const_float(c->b, name, dims, ndim, f);
    free(f);
    return r;
}

const char *ox_const_tensor(ox_ctx *c, const n2d2_cell *cell, const char *what,
                            const n2d2_tensor *t, const int64_t *dims, size_t ndim)
{
    size_t n = n2d2_tensor_numel(t);
    float *f = malloc((n ? n : 1) * sizeof *f);
    if (!f)
        return NULL;
    for (size_t i = 0; i < n; ++i)
        f[i] = (float)n2d2_tensor_get(t, i);
    const char *r = onnx_build_const_float(c->b, onnx_build_fmt(c->b, "%s.%s", n2d2_cell_name(cell), what),
                                           dims, ndim, f);
    free(f);
    return r;
}

const char *ox_const_ints(ox_ctx *c, const char *name, const int64_t *v, size_t n)
{
    int64_t dims[1] = {(int64_t)n};
    return onnx_build_const_int64(c->b, name, dims, 1, v);
}

n2d2_tensor *ox_param(const n2d2_cell *cell, const char *name)
{
    for (size_t i = 0; i < n2d2_cell_param_count(cell); ++i)
        if (strcmp(n2d2_cell_param_name(cell, i), name) == 0)
            return n2d2_cell_param_value(cell, i);
    return NULL;
}

/* ---- activations ---- */

typedef struct act_plan {
    const char *type;      /* NULL: none */
    double p0, p1;         /* per type, see emit_activation */
} act_plan;

static int schema_declares(const n2d2_feature *f, const char *name)
{
    for (size_t i = 0; f && i < f->n_params; ++i)
        if (strcmp(f->params[i].name, name) == 0)
            return 1;
    return 0;
}

/* What the kernel applies after the cell (kernel/cell_activation.c): the
 * ActivationFunction of a cell type that declares it, with its
 * ActivationFunction.* options. */
static n2d2_status plan_activation(ox_ctx *c, const n2d2_cell *cell, act_plan *a)
{
    memset(a, 0, sizeof *a);
    const n2d2_feature *cf = n2d2_registry_find(c->reg, N2D2_KIND_CELL, n2d2_cell_type(cell),
                                                n2d2_cell_model(cell));
    if (!schema_declares(cf, "ActivationFunction"))
        return N2D2_OK;
    const n2d2_params *p = n2d2_cell_params(cell);
    const char *type = n2d2_params_string(p, "ActivationFunction");
    if (!type || !type[0])
        return N2D2_OK;
    const n2d2_feature *af = n2d2_registry_find(c->reg, N2D2_KIND_ACTIVATION, type, NULL);
    if (!af)
        return n2d2_cell_error(cell, N2D2_ERR_NOT_FOUND, "unknown ActivationFunction '%s'", type);
    n2d2_params *ap = NULL;
    const char *prefix[] = {"ActivationFunction."};
    n2d2_status st = n2d2_params_sub(p, prefix, 1, af->params, af->n_params, &ap);
    if (st != N2D2_OK)
        return st;
    if (strcmp(type, "Rectifier") == 0) {
        a->p0 = n2d2_params_float(ap, "LeakSlope");
        a->p1 = n2d2_params_float(ap, "Clipping");
    } else if (strcmp(type, "Tanh") == 0) {
        a->p0 = n2d2_params_float(ap, "Alpha");
    } else if (strcmp(type, "TanhLeCun") == 0) {
        a->p0 = 1.7159 * (2.0 / 3.0); /* act_tanh.c: tanh(1.7159 x 2/3 x), decision A34 */
        type = "Tanh";
    } else if (strcmp(type, "Linear") == 0) {
        a->p0 = n2d2_params_float(ap, "Clipping");
        if (!(a->p0 > 0.0))
            type = NULL; /* identity */
    } else if (strcmp(type, "Saturation") == 0) {
        a->p0 = n2d2_params_float(ap, "Threshold");
        type = "Linear";
    } else if (strcmp(type, "LogisticWithLoss") == 0) {
        type = "Logistic";
    } else if (strcmp(type, "Logistic") != 0 && strcmp(type, "Softplus") != 0 &&
               strcmp(type, "Swish") != 0) {
        n2d2_params_free(ap);
        return n2d2_cell_error(cell, N2D2_ERR_NOT_IMPLEMENTED,
                               "ActivationFunction=%s has no ONNX export yet (exported: Rectifier, "
                               "Logistic, LogisticWithLoss, Tanh, TanhLeCun, Softplus, Swish, "
                               "Saturation, Linear)", type);
    }
    n2d2_params_free(ap);
    a->type = type;
    return N2D2_OK;
}

static const char *unary(ox_ctx *c, const char *op, const char *x, const char *out)
{
    onnx_build_node(c->b, op, out, &x, 1, out);
    return out;
}

static const char *scalar(ox_ctx *c, const char *cell, const char *what, double v)
{
    return ox_const_values(c, onnx_build_fmt(c->b, "%s.%s", cell, what), &v, NULL, 0);
}

/* y = clip(x, lo, hi); a NULL bound is open. */
static void clip(ox_ctx *c, const char *cell, const char *x, const double *lo, const double *hi,
                 const char *out)
{
    const char *in[3] = {x, lo ? scalar(c, cell, "clip_min", *lo) : "",
                         hi ? scalar(c, cell, "clip_max", *hi) : ""};
    onnx_build_node(c->b, "Clip", out, in, hi ? 3 : 2, out);
}

static void emit_activation(ox_ctx *c, const n2d2_cell *cell, const act_plan *a, const char *x,
                            const char *out)
{
    const char *name = n2d2_cell_name(cell);
    if (strcmp(a->type, "Rectifier") == 0) {
        const char *r = a->p1 > 0.0 ? onnx_build_fmt(c->b, "%s_relu", name) : out;
        if (a->p0 > 0.0) {
            Onnxw__NodeProto *n = onnx_build_node(c->b, "LeakyRelu", r, &x, 1, r);
            onnx_build_attr_float(c->b, n, "alpha", (float)a->p0);
        } else {
            unary(c, "Relu", x, r);
        }
        if (a->p1 > 0.0) /* leaky values stay below 0, only the top is capped */
            clip(c, name, r, NULL, &a->p1, out);
    } else if (strcmp(a->type, "Tanh") == 0) {
        if (a->p0 != 1.0) {
            const char *in[] = {x, scalar(c, name, "tanh_alpha", a->p0)};
            x = onnx_build_fmt(c->b, "%s_scaled", name);
            onnx_build_node(c->b, "Mul", x, in, 2, x);
        }
        unary(c, "Tanh", x, out);
    } else if (strcmp(a->type, "Logistic") == 0) {
        unary(c, "Sigmoid", x, out);
    } else if (strcmp(a->type, "Softplus") == 0) {
        unary(c, "Softplus", x, out);
    } else if (strcmp(a->type, "Swish") == 0) { /* x sigmoid(x) */
        const char *in[] = {x, unary(c, "Sigmoid", x, onnx_build_fmt(c->b, "%s_sigmoid", name))};
        onnx_build_node(c->b, "Mul", out, in, 2, out);
    } else { /* Linear with Clipping, Saturation: clamp to [-p0, p0] */
        double lo = -a->p0;
        clip(c, name, x, &lo, &a->p0, out);
    }
}

/* ---- the walk ---- */

static ox_tensor *find_input(const n2d2_graph *g, ox_tensor *stimuli, ox_tensor *cells,
                             const char *name)
{
    if (strcmp(name, n2d2_graph_input_section(g)) == 0)
        return stimuli;
    for (size_t i = 0; i < n2d2_graph_cell_count(g); ++i)
        if (strcmp(n2d2_cell_name(n2d2_graph_cell_at(g, i)), name) == 0)
            return &cells[i];
    return NULL;
}

static int takes_inputs_apart(ox_ctx *c, const n2d2_cell *cell)
{
    const n2d2_feature *f = n2d2_registry_find(c->reg, N2D2_KIND_CELL, n2d2_cell_type(cell),
                                               n2d2_cell_model(cell));
    const n2d2_cell_ops *ops = f ? f->ops : NULL;
    return ops && (ops->flags & N2D2_CELL_MULTI_INPUT);
}

/* Several inputs of a cell that takes one: concatenated on channels. */
static n2d2_status concat_inputs(ox_ctx *c, n2d2_cell *cell, ox_tensor *const *in, size_t n,
                                 ox_tensor *out)
{
    const char **names = calloc(n, sizeof *names);
    if (!names)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    memset(out, 0, sizeof *out);
    out->shape = in[0]->shape;
    out->shape.dims[0] = 0;
    for (size_t i = 0; i < n; ++i) {
        names[i] = ox_nchw(c, in[i]);
        out->shape.dims[0] += in[i]->shape.dims[0];
    }
    out->name = onnx_build_fmt(c->b, "%s_concat", n2d2_cell_name(cell));
    Onnxw__NodeProto *node = onnx_build_node(c->b, "Concat", out->name, names, n, out->name);
    onnx_build_attr_int(c->b, node, "axis", 1);
    free(names);
    return N2D2_OK;
}

static n2d2_status export_cell(ox_ctx *c, n2d2_cell *cell, ox_tensor *stimuli, ox_tensor *cells,
                               ox_tensor *out)
{
    const char *type = n2d2_cell_type(cell);
    ox_cell_fn fn = ox_cell_translator(type);
    if (!fn)
        return n2d2_cell_error(cell, N2D2_ERR_NOT_IMPLEMENTED,
                               "cell type %s cannot be exported to ONNX (not implemented yet; "
                               "exported types: %s)",
                               type, ox_cell_types());
    size_t n_in = n2d2_cell_input_count(cell);
    ox_tensor **in = calloc(n_in ? n_in : 1, sizeof *in);
    if (!in)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    n2d2_status st = N2D2_OK;
    for (size_t i = 0; st == N2D2_OK && i < n_in; ++i) {
        in[i] = find_input(c->g, stimuli, cells, n2d2_cell_input_name(cell, i));
        if (!in[i] || !in[i]->name)
            st = n2d2_cell_error(cell, N2D2_ERR_INTERNAL, "input '%s' not exported before",
                                 n2d2_cell_input_name(cell, i));
    }
    ox_tensor joined;
    if (st == N2D2_OK && n_in > 1 && !takes_inputs_apart(c, cell)) {
        st = concat_inputs(c, cell, in, n_in, &joined);
        in[0] = &joined;
        n_in = 1;
    }
    act_plan act;
    if (st == N2D2_OK)
        st = plan_activation(c, cell, &act);
    if (st == N2D2_OK) {
        const char *name = n2d2_cell_name(cell);
        memset(out, 0, sizeof *out);
        out->shape = *n2d2_cell_output_shape(cell);
        const char *pre = act.type ? onnx_build_fmt(c->b, "%s_linear", name) : name;
        st = fn(c, cell, in, n_in, pre, out);
        if (st == N2D2_OK && act.type) {
            emit_activation(c, cell, &act, out->name, name);
            out->name = onnx_build_str(c->b, name);
            out->nchw = NULL;
        }
    }
    free(in);
    return st;
}

static void value_dims(const ox_tensor *t, int64_t *dims, size_t *ndim)
{
    dims[0] = -1;
    if (t->flat) {
        dims[1] = (int64_t)n2d2_shape_numel(&t->shape);
        *ndim = 2;
        return;
    }
    for (uint32_t i = 0; i < t->shape.ndim; ++i)
        dims[i + 1] = (int64_t)t->shape.dims[i];
    *ndim = t->shape.ndim + 1;
}

static n2d2_status export_outputs(ox_ctx *c, ox_tensor *cells)
{
    for (size_t o = 0; o < n2d2_graph_output_count(c->g); ++o) {
        const n2d2_cell *cell = n2d2_graph_output_at(c->g, o);
        ox_tensor *t = NULL;
        for (size_t i = 0; i < n2d2_graph_cell_count(c->g); ++i)
            if (n2d2_graph_cell_at(c->g, i) == cell)
                t = &cells[i];
        if (!t)
            return n2d2_error(N2D2_ERR_INTERNAL, "output [%s] is not a cell of the graph",
                              n2d2_cell_name(cell));
        const char *name = n2d2_cell_name(cell);
        /* an output after Fc stays {N, outputs}, as Gemm gives it (n2d2's
         * {N, outputs, 1, 1} holds the same values in the same order) */
        if (strcmp(t->name, name) != 0) /* an alias: Dropout, Activation without function */
            onnx_build_node(c->b, "Identity", onnx_build_fmt(c->b, "%s_output", name), &t->name, 1,
                            name);
        int64_t dims[N2D2_MAX_DIMS + 1];
        size_t ndim;
        value_dims(t, dims, &ndim);
        onnx_build_output(c->b, name, dims, ndim);
    }
    return N2D2_OK;
}

n2d2_status ox_export_graph(const n2d2_graph *g, const char *path, const char *name)
{
    size_t n = n2d2_graph_cell_count(g);
    if (n == 0)
        return n2d2_error(N2D2_ERR_INVAL, "the network has no cell to export");
    ox_ctx c = {onnx_build_new(), g, n2d2_cell_registry(n2d2_graph_cell_at(g, 0))};
    ox_tensor *cells = calloc(n, sizeof *cells);
    if (!c.b || !cells) {
        onnx_build_free(c.b);
        free(cells);
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    }
    ox_tensor stimuli = {0};
    stimuli.name = n2d2_graph_input_section(g);
    stimuli.shape = *n2d2_graph_input_shape(g);
    int64_t dims[N2D2_MAX_DIMS + 1];
    size_t ndim;
    value_dims(&stimuli, dims, &ndim);
    onnx_build_input(c.b, stimuli.name, dims, ndim);
    n2d2_status st = N2D2_OK;
    for (size_t i = 0; st == N2D2_OK && i < n; ++i)
        st = export_cell(&c, n2d2_graph_cell_at(g, i), &stimuli, cells, &cells[i]);
    if (st == N2D2_OK)
        st = export_outputs(&c, cells);
    if (st == N2D2_OK)
        st = onnx_build_write(c.b, path, name, ONNX_EXPORT_OPSET);
    onnx_build_free(c.b);
    free(cells);
    return st;
}
