/* The ONNX exporter's translation state, shared by onnx_export.c (graph
 * walk, inputs, activations, outputs) and onnx_export_cells.c (one function
 * per cell type). */
#ifndef N2D2_ONNX_EXPORT_H
#define N2D2_ONNX_EXPORT_H

#include "n2d2/n2d2.h"
#include "onnx_build.h"

#define ONNX_EXPORT_OPSET 13

/* A value of the ONNX graph standing for an n2d2 activation {N, shape}. */
typedef struct ox_tensor {
    const char *name;
    n2d2_shape shape;   /* n2d2's per-sample shape */
    int flat;           /* held as {N, numel} (Gemm output) rather than {N, shape} */
    const char *nchw;   /* flat: the {N, shape} reshape, once made */
} ox_tensor;

typedef struct ox_ctx {
    onnx_build *b;
    const n2d2_graph *g;
    const n2d2_registry *reg;
} ox_ctx;

/* The tensor in n2d2's layout {N, shape} (reshapes a flat one once). */
const char *ox_nchw(ox_ctx *c, ox_tensor *t);
/* A float constant named "<cell>.<what>" from an n2d2 tensor's values. */
const char *ox_const_tensor(ox_ctx *c, const n2d2_cell *cell, const char *what,
                            const n2d2_tensor *t, const int64_t *dims, size_t ndim);
/* A float constant from doubles. */
const char *ox_const_values(ox_ctx *c, const char *name, const double *v, const int64_t *dims,
                            size_t ndim);
const char *ox_const_ints(ox_ctx *c, const char *name, const int64_t *v, size_t n);
/* The declared parameter `name` of a cell, NULL when absent. */
n2d2_tensor *ox_param(const n2d2_cell *cell, const char *name);

/* Translate one cell: `in` is its input (several inputs already
 * concatenated on channels, unless the cell takes them separately), `out`
 * is to be set (name; shape is preset to the cell's output shape). The
 * output value must be named `out_name`, or `out` may alias an input. */
typedef n2d2_status (*ox_cell_fn)(ox_ctx *c, n2d2_cell *cell, ox_tensor *const *in, size_t n_in,
                                  const char *out_name, ox_tensor *out);
/* The translator of a cell type, NULL when the type cannot be exported. */
ox_cell_fn ox_cell_translator(const char *type);
/* The types that can, for messages. */
const char *ox_cell_types(void);

/* Write the graph to `path`; `name` names the ONNX graph. */
n2d2_status ox_export_graph(const n2d2_graph *g, const char *path, const char *name);

#endif
