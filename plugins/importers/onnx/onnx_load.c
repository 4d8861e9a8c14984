/* Converting tensors and attributes of the unpacked model (the file is
 * read by onnx_wire.c). */
#include "onnx_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ONNX TensorProto.DataType codes we read. */
enum { T_FLOAT = 1, T_UINT8 = 2, T_INT8 = 3, T_INT32 = 6, T_INT64 = 7, T_BOOL = 9, T_DOUBLE = 11 };

static size_t elem_size(int type)
{
    switch (type) {
    case T_FLOAT: case T_INT32: return 4;
    case T_UINT8: case T_INT8: case T_BOOL: return 1;
    case T_INT64: case T_DOUBLE: return 8;
    default: return 0;
    }
}

static double read_raw(const uint8_t *p, int type)
{
    /* ONNX raw data is little-endian, as is every host we build for. */
    switch (type) {
    case T_FLOAT: { float v; memcpy(&v, p, 4); return v; }
    case T_DOUBLE: { double v; memcpy(&v, p, 8); return v; }
    case T_INT32: { int32_t v; memcpy(&v, p, 4); return v; }
    case T_INT64: { int64_t v; memcpy(&v, p, 8); return (double)v; }
    case T_INT8: return (int8_t)p[0];
    default: return p[0];
    }
}

n2d2_status ox_tensor_check(ox_ctx *c, const Onnx__TensorProto *t, ox_value *v)
{
    const char *name = t->name ? t->name : "(unnamed)";
    if (t->n_dims > OX_MAX_RANK)
        return n2d2_error(N2D2_ERR_NOT_IMPLEMENTED, "%s: tensor '%s' has %zu dimensions (at most %d "
                          "are implemented)", c->path, name, t->n_dims, OX_MAX_RANK);
    size_t numel = 1;
    for (size_t d = 0; d < t->n_dims; ++d) {
        if (t->dims[d] < 0 || (t->dims[d] > 0 && numel > SIZE_MAX / 16 / (size_t)t->dims[d]))
            return n2d2_error(N2D2_ERR_PARSE, "%s: tensor '%s' has an invalid dimension %lld", c->path,
                              name, (long long)t->dims[d]);
        numel *= (size_t)t->dims[d];
        v->dims[d] = t->dims[d];
    }
    v->rank = (int)t->n_dims;
    int type = t->has_data_type ? t->data_type : 0;
    if (t->has_data_location && t->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL)
        return n2d2_error(N2D2_ERR_NOT_IMPLEMENTED,
                          "%s: tensor '%s' keeps its data in an external file: external data is not "
                          "implemented yet (save the model with all tensors inside the .onnx file)",
                          c->path, name);
    size_t es = elem_size(type);
    if (!es)
        return n2d2_error(N2D2_ERR_NOT_IMPLEMENTED, "%s: tensor '%s' has data type %d: only float, "
                          "double, int8/32/64, uint8 and bool tensors are implemented", c->path, name, type);
    /* Check the size first: the dims may claim far more than the file holds. */
    size_t have = t->has_raw_data          ? (t->raw_data.len % es ? (size_t)-1 : t->raw_data.len / es)
                  : type == T_FLOAT        ? t->n_float_data
                  : type == T_DOUBLE       ? t->n_double_data
                  : type == T_INT64        ? t->n_int64_data
                                           : t->n_int32_data;
    if (have != numel)
        return n2d2_error(N2D2_ERR_PARSE,
                          "%s: tensor '%s': its data holds %s%zu bytes but its dimensions need %zu "
                          "values of %zu bytes",
                          c->path, name, t->has_raw_data ? "" : "(typed) ",
                          t->has_raw_data ? t->raw_data.len : have * es, numel, es);
    v->numel = numel;
    v->state = OX_CONST;
    v->proto = t;
    return N2D2_OK;
}

/* v->data from v->proto (checked by ox_tensor_check). */
static n2d2_status convert(ox_ctx *c, ox_value *v)
{
    const Onnx__TensorProto *t = v->proto;
    const char *name = t->name ? t->name : "(unnamed)";
    const int type = t->data_type;
    const size_t numel = v->numel, es = elem_size(type);
    double *data = malloc((numel ? numel : 1) * sizeof *data);
    if (!data)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory for tensor '%s' (%zu values)", name, numel);
    if (t->has_raw_data && type == T_FLOAT) { /* the common case, kept branch-free */
        for (size_t i = 0; i < numel; ++i) {
            float f;
            memcpy(&f, t->raw_data.data + 4 * i, 4);
            data[i] = f;
        }
    } else {
        for (size_t i = 0; i < numel; ++i) {
            if (t->has_raw_data)
                data[i] = read_raw(t->raw_data.data + i * es, type);
            else if (type == T_FLOAT)
                data[i] = t->float_data[i];
            else if (type == T_DOUBLE)
                data[i] = t->double_data[i];
            else if (type == T_INT64)
                data[i] = (double)t->int64_data[i];
            else
                data[i] = t->int32_data[i];
        }
    }
    v->data = data;
    ox_release_raw(c, t);
    return N2D2_OK;
}

n2d2_status ox_tensor_values(ox_ctx *c, const Onnx__TensorProto *t, ox_value *v)
{
    n2d2_status st = ox_tensor_check(c, t, v);
    return st == N2D2_OK ? ox_tensor_const_load(c, v) : st;
}

n2d2_status ox_tensor_const_load(ox_ctx *c, ox_value *v)
{
    return v->data || !v->proto ? N2D2_OK : convert(c, v);
}

const Onnx__AttributeProto *ox_attr(const Onnx__NodeProto *n, const char *name)
{
    for (size_t i = 0; i < n->n_attribute; ++i)
        if (n->attribute[i]->name && strcmp(n->attribute[i]->name, name) == 0)
            return n->attribute[i];
    return NULL;
}

int64_t ox_attr_int(const Onnx__NodeProto *n, const char *name, int64_t fallback)
{
    const Onnx__AttributeProto *a = ox_attr(n, name);
    return a && a->has_i ? a->i : fallback;
}

double ox_attr_float(const Onnx__NodeProto *n, const char *name, double fallback)
{
    const Onnx__AttributeProto *a = ox_attr(n, name);
    return a && a->has_f ? a->f : fallback;
}

int ox_attr_ints(const Onnx__NodeProto *n, const char *name, int64_t *out, int max)
{
    const Onnx__AttributeProto *a = ox_attr(n, name);
    if (!a)
        return -1;
    for (size_t i = 0; i < a->n_ints && (int)i < max; ++i)
        out[i] = a->ints[i];
    return a->n_ints > (size_t)max ? max + 1 : (int)a->n_ints;
}

const char *ox_attr_string(const Onnx__NodeProto *n, const char *name, const char *fallback)
{
    static _Thread_local char buf[64];
    const Onnx__AttributeProto *a = ox_attr(n, name);
    if (!a || !a->has_s)
        return fallback;
    size_t len = a->s.len < sizeof buf - 1 ? a->s.len : sizeof buf - 1;
    memcpy(buf, a->s.data, len);
    buf[len] = '\0';
    return buf;
}
