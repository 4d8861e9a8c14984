/* n2d2/graph.h — the network built from an INI file, and its scheduler.
 *
 *     n2d2_graph *g;
 *     n2d2_graph_options opt = N2D2_GRAPH_OPTIONS_INIT;
 *     if (n2d2_graph_build(ini, reg, &opt, &g) != N2D2_OK) ...
 *     n2d2_graph_allocate(g, batch_size, 1);         // 1 = training
 *     fill n2d2_graph_input(g) ...
 *     n2d2_graph_forward(g, 1);
 *     write d(loss)/d(output) into n2d2_graph_output_grad(g, i) ...
 *     n2d2_graph_backward(g);
 *     n2d2_graph_update(g);
 *     n2d2_graph_free(g);
 *
 * Building reads the stimuli section (`[sp]` or `[env]`: SizeX, SizeY,
 * NbChannels or Size=, BatchSize), makes one cell per section with `Input=`,
 * checks every input exists (did-you-mean otherwise), orders the cells
 * topologically (a cycle is an error listing it with file:line), creates the
 * cells through the registry and infers every shape — all before any
 * activation memory is allocated and without reading any dataset.
 */
#ifndef N2D2_GRAPH_H
#define N2D2_GRAPH_H

#include <stddef.h>
#include <stdint.h>
#include "n2d2/export.h"
#include "n2d2/status.h"
#include "n2d2/ini.h"
#include "n2d2/registry.h"
#include "n2d2/tensor.h"
#include "n2d2/cell.h"

N2D2_BEGIN_DECLS

typedef struct n2d2_graph n2d2_graph;

typedef struct n2d2_graph_options {
    uint32_t struct_size;
    uint64_t seed;          /* run seed for the RNG streams */
    int strict;             /* unused INI keys are errors, not warnings */
    const char *default_model; /* overrides DefaultModel when non-NULL */
} n2d2_graph_options;

#define N2D2_GRAPH_OPTIONS_INIT {(uint32_t)sizeof(n2d2_graph_options), 1, 0, NULL}

N2D2_API n2d2_status n2d2_graph_build(n2d2_ini *ini, const n2d2_registry *reg,
                                      const n2d2_graph_options *options, n2d2_graph **out);
N2D2_API void n2d2_graph_free(n2d2_graph *g);

/* Report INI keys of claimed sections that nobody read (did-you-mean from
 * the schemas that were applied). Warnings, or an error under strict.
 * Returns N2D2_OK or the error. Call after everything that reads the INI
 * (database, targets...) has been built. */
N2D2_API n2d2_status n2d2_graph_check_unused(n2d2_graph *g);
/* Same, also counting the keys declared by other parameter trees built on
 * the same INI (stimuli provider, targets...), for the did-you-mean. */
N2D2_API n2d2_status n2d2_graph_check_unused_with(n2d2_graph *g, const n2d2_params *const *extra,
                                                  size_t n_extra);

/* Stimuli section and input size (per sample, {C, H, W}). */
N2D2_API const char *n2d2_graph_input_section(const n2d2_graph *g);
N2D2_API const n2d2_shape *n2d2_graph_input_shape(const n2d2_graph *g);
N2D2_API size_t n2d2_graph_batch_size(const n2d2_graph *g);
N2D2_API const char *n2d2_graph_default_model(const n2d2_graph *g);
N2D2_API n2d2_dtype n2d2_graph_default_dtype(const n2d2_graph *g);

/* Cells in topological order. */
N2D2_API size_t n2d2_graph_cell_count(const n2d2_graph *g);
N2D2_API n2d2_cell *n2d2_graph_cell_at(const n2d2_graph *g, size_t i);
N2D2_API n2d2_cell *n2d2_graph_find_cell(const n2d2_graph *g, const char *name);
/* Learnable parameter count and MACs per sample of a cell. */
N2D2_API uint64_t n2d2_graph_cell_param_total(const n2d2_graph *g, size_t i);
N2D2_API uint64_t n2d2_graph_cell_macs(const n2d2_graph *g, size_t i);
/* Output cells: those no other cell consumes. */
N2D2_API size_t n2d2_graph_output_count(const n2d2_graph *g);
N2D2_API n2d2_cell *n2d2_graph_output_at(const n2d2_graph *g, size_t i);

/* ---- running ---- */
/* Allocate activations (and gradients when training) for a batch size. */
N2D2_API n2d2_status n2d2_graph_allocate(n2d2_graph *g, size_t batch_size, int training);
/* Input tensor {N, C, H, W}, owned by the graph, valid after allocate. */
N2D2_API n2d2_tensor *n2d2_graph_input(n2d2_graph *g);
/* Output activation of cell i (topological index). */
N2D2_API n2d2_tensor *n2d2_graph_cell_output(n2d2_graph *g, size_t i);
N2D2_API n2d2_tensor *n2d2_graph_cell_output_of(n2d2_graph *g, const n2d2_cell *cell);
/* Bytes of cell outputs allocated. For inference the outputs share buffers
 * by lifetime (an output is dropped once its last reader ran; the
 * network's outputs are kept), so this is usually far below the sum of the
 * outputs; for training every output keeps its own buffer. */
N2D2_API size_t n2d2_graph_activation_bytes(const n2d2_graph *g);
/* 1 when the buffers were allocated for training. */
N2D2_API int n2d2_graph_is_training(const n2d2_graph *g);
/* Gradient buffer of output i; targets write it before backward. */
N2D2_API n2d2_tensor *n2d2_graph_output_grad(n2d2_graph *g, size_t i);
/* Gradient w.r.t. the input stimuli (attacks); NULL unless requested with
 * n2d2_graph_request_input_grad before allocate. */
N2D2_API void n2d2_graph_request_input_grad(n2d2_graph *g);
N2D2_API n2d2_tensor *n2d2_graph_input_grad(n2d2_graph *g);

N2D2_API n2d2_status n2d2_graph_forward(n2d2_graph *g, int training);
N2D2_API n2d2_status n2d2_graph_backward(n2d2_graph *g);
/* Run each cell's own update, then the solvers of its declared parameters. */
N2D2_API n2d2_status n2d2_graph_update(n2d2_graph *g);
/* Where learning stands, for learning-rate policies: stimuli presented so
 * far and stimuli per epoch. */
N2D2_API void n2d2_graph_set_progress(n2d2_graph *g, uint64_t stimuli_seen, uint64_t epoch_size);
/* Items of the current batch that hold data (the last batch of a pass may
 * be partly padding, whose gradient the targets leave at zero): solvers
 * normalise by this count. 0 = the whole batch. */
N2D2_API void n2d2_graph_set_active_batch(n2d2_graph *g, size_t count);

/* ---- gradient checking (-check) ---- */
typedef struct n2d2_gradcheck_result {
    double max_error;       /* worst |a - n| / max(|a| + |n|, floor), floor = 1e-3 x the
                               tensor's largest gradient (rounding noise below it) */
    const char *worst_cell; /* owned by the graph */
    char worst_param[64];   /* parameter name, or "input" */
    size_t worst_index;
    size_t checked;         /* number of finite differences taken */
} n2d2_gradcheck_result;

/* Compare every cell's backward pass with central finite differences of
 * loss = sum(r * outputs) for a random projection r (or the built-in
 * cross-entropy of outputs that declared one, see n2d2_cell_set_output_loss
 * and N2D2_ACTIVATION_LOGISTIC_LOSS, against random targets), on a random input
 * batch: up to `samples` elements of each parameter tensor and of the
 * input. Stochastic cells see the same random draws in every forward. Use
 * DataType=Float64 for tight tolerances. Returns N2D2_ERR_RANGE (detail
 * names the worst cell, tensor and index) when max_error > tolerance. */
N2D2_API n2d2_status n2d2_graph_check_gradients(n2d2_graph *g, size_t batch, double epsilon,
                                                double tolerance, size_t samples,
                                                n2d2_gradcheck_result *result);

/* ---- inference transforms ---- */
/* -fuse: fold every BatchNorm whose single input is a cell with a
 * fold_affine op (Conv, Fc) consumed only by it and without activation into
 * that cell's weights and bias (a cell without bias gains one), move the
 * BatchNorm's activation onto it and drop the BatchNorm from the schedule.
 * For inference only (the running statistics are used); call after the
 * weights are loaded. BatchNorms that are network outputs or listed in
 * `keep` (cells targets point at) stay, like those that do not qualify
 * (logged at info level with the reason). Buffers are released: allocate
 * again. *n_fused (may be NULL) receives the number folded. */
N2D2_API n2d2_status n2d2_graph_fuse_batchnorm(n2d2_graph *g, n2d2_cell *const *keep,
                                               size_t n_keep, size_t *n_fused);

/* ---- parameters on disk ---- */
/* Save every cell's declared tensors into `dir` (one `<cell>.n2d2w` file per
 * cell). The set is replaced atomically: files are written into
 * `<dir>.new/`, then `<dir>` is swapped for it, so a killed run leaves either
 * the old or the new set, never a mix or a torn file. */
N2D2_API n2d2_status n2d2_graph_save(const n2d2_graph *g, const char *dir);
/* Load them back. A missing cell file is an error naming it unless
 * ignore_missing (then the cell keeps its filler values, with a warning).
 * Shape or name mismatches and corrupt files are errors naming the file (and
 * byte offset). */
N2D2_API n2d2_status n2d2_graph_load(n2d2_graph *g, const char *dir, int ignore_missing);

/* A learning checkpoint: the parameters as above, every solver's state
 * (momentum, Adam moments, counters; `<cell>.solver`) and a `progress` file
 * holding the update count and the host's own text (`note`, e.g. stimuli
 * seen and the best validation score). Replaced atomically like weights. */
N2D2_API n2d2_status n2d2_graph_save_state(const n2d2_graph *g, const char *dir, const char *note);
/* Restore a checkpoint; *note receives the host text (free() it). */
N2D2_API n2d2_status n2d2_graph_load_state(n2d2_graph *g, const char *dir, char **note);

N2D2_END_DECLS

#endif
