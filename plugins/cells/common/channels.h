/* Check shared by the cells whose output has their input's channels
 * (LRN, Normalize, Resize, Threshold): NbOutputs must equal them. */
#ifndef N2D2_CELLS_CHANNELS_H
#define N2D2_CELLS_CHANNELS_H

#include <stddef.h>

#include "n2d2/n2d2.h"

/* Error at NbOutputs's file:line when it differs from `channels`. */
n2d2_status n2d2_cells_check_same_channels(const n2d2_cell *cell, size_t channels);

#endif
