/* Shared helpers of the Frame cell plugins (see cells_common.h). */
#include "cells_common.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#ifdef _OPENMP
#include <omp.h>
#endif

int n2d2_cells_max_threads(void)
{
#ifdef _OPENMP
    return omp_get_max_threads();
#else
    return 1;
#endif
}

int n2d2_cells_thread_index(void)
{
#ifdef _OPENMP
    return omp_get_thread_num();
#else
    return 0;
#endif
}

int n2d2_cells_in_parallel(void)
{
#ifdef _OPENMP
    return omp_in_parallel();
#else
    return 0;
#endif
}

n2d2_status n2d2_cells_scratch(void **buffer, size_t *capacity, size_t bytes)
{
    if (bytes <= *capacity && *buffer)
        return N2D2_OK;
    size_t rounded = (bytes + 63) / 64 * 64;
    if (rounded == 0)
        rounded = 64;
    void *p = aligned_alloc(64, rounded); /* C11; size is a multiple of 64 */
    if (!p)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory (%zu bytes of cell scratch)", rounded);
    free(*buffer);
    *buffer = p;
    *capacity = rounded;
    return N2D2_OK;
}

n2d2_status n2d2_cells_reserve_argmax(int32_t **argmax, size_t *capacity, int *valid,
                                      size_t need)
{
    if (need <= *capacity)
        return N2D2_OK;
    int32_t *grown = realloc(*argmax, need * sizeof *grown);
    if (!grown)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    *argmax = grown;
    *capacity = need;
    *valid = 0;
    return N2D2_OK;
}

void n2d2_cells_scratch_free(void **buffer, size_t *capacity)
{
    free(*buffer);
    *buffer = NULL;
    *capacity = 0;
}

n2d2_status n2d2_cells_check_dtype(const n2d2_cell *cell)
{
    n2d2_dtype dt = n2d2_cell_dtype(cell);
    if (dt == N2D2_FLOAT32 || dt == N2D2_FLOAT64)
        return N2D2_OK;
    return n2d2_cell_error(cell, N2D2_ERR_NOT_IMPLEMENTED,
                           "DataType=%s is not implemented yet for model %s (Float32 and Float64 are)",
                           n2d2_dtype_name(dt), n2d2_cell_model(cell));
}

n2d2_status n2d2_cells_check_inputs(const n2d2_cell *cell, const n2d2_tensor *const *inputs,
                                    size_t n_inputs, const n2d2_tensor *output)
{
    n2d2_dtype dt = n2d2_tensor_dtype(output);
    for (size_t i = 0; i < n_inputs; ++i)
        if (n2d2_tensor_dtype(inputs[i]) != dt)
            return n2d2_cell_error(cell, N2D2_ERR_NOT_IMPLEMENTED,
                                   "input %zu is %s but the cell computes in %s: converting data "
                                   "types between cells is not implemented yet (set "
                                   "DefaultDataType=%s)",
                                   i, n2d2_dtype_name(n2d2_tensor_dtype(inputs[i])),
                                   n2d2_dtype_name(dt), n2d2_dtype_name(dt));
    return N2D2_OK;
}

n2d2_status n2d2_cells_reject_spike_keys(const n2d2_cell *cell, const n2d2_params *p,
                                         const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; ++i)
        if (n2d2_params_given(p, names[i]))
            return n2d2_params_error(p, names[i], N2D2_ERR_UNSUPPORTED,
                                     "applies to Spike models only, but [%s] runs model %s (the "
                                     "Spike simulator is not implemented yet); remove the key",
                                     n2d2_cell_name(cell), n2d2_cell_model(cell));
    return N2D2_OK;
}

/* Compare two values ignoring surrounding blanks. */
static int same_text(const char *a, const char *b)
{
    while (isspace((unsigned char)*a))
        ++a;
    while (isspace((unsigned char)*b))
        ++b;
    size_t la = strlen(a), lb = strlen(b);
    while (la && isspace((unsigned char)a[la - 1]))
        --la;
    while (lb && isspace((unsigned char)b[lb - 1]))
        --lb;
    return la == lb && strncmp(a, b, la) == 0;
}

n2d2_status n2d2_cells_reject_unimplemented(const n2d2_params *p, const char *name,
                                            const char *neutral, const char *what)
{
    if (!n2d2_params_given(p, name))
        return N2D2_OK;
    const char *v = n2d2_params_string(p, name);
    if (neutral && v && same_text(v, neutral))
        return N2D2_OK;
    return n2d2_params_error(p, name, N2D2_ERR_NOT_IMPLEMENTED, "%s is not implemented yet", what);
}

void n2d2_cells_zero_unless_accumulate(n2d2_tensor *const *grad_inputs, const int *accumulate,
                                       size_t n)
{
    for (size_t i = 0; i < n; ++i)
        if (grad_inputs[i] && !accumulate[i])
            n2d2_tensor_zero(grad_inputs[i]);
}

const char *const n2d2_cells_spike_keys[] = {
    "IncomingDelay", "Threshold", "BipolarThreshold", "Leak", "Refractory", "WeightsRelInit",
    "WeightsMinMean", "WeightsMaxMean", "WeightsMinVarSlope", "WeightsMinVarOrigin",
    "WeightsMaxVarSlope", "WeightsMaxVarOrigin", "WeightsSetProba", "WeightsResetProba",
    "SynapticRedundancy", "BipolarWeights", "BipolarIntegration", "LtpProba", "LtdProba",
    "Stdpltp", "InhibitRefractory", "EnableStdpltp", "RefractoryIntegration",
    "DigitalIntegration", "TerminateDelta", "WeightsMinVarOffset", "WeightsMaxVarOffset",
    "WeightsSetProb", "WeightsResetProb",
};
const size_t n2d2_cells_spike_key_count = N2D2_CELLS_COUNT_OF(n2d2_cells_spike_keys);
