/* Data movement shared by the cells that rearrange values without
 * arithmetic (Activation, Reshape, Padding, Transpose...): a gradient is
 * written, or added when the kernel asks to accumulate (another consumer of
 * the same input wrote it first). Float32 and Float64 only. */
#ifndef N2D2_CELLS_COPY_H
#define N2D2_CELLS_COPY_H

#include <stddef.h>

#include "n2d2/n2d2.h"

/* dst[i] = src[i] (add == 0) or dst[i] += src[i], for n values of type dt.
 * dst == src with add == 0 does nothing. Large arrays are split over OpenMP
 * threads. */
void n2d2_cells_copy_or_add(void *dst, const void *src, size_t n, n2d2_dtype dt, int add);

/* Output = input when they are distinct buffers (forward of a cell whose
 * output holds the same values as its input). */
void n2d2_cells_copy_tensor(n2d2_tensor *dst, const n2d2_tensor *src);

/* The input must have as many channels as NbOutputs when the key is given
 * (cells whose output channels are those of the input). */
n2d2_status n2d2_cells_check_nb_outputs(const n2d2_cell *cell, size_t channels);

#endif
