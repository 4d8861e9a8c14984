/* n2d2/cell.h — the contract of a network layer ("cell") plugin.
 *
 * The kernel builds one n2d2_cell per INI section that has an `Input=` key
 * and resolves its `Type=`/`Model=` through the registry to a feature of
 * kind N2D2_KIND_CELL whose `ops` is an n2d2_cell_ops. Life of a cell:
 *
 *   create(cell, params, &state)   read validated parameters; no shapes yet
 *   infer(...)                     per-sample output shape from input shapes
 *   initialize(cell, state)        allocate and fill parameters; declare each
 *                                  learnable tensor with n2d2_cell_declare_param
 *   reserve(cell, state, batch)    (optional) scratch memory for a batch size
 *   forward / backward / update    per batch
 *   destroy(state)
 *
 * Inputs: a cell with several `Input=` sections receives them concatenated
 * on the channel axis (N2D2's convention), unless its ops set
 * N2D2_CELL_MULTI_INPUT, in which case it receives them separately.
 *
 * Gradients: backward writes d(loss)/d(input) into grad_inputs[i] when it is
 * non-NULL. When accumulate[i] is non-zero the cell must ADD to the tensor
 * (another consumer wrote it first); otherwise it overwrites it.
 *
 * Learnable tensors declared with n2d2_cell_declare_param() are saved,
 * loaded, counted by --dry-run and updated by the kernel's solver for the
 * cell (unless the cell provides its own `update`).
 */
#ifndef N2D2_CELL_H
#define N2D2_CELL_H

#include <stddef.h>
#include <stdint.h>
#include "n2d2/export.h"
#include "n2d2/status.h"
#include "n2d2/tensor.h"
#include "n2d2/params.h"
#include "n2d2/rng.h"
#include "n2d2/registry.h"

N2D2_BEGIN_DECLS

typedef struct n2d2_cell n2d2_cell;

enum {
    N2D2_CELL_MULTI_INPUT = 1u << 0, /* receive inputs separately */
    N2D2_CELL_NO_INPUT_GRAD = 1u << 1 /* never computes input gradients */
};

typedef struct n2d2_cell_ops {
    uint32_t struct_size; /* sizeof(n2d2_cell_ops) */
    uint32_t flags;
    n2d2_status (*create)(n2d2_cell *cell, const n2d2_params *params, void **state);
    n2d2_status (*infer)(n2d2_cell *cell, void *state, const n2d2_shape *inputs,
                         size_t n_inputs, n2d2_shape *output);
    n2d2_status (*initialize)(n2d2_cell *cell, void *state);
    n2d2_status (*reserve)(n2d2_cell *cell, void *state, size_t batch_size); /* optional */
    n2d2_status (*forward)(n2d2_cell *cell, void *state, const n2d2_tensor *const *inputs,
                           size_t n_inputs, n2d2_tensor *output, int training);
    n2d2_status (*backward)(n2d2_cell *cell, void *state, const n2d2_tensor *const *inputs,
                            size_t n_inputs, const n2d2_tensor *output,
                            const n2d2_tensor *grad_output, n2d2_tensor *const *grad_inputs,
                            const int *accumulate);
    n2d2_status (*update)(n2d2_cell *cell, void *state); /* optional */
    void (*destroy)(void *state);
    /* optional: multiply-accumulates per sample for --dry-run and stats */
    uint64_t (*macs)(n2d2_cell *cell, void *state);
    /* optional: fold y' = scale[o] y + shift[o] per output channel o into
     * the parameters (BatchNorm fusion, -fuse); a cell without bias gains
     * one. n is the number of output channels. Taken from the reserved
     * slots so the table keeps its size. */
    n2d2_status (*fold_affine)(n2d2_cell *cell, void *state, const double *scale,
                               const double *shift, size_t n);
    /* optional: the number of free learnable values when some declared
     * values are structurally zero (a Conv's explicit Mapping keeps dense
     * weights with unconnected kernels at zero) or borrowed from another
     * cell (WeightsSharing); by default every value of the tensors
     * declared with a gradient counts (--dry-run, stats). */
    uint64_t (*param_count)(n2d2_cell *cell, void *state);
    void *reserved[6];
} n2d2_cell_ops;

/* ---- what a cell may ask the kernel about itself ---- */
N2D2_API const char *n2d2_cell_name(const n2d2_cell *cell);
N2D2_API const char *n2d2_cell_type(const n2d2_cell *cell);
N2D2_API const char *n2d2_cell_model(const n2d2_cell *cell);
/* "model.ini:12" of the section header, for messages. */
N2D2_API const char *n2d2_cell_where(const n2d2_cell *cell);
N2D2_API n2d2_dtype n2d2_cell_dtype(const n2d2_cell *cell);
N2D2_API const n2d2_params *n2d2_cell_params(const n2d2_cell *cell);
N2D2_API const n2d2_registry *n2d2_cell_registry(const n2d2_cell *cell);
/* The stream for `purpose`, private to this cell and derived from the run
 * seed and the cell name (stable when other cells are added). */
N2D2_API n2d2_rng *n2d2_cell_rng(n2d2_cell *cell, n2d2_rng_purpose purpose);
N2D2_API size_t n2d2_cell_input_count(const n2d2_cell *cell);
N2D2_API const char *n2d2_cell_input_name(const n2d2_cell *cell, size_t i);
/* Items of the current batch that hold real stimuli: the last batch of an
 * epoch is padded to the allocated size, and cells whose result mixes the
 * items (BatchNorm's batch statistics) must leave the padding out. Equal to
 * `allocated` (the tensors' first dimension) when every item is real. */
N2D2_API size_t n2d2_cell_active_batch(const n2d2_cell *cell, size_t allocated);
/* Per-sample shapes, valid after infer. */
N2D2_API const n2d2_shape *n2d2_cell_input_shape(const n2d2_cell *cell, size_t i);
N2D2_API const n2d2_shape *n2d2_cell_output_shape(const n2d2_cell *cell);

/* Declare a parameter tensor (weights, biases, running statistics...). The
 * kernel retains `value` and `grad`. `grad` is NULL for state that is not
 * learned (running means): it is saved and loaded but not counted as a
 * parameter nor updated. `solver` names the INI prefix of the solver that
 * updates it ("WeightsSolver", "BiasSolver", "ScaleSolver"...; `Solvers.*`
 * keys apply to all), or NULL when the cell updates it itself. Names are
 * unique per cell. */
N2D2_API n2d2_status n2d2_cell_declare_param(n2d2_cell *cell, const char *name,
                                             n2d2_tensor *value, n2d2_tensor *grad,
                                             const char *solver);
/* A tensor another cell declared, for parameter sharing (WeightsSharing=
 * names that cell; `key` is the INI key, for messages): `other` must be a
 * cell of the same graph placed before this one in the topological order
 * (so it is initialized) and must have declared `param`. Errors name this
 * cell's section, the key, and the closest cell names for unknown ones.
 * *value and *grad (may be NULL) are borrowed; retain what you keep. */
N2D2_API n2d2_status n2d2_cell_shared_param(n2d2_cell *cell, const char *key, const char *other,
                                            const char *param, n2d2_tensor **value,
                                            n2d2_tensor **grad);
N2D2_API const char *n2d2_cell_param_solver(const n2d2_cell *cell, size_t i);
N2D2_API size_t n2d2_cell_param_count(const n2d2_cell *cell);
N2D2_API const char *n2d2_cell_param_name(const n2d2_cell *cell, size_t i);
N2D2_API n2d2_tensor *n2d2_cell_param_value(const n2d2_cell *cell, size_t i);
N2D2_API n2d2_tensor *n2d2_cell_param_grad(const n2d2_cell *cell, size_t i);

/* A cell whose backward takes grad_output to be (y - t) of a built-in loss
 * rather than d(loss)/dy (Softmax with WithLoss=1) says so in create(), so
 * that gradient checking (-check) uses that loss. */
typedef enum n2d2_output_loss {
    N2D2_LOSS_NONE = 0,
    N2D2_LOSS_SOFTMAX_CROSS_ENTROPY = 1, /* over channels */
    N2D2_LOSS_LOGISTIC_CROSS_ENTROPY = 2 /* per element */
} n2d2_output_loss;
N2D2_API void n2d2_cell_set_output_loss(n2d2_cell *cell, n2d2_output_loss loss);

/* Error at the cell's section (file:line) — `return n2d2_cell_error(...)`. */
N2D2_API n2d2_status n2d2_cell_error(const n2d2_cell *cell, n2d2_status code, const char *fmt,
                                     ...) N2D2_PRINTF(3, 4);

N2D2_END_DECLS

#endif
