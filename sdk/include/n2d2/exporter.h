/* n2d2/exporter.h — exports: `-export <TYPE>` writes a trained network in
 * another format (manual ch. 16-17).
 *
 * A feature of kind N2D2_KIND_EXPORT named as users write the type (`ONNX`,
 * `CPP`...) points at an n2d2_export_ops. The host builds the graph, loads
 * its weights, then calls
 *
 *   create(params, &state)            params: the feature's schema filled from
 *                                     -export-parameters (defaults otherwise)
 *   run(state, graph, options, dir)   write the export into `dir` (created by
 *                                     the host, e.g. export_ONNX_float32/)
 *   destroy(state)
 *
 * The graph is read-only for the exporter: it walks the cells in
 * topological order (graph.h), their types and validated parameters
 * (n2d2_cell_params) and their declared tensors (n2d2_cell_param_*). A cell
 * type or option the exporter cannot express must be an error naming the
 * cell (n2d2_cell_error), never skipped. Files should be written atomically
 * (temporary name, then rename) so a failed run leaves no torn file.
 */
#ifndef N2D2_EXPORTER_H
#define N2D2_EXPORTER_H

#include <stddef.h>
#include <stdint.h>
#include "n2d2/export.h"
#include "n2d2/status.h"
#include "n2d2/params.h"
#include "n2d2/graph.h"

N2D2_BEGIN_DECLS

typedef struct n2d2_export_options {
    uint32_t struct_size; /* sizeof(n2d2_export_options) */
    int nb_bits;          /* -nbbits: -32 / -64 floating point, 8, 16... integer */
    const char *model;    /* the INI file (for names and messages) */
} n2d2_export_options;

typedef struct n2d2_export_ops {
    uint32_t struct_size; /* sizeof(n2d2_export_ops) */
    /* optional: read the export parameters */
    n2d2_status (*create)(const n2d2_params *params, void **state);
    /* required */
    n2d2_status (*run)(void *state, const n2d2_graph *graph, const n2d2_export_options *options,
                       const char *out_dir);
    void (*destroy)(void *state); /* optional */
    void *reserved[4];
} n2d2_export_ops;

N2D2_END_DECLS

#endif
