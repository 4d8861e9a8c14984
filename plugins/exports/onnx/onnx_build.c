/* Arena-backed construction and serialisation of an ONNX ModelProto. */
#include "onnx_build.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "n2d2/version.h"

typedef struct arena_block {
    struct arena_block *next;
    max_align_t data[];
} arena_block;

/* A growable array of pointers. */
typedef struct ptr_list {
    void **items;
    size_t n, cap;
} ptr_list;

#define NODE_MAX_ATTRS 8

struct onnx_build {
    arena_block *blocks;
    int failed;
    ptr_list nodes, inits, inputs, outputs;
};

onnx_build *onnx_build_new(void)
{
    return calloc(1, sizeof(onnx_build));
}

void onnx_build_free(onnx_build *b)
{
    if (!b)
        return;
    for (arena_block *k = b->blocks, *next; k; k = next) {
        next = k->next;
        free(k);
    }
    free(b->nodes.items);
    free(b->inits.items);
    free(b->inputs.items);
    free(b->outputs.items);
    free(b);
}

int onnx_build_failed(const onnx_build *b)
{
    return b->failed;
}

/* Zeroed memory owned by the builder (one block per allocation: exports are
 * small and the count of allocations is what it is). */
static void *alloc(onnx_build *b, size_t size)
{
    if (b->failed)
        return NULL;
    arena_block *k = calloc(1, sizeof *k + size + 1);
    if (!k) {
        b->failed = 1;
        return NULL;
    }
    k->next = b->blocks;
    b->blocks = k;
    return k->data;
}

static void push(onnx_build *b, ptr_list *l, void *item)
{
    if (b->failed || !item)
        return;
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 16;
        void **grown = realloc(l->items, cap * sizeof *grown);
        if (!grown) {
            b->failed = 1;
            return;
        }
        l->items = grown;
        l->cap = cap;
    }
    l->items[l->n++] = item;
}

char *onnx_build_str(onnx_build *b, const char *s)
{
    if (!s) { /* a name whose making failed: the failure is reported at write */
        b->failed = 1;
        return NULL;
    }
    size_t n = strlen(s);
    char *d = alloc(b, n + 1);
    if (d)
        memcpy(d, s, n + 1);
    return d;
}

char *onnx_build_fmt(onnx_build *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->failed = 1;
        return NULL;
    }
    char *d = alloc(b, (size_t)n + 1);
    if (!d)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(d, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return d;
}

Onnxw__NodeProto *onnx_build_node(onnx_build *b, const char *op, const char *name,
                                 const char *const *in, size_t n_in, const char *out)
{
    Onnxw__NodeProto *n = alloc(b, sizeof *n);
    char **ins = alloc(b, (n_in ? n_in : 1) * sizeof *ins);
    char **outs = alloc(b, sizeof *outs);
    Onnxw__AttributeProto **attrs = alloc(b, NODE_MAX_ATTRS * sizeof *attrs);
    if (!n || !ins || !outs || !attrs)
        return NULL;
    onnxw__node_proto__init(n);
    n->op_type = onnx_build_str(b, op);
    n->name = onnx_build_str(b, name);
    for (size_t i = 0; i < n_in; ++i)
        ins[i] = onnx_build_str(b, in[i]);
    outs[0] = onnx_build_str(b, out);
    n->input = ins;
    n->n_input = n_in;
    n->output = outs;
    n->n_output = 1;
    n->attribute = attrs;
    push(b, &b->nodes, n);
    return n;
}

static Onnxw__AttributeProto *new_attr(onnx_build *b, Onnxw__NodeProto *n, const char *name,
                                      Onnxw__AttributeProto__AttributeType type)
{
    if (!n || n->n_attribute == NODE_MAX_ATTRS) {
        b->failed = 1;
        return NULL;
    }
    Onnxw__AttributeProto *a = alloc(b, sizeof *a);
    if (!a)
        return NULL;
    onnxw__attribute_proto__init(a);
    a->name = onnx_build_str(b, name);
    a->has_type = 1;
    a->type = type;
    n->attribute[n->n_attribute++] = a;
    return a;
}

void onnx_build_attr_int(onnx_build *b, Onnxw__NodeProto *n, const char *name, int64_t v)
{
    Onnxw__AttributeProto *a = new_attr(b, n, name, ONNXW__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT);
    if (a) {
        a->has_i = 1;
        a->i = v;
    }
}

void onnx_build_attr_float(onnx_build *b, Onnxw__NodeProto *n, const char *name, float v)
{
    Onnxw__AttributeProto *a = new_attr(b, n, name, ONNXW__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT);
    if (a) {
        a->has_f = 1;
        a->f = v;
    }
}

void onnx_build_attr_ints(onnx_build *b, Onnxw__NodeProto *n, const char *name, const int64_t *v,
                          size_t count)
{
    Onnxw__AttributeProto *a = new_attr(b, n, name, ONNXW__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS);
    int64_t *copy = alloc(b, (count ? count : 1) * sizeof *copy);
    if (a && copy) {
        if (count)
            memcpy(copy, v, count * sizeof *copy);
        a->ints = copy;
        a->n_ints = count;
    }
}

void onnx_build_attr_string(onnx_build *b, Onnxw__NodeProto *n, const char *name, const char *v)
{
    Onnxw__AttributeProto *a = new_attr(b, n, name, ONNXW__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING);
    char *copy = onnx_build_str(b, v);
    if (a && copy) {
        a->has_s = 1;
        a->s.data = (uint8_t *)copy;
        a->s.len = strlen(v);
    }
}

/* Values go into raw_data, little-endian as ONNX requires (n2d2-c targets
 * little-endian hosts only). */
static const char *add_const(onnx_build *b, const char *name, const int64_t *dims, size_t ndim,
                             const void *data, size_t elem, int32_t type)
{
    Onnxw__TensorProto *t = alloc(b, sizeof *t);
    int64_t *d = alloc(b, (ndim ? ndim : 1) * sizeof *d);
    size_t count = 1;
    for (size_t i = 0; i < ndim; ++i)
        count *= (size_t)dims[i];
    uint8_t *raw = alloc(b, count * elem);
    char *tname = onnx_build_str(b, name);
    if (!t || !d || !raw || !tname)
        return NULL;
    onnxw__tensor_proto__init(t);
    if (ndim) /* a scalar has no dims (and may be given none) */
        memcpy(d, dims, ndim * sizeof *d);
    memcpy(raw, data, count * elem);
    t->dims = d;
    t->n_dims = ndim;
    t->has_data_type = 1;
    t->data_type = type;
    t->name = tname;
    t->has_raw_data = 1;
    t->raw_data.data = raw;
    t->raw_data.len = count * elem;
    push(b, &b->inits, t);
    return tname;
}

const char *onnx_build_const_float(onnx_build *b, const char *name, const int64_t *dims,
                                   size_t ndim, const float *data)
{
    return add_const(b, name, dims, ndim, data, sizeof(float), ONNXW__TENSOR_PROTO__DATA_TYPE__FLOAT);
}

const char *onnx_build_const_int64(onnx_build *b, const char *name, const int64_t *dims,
                                   size_t ndim, const int64_t *data)
{
    return add_const(b, name, dims, ndim, data, sizeof(int64_t),
                     ONNXW__TENSOR_PROTO__DATA_TYPE__INT64);
}

static Onnxw__ValueInfoProto *value_info(onnx_build *b, const char *name, const int64_t *dims,
                                        size_t ndim)
{
    Onnxw__ValueInfoProto *v = alloc(b, sizeof *v);
    Onnxw__TypeProto *tp = alloc(b, sizeof *tp);
    Onnxw__TypeProto__Tensor *tt = alloc(b, sizeof *tt);
    Onnxw__TensorShapeProto *sh = alloc(b, sizeof *sh);
    Onnxw__TensorShapeProto__Dimension **dv = alloc(b, (ndim ? ndim : 1) * sizeof *dv);
    if (!v || !tp || !tt || !sh || !dv)
        return NULL;
    onnxw__value_info_proto__init(v);
    onnxw__type_proto__init(tp);
    onnxw__type_proto__tensor__init(tt);
    onnxw__tensor_shape_proto__init(sh);
    for (size_t i = 0; i < ndim; ++i) {
        Onnxw__TensorShapeProto__Dimension *d = alloc(b, sizeof *d);
        if (!d)
            return NULL;
        onnxw__tensor_shape_proto__dimension__init(d);
        if (dims[i] < 0) {
            d->value_case = ONNXW__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM;
            d->dim_param = onnx_build_str(b, "N");
        } else {
            d->value_case = ONNXW__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
            d->dim_value = dims[i];
        }
        dv[i] = d;
    }
    sh->dim = dv;
    sh->n_dim = ndim;
    tt->has_elem_type = 1;
    tt->elem_type = ONNXW__TENSOR_PROTO__DATA_TYPE__FLOAT;
    tt->shape = sh;
    tp->value_case = ONNXW__TYPE_PROTO__VALUE_TENSOR_TYPE;
    tp->tensor_type = tt;
    v->name = onnx_build_str(b, name);
    v->type = tp;
    return v;
}

void onnx_build_input(onnx_build *b, const char *name, const int64_t *dims, size_t ndim)
{
    push(b, &b->inputs, value_info(b, name, dims, ndim));
}

void onnx_build_output(onnx_build *b, const char *name, const int64_t *dims, size_t ndim)
{
    push(b, &b->outputs, value_info(b, name, dims, ndim));
}

static n2d2_status write_file(const char *path, const uint8_t *data, size_t size)
{
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
        return n2d2_error(N2D2_ERR_IO, "%s: path too long", path);
    FILE *f = fopen(tmp, "wb");
    if (!f)
        return n2d2_error(N2D2_ERR_IO, "%s: %s", tmp, strerror(errno));
    int ok = fwrite(data, 1, size, f) == size;
    ok = (fflush(f) == 0) && ok;
    int err = errno;
    ok = (fclose(f) == 0) && ok;
    if (!ok) {
        remove(tmp);
        return n2d2_error(N2D2_ERR_IO, "%s: write failed: %s", tmp, strerror(err ? err : EIO));
    }
    if (rename(tmp, path) != 0) {
        err = errno;
        remove(tmp);
        return n2d2_error(N2D2_ERR_IO, "%s: cannot rename to %s: %s", tmp, path, strerror(err));
    }
    return N2D2_OK;
}

n2d2_status onnx_build_write(onnx_build *b, const char *path, const char *graph_name,
                             int64_t opset)
{
    Onnxw__ModelProto *m = alloc(b, sizeof *m);
    Onnxw__GraphProto *g = alloc(b, sizeof *g);
    Onnxw__OperatorSetIdProto *op = alloc(b, sizeof *op);
    Onnxw__OperatorSetIdProto **ops = alloc(b, sizeof *ops);
    if (b->failed)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory while building the ONNX model");
    onnxw__model_proto__init(m);
    onnxw__graph_proto__init(g);
    onnxw__operator_set_id_proto__init(op);
    op->domain = onnx_build_str(b, "");
    op->has_version = 1;
    op->version = opset;
    ops[0] = op;
    g->name = onnx_build_str(b, graph_name);
    g->node = (Onnxw__NodeProto **)b->nodes.items;
    g->n_node = b->nodes.n;
    g->initializer = (Onnxw__TensorProto **)b->inits.items;
    g->n_initializer = b->inits.n;
    g->input = (Onnxw__ValueInfoProto **)b->inputs.items;
    g->n_input = b->inputs.n;
    g->output = (Onnxw__ValueInfoProto **)b->outputs.items;
    g->n_output = b->outputs.n;
    m->has_ir_version = 1;
    m->ir_version = 7; /* ONNX 1.7+: initializers need not be graph inputs */
    m->opset_import = ops;
    m->n_opset_import = 1;
    m->producer_name = onnx_build_str(b, "n2d2-c");
    m->producer_version = onnx_build_str(b, N2D2_VERSION_STRING);
    m->graph = g;
    if (b->failed)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory while building the ONNX model");
    size_t size = onnxw__model_proto__get_packed_size(m);
    uint8_t *buf = malloc(size ? size : 1);
    if (!buf)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory (%zu bytes for the ONNX model)", size);
    onnxw__model_proto__pack(m, buf);
    n2d2_status st = write_file(path, buf, size);
    free(buf);
    return st;
}
