/* Kernel-internal layout of graphs and cells, shared by graph.c (building),
 * cell.c (the API cells call) and scheduler.c (running). Not installed. */
#ifndef N2D2_GRAPH_IMPL_H
#define N2D2_GRAPH_IMPL_H

#include "n2d2/graph.h"
#include "n2d2/activation.h"
#include "n2d2/solver.h"

#define N2D2_STIMULI_INDEX ((size_t)-1)

typedef struct cell_solver {
    const n2d2_feature *feature; /* NULL: the cell updates this tensor */
    n2d2_params *params;
    void *state;                 /* created on first update */
    int created;
} cell_solver;

typedef struct cell_param {
    char *name;
    n2d2_tensor *value;
    n2d2_tensor *grad; /* NULL for non-learned state */
    char *solver;      /* INI solver prefix, or NULL */
    cell_solver update;
} cell_param;

struct n2d2_cell {
    n2d2_graph *graph;
    char *name;
    char *type;
    char *model;
    n2d2_ini_section *section;
    const n2d2_feature *feature;
    const n2d2_cell_ops *ops;
    n2d2_dtype dtype;
    n2d2_params *common;    /* Type, Input, Model, DataType, ConfigSection */
    n2d2_params *params;    /* the feature's own schema */
    void *state;
    int created;

    size_t n_inputs;
    char **input_names;
    size_t *input_index;    /* topological index, or N2D2_STIMULI_INDEX */
    n2d2_shape *input_shapes;
    n2d2_shape concat_shape; /* when inputs are concatenated */
    int concatenates;
    n2d2_shape output_shape;
    n2d2_output_loss output_loss;

    cell_param *learnables;
    size_t n_learnables;
    n2d2_rng rng[N2D2_RNG_PURPOSE_COUNT];

    /* ActivationFunction applied by the kernel (cell_activation.c) */
    const n2d2_activation_ops *activation;
    void *activation_state;
    uint32_t activation_flags;
    n2d2_params *activation_params;
    size_t n_consumers;

    /* run-time buffers (scheduler.c) */
    n2d2_tensor *output;
    n2d2_tensor *grad;
    n2d2_tensor *concat_input;
    n2d2_tensor *concat_grad;
    n2d2_tensor *pre_activation; /* only for N2D2_ACTIVATION_NEEDS_INPUT */
    int grad_written;
};

struct n2d2_graph {
    n2d2_ini *ini;
    const n2d2_registry *reg;
    n2d2_graph_options options;
    char *input_section;
    n2d2_params *input_params;
    n2d2_params *global_params;
    n2d2_shape input_shape;
    size_t batch_size;
    char *default_model;
    n2d2_dtype default_dtype;

    n2d2_cell **cells;      /* topological order */
    size_t n_cells;
    n2d2_cell **outputs;
    size_t n_outputs;

    n2d2_tensor *input;
    n2d2_tensor *input_grad;
    int want_input_grad;
    size_t allocated_batch;
    int allocated_training;
    n2d2_tensor **output_grads;
    int warned_cuda_fallback;
    size_t activation_bytes;  /* cell outputs allocated by the last allocate */
    uint64_t iterations;      /* updates done */
    size_t active_batch;      /* valid items of the last batch (0 = all) */
    uint64_t stimuli_seen;
    uint64_t epoch_size;
    struct graph_imports *imports; /* graph_import.c: importer sections */
};

void n2d2_cell_free(n2d2_cell *cell);
/* memplan.c: inference outputs sharing buffers (sets every cell->output). */
n2d2_status n2d2_memplan_outputs(n2d2_graph *g, size_t batch);
/* cell_activation.c */
n2d2_status n2d2_cell_setup_activation(n2d2_cell *cell);
n2d2_status n2d2_cell_activation_forward(n2d2_cell *cell, int training);
n2d2_status n2d2_cell_activation_backward(n2d2_cell *cell);
void n2d2_cell_free_activation(n2d2_cell *cell);
/* cell_solver.c */
n2d2_status n2d2_cell_setup_solvers(n2d2_cell *cell);
n2d2_status n2d2_cell_run_solvers(n2d2_cell *cell, const n2d2_solver_context *ctx);
/* Create the solver of a declared parameter if not done yet. */
n2d2_status n2d2_cell_solver_ready(n2d2_cell *cell, cell_param *param);
void n2d2_cell_free_solvers(n2d2_cell *cell);
void n2d2_graph_release_buffers(n2d2_graph *g);

/* graph_wiring.c: appends the input of the Pool named by an Unpool's
 * ArgMax= to that Unpool's inputs (see the file). */
n2d2_status n2d2_graph_wire_argmax(n2d2_graph *g);

#endif
