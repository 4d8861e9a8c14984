/* BackPropagate / BackPropagation (see backprop.h). */
#include "backprop.h"

n2d2_status n2d2_cells_read_back_propagate(const n2d2_params *p, int *out)
{
    const int a = n2d2_params_bool(p, "BackPropagate"), b = n2d2_params_bool(p, "BackPropagation");
    const int has_a = n2d2_params_given(p, "BackPropagate");
    if (has_a && n2d2_params_given(p, "BackPropagation") && a != b)
        return n2d2_params_error(p, "BackPropagation", N2D2_ERR_INVAL, "contradicts BackPropagate (%s)",
                                 n2d2_params_where(p, "BackPropagate"));
    *out = has_a ? a : b;
    return N2D2_OK;
}
