/* BackPropagate and its Deconv spelling BackPropagation (A44), shared by
 * the cells that may stop the gradient at their input. */
#ifndef N2D2_CELLS_BACKPROP_H
#define N2D2_CELLS_BACKPROP_H

#include "n2d2/n2d2.h"

/* *out = the given key's value (1 when neither is given); both given with
 * different values is an error at BackPropagation's file:line. */
n2d2_status n2d2_cells_read_back_propagate(const n2d2_params *p, int *out);

#define N2D2_CELLS_BACKPROP_SPECS                                                              \
    {"BackPropagate", N2D2_PARAM_BOOL, "1", NULL, 0, 0, 0,                                    \
     "propagate the gradient to the input (0: the input gradient is zero)"},                   \
    {"BackPropagation", N2D2_PARAM_BOOL, "1", NULL, 0, 0, 0, "alias of BackPropagate (A44)"}

#endif
