/* State of a Frame FMP (fractional max pooling) cell, shared by fmp.c
 * (parameters, shapes), fmp_regions.c (region draws) and fmp_kernels.c
 * (arithmetic). */
#ifndef N2D2_CELL_FMP_H
#define N2D2_CELL_FMP_H

#include <stddef.h>
#include <stdint.h>

#include "n2d2/n2d2.h"

#include "../common/mapping.h"

/* Pooling regions along one axis: output i pools input positions
 * start[i] .. stop[i] (inclusive). */
typedef struct fmp_axis {
    size_t *start, *stop;
} fmp_axis;

typedef struct fmp_state {
    size_t nb_outputs;
    double ratio;
    int overlapping, pseudo_random;
    size_t channels, height, width, out_h, out_w;
    n2d2_cells_mapping map;
    size_t *chan_start, *chans; /* CSR of the map by output */
    fmp_axis fixed_x, fixed_y;  /* inference regions, drawn once */
    fmp_axis train_x, train_y;  /* drawn again at each learning forward */
    int fixed_drawn;
    int32_t *argmax;            /* per output element: flat input index in the sample */
    size_t argmax_cap;
    int argmax_valid;
} fmp_state;

/* Region boundaries ("grid" of Graham 2014, as N2D2 draws them): grid[i]
 * is where output i's region ends, grid[-1] = 0.
 * Pseudo-random: grid[i] = ceil(alpha (i + u)), alpha = in / out, u in
 * (0, 1). Random: a shuffled sequence of steps floor(alpha) and
 * floor(alpha) + 1 summing to `in`. */
void n2d2_fmp_grid_pseudo(size_t in, size_t out, double u, size_t *grid);
void n2d2_fmp_grid_random(size_t in, size_t out, n2d2_rng *rng, size_t *grid);
/* Regions from a grid: [grid[i-1], grid[i]] when overlapping, else
 * [grid[i-1], grid[i] - 1]; the last region ends at in - 1, and every
 * bound is clamped into [0, in - 1]. */
void n2d2_fmp_regions(const size_t *grid, size_t in, size_t out, int overlapping, fmp_axis *axis);
/* Draw the regions of one axis with `rng` (grid scratch of `out` items). */
void n2d2_fmp_draw(const fmp_state *s, size_t in, size_t out, n2d2_rng *rng, size_t *grid,
                   fmp_axis *axis);

void n2d2_fmp_forward_f32(const fmp_state *s, const fmp_axis *ax, const fmp_axis *ay,
                          const float *x, float *y, size_t batch, int32_t *argmax);
void n2d2_fmp_forward_f64(const fmp_state *s, const fmp_axis *ax, const fmp_axis *ay,
                          const double *x, double *y, size_t batch, int32_t *argmax);
void n2d2_fmp_backward_f32(const fmp_state *s, const float *dy, float *dx, int accumulate,
                           size_t batch);
void n2d2_fmp_backward_f64(const fmp_state *s, const double *dy, double *dx, int accumulate,
                           size_t batch);

#endif
