/* NbOutputs = input channels (see channels.h). */
#include "channels.h"

n2d2_status n2d2_cells_check_same_channels(const n2d2_cell *cell, size_t channels)
{
    const n2d2_params *p = n2d2_cell_params(cell);
    const size_t nb = (size_t)n2d2_params_uint(p, "NbOutputs");
    if (nb == channels)
        return N2D2_OK;
    return n2d2_params_error(p, "NbOutputs", N2D2_ERR_SHAPE,
                             "NbOutputs=%zu but the input of [%s] has %zu channels: a %s layer keeps "
                             "the channels of its input",
                             nb, n2d2_cell_name(cell), channels, n2d2_cell_type(cell));
}
