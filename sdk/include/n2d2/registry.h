/* n2d2/registry.h — the table of named features that plugins register.
 *
 * A feature is one thing an INI file can name: a cell type, a database
 * driver, a transformation, a solver, a filler, an activation, a target, a
 * quantizer, an attack, an exporter or a graph importer (`Type=ONNX`).
 * It is keyed by (kind, name, model):
 * `name` is the exact string users write (`Conv`, `MNIST_IDX_Database`,
 * `RescaleTransformation`, `SGD`, `HeFiller`, `Rectifier`, `CPP`), `model`
 * is `Frame`, `Frame_CUDA`... for cells and solvers and "" otherwise.
 * `ops` points at the kind's ops table (n2d2_cell_ops for cells, ...).
 *
 * Inside its register function a plugin calls n2d2_registry_add() once per
 * feature. The kernel resolves `Type=` through n2d2_registry_find() only.
 */
#ifndef N2D2_REGISTRY_H
#define N2D2_REGISTRY_H

#include <stddef.h>
#include <stdint.h>
#include "n2d2/export.h"
#include "n2d2/status.h"
#include "n2d2/params.h"

N2D2_BEGIN_DECLS

typedef enum n2d2_kind {
    N2D2_KIND_CELL = 0,
    N2D2_KIND_DATABASE = 1,
    N2D2_KIND_TRANSFORM = 2,
    N2D2_KIND_SOLVER = 3,
    N2D2_KIND_FILLER = 4,
    N2D2_KIND_ACTIVATION = 5,
    N2D2_KIND_TARGET = 6,
    N2D2_KIND_QUANTIZER = 7,
    N2D2_KIND_ATTACK = 8,
    N2D2_KIND_EXPORT = 9,
    N2D2_KIND_IMPORTER = 10, /* n2d2_importer_ops: a section expanding into cells */
    N2D2_KIND_COUNT = 11
} n2d2_kind;

typedef struct n2d2_feature {
    uint32_t struct_size;          /* sizeof(n2d2_feature) at build time */
    n2d2_kind kind;
    const char *name;              /* `Type=` value */
    const char *model;             /* "Frame", "Frame_CUDA"...; NULL or "" = any */
    const char *help;              /* one line shown by --list-plugins */
    const n2d2_param_spec *params; /* schema (static storage) */
    size_t n_params;
    const void *ops;               /* kind-specific ops table (static storage) */
    int rank;                      /* preferred when several models match */
    void *reserved[4];
} n2d2_feature;

typedef struct n2d2_registry n2d2_registry;

N2D2_API n2d2_status n2d2_registry_new(n2d2_registry **out);
N2D2_API void n2d2_registry_free(n2d2_registry *reg);

/* Add a feature; the descriptor is copied, the strings, schema and ops it
 * points at must outlive the registry (static storage in the plugin).
 * Refused: missing name or ops, bad kind, schema entries without name,
 * invalid defaults, and duplicates of (kind, name, model), whose message
 * names both plugin files. */
N2D2_API n2d2_status n2d2_registry_add(n2d2_registry *reg, const n2d2_feature *feature);

/* Exact lookup. model NULL/"" matches a feature registered without model
 * or, failing that, the highest-ranked model of that name. */
N2D2_API const n2d2_feature *n2d2_registry_find(const n2d2_registry *reg, n2d2_kind kind,
                                                const char *name, const char *model);
/* Lookup for the INI: on failure sets an error at file:line listing the
 * closest registered names of that kind, the models available for that name
 * when only the model is wrong, and the plugin search path. */
N2D2_API n2d2_status n2d2_registry_resolve(const n2d2_registry *reg, n2d2_kind kind,
                                           const char *name, const char *model,
                                           const char *where, const n2d2_feature **out);

N2D2_API size_t n2d2_registry_count(const n2d2_registry *reg);
N2D2_API const n2d2_feature *n2d2_registry_at(const n2d2_registry *reg, size_t index);
/* File (or "<static>") and plugin name that registered a feature. */
N2D2_API const char *n2d2_registry_origin_file(const n2d2_registry *reg, size_t index);
N2D2_API const char *n2d2_registry_origin_plugin(const n2d2_registry *reg, size_t index);

N2D2_API const char *n2d2_kind_name(n2d2_kind kind);           /* "cell", "database", ... */
N2D2_API int n2d2_kind_from_name(const char *name, n2d2_kind *out); /* 1 on success */

/* Used by the plugin loader: features added until the next call are
 * attributed to this plugin/file. */
N2D2_API void n2d2_registry_set_origin(n2d2_registry *reg, const char *plugin, const char *file);
/* Remove every feature attributed to `plugin` (rollback of a failed
 * registration). */
N2D2_API void n2d2_registry_remove_origin(n2d2_registry *reg, const char *plugin);
/* Text shown in "not found" errors: the searched plugin directories. */
N2D2_API void n2d2_registry_set_search_note(n2d2_registry *reg, const char *note);

/* Closest strings to `word` among `candidates` by edit distance (case-
 * insensitive); writes up to max indices, returns how many. Used for
 * did-you-mean everywhere. */
N2D2_API size_t n2d2_suggest(const char *word, const char *const *candidates, size_t n,
                             size_t *out_indices, size_t max);

N2D2_END_DECLS

#endif
