/* n2d2/importer.h — graph importers: a section that expands into cells.
 *
 * A feature of kind N2D2_KIND_IMPORTER (`Type=ONNX`) turns one INI section
 * into ordinary cell sections before the graph is built. The kernel calls
 * `expand` with the section's parameters (the feature's schema) and an
 * n2d2_import handle; the importer adds cells with n2d2_import_add_cell and
 * n2d2_import_set (the keys an INI author would write), attaches parameter
 * values (weights, biases, statistics) that the kernel copies into the
 * tensors the cell declares instead of its filler's values, and names the
 * graph's outputs.
 *
 * What the kernel does with the result (manual ch. 7-8):
 *  * every added cell gets a section named as given; a section of that name
 *    written by the user (without Input=) adds its keys to the cell, and
 *    `[<importer section>:<Type>_def]` gives defaults to every cell of that
 *    type (the user's keys win over the defaults; the importer's win over
 *    both, since they describe the imported graph);
 *  * in other sections' `Input=` lists, the importer section's name is
 *    dropped when other inputs follow it (`Input=onnx,conv1`) and replaced
 *    by the outputs otherwise (`Input=onnx`); aliases (a tensor name that is
 *    not a cell, e.g. the output of a node folded into another) are
 *    replaced by the cell that computes them.
 */
#ifndef N2D2_IMPORTER_H
#define N2D2_IMPORTER_H

#include <stddef.h>
#include <stdint.h>
#include "n2d2/export.h"
#include "n2d2/status.h"
#include "n2d2/tensor.h"
#include "n2d2/params.h"

N2D2_BEGIN_DECLS

typedef struct n2d2_import n2d2_import;

typedef struct n2d2_importer_ops {
    uint32_t struct_size; /* sizeof(n2d2_importer_ops) */
    n2d2_status (*expand)(n2d2_import *imp, const n2d2_params *params);
    void *reserved[4];
} n2d2_importer_ops;

/* The importer section's name and file:line (for messages). */
N2D2_API const char *n2d2_import_section(const n2d2_import *imp);
N2D2_API const char *n2d2_import_where(const n2d2_import *imp);
/* The section's `Input=` list: names of sections feeding the imported
 * graph. The shape is known only for the stimuli section ({C, H, W}); NULL
 * for an input that is another cell. */
N2D2_API size_t n2d2_import_input_count(const n2d2_import *imp);
N2D2_API const char *n2d2_import_input_name(const n2d2_import *imp, size_t i);
N2D2_API const n2d2_shape *n2d2_import_input_shape(const n2d2_import *imp, size_t i);

/* Add a cell section `name` of `type` fed by `inputs` (comma-separated
 * section or alias names). Refused when a cell of that name exists. */
N2D2_API n2d2_status n2d2_import_add_cell(n2d2_import *imp, const char *name, const char *type,
                                          const char *inputs);
/* Set a key of an added cell (value copied). */
N2D2_API n2d2_status n2d2_import_set(n2d2_import *imp, const char *cell, const char *key,
                                     const char *value);
/* Initial value of the parameter `param` ("weights", "biases", "scales",
 * "means", "variances"...) of an added cell; the tensor is retained and its
 * dims must equal those the cell declares. */
N2D2_API n2d2_status n2d2_import_set_param(n2d2_import *imp, const char *cell, const char *param,
                                           n2d2_tensor *value);
/* `name` stands for `target` (a cell, an input section or another alias). */
N2D2_API n2d2_status n2d2_import_alias(n2d2_import *imp, const char *name, const char *target);
/* The cells (or aliases) that `Input=<section>` means, comma-separated. */
N2D2_API n2d2_status n2d2_import_set_outputs(n2d2_import *imp, const char *outputs);

N2D2_END_DECLS

#endif
