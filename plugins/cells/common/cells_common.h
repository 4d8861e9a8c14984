/* Helpers shared by the Frame (CPU) cell plugins: threading, scratch
 * buffers, data-type checks and the handling of keys that a Frame cell
 * declares but cannot honour (Spike-only keys, unimplemented options).
 * Linked statically into each plugin; nothing here is exported. */
#ifndef N2D2_CELLS_COMMON_H
#define N2D2_CELLS_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "n2d2/n2d2.h"

#define N2D2_CELLS_COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

/* OpenMP pragmas that vanish (without -Wunknown-pragmas noise) when the
 * compiler has no OpenMP. */
#ifdef _OPENMP
#define N2D2_CELLS_PRAGMA(x) _Pragma(#x)
#else
#define N2D2_CELLS_PRAGMA(x)
#endif
#define N2D2_CELLS_OMP_FOR N2D2_CELLS_PRAGMA(omp parallel for schedule(static))

/* Threads an OpenMP parallel region will use, and the caller's index in it. */
int n2d2_cells_max_threads(void);
int n2d2_cells_thread_index(void);
/* 1 inside an active OpenMP parallel region. */
int n2d2_cells_in_parallel(void);

/* Grow a 64-byte aligned scratch buffer to at least `bytes` (contents are
 * not kept). Never shrinks, so steady-state batches allocate nothing. */
n2d2_status n2d2_cells_scratch(void **buffer, size_t *capacity, size_t bytes);
void n2d2_cells_scratch_free(void **buffer, size_t *capacity);

/* Grow the argmax index buffer of a Max pooling-like cell (Pool, Unpool,
 * FMP) to at least `need` entries; when it grows, its contents are lost
 * and *valid (a training forward filled it) is reset. */
n2d2_status n2d2_cells_reserve_argmax(int32_t **argmax, size_t *capacity, int *valid,
                                      size_t need);

/* The cell computes in Float32 or Float64 only. */
n2d2_status n2d2_cells_check_dtype(const n2d2_cell *cell);
/* Every input must have the cell's data type (a cell with DataType=Float64
 * fed by the Float32 stimuli is refused with a clear message). */
n2d2_status n2d2_cells_check_inputs(const n2d2_cell *cell, const n2d2_tensor *const *inputs,
                                    size_t n_inputs, const n2d2_tensor *output);

/* Error when any of `names` was written in the INI: they belong to Spike
 * models, which these Frame plugins do not simulate. */
n2d2_status n2d2_cells_reject_spike_keys(const n2d2_cell *cell, const n2d2_params *p,
                                         const char *const *names, size_t n);
/* Error "not implemented yet" when `name` was given with a value other
 * than `neutral` (compared as text after trimming; NULL = any value). */
n2d2_status n2d2_cells_reject_unimplemented(const n2d2_params *p, const char *name,
                                            const char *neutral, const char *what);

/* Input gradient when the cell does not back-propagate (BackPropagate=0):
 * the kernel counts grad_inputs[i] as written, so overwrite it with zeros
 * unless it is being accumulated. */
void n2d2_cells_zero_unless_accumulate(n2d2_tensor *const *grad_inputs, const int *accumulate,
                                       size_t n);

/* Spike-only keys of the manual's Conv (22.7.2) and Fc (22.12.2) tables,
 * with the Fc spellings (A39) after the Conv ones. */
extern const char *const n2d2_cells_spike_keys[];
extern const size_t n2d2_cells_spike_key_count;

/* Schema rows for the Spike-only keys (help says they are refused). */
#define N2D2_CELLS_SPIKE_SPEC(name, dflt, models)                                              \
    {name, N2D2_PARAM_STRING, dflt, NULL, 0, 0, 0,                                            \
     models " only (refused by Frame cells: the Spike simulator is not implemented yet)"}

#define N2D2_CELLS_SPIKE_SPECS_COMMON                                                          \
    N2D2_CELLS_SPIKE_SPEC("IncomingDelay", "1 TimePs;100 TimeFs", "Spike models"),            \
    N2D2_CELLS_SPIKE_SPEC("Threshold", "1.0", "Spike, Spike_RRAM"),                            \
    N2D2_CELLS_SPIKE_SPEC("BipolarThreshold", "1", "Spike, Spike_RRAM"),                       \
    N2D2_CELLS_SPIKE_SPEC("Leak", "0.0", "Spike, Spike_RRAM"),                                 \
    N2D2_CELLS_SPIKE_SPEC("Refractory", "0.0", "Spike, Spike_RRAM"),                           \
    N2D2_CELLS_SPIKE_SPEC("WeightsRelInit", "0.0;0.05", "Spike"),                              \
    N2D2_CELLS_SPIKE_SPEC("WeightsMinMean", "1;0.1", "Spike_RRAM"),                            \
    N2D2_CELLS_SPIKE_SPEC("WeightsMaxMean", "100;10.0", "Spike_RRAM"),                         \
    N2D2_CELLS_SPIKE_SPEC("WeightsMinVarSlope", "0.0", "Spike_RRAM"),                          \
    N2D2_CELLS_SPIKE_SPEC("WeightsMinVarOrigin", "0.0", "Spike_RRAM"),                         \
    N2D2_CELLS_SPIKE_SPEC("WeightsMaxVarSlope", "0.0", "Spike_RRAM"),                          \
    N2D2_CELLS_SPIKE_SPEC("WeightsMaxVarOrigin", "0.0", "Spike_RRAM"),                         \
    N2D2_CELLS_SPIKE_SPEC("WeightsSetProba", "1.0", "Spike_RRAM"),                             \
    N2D2_CELLS_SPIKE_SPEC("WeightsResetProba", "1.0", "Spike_RRAM"),                           \
    N2D2_CELLS_SPIKE_SPEC("SynapticRedundancy", "1", "Spike_RRAM"),                            \
    N2D2_CELLS_SPIKE_SPEC("BipolarWeights", "0", "Spike_RRAM"),                                \
    N2D2_CELLS_SPIKE_SPEC("BipolarIntegration", "0", "Spike_RRAM"),                            \
    N2D2_CELLS_SPIKE_SPEC("LtpProba", "0.2", "Spike_RRAM"),                                    \
    N2D2_CELLS_SPIKE_SPEC("LtdProba", "0.1", "Spike_RRAM"),                                    \
    N2D2_CELLS_SPIKE_SPEC("Stdpltp", "1000 TimePs", "Spike_RRAM"),                             \
    N2D2_CELLS_SPIKE_SPEC("InhibitRefractory", "0 TimePs", "Spike_RRAM"),                      \
    N2D2_CELLS_SPIKE_SPEC("EnableStdpltp", "1", "Spike_RRAM"),                                 \
    N2D2_CELLS_SPIKE_SPEC("RefractoryIntegration", "1", "Spike_RRAM"),                         \
    N2D2_CELLS_SPIKE_SPEC("DigitalIntegration", "0", "Spike_RRAM")

/* Fc adds TerminateDelta and its own spellings of four RRAM keys (A39). */
#define N2D2_CELLS_SPIKE_SPECS_FC_EXTRA                                                        \
    N2D2_CELLS_SPIKE_SPEC("TerminateDelta", "0", "Spike, Spike_RRAM"),                         \
    N2D2_CELLS_SPIKE_SPEC("WeightsMinVarOffset", "0.0", "Spike_RRAM (Fc spelling)"),           \
    N2D2_CELLS_SPIKE_SPEC("WeightsMaxVarOffset", "0.0", "Spike_RRAM (Fc spelling)"),           \
    N2D2_CELLS_SPIKE_SPEC("WeightsSetProb", "1.0", "Spike_RRAM (Fc spelling)"),                \
    N2D2_CELLS_SPIKE_SPEC("WeightsResetProb", "1.0", "Spike_RRAM (Fc spelling)")

/* Solver type keys: read by the kernel for every declared parameter; listed
 * here so that --describe shows them. Options go under `<key>.` (e.g.
 * WeightsSolver.LearningRate) and are validated by the solver's schema. */
#define N2D2_CELLS_SOLVER_SPECS                                                                \
    {"Solvers", N2D2_PARAM_STRING, "SGD", NULL, 0, 0, 0,                                      \
     "solver type of every parameter; options as Solvers.<key>"},                              \
    {"WeightsSolver", N2D2_PARAM_STRING, NULL, NULL, 0, 0, 0,                                 \
     "weights solver type [Solvers]; options as WeightsSolver.<key> (take precedence)"},       \
    {"BiasSolver", N2D2_PARAM_STRING, NULL, NULL, 0, 0, 0,                                    \
     "bias solver type [Solvers]; options as BiasSolver.<key> (take precedence)"}

#endif
