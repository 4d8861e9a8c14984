/* Gradient copies and NbOutputs checks of the data-movement cells (see
 * copy.h). */
#include "copy.h"

#include <string.h>

#include "cells_common.h"

#define COPY_OR_ADD(REAL)                                                                         \
    do {                                                                                          \
        REAL *d = dst;                                                                            \
        const REAL *s = src;                                                                      \
        N2D2_CELLS_PRAGMA(omp parallel for schedule(static) if(n >= 65536))                       \
        for (size_t i = 0; i < n; ++i)                                                            \
            d[i] += s[i];                                                                         \
    } while (0)

void n2d2_cells_copy_or_add(void *dst, const void *src, size_t n, n2d2_dtype dt, int add)
{
    if (!add) {
        if (dst != src)
            memcpy(dst, src, n * n2d2_dtype_size(dt));
        return;
    }
    if (dt == N2D2_FLOAT64)
        COPY_OR_ADD(double);
    else
        COPY_OR_ADD(float);
}

void n2d2_cells_copy_tensor(n2d2_tensor *dst, const n2d2_tensor *src)
{
    if (n2d2_tensor_cdata(src) != n2d2_tensor_data(dst))
        memcpy(n2d2_tensor_data(dst), n2d2_tensor_cdata(src), n2d2_tensor_nbytes(dst));
}

n2d2_status n2d2_cells_check_nb_outputs(const n2d2_cell *cell, size_t channels)
{
    const n2d2_params *p = n2d2_cell_params(cell);
    if (!n2d2_params_given(p, "NbOutputs"))
        return N2D2_OK;
    uint64_t nb = n2d2_params_uint(p, "NbOutputs");
    if (nb == channels)
        return N2D2_OK;
    return n2d2_params_error(p, "NbOutputs", N2D2_ERR_SHAPE,
                             "%llu, but [%s] has %zu output channels: they must be equal",
                             (unsigned long long)nb, n2d2_cell_name(cell), channels);
}
