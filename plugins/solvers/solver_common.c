/* Argument checks and buffers shared by the solvers. */
#include <stdlib.h>
#include <string.h>

#include "solver_util.h"

n2d2_status n2d2_solver_check(const char *who, const n2d2_tensor *value, const n2d2_tensor *grad,
                              n2d2_dtype dtype, size_t n)
{
    if (!value || !grad)
        return n2d2_error(N2D2_ERR_INVAL, "%s: missing value or gradient tensor", who);
    if (n2d2_tensor_dtype(value) != dtype || n2d2_tensor_dtype(grad) != dtype)
        return n2d2_error(N2D2_ERR_INVAL, "%s: value and gradient must be %s (got %s and %s)", who,
                          n2d2_dtype_name(dtype), n2d2_dtype_name(n2d2_tensor_dtype(value)),
                          n2d2_dtype_name(n2d2_tensor_dtype(grad)));
    if (n2d2_tensor_numel(value) != n || n2d2_tensor_numel(grad) != n)
        return n2d2_error(N2D2_ERR_SHAPE, "%s: expected %zu elements, got value %zu and gradient %zu",
                          who, n, n2d2_tensor_numel(value), n2d2_tensor_numel(grad));
    return N2D2_OK;
}

n2d2_status n2d2_solver_buffer(n2d2_dtype dtype, size_t n, void **out)
{
    size_t elem = dtype == N2D2_FLOAT32 ? sizeof(float) : sizeof(double);
    *out = calloc(n ? n : 1, elem);
    if (!*out)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory for a solver buffer of %zu elements", n);
    return N2D2_OK;
}
