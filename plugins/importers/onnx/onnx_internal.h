/* Internal state of the ONNX importer (plugin n2d2-importer-onnx). */
#ifndef N2D2_ONNX_INTERNAL_H
#define N2D2_ONNX_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <n2d2/n2d2.h>

#include "onnx.pb-c.h"

#define OX_MAX_RANK 8
#define OX_MIN_OPSET 7
#define OX_MAX_OPSET 17

enum { OX_UNKNOWN = 0, OX_ACT = 1, OX_CONST = 2 };

/* One tensor name of the graph: an activation (computed by a cell, or the
 * graph input) or a constant (initializer, Constant node, folded). */
typedef struct ox_value {
    const char *name;
    int state;
    int rank;
    int64_t dims[OX_MAX_RANK]; /* ONNX order; activations: dims[0] = batch (1) */
    double *data;              /* constants: numel values (owned); NULL until read for initializers */
    const Onnx__TensorProto *proto; /* initializers: where data is read from (ox_load) */
    size_t numel;
    char *cell;                /* activations: the section computing it (owned) */
    int graph_output;
    size_t cons_begin, cons_end; /* consumer nodes in ctx->cons[] */
} ox_value;

typedef struct ox_ctx {
    n2d2_import *imp;
    const n2d2_params *params;
    Onnx__ModelProto *model;
    const uint8_t *map;  /* the mapped file (initializers' raw_data point into it) */
    size_t map_size;
    n2d2_status load_st; /* a failed ox_load (out of memory) */
    Onnx__GraphProto *graph;
    const char *path;
    int64_t opset;
    ox_value *values;
    size_t n_values;
    size_t *slots; /* open-addressing hash: value index + 1, 0 = free */
    size_t n_slots;
    size_t *cons;  /* consumer node indices, grouped per value */
    char *done;    /* per node: already translated (fused into another) */
    char **ignore;
    size_t n_ignore;
    int init;      /* ONNX_init */
} ox_ctx;

/* onnx_wire.c: c->model and c->map from the file; ox_close_model frees
 * both; ox_release_raw drops an initializer's mapped bytes from memory. */
n2d2_status ox_read_model(ox_ctx *c, const char *path);
void ox_close_model(ox_ctx *c);
void ox_release_raw(ox_ctx *c, const Onnx__TensorProto *t);

/* onnx_load.c: ox_tensor_check validates a tensor and sets v's shape
 * (v->data stays NULL, v->proto = t); ox_tensor_values also converts it. */
n2d2_status ox_tensor_check(ox_ctx *c, const Onnx__TensorProto *t, ox_value *v);
n2d2_status ox_tensor_values(ox_ctx *c, const Onnx__TensorProto *t, ox_value *v);
/* v->data from v->proto when not read yet. */
n2d2_status ox_tensor_const_load(ox_ctx *c, ox_value *v);
const Onnx__AttributeProto *ox_attr(const Onnx__NodeProto *n, const char *name);
int64_t ox_attr_int(const Onnx__NodeProto *n, const char *name, int64_t fallback);
double ox_attr_float(const Onnx__NodeProto *n, const char *name, double fallback);
/* Copies up to max ints; returns the count, -1 when absent. */
int ox_attr_ints(const Onnx__NodeProto *n, const char *name, int64_t *out, int max);
const char *ox_attr_string(const Onnx__NodeProto *n, const char *name, const char *fallback);

/* onnx_graph.c */
ox_value *ox_find(ox_ctx *c, const char *name);
/* v with its constant data read (initializers are converted when first
 * read, and freed again once the node reading them is translated); NULL
 * (c->load_st set) when out of memory. */
ox_value *ox_load(ox_ctx *c, ox_value *v);
/* The node's i-th input (NULL when absent or ""), loaded. */
ox_value *ox_in(ox_ctx *c, const Onnx__NodeProto *n, size_t i);
n2d2_status ox_node_error(const ox_ctx *c, const Onnx__NodeProto *n, n2d2_status code,
                          const char *fmt, ...) N2D2_PRINTF(4, 5);
size_t ox_numel(const int64_t *dims, int rank);
/* A value of a constant as an integer, clamped (NaN gives 0): constants
 * come from the file and may hold anything. */
static inline int64_t ox_i64(double v)
{
    return v != v ? 0 : v >= 9.2e18 ? INT64_MAX : v <= -9.2e18 ? INT64_MIN : (int64_t)v;
}
/* Bound on geometry values (kernel, stride, pads, sizes) from the file. */
#define OX_MAX_EXTENT ((int64_t)1 << 24)

/* onnx_fold.c: nodes whose inputs are all constants (Shape of an
 * activation counts). Returns N2D2_ERR_NOT_FOUND (no error set) when the
 * operator is not foldable. */
n2d2_status ox_fold(ox_ctx *c, const Onnx__NodeProto *n);

/* onnx_ops.c: nodes turned into cells. N2D2_ERR_NOT_FOUND when unknown. */
n2d2_status ox_translate(ox_ctx *c, size_t node);

#endif
