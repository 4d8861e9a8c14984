/* n2d2_cells_fill with a cell-specific default normal distribution: Rbf's
 * centres default to NormalFiller(0.5, 0.05) and its scalings to
 * NormalFiller(10.0, 0.05), where fill.h's helper has mean 0. As there:
 * when `<key>=` is absent the cell draws N(Mean, StdDev) from its filler
 * stream (`<key>.Mean` / `<key>.StdDev` override the defaults given here);
 * when present, the named filler plugin runs with its own options. */
#ifndef N2D2_CELLS_FILL_NORMAL_H
#define N2D2_CELLS_FILL_NORMAL_H

#include <stddef.h>

#include "n2d2/n2d2.h"

n2d2_status n2d2_cells_fill_normal(n2d2_cell *cell, const char *key, n2d2_tensor *tensor,
                                   size_t fan_in, size_t fan_out, double mean, double stddev);

#endif
