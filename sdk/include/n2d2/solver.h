/* n2d2/solver.h — parameter update plugins (`Solvers=SGD`, `WeightsSolver=Adam`).
 *
 * Every tensor a cell declares with a solver prefix (see
 * n2d2_cell_declare_param) gets its own solver instance, created by the
 * kernel on first update. The type comes from the key `<prefix>` (e.g.
 * `WeightsSolver=Adam`), else `Solvers`, else SGD; options from
 * `<prefix>.Key`, else `Solvers.Key` (N2D2's precedence), in the cell's
 * section then its ConfigSection(s). Solvers are registered per model
 * (`Frame`, `Frame_CUDA`) like cells.
 */
#ifndef N2D2_SOLVER_H
#define N2D2_SOLVER_H

#include <stddef.h>
#include <stdint.h>
#include "n2d2/export.h"
#include "n2d2/status.h"
#include "n2d2/tensor.h"
#include "n2d2/params.h"

N2D2_BEGIN_DECLS

typedef struct n2d2_solver_context {
    uint32_t struct_size;
    size_t batch_size;      /* stimuli in the batch whose gradient is given */
    uint64_t iteration;     /* updates done before this one */
    uint64_t stimuli_seen;  /* learning stimuli presented before this batch */
    uint64_t epoch_size;    /* learning stimuli per epoch (0 if unknown) */
    void *reserved[4];
} n2d2_solver_context;

/* One piece of a solver's memory (momentum buffer, step counter...), saved
 * in checkpoints and restored by `-l` byte for byte. */
typedef struct n2d2_state_field {
    const char *name;
    void *data;
    size_t bytes;
} n2d2_state_field;

typedef struct n2d2_solver_ops {
    uint32_t struct_size;
    n2d2_status (*create)(const n2d2_params *params, const n2d2_tensor *value, void **state);
    /* `grad` is the sum over the batch of d(loss)/d(value) */
    n2d2_status (*update)(void *state, n2d2_tensor *value, const n2d2_tensor *grad,
                          const n2d2_solver_context *ctx);
    /* optional: current learning rate, for logs */
    double (*learning_rate)(void *state, const n2d2_solver_context *ctx);
    void (*destroy)(void *state);
    /* optional: the fields that make up the state (up to max; returns how
     * many). A solver without it restarts from zero when a run resumes. */
    size_t (*state_fields)(void *state, n2d2_state_field *fields, size_t max);
    void *reserved[3];
} n2d2_solver_ops;

N2D2_END_DECLS

#endif
