/* A small builder over the protobuf-c ONNX structures: every string and
 * array lives in one arena freed with the builder, so the exporter never
 * tracks ownership. Allocation failures are sticky: calls after one do
 * nothing and onnx_build_write reports it. */
#ifndef N2D2_ONNX_BUILD_H
#define N2D2_ONNX_BUILD_H

#include <stddef.h>
#include <stdint.h>

#include "n2d2/n2d2.h"
#include "onnxw.pb-c.h"

typedef struct onnx_build onnx_build;

onnx_build *onnx_build_new(void);
void onnx_build_free(onnx_build *b);
/* 1 once an allocation failed. */
int onnx_build_failed(const onnx_build *b);

char *onnx_build_str(onnx_build *b, const char *s);
char *onnx_build_fmt(onnx_build *b, const char *fmt, ...) N2D2_PRINTF(2, 3);

/* A node with n_in inputs ("" = omitted optional input) and one output. */
Onnxw__NodeProto *onnx_build_node(onnx_build *b, const char *op, const char *name,
                                 const char *const *in, size_t n_in, const char *out);
void onnx_build_attr_int(onnx_build *b, Onnxw__NodeProto *n, const char *name, int64_t v);
void onnx_build_attr_float(onnx_build *b, Onnxw__NodeProto *n, const char *name, float v);
void onnx_build_attr_ints(onnx_build *b, Onnxw__NodeProto *n, const char *name, const int64_t *v,
                          size_t count);
void onnx_build_attr_string(onnx_build *b, Onnxw__NodeProto *n, const char *name, const char *v);

/* Constant tensors (graph initializers); return the name. */
const char *onnx_build_const_float(onnx_build *b, const char *name, const int64_t *dims,
                                   size_t ndim, const float *data);
const char *onnx_build_const_int64(onnx_build *b, const char *name, const int64_t *dims,
                                   size_t ndim, const int64_t *data);

/* Graph inputs and outputs, float32; a dim of -1 is the symbolic batch "N". */
void onnx_build_input(onnx_build *b, const char *name, const int64_t *dims, size_t ndim);
void onnx_build_output(onnx_build *b, const char *name, const int64_t *dims, size_t ndim);

/* Serialise the model (opset `opset` of the default domain) to `path`
 * through `path`.tmp and a rename. */
n2d2_status onnx_build_write(onnx_build *b, const char *path, const char *graph_name,
                             int64_t opset);

#endif
